"""Identifiers as written in the wild, normalised: arXiv ids, DOIs and page ranges.

Pure functions of one string each; the arXiv vocabulary (archives, the arXiv DOI prefix) lives in
:mod:`effllm_bib.vocab`.
"""

from __future__ import annotations

import re

# --- arXiv -----------------------------------------------------------------------------------

_NEW_ID = r"(?P<id>\d{4}\.\d{4,5})(?P<version>v\d+)?"
_OLD_ID = r"(?P<oldid>[a-z][a-z.-]*/\d{7})(?P<oldversion>v\d+)?"
_ARXIV_URL = re.compile(
    r"(?:arxiv\.org/(?:abs|pdf|html|format)/|doi\.org/10\.48550/arxiv\.|huggingface\.co/papers/)"
    rf"(?:{_NEW_ID}|{_OLD_ID})",
    re.IGNORECASE,
)
_ARXIV_BARE = re.compile(rf"^(?:arxiv:)?(?:{_NEW_ID}|{_OLD_ID})$", re.IGNORECASE)


def arxiv_id_from_url(url: str) -> str | None:
    """The arXiv identifier (without version) a link points to, or None.

    Understands ``/abs/``, ``/pdf/`` (with or without ``.pdf``), ``/html/``, the arXiv DOI and
    Hugging Face paper pages, with or without ``www.`` and version suffixes.
    """
    m = _ARXIV_URL.search(url)
    if not m:
        return None
    return m.group("id") or m.group("oldid").lower()


def normalize_arxiv_id(value: str) -> str | None:
    """``arXiv:2301.00774v2`` -> ``2301.00774``; None when the value is not an arXiv id."""
    value = value.strip()
    m = _ARXIV_BARE.match(value)
    if m:
        return m.group("id") or m.group("oldid").lower()
    return arxiv_id_from_url(value)


def arxiv_year(arxiv_id: str) -> int | None:
    """The year an arXiv id of the new scheme was issued (``2301.00774`` -> 2023)."""
    m = re.match(r"^(\d{2})\d{2}\.", arxiv_id)
    return 2000 + int(m.group(1)) if m else None


# --- DOI -------------------------------------------------------------------------------------

_DOI = re.compile(r"(10\.\d{4,9}/\S+)", re.IGNORECASE)


def normalize_doi(value: str) -> str | None:
    """Strip ``https://doi.org/``, ``doi:`` and the like; None when no DOI is present."""
    m = _DOI.search(value.strip())
    if not m:
        return None
    return m.group(1).rstrip(".,;")


# --- pages -----------------------------------------------------------------------------------


def normalize_pages(value: str) -> str:
    """A page range with BibTeX's ``--``: ``4582-4597``, ``4582–4597`` -> ``4582--4597``."""
    return re.sub(r"\s*[-\u2010-\u2015\u2212]+\s*", "--", value.strip())
