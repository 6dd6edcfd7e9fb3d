"""Which database entry an incoming record is: by DOI, then arXiv id (titles or authors must
agree), then normalised title with a year or author check. Pure functions over the model."""

from __future__ import annotations

import re
from collections import defaultdict

from rapidfuzz import fuzz, process

from .compare import fix_doubled_prefix, fold
from .database import Database
from .identifiers import normalize_arxiv_id, normalize_doi, normalize_pages
from .model import Entry
from .names import family_names, person_keys
from .survey_record import SIMILAR_TITLE, survey_derived
from .vocab import ARXIV_DOI_PREFIX, arxiv_id

FUZZY_TITLE = 95


def comparable(name: str, value: str) -> str:
    """The form in which two values of a field are compared (equal means: nothing to do)."""
    if name == "author" or name == "editor":
        return " and ".join(person_keys(value))
    if name == "doi":
        return (normalize_doi(value) or value).lower()
    if name == "eprint":
        return normalize_arxiv_id(value) or value
    if name == "pages":
        return normalize_pages(value)
    return fold(value)


def _arxiv_of(entry: Entry) -> str | None:
    """The arXiv id of the eprint (as :func:`vocab.arxiv_id` reads it), else of the DOI or URL."""
    return arxiv_id(entry, links=True)


# --- matching --------------------------------------------------------------------------------


class MatchIndex:
    """The database's entries by DOI, arXiv id and folded title, read as text."""

    def __init__(self, db: Database) -> None:
        self.by_doi: dict[str, str] = {}
        self.by_arxiv: dict[str, list[str]] = defaultdict(list)
        self.by_title: dict[str, list[str]] = defaultdict(list)
        self.entries: dict[str, Entry] = {e.key: e for e in db.resolved()}
        for key, e in self.entries.items():
            doi = normalize_doi(e.get("doi"))
            if doi and not doi.lower().startswith(ARXIV_DOI_PREFIX):
                self.by_doi[doi.lower()] = key
            aid = _arxiv_of(e)
            if aid:
                self.by_arxiv[aid].append(key)
            for t in (e.get("title"), fix_doubled_prefix(e.get("surveytitle"))):
                if t and key not in self.by_title[fold(t)]:
                    self.by_title[fold(t)].append(key)
        self.titles = list(self.by_title)


def _titles(entry: Entry) -> list[str]:
    return [fold(t) for t in (entry.get("title"), entry.get("surveytitle")) if t]


def _titles_agree(a: Entry, b: Entry) -> bool:
    return any(
        x == y or fuzz.ratio(x, y) >= SIMILAR_TITLE or (len(x) > 15 and (x in y or y in x))
        for x in _titles(a)
        for y in _titles(b)
    )


def _same_authors(a: Entry, b: Entry) -> bool:
    """Both name authors, and the same family names in the same order."""
    ours, theirs = family_names(a.get("author")), family_names(b.get("author"))
    return bool(ours) and [fold(n) for n in ours] == [fold(n) for n in theirs]


def _year(entry: Entry) -> int | None:
    m = re.search(r"\d{4}", entry.get("year"))
    return int(m.group(0)) if m else None


def _plausible(db_entry: Entry, incoming: Entry, exact: bool) -> bool:
    """The author-or-year check for title matches.

    A year only the survey asserted does not veto an exact title match: the survey's years
    are sometimes wrong, and the merge is how they get corrected.
    """
    ours, theirs = family_names(db_entry.get("author")), family_names(incoming.get("author"))
    if ours and theirs:
        return bool(set(ours) & set(theirs))
    if exact and not ours and survey_derived(db_entry, "year"):
        return True
    y1, y2 = _year(db_entry), _year(incoming)
    return y1 is None or y2 is None or abs(y1 - y2) <= 1


def find_match(db: Database, incoming: Entry, index: MatchIndex) -> tuple[str | None, str, str]:
    """(database key or None, how it matched, why a candidate was refused)."""
    doi = normalize_doi(incoming.get("doi"))
    if doi and not doi.lower().startswith(ARXIV_DOI_PREFIX) and doi.lower() in index.by_doi:
        return index.by_doi[doi.lower()], "doi", ""
    refused = ""
    aid = _arxiv_of(incoming)
    if aid:
        for key in index.by_arxiv.get(aid, []):
            if _titles_agree(index.entries[key], incoming):
                return key, "arxiv", ""
            if _same_authors(index.entries[key], incoming):  # a published version, retitled
                return key, "arxiv and authors", ""
            refused = f"arXiv id {aid} is on '{key}' but the titles and authors differ"
    for t in _titles(incoming):
        for key in index.by_title.get(t, []):
            if _plausible(index.entries[key], incoming, exact=True):
                return key, "title", ""
            refused = f"title matches '{key}' but neither year nor authors agree"
    for t in _titles(incoming):
        best = process.extractOne(t, index.titles, scorer=fuzz.ratio, score_cutoff=FUZZY_TITLE)
        if best:
            for key in index.by_title[best[0]]:
                if _plausible(index.entries[key], incoming, exact=False):
                    return key, "similar title", ""
    return None, "", refused
