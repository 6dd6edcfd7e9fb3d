"""Merge another bibliography (.bib or CSL-JSON) into the database.

Policy: match by DOI, then arXiv id (titles must agree), then normalised title with a year or
author check. Fill missing fields. A value the survey import derived is the weakest there is and
is corrected by the incoming source (reported). Any other differing value is a conflict: both
values are reported and the database keeps its own unless ``overwrite`` names the field.
Never creates a second entry for a paper already in the database.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

from . import bibio
from .database import Database
from .errors import BibParseError, InputFileError
from .importers.survey import SIMILAR_TITLE, survey_derived
from .keys import provisional_key
from .model import Entry, FieldChange, Problem, Severity
from .names import family_names, normalize_names, person_keys
from .normalize import (
    ARXIV_DOI_PREFIX,
    VENUE_FIELD,
    fix_doubled_prefix,
    fold,
    mistyped_venue,
    normalize_arxiv_id,
    normalize_doi,
    normalize_pages,
    protect_title,
)

# Fields of the incoming file that are not bibliographic data for the canonical database.
IGNORED_FIELDS = frozenset({
    "surveytitle", "surveyarxivwrong", "annote", "abstract", "file", "timestamp", "biburl",
    "bibsource", "urldate", "keywords", "sources", "confidence",
})  # fmt: skip
# Provenance a source can state about itself: merged only when --overwrite names it (a person
# re-checked the record), never filled or reported otherwise.
REVIEWABLE = frozenset({"confidence"})
VENUE_FIELDS = ("booktitle", "journal", "howpublished")
FUZZY_TITLE = 95


@dataclass
class MergeReport:
    matched: dict[str, str] = field(default_factory=dict)  # incoming key -> database key
    changes: list[FieldChange] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)

    def summary(self) -> str:
        return (
            f"{len(self.matched)} matched, {len(self.added)} added, "
            f"{len(self.unmatched)} unmatched; {self.count('fill')} fields filled, "
            f"{self.count('correct')} corrected, {self.count('conflict')} conflicts; "
            f"{len(self.renamed)} keys assigned"
        )


# --- reading ---------------------------------------------------------------------------------


def read_bibliography(path: Path) -> list[Entry]:
    """Entries of a .bib or CSL-JSON file; a file with unparseable blocks is refused whole."""
    if path.suffix.lower() in (".json", ".csljson"):
        from .importers.csljson import read_csl_json

        return read_csl_json(path)
    parsed = bibio.read_bib(path)
    if parsed.errors:
        first = parsed.errors[0]
        raise BibParseError(path, f"{first.message} Nothing was merged.", first.line)
    if not parsed.entries:
        raise InputFileError(path, "holds no entries; is it a BibTeX file?")
    return parsed.entries


# --- comparing -------------------------------------------------------------------------------


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
    for candidate in (entry.get("eprint"), entry.get("doi"), entry.get("url")):
        if candidate:
            if (
                candidate == entry.get("eprint")
                and entry.get("archiveprefix", "arXiv").lower() != "arxiv"
            ):
                continue
            aid = normalize_arxiv_id(candidate)
            if aid:
                return aid
    return None


def _incoming_value(name: str, value: str, bare: bool = False) -> str:
    """An incoming value in the database's canonical form; a bare value (macros joined with
    ``#``) is not text and is kept as it is."""
    if bare:
        return value
    if name in ("author", "editor"):
        return normalize_names(value)
    if name == "title":
        return protect_title(value)
    if name == "doi":
        return normalize_doi(value) or value
    if name == "eprint":
        return normalize_arxiv_id(value) or value
    if name == "pages":
        return normalize_pages(value)
    return value


# --- matching --------------------------------------------------------------------------------


class MatchIndex:
    def __init__(self, db: Database) -> None:
        self.by_doi: dict[str, str] = {}
        self.by_arxiv: dict[str, list[str]] = defaultdict(list)
        self.by_title: dict[str, list[str]] = defaultdict(list)
        for key, e in db.entries.items():
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
            if _titles_agree(db.entries[key], incoming):
                return key, "arxiv", ""
            if _same_authors(db.entries[key], incoming):  # a published version, retitled
                return key, "arxiv and authors", ""
            refused = f"arXiv id {aid} is on '{key}' but the titles and authors differ"
    for t in _titles(incoming):
        for key in index.by_title.get(t, []):
            if _plausible(db.entries[key], incoming, exact=True):
                return key, "title", ""
            refused = f"title matches '{key}' but neither year nor authors agree"
    for t in _titles(incoming):
        best = process.extractOne(t, index.titles, scorer=fuzz.ratio, score_cutoff=FUZZY_TITLE)
        if best:
            for key in index.by_title[best[0]]:
                if _plausible(db.entries[key], incoming, exact=False):
                    return key, "similar title", ""
    return None, "", refused


# --- merging one entry -----------------------------------------------------------------------


def merge_entry(
    ours: Entry, theirs: Entry, overwrite: Collection[str] = (), type_authority: bool = True
) -> tuple[Entry, list[FieldChange]]:
    """Merge the fields of ``theirs`` into ``ours``; returns the result and the changes.

    ``type_authority=False`` for sources whose entry type says nothing about publication
    (an arXiv record is a preprint record even for a published paper).
    """
    changes: list[FieldChange] = []
    result = ours
    key = ours.key

    def weak(name: str) -> bool:
        return survey_derived(ours, name)

    if type_authority and theirs.type != ours.type:
        if weak("type") or "type" in overwrite:
            changes.append(FieldChange(key, "type", ours.type, theirs.type, "correct"))
            result = result.with_type(theirs.type)
            # The venue belongs to the type: a source that names its own venue replaces it.
            replaced = any(theirs.get(n) for n in VENUE_FIELDS)
            stale = {
                n: ""
                for n in VENUE_FIELDS
                if ours.get(n) and n not in theirs and (weak(n) or replaced)
            }
            for n in stale:
                changes.append(FieldChange(key, n, ours.get(n), "", "correct"))
            result = result.with_fields(**stale)
        else:
            changes.append(FieldChange(key, "type", ours.type, theirs.type, "conflict"))
    for name, raw in theirs.fields:
        reviewed = name in REVIEWABLE and name in overwrite
        if not raw.strip() or (name in IGNORED_FIELDS and not reviewed):
            continue
        value = _incoming_value(name, raw, name in theirs.bare)
        current = result.get(name)
        if not current:
            changes.append(FieldChange(key, name, "", value, "fill"))
            result = result.with_fields(**{name: value})
        elif comparable(name, current) == comparable(name, value):
            continue
        elif weak(name) or name in overwrite:
            changes.append(FieldChange(key, name, current, value, "correct"))
            result = result.with_fields(**{name: value})
        else:
            changes.append(FieldChange(key, name, current, value, "conflict"))
    return _provenance(result, theirs, changes), changes


def _provenance(entry: Entry, source: Entry, changes: list[FieldChange]) -> Entry:
    """Record where the applied values came from (the source's URLs and confidence)."""
    if not any(c.kind in ("fill", "correct") for c in changes):
        return entry
    urls = [u for u in entry.get("sources").split() if u]
    urls += [u for u in source.get("sources").split() if u and u not in urls]
    values = {"sources": " ".join(urls)}
    touched_authors = any(c.field == "author" and c.kind != "conflict" for c in changes)
    if source.get("confidence") and (touched_authors or not entry.get("confidence")):
        values["confidence"] = source.get("confidence")
    return entry.with_fields(**values)


# --- merging a file --------------------------------------------------------------------------


def venue_typed(entry: Entry) -> Entry:
    """The entry with the type its venue has: a source that files a journal (PVLDB, AI Open) as
    @inproceedings is corrected before merging, so it neither retypes nor adds a booktitle."""
    field = VENUE_FIELD.get(entry.type, "")
    venue = mistyped_venue(entry.type, entry.get(field))
    if venue is None:
        return entry
    name = entry.get(field)
    return entry.with_type(venue.entry_type).with_fields(**{field: "", venue.venue_field: name})


def merge_entries(
    db: Database,
    incoming: Iterable[Entry],
    source: str,
    overwrite: Collection[str] = (),
    add_new: bool = False,
    categories: Iterable[str] = (),
) -> MergeReport:
    """Merge entries into the database in memory; the caller saves or shows the diff."""
    report = MergeReport()
    index = MatchIndex(db)
    extra_keywords = sorted(db.taxonomy.resolve(c) for c in categories)
    claimed: dict[str, str] = {}
    for theirs in incoming:
        where = {"path": str(source), "key": theirs.key}
        theirs = venue_typed(theirs)
        key, how, refused = find_match(db, theirs, index)
        if key is None:
            if refused:
                report.problems.append(Problem(Severity.WARNING, "match-refused", refused, **where))
            if add_new:
                report.added.append(_add(db, theirs, extra_keywords, report))
            else:
                report.unmatched.append(theirs.key)
                report.problems.append(Problem(Severity.INFO, "unmatched",
                                       "matches no entry; use --add-new to add it", **where))  # fmt: skip
            continue
        if key in claimed:
            report.problems.append(Problem(Severity.WARNING, "matched-twice",
                                   f"matches '{key}' like '{claimed[key]}' before it; "
                                   "merged again, check both records", **where))  # fmt: skip
        claimed[key] = theirs.key
        report.matched[theirs.key] = key
        merged, changes = merge_entry(db.entries[key], theirs, overwrite)
        kws = [k for k in _taxonomy_keywords(db, theirs) if k not in merged.keywords]
        kws += [k for k in extra_keywords if k not in merged.keywords]
        if kws:
            changes.append(FieldChange(key, "keywords", "", ", ".join(kws), "keyword"))
            merged = merged.with_keywords([*merged.keywords, *kws])
        report.changes.extend(changes)
        db.put(merged)
    report.renamed = db.assign_keys()
    return report


def _taxonomy_keywords(db: Database, entry: Entry) -> list[str]:
    return [k for k in entry.keywords if k in db.taxonomy]


def _add(db: Database, theirs: Entry, keywords: list[str], report: MergeReport) -> str:
    values = {
        n: _incoming_value(n, v, n in theirs.bare)
        for n, v in theirs.fields
        if n not in IGNORED_FIELDS and v.strip()
    }
    entry = Entry.make("", theirs.type, values)
    entry = entry.with_keywords([*_taxonomy_keywords(db, theirs), *keywords])
    entry = _provenance(entry, theirs, [FieldChange("", "", "", "", "fill")])
    entry = entry.with_key(provisional_key(entry, set(db.entries)))
    db.put(entry)
    report.changes.append(FieldChange(entry.key, "", "", "", "add-entry"))
    return entry.key


def merge_file(
    db: Database,
    path: Path,
    overwrite: Collection[str] = (),
    add_new: bool = False,
    categories: Iterable[str] = (),
) -> MergeReport:
    return merge_entries(db, read_bibliography(path), str(path), overwrite, add_new, categories)
