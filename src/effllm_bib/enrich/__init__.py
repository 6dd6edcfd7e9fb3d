"""Enrichment: outside services (Crossref, arXiv, DBLP, OpenReview) fill in missing metadata."""
