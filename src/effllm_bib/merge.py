"""Merge another bibliography (.bib or CSL-JSON) into the database.

Policy: match by DOI, then arXiv id (titles must agree), then normalised title with a year or
author check. Fill missing fields. A value the survey import derived is the weakest there is and
is corrected by the incoming source (reported). Any other differing value is a conflict: both
values are reported and the database keeps its own unless ``overwrite`` names the field.
Never creates a second entry for a paper already in the database.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import bibio
from .changes import FieldChange
from .database import Database
from .evidence import has_primary_source
from .identifiers import normalize_arxiv_id, normalize_doi, normalize_pages
from .identify import MatchIndex, comparable, find_match
from .incoming import Bibliography, read_source
from .keys import disambiguate, follow_renames, provisional_key
from .keys import usable_key as keys_usable
from .model import Entry, Extra, Problem, Severity
from .names import normalize_names
from .resolve import uses_macros
from .survey_record import survey_derived
from .tex_escape import protect_title, protect_words
from .venues import VENUE_FIELD, mistyped_venue
from .vocab import PUBLISHED_TYPES, is_arxiv_doi
from .wording import plural

# Fields of the incoming file that are not bibliographic data for the canonical database.
IGNORED_FIELDS = frozenset({
    "surveytitle", "surveyarxivwrong", "annote", "abstract", "file", "timestamp", "biburl",
    "bibsource", "urldate", "keywords", "sources", "confidence",
})  # fmt: skip
# Provenance a source can state about itself: merged only when --overwrite names it (a person
# re-checked the record), never filled or reported otherwise. ``--overwrite sources`` replaces
# the list of pages with the source's (an audit that read the primary pages); without it, the
# source's pages are added to the entry's.
REVIEWABLE = frozenset({"confidence", "sources"})
VENUE_FIELDS = ("booktitle", "journal", "howpublished")


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
            f"{len(self.unmatched)} unmatched; {plural(self.count('fill'), 'field')} filled, "
            f"{self.count('correct')} corrected, {plural(self.count('conflict'), 'conflict')}; "
            f"{plural(len(self.renamed), 'key')} assigned"
        )


def _incoming_value(name: str, value: str, bare: bool = False) -> str:
    """An incoming value in the database's canonical form; a bare value (macros joined with
    ``#``) is not text and is kept as it is."""
    if bare:
        return value
    if name in ("author", "editor"):
        return normalize_names(value)
    if name == "title":
        if "{" in value:
            return value  # braces: curated LaTeX, taken as it is
        if "\\" in value or "$" in value:
            return protect_words(value)  # LaTeX: control sequences and math untouched
        return protect_title(value)
    if name == "doi":
        return normalize_doi(value) or value
    if name == "eprint":
        return normalize_arxiv_id(value) or value
    if name == "pages":
        return normalize_pages(value)
    return value


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

    # A preprint record (no venue) says nothing about where a paper appeared: it never lowers a
    # published entry's type, year, title or venue, even where those equal the survey's values.
    published_by_others = any(ours.get(n) for n in VENUE_FIELDS) and not any(
        theirs.get(n) for n in VENUE_FIELDS
    )

    # A record a primary page confirmed (confidence high) holds no value only the survey asserts.
    confirmed = ours.get("confidence") == "high"

    def weak(name: str) -> bool:
        if published_by_others and name in ("type", "year", "title", *VENUE_FIELDS):
            return False
        return not confirmed and survey_derived(ours, name)

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
    # Ours keeps its type against the source's: the source's venue is another version's.
    other_version = result.type != theirs.type and type_authority
    for name, raw in theirs.fields:
        reviewed = name in REVIEWABLE and name in overwrite
        if not raw.strip() or (name in IGNORED_FIELDS and not reviewed):
            continue
        value = _incoming_value(name, raw, name in theirs.bare)
        if name == "doi" and is_arxiv_doi(value) and result.type in PUBLISHED_TYPES:
            continue  # the preprint's DOI: a published entry cites the venue's, or none
        current = result.get(name)
        if not current and other_version and name in VENUE_FIELDS:
            changes.append(FieldChange(key, name, current, value, "conflict"))
        elif not current:
            changes.append(FieldChange(key, name, "", value, "fill"))
            result = result.with_fields(**{name: value})
        elif comparable(name, current) == comparable(name, value) and (
            name not in overwrite or current == value
        ):
            continue  # the same value; under --overwrite, only the very same form is
        elif weak(name) or name in overwrite:
            changes.append(FieldChange(key, name, current, value, "correct"))
            result = result.with_fields(**{name: value})
        else:
            changes.append(FieldChange(key, name, current, value, "conflict"))
    return _provenance(result, theirs, changes), changes


def _provenance(entry: Entry, source: Entry, changes: list[FieldChange]) -> Entry:
    """Record the source's pages, and the confidence it gives to the values it brought.

    A source that brought values adds its pages to ``sources``. One whose values all agreed
    confirms the record, but adds its pages only where the entry has no primary page yet: an
    entry whose pages an audit settled keeps them when older files are merged again. Either
    way, merging a file twice is the same as once."""
    urls = [u for u in entry.get("sources").split() if u]
    urls += [u for u in source.get("sources").split() if u.startswith("http") and u not in urls]
    values = {"sources": " ".join(urls)}
    if not any(c.kind in ("fill", "correct") for c in changes):
        if values["sources"] == entry.get("sources") or has_primary_source(entry):
            return entry
        return entry.with_fields(**values)
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
    incoming: Iterable[Entry] | Bibliography,
    source: str,
    overwrite: Collection[str] = (),
    add_new: bool = False,
    categories: Iterable[str] = (),
    by_key: bool = False,
) -> MergeReport:
    """Merge entries into the database in memory; the caller saves or shows the diff.

    ``by_key``: an incoming entry whose citation key the database has is that entry (for
    look-up files written against this database, such as a retitled published version).

    Entries are matched and merged as text (macros expanded, crossref inherited). An entry added
    with ``add_new`` keeps its key (renamed only when the database has it: see ``renamed``),
    every field as written, and the ``@string`` definitions it uses.
    """
    bib = (
        incoming
        if isinstance(incoming, Bibliography)
        else Bibliography(list(incoming), list(incoming))
    )
    report = MergeReport()
    index = MatchIndex(db)
    extra_keywords = sorted(db.taxonomy.resolve(c) for c in categories)
    claimed: dict[str, str] = {}
    to_add: list[tuple[Entry, Entry]] = []
    for raw, theirs in zip(bib.entries, bib.resolved, strict=True):
        theirs = venue_typed(theirs)
        key: str | None = theirs.key
        how, refused = "key", ""
        if not (by_key and theirs.key in db.entries):
            key, how, refused = find_match(db, theirs, index)
        if key is None:
            if refused:
                report.problems.append(
                    Problem(
                        Severity.WARNING, "match-refused", refused, path=str(source), key=theirs.key
                    )
                )
            if add_new:
                to_add.append((raw, theirs))
            else:
                report.unmatched.append(theirs.key)
                report.problems.append(
                    Problem(
                        Severity.INFO,
                        "unmatched",
                        "matches no entry; use --add-new to add it",
                        path=str(source),
                        key=theirs.key,
                    )
                )
            continue
        if key in claimed:
            report.problems.append(
                Problem(
                    Severity.WARNING,
                    "matched-twice",
                    f"matches '{key}' like '{claimed[key]}' before it; "
                    "merged again, check both records",
                    path=str(source),
                    key=theirs.key,
                )
            )
        claimed[key] = theirs.key
        report.matched[theirs.key] = key
        ours = db.entries[key]
        merged, changes = merge_entry(ours, _news(ours, index.entries[key], theirs), overwrite)
        kws = [k for k in [*theirs.keywords, *extra_keywords] if k not in merged.keywords]
        if kws:
            changes.append(FieldChange(key, "keywords", "", ", ".join(kws), "keyword"))
            merged = merged.with_keywords([*merged.keywords, *kws])
        report.changes.extend(changes)
        db.put(merged)
    if to_add:
        _add_all(db, to_add, bib.strings, extra_keywords, report)
    report.renamed += db.assign_keys()
    return report


def _news(ours: Entry, ours_text: Entry, theirs: Entry) -> Entry:
    """``theirs`` without the values the database entry has only as text (a macro it keeps as
    a macro, a field it inherits through crossref), so neither is filled nor a conflict."""
    same = {
        name: ""
        for name, value in theirs.fields
        if ours_text.get(name)
        and ours.get(name) != ours_text.get(name)
        and comparable(name, ours_text.get(name)) == comparable(name, value)
    }
    return theirs.with_fields(**same) if same else theirs


def _add_all(
    db: Database,
    pairs: list[tuple[Entry, Entry]],
    strings: list[Extra],
    keywords: list[str],
    report: MergeReport,
) -> None:
    """Add unmatched entries with their own keys (renamed on a collision, crossref fields
    following the renames) and the @string definitions they use."""
    taken = set(db.entries)
    keymap: dict[str, str] = {}
    for raw, _ in pairs:
        new = raw.key if keys_usable(raw.key) else ""
        if not new or new in taken:
            new = disambiguate(raw.key, taken) if new or keys_usable(raw.key) else ""
        if new:
            taken.add(new)
            keymap[raw.key] = new
    ours = {name: x for x in db.extras for name in [bibio.string_definition(x)[0]] if name}
    theirs = {name: x for x in strings for name in [bibio.string_definition(x)[0]] if name}
    for raw, text in pairs:
        entry = _added_entry(db, raw, text, keywords, ours, theirs)
        old = raw.key
        new = keymap.get(old) or provisional_key(entry, set(db.entries))
        entry = follow_renames(entry, keymap).with_key(new)
        if new != old:
            report.renamed.append((old, new))
        db.put(entry)
        report.added.append(new)
        report.changes.append(FieldChange(new, "", "", "", "add-entry"))


def _added_entry(
    db: Database,
    raw: Entry,
    text: Entry,
    keywords: list[str],
    ours: dict[str, Extra],
    theirs: dict[str, Extra],
) -> Entry:
    """One incoming entry as the database will hold it: its fields as written (a macro stays a
    macro when its definition comes along; else its text is used), values in canonical form."""
    values: dict[str, str] = {}
    bare: set[str] = set()
    for name, value in raw.fields:
        if not value.strip() or name == "keywords":
            continue
        if name in raw.bare:
            macros = uses_macros(value)
            # a macro stays a macro unless the database defines the name otherwise
            portable = not any(
                m in ours and (m not in theirs or ours[m].text != theirs[m].text) for m in macros
            )
            if portable:
                values[name] = value
                bare.add(name)
                for m in macros:
                    if m in theirs and m not in ours:
                        ours[m] = theirs[m]
                        _add_string(db, theirs[m])
                continue
            value = text.get(name)
        values[name] = _incoming_value(name, value) if name not in IGNORED_FIELDS else value
    # the file's keywords stay keywords, categories or not (check tells a category's typo)
    tags = [*raw.keywords, *(k for k in keywords if k not in raw.keywords)]
    entry = Entry("", raw.type, tuple(values.items()), frozenset(bare))
    entry = entry.with_keywords(tags) if tags else entry
    return _provenance(entry, raw, [FieldChange("", "", "", "", "fill")])


def _add_string(db: Database, extra: Extra) -> None:
    """Add an @string block after the database's own (before the first other kept block that
    follows them), so that definitions still come before every entry."""
    last = max((i for i, x in enumerate(db.extras) if x.kind == "string"), default=-1)
    if last < 0:
        last = len(db.extras) - 1
    db.extras.insert(last + 1, extra)


def merge_file(
    db: Database,
    path: Path,
    overwrite: Collection[str] = (),
    add_new: bool = False,
    categories: Iterable[str] = (),
    by_key: bool = False,
    text: str | None = None,
) -> MergeReport:
    """Merge the file ``path`` (or ``text``, as read from standard input, named ``path``)."""
    source = read_source(path, text)
    return merge_entries(db, source, str(path), overwrite, add_new, categories, by_key)
