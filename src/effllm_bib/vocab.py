"""One vocabulary: what makes an entry arXiv, the published entry types, the forms of arXiv links.

check, merge, enrichment and the exporters ask these questions here, so they cannot disagree.
"""

from __future__ import annotations

from typing import Protocol

# Entry types of work that went through a venue (a journal, proceedings, a publisher).
PUBLISHED_TYPES = frozenset({"article", "inproceedings", "incollection", "book"})

# The arXiv DOI (``10.48550/arXiv.2301.00774``), lower-cased for comparison, and the abstract page.
ARXIV_DOI_PREFIX = "10.48550/arxiv."
ARXIV_ABS_URL = "https://arxiv.org/abs/"
# The values of ``archiveprefix`` (BibTeX) and ``eprinttype`` (biblatex) that name arXiv.
ARXIV_ARCHIVES = frozenset({"arxiv"})


class HasFields(Protocol):
    def get(self, name: str, default: str = "") -> str: ...


def arxiv_doi(arxiv_id: str) -> str:
    """The DOI arXiv registers for a paper: ``10.48550/arXiv.2301.00774``."""
    return f"10.48550/arXiv.{arxiv_id}"


def arxiv_url(arxiv_id: str) -> str:
    return f"{ARXIV_ABS_URL}{arxiv_id}"


def is_arxiv_doi(doi: str) -> bool:
    return doi.strip().lower().startswith(ARXIV_DOI_PREFIX)


def eprint_archive(entry: HasFields) -> str:
    """The archive an entry's ``eprint`` belongs to, as written (``archiveprefix`` or
    ``eprinttype``), lower-cased; '' when neither field is given."""
    return (entry.get("archiveprefix") or entry.get("eprinttype")).strip().lower()


def arxiv_id(entry: HasFields, links: bool = False) -> str | None:
    """The entry's arXiv id (no version), or None: the ``eprint`` when the archive is arXiv, or
    when no archive is named and the eprint is an arXiv id. With ``links``, an arXiv DOI or
    URL counts too."""
    from .identifiers import normalize_arxiv_id

    eprint = entry.get("eprint").strip()
    archive = eprint_archive(entry)
    if eprint and (archive in ARXIV_ARCHIVES or not archive):
        aid = normalize_arxiv_id(eprint)
        if aid:
            return aid
    if not links:
        return None
    doi = entry.get("doi").strip()
    # a bare arXiv DOI, or one written as a link or with the ``arXiv:`` prefix
    for candidate in (doi[len(ARXIV_DOI_PREFIX) :] if is_arxiv_doi(doi) else doi, entry.get("url")):
        aid = normalize_arxiv_id(candidate) if candidate else None
        if aid:
            return aid
    return None


def is_arxiv(entry: HasFields) -> bool:
    """Does the entry carry an arXiv id in its ``eprint``?"""
    return arxiv_id(entry) is not None
