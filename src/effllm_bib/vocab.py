"""One vocabulary: what makes an entry arXiv, the published entry types, the forms of arXiv links.

check, merge, enrichment and the exporters ask these questions here, so they cannot disagree.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Protocol

    class HasFields(Protocol):
        def get(self, name: str, default: str = "") -> str: ...

    class HasTypeAndFields(HasFields, Protocol):
        @property
        def type(self) -> str: ...


# Entry types of work that went through a venue (a journal, proceedings, a publisher).
PUBLISHED_TYPES = frozenset({"article", "inproceedings", "incollection", "book"})

# The arXiv DOI (``10.48550/arXiv.2301.00774``), lower-cased for comparison, and the abstract page.
ARXIV_DOI_PREFIX = "10.48550/arxiv."
ARXIV_ABS_URL = "https://arxiv.org/abs/"
# The values of ``archiveprefix`` (BibTeX) and ``eprinttype`` (biblatex) that name arXiv.
ARXIV_ARCHIVES = frozenset({"arxiv"})

MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
# A month as written (full or short name, any case once lowered) -> BibTeX's month macro.
MONTHS = {m: m[:3] for m in MONTH_NAMES} | {m[:3]: m[:3] for m in MONTH_NAMES}

# Fields whose value is an identifier, an address or a list, not text LaTeX typesets.
NOT_TEXT = frozenset({"url", "doi", "eprint", "archiveprefix", "primaryclass", "eprintclass",
                      "eprinttype", "code", "keywords", "sources", "provenance", "confidence",
                      "surveytitle", "surveyvenue", "surveyurl", "file", "month", "bibsource",
                      "biburl", "pdf", "ee", "urldate", "crossref", "xdata", "xref", "ids",
                      "entryset", "isbn", "issn", "date", "timestamp"})  # fmt: skip
# "and similar": any field named like an address or a file (citeulike-linkout-0, mendeley urls),
# and biblatex's sorting fields (sorttitle, sortname, indexsorttitle, presort, ...), which biber
# sorts by and never typesets: biblatex-examples.bib writes `sorttitle = {Computers & Typesetting}`
# (Patterns here are compiled on first use: a command that never asks does not pay for them.)
URL_LIKE_NAME = r"url|uri$|^file|^pdf|link|^(?:index|pre)?sort"


@cache
def _pattern(source: str) -> re.Pattern[str]:
    return re.compile(source)


def is_text_field(name: str) -> bool:
    """Is the field text that LaTeX typesets (a title, a note), not an identifier or address?"""
    return name not in NOT_TEXT and not _pattern(URL_LIKE_NAME).search(name)


# Fields that hold identifiers or addresses: the exports never convert them to LaTeX.
IDENTIFIERS = frozenset(
    {
        "url",
        "doi",
        "eprint",
        "archiveprefix",
        "primaryclass",
        "code",
        "keywords",
        "eprinttype",
        "eprintclass",
        "date",
    }
)

# Fields whose value is one address or identifier: white space inside it breaks it.
ONE_TOKEN_NAME = r"^(?:doi|eprint|ee)$|url|uri$|link"


def is_one_token_field(name: str) -> bool:
    """One address or identifier (``doi``, ``url``, ``pdflink``): white space inside breaks it."""
    return bool(_pattern(ONE_TOKEN_NAME).search(name))


def is_identifier_field(name: str) -> bool:
    """An identifier, address or list: exports carry its value raw, white space and all."""
    return name in NOT_TEXT or is_one_token_field(name)


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


def is_preprint(entry: HasTypeAndFields) -> bool:
    """An arXiv preprint not (yet) recorded as published: an arXiv id in ``eprint`` and an
    entry type that is not :data:`PUBLISHED_TYPES` (the website's "preprint" status too)."""
    return entry.type not in PUBLISHED_TYPES and arxiv_id(entry) is not None


def eprint_names_arxiv(entry: HasFields) -> bool:
    """The entry's ``eprint`` is meant as an arXiv id: the archive named is arXiv, or none is
    named (so a malformed id there is an arXiv id written wrong, not another archive's)."""
    return bool(entry.get("eprint")) and eprint_archive(entry) in (*ARXIV_ARCHIVES, "")


def is_arxiv(entry: HasFields) -> bool:
    """Does the entry carry an arXiv id in its ``eprint``?"""
    return arxiv_id(entry) is not None
