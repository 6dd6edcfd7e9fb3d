"""Safe normalisations that `effllm-bib check --fix` applies: pure functions from entry to entry.

Each one only changes the form, never the meaning: DOI prefixes, arXiv version suffixes, stray
white space, month macros, page-range dashes, and braces around title words BibTeX styles would
lower-case.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .identifiers import normalize_doi, normalize_pages
from .model import Entry
from .tex_escape import protect_words
from .vocab import (
    ARXIV_DOI_PREFIX,
    MONTHS,
    PUBLISHED_TYPES,
    arxiv_id,
    is_arxiv_doi,
    is_identifier_field,
)


def fix_doi(e: Entry) -> Entry:
    doi = normalize_doi(e.get("doi")) if e.get("doi") else None
    return e.with_fields(doi=doi) if doi and doi != e.get("doi") else e


def fix_eprint(e: Entry) -> Entry:
    aid = arxiv_id(e)  # only an arXiv eprint: another archive's id keeps its form
    return e.with_fields(eprint=aid) if aid and aid != e.get("eprint") else e


def fix_arxiv_doi(e: Entry) -> Entry:
    """A published entry loses arXiv's DOI; the arXiv id it names stays, in ``eprint``."""
    doi = normalize_doi(e.get("doi")) if e.get("doi") else None
    if doi is None or e.type not in PUBLISHED_TYPES or not is_arxiv_doi(doi):
        return e
    if arxiv_id(e) is not None:
        return e.with_fields(doi="")
    aid = doi[len(ARXIV_DOI_PREFIX) :]
    return e.with_fields(doi="", eprint=aid, archiveprefix="arXiv")


def fix_whitespace(e: Entry) -> Entry:
    changed = {}
    for name, value in e.fields:
        if name in e.bare:
            continue
        if not is_identifier_field(name):  # text: BibTeX and biber collapse its white space
            continue
        tidy = value.strip()
        if tidy != value and tidy:
            changed[name] = tidy
    return e.with_fields(**changed) if changed else e


def fix_month(e: Entry) -> Entry:
    month = e.get("month")
    if (
        not month
        or month.lower() not in MONTHS
        or (month in e.bare and month == MONTHS[month.lower()])
    ):
        return e
    fixed = e.with_fields(month=MONTHS[month.lower()])
    return Entry(fixed.key, fixed.type, fixed.fields, fixed.bare | {"month"}, fixed.line)


def fix_pages(e: Entry) -> Entry:
    pages = e.get("pages")
    return (
        e.with_fields(pages=normalize_pages(pages))
        if pages and normalize_pages(pages) != pages
        else e
    )


def fix_title(e: Entry) -> Entry:
    title = e.get("title")
    if not title or "title" in e.bare:
        return e
    fixed = protect_words(title)
    return e.with_fields(title=fixed) if fixed != title else e


FIXES: list[Callable[[Entry], Entry]] = [
    fix_doi,
    fix_eprint,
    fix_arxiv_doi,
    fix_whitespace,
    fix_month,
    fix_pages,
    fix_title,
]


def fix_entry(entry: Entry, only: Iterable[str] | None = None) -> Entry:
    """``entry`` with every fix applied, or the fixes named in ``only`` (function names)."""
    for fix in FIXES:
        if only is None or fix.__name__ in only:
            entry = fix(entry)
    return entry
