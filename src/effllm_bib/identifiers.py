"""Identifiers as written in the wild, normalised: arXiv ids, DOIs and page ranges.

Pure functions of one string each; the arXiv vocabulary (archives, the arXiv DOI prefix) lives in
:mod:`effllm_bib.vocab`.
"""

from __future__ import annotations

import re
from functools import cache

# --- arXiv -----------------------------------------------------------------------------------
# Matched against lower-cased text (an id has no upper-case letters that count; old-style ids are
# given in lower case): without IGNORECASE the patterns compile faster (README, Benchmarks), and
# each is compiled on first use, so that commands that never read an identifier do not pay for it.

_NEW_ID = r"(?P<id>\d{4}\.\d{4,5})(?P<version>v\d+)?"
_OLD_ID = r"(?P<oldid>[a-z][a-z.-]*/\d{7})(?P<oldversion>v\d+)?"


@cache
def _arxiv_url() -> re.Pattern[str]:
    return re.compile(
        r"(?:arxiv\.org/(?:abs|pdf|html|format)/|doi\.org/10\.48550/arxiv\.|huggingface\.co/papers/)"
        rf"(?:{_NEW_ID}|{_OLD_ID})"
    )


@cache
def _arxiv_bare() -> re.Pattern[str]:
    return re.compile(rf"(?:arxiv:)?(?:{_NEW_ID}|{_OLD_ID})")


def arxiv_id_from_url(url: str) -> str | None:
    """The arXiv identifier (without version) a link points to, or None.

    Understands ``/abs/``, ``/pdf/`` (with or without ``.pdf``), ``/html/``, the arXiv DOI and
    Hugging Face paper pages, with or without ``www.`` and version suffixes.
    """
    m = _arxiv_url().search(url.lower())
    if not m:
        return None
    return m.group("id") or m.group("oldid")


def normalize_arxiv_id(value: str) -> str | None:
    """``arXiv:2301.00774v2`` -> ``2301.00774``; None when the value is not an arXiv id."""
    value = value.strip().lower()
    m = _arxiv_bare().fullmatch(value)
    if m:
        return m.group("id") or m.group("oldid")
    return arxiv_id_from_url(value)


def arxiv_year(arxiv_id: str) -> int | None:
    """The year an arXiv id of the new scheme was issued (``2301.00774`` -> 2023)."""
    m = re.match(r"^(\d{2})\d{2}\.", arxiv_id)
    return 2000 + int(m.group(1)) if m else None


# --- DOI -------------------------------------------------------------------------------------


@cache
def _doi() -> re.Pattern[str]:
    return re.compile(r"(10\.\d{4,9}/\S+)")


def normalize_doi(value: str) -> str | None:
    """Strip ``https://doi.org/``, ``doi:`` and the like; None when no DOI is present."""
    m = _doi().search(value.strip())
    if not m:
        return None
    return m.group(1).rstrip(".,;")


# --- links -----------------------------------------------------------------------------------

_TRACKING = ("utm_", "ref", "ref_src", "fbclid", "gclid")  # utm_ is a prefix, the rest names


def _is_tracking(parameter: str) -> bool:
    name = parameter.partition("=")[0].lower()
    return name.startswith(_TRACKING[0]) or name in _TRACKING[1:]


def strip_tracking(url: str) -> str:
    """The link without its tracking parameters (``utm_*``, ``ref``, ``ref_src``, ``fbclid``,
    ``gclid``); every other part is kept as written, in order."""
    head, hash_, fragment = url.partition("#")
    base, question, query = head.partition("?")
    if not question:
        return url
    kept = "&".join(p for p in query.split("&") if p and not _is_tracking(p))
    return f"{base}{'?' if kept else ''}{kept}{hash_}{fragment}"


# --- pages -----------------------------------------------------------------------------------


def normalize_pages(value: str) -> str:
    """A page range with BibTeX's ``--``: ``4582-4597``, ``4582–4597`` -> ``4582--4597``."""
    return re.sub(r"\s*[-\u2010-\u2015\u2212]+\s*", "--", value.strip())
