"""Enrichment: outside services (Crossref, arXiv) fill in missing metadata."""
