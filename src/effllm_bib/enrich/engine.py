"""Enrichment runs: ask the sources about entries, apply the merge policy, record provenance.

The policy is the merge's: fill missing fields; correct values only the survey asserted; report
every other difference with both values (``overwrite`` names fields a source may replace).
Fields a source filled before may be refreshed by that same source. Preprints are turned into
their published version only with ``upgrade_preprints``; the arXiv id and the key stay.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field

from ..database import Database
from ..errors import EffllmBibError
from ..keys import final_key, provisional_key
from ..merge import MatchIndex, find_match, merge_entry
from ..model import Entry, FieldChange, Problem, Severity
from ..names import first_family
from ..normalize import (
    ARXIV_DOI_PREFIX,
    latex_to_plain,
    lookup_venue,
    normalize_arxiv_id,
    normalize_doi,
)
from .arxiv import ArxivRecord, ArxivSource
from .crossref import CrossrefSource, is_arxiv_doi, work_to_entry
from .http import NotCached, ServiceError
from .matching import judge

PUBLISHED_TYPES = frozenset({"inproceedings", "article", "incollection"})
UPGRADE_FIELDS = frozenset({"type", "booktitle", "journal", "year", "volume", "number", "pages",
                            "publisher", "doi", "title"})  # fmt: skip
MAX_CONSECUTIVE_FAILURES = 5


@dataclass
class EnrichReport:
    outcomes: dict[str, str] = field(default_factory=dict)  # key -> filled|unchanged|conflict|...
    changes: list[FieldChange] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    aborted: str = ""

    def count(self, outcome: str) -> int:
        return sum(1 for o in self.outcomes.values() if o == outcome)

    def summary(self) -> str:
        parts = [f"{self.count(o)} {o}" for o in
                 ("filled", "unchanged", "conflicts", "not found", "ambiguous", "failed")]  # fmt: skip
        return ", ".join(parts)


def is_preprint(entry: Entry) -> bool:
    return entry.type not in PUBLISHED_TYPES and bool(entry.get("eprint"))


# --- provenance --------------------------------------------------------------------------------


def parse_provenance(value: str) -> dict[tuple[str, str], set[str]]:
    """``crossref 2026-11-24: author, doi; arxiv ...`` -> {(source, date): {fields}}."""
    out: dict[tuple[str, str], set[str]] = {}
    for part in value.split(";"):
        head, _, names = part.partition(":")
        bits = head.split()
        if len(bits) == 2:
            out.setdefault((bits[0], bits[1]), set()).update(
                n.strip() for n in names.split(",") if n.strip()
            )
    return out


def format_provenance(records: dict[tuple[str, str], set[str]]) -> str:
    return "; ".join(
        f"{source} {date}: {', '.join(sorted(names))}"
        for (source, date), names in sorted(records.items(), key=lambda kv: (kv[0][1], kv[0][0]))
        if names
    )


def filled_by(entry: Entry, source: str) -> set[str]:
    records = parse_provenance(entry.get("provenance"))
    return set().union(*(names for (s, _), names in records.items() if s == source))


def record_provenance(
    entry: Entry, source: str, changes: Iterable[FieldChange], today: str
) -> Entry:
    names = {c.field for c in changes if c.kind in ("fill", "correct") and c.field != "type"}
    if not names:
        return entry
    records = parse_provenance(entry.get("provenance"))
    for key in records:  # a field has one provenance: the source that last set it
        if key != (source, today):
            records[key] -= names
    records.setdefault((source, today), set()).update(names)
    return entry.with_fields(provenance=format_provenance(records))


# --- one entry -------------------------------------------------------------------------------


class Enricher:
    """Applies what the sources say to one database, entry by entry."""

    def __init__(
        self,
        db: Database,
        crossref: CrossrefSource | None,
        arxiv: ArxivSource | None,
        *,
        overwrite: Collection[str] = (),
        upgrade_preprints: bool = False,
        today: str | None = None,
    ) -> None:
        self.db = db
        self.crossref = crossref
        self.arxiv = arxiv
        self.overwrite = set(overwrite)
        self.upgrade = upgrade_preprints
        self.today = today or dt.date.today().isoformat()

    def apply(
        self,
        key: str,
        incoming: Entry,
        source: str,
        report: EnrichReport,
        type_authority: bool,
        also_overwrite: Collection[str] = (),
    ) -> list[FieldChange]:
        ours = self.db.entries[key]
        refresh = filled_by(ours, source) | self.overwrite | set(also_overwrite)
        merged, changes = merge_entry(ours, incoming, refresh, type_authority=type_authority)
        merged = record_provenance(merged, source, changes, self.today)
        self.db.put(merged)
        report.changes.extend(changes)
        return changes

    def published_version(self, key: str, work: Entry, report: EnrichReport) -> list[FieldChange]:
        """A published record for a preprint entry: upgrade, or report that one exists."""
        ours = self.db.entries[key]
        if not self.upgrade:
            report.problems.append(Problem(Severity.INFO, "published-version",
                                   f"published as {work.get('doi') or work.get('booktitle')}; "
                                   "run with --upgrade-preprints to cite it", key=key))  # fmt: skip
            return []
        incoming = work.with_fields(eprint=ours.get("eprint"), archiveprefix="arXiv")
        return self.apply(key, incoming, "crossref", report, True, also_overwrite=UPGRADE_FIELDS)

    def from_arxiv(self, key: str, record: ArxivRecord, report: EnrichReport) -> list[FieldChange]:
        ours = self.db.entries[key]
        incoming = record.entry
        if ours.type in PUBLISHED_TYPES:
            # For a published paper the arXiv record speaks only for authors and the id.
            keep = {"author", "eprint", "archiveprefix", "primaryclass"}
            incoming = Entry.make(incoming.key, incoming.type,
                                  {k: v for k, v in incoming.fields if k in keep})  # fmt: skip
        elif incoming.get("doi"):
            incoming = incoming.with_fields(doi="")  # a journal DOI is a pointer, handled below
        changes = self.apply(key, incoming, "arxiv", report, type_authority=False)
        if is_preprint(self.db.entries[key]) and record.journal_ref:
            changes += self._journal_ref(key, record, report)
        return changes

    def derive_arxiv_doi(self, key: str, report: EnrichReport) -> list[FieldChange]:
        """A preprint's DOI is its arXiv DOI (DataCite): derived, never looked up."""
        ours = self.db.entries[key]
        aid = normalize_arxiv_id(ours.get("eprint")) if ours.get("eprint") else None
        if not aid or ours.get("doi") or not is_preprint(ours):
            return []
        incoming = Entry.make(key, ours.type, {"doi": f"10.48550/arXiv.{aid}"})
        return self.apply(key, incoming, "derived", report, type_authority=False)

    def _journal_ref(
        self, key: str, record: ArxivRecord, report: EnrichReport
    ) -> list[FieldChange]:
        """The authors recorded a publication: follow its DOI, or read a known venue name."""
        doi = record.entry.get("doi") or ""
        if doi and self.crossref is not None and not is_arxiv_doi(doi):
            message = self.crossref.lookup_doi(doi)
            if message is not None:
                return self.published_version(key, work_to_entry(message), report)
        venue_name = re.split(r"[\s,(]*\d{4}", record.journal_ref)[0].strip(" ,")
        venue = lookup_venue(venue_name)
        year = re.search(r"(19|20)\d\d", record.journal_ref)
        if venue is None or not venue.venue_field or year is None:
            report.problems.append(Problem(Severity.INFO, "journal-ref",
                                   f"arXiv journal reference '{record.journal_ref}' names no venue "
                                   "the venue table knows; check it by hand", key=key))  # fmt: skip
            return []
        work = Entry.make(
            key, venue.entry_type, {venue.venue_field: venue.full, "year": year.group(0)}
        )
        return self.published_version(key, work, report)

    def from_crossref(self, key: str, report: EnrichReport) -> tuple[list[FieldChange], str]:
        """(changes, outcome) for one entry; outcome 'not found' or 'ambiguous' when nothing applied."""
        assert self.crossref is not None
        ours = self.db.entries[key]
        doi = normalize_doi(ours.get("doi")) if ours.get("doi") else None
        if doi and not is_arxiv_doi(doi):
            message = self.crossref.lookup_doi(doi)
            if message is None:
                report.problems.append(Problem(Severity.WARNING, "doi-not-found",
                                       f"Crossref does not know DOI {doi}; check it", key=key))  # fmt: skip
                return [], "not found"
            return self.apply(key, work_to_entry(message), "crossref", report, True), ""
        first = latex_to_plain(first_family(ours.get("author")))
        items = self.crossref.search(latex_to_plain(ours.get("title")), first, ours.get("year"))
        verdict = judge(ours, [work_to_entry(i) for i in items])
        if verdict.verdict == "ambiguous":
            report.problems.append(Problem(Severity.WARNING, "ambiguous",
                                   f"several Crossref records fit: {verdict.explain()}; not applied",
                                   key))  # fmt: skip
            return [], "ambiguous"
        if verdict.accepted is None:
            return [], "not found"
        work = verdict.accepted
        if is_preprint(ours) and work.type in PUBLISHED_TYPES:
            return self.published_version(key, work, report), ""
        return self.apply(key, work, "crossref", report, True), ""


# --- a run -----------------------------------------------------------------------------------


def select_keys(
    db: Database, categories: Iterable[str] = (), keys: Iterable[str] = ()
) -> list[str]:
    wanted = list(keys)
    for k in wanted:
        db.get(k)  # unknown keys fail early, with the project's error
    chosen = [e.key for e in db.select(categories)] if (categories or not wanted) else []
    chosen += [k for k in wanted if k not in chosen]
    return [k for k in chosen if db.entries[k].type != "software"]


def enrich(
    enricher: Enricher,
    keys: list[str],
    progress: Callable[[str], None] | None = None,
    checkpoint: Callable[[], None] | None = None,
    checkpoint_every: int = 25,
) -> EnrichReport:
    """Enrich the entries named by ``keys``; ``checkpoint`` is called to save partial work."""
    db = enricher.db
    report = EnrichReport()
    records: dict[str, ArxivRecord | None] = {}
    if enricher.arxiv is not None:
        ids = {normalize_arxiv_id(db.entries[k].get("eprint")) for k in keys}
        try:
            records = enricher.arxiv.fetch(i for i in ids if i)
        except ServiceError as exc:
            report.problems.append(Problem(Severity.WARNING, "arxiv-failed", str(exc)))
    failures = 0
    for n, key in enumerate(keys, 1):
        changes: list[FieldChange] = []
        outcome = ""
        try:
            aid = normalize_arxiv_id(db.entries[key].get("eprint"))
            record = records.get(aid) if aid else None
            if aid and enricher.arxiv is not None and aid in records and record is None:
                report.problems.append(Problem(Severity.WARNING, "arxiv-missing",
                                       f"arXiv returned nothing for {aid}; check the id", key=key))  # fmt: skip
            if record is not None:
                changes += enricher.from_arxiv(key, record, report)
            changes += enricher.derive_arxiv_doi(key, report)
            if enricher.crossref is not None:
                more, outcome = enricher.from_crossref(key, report)
                changes += more
            if record is not None and outcome == "not found":
                outcome = ""  # arXiv knows the paper; Crossref not having it is no failure
            failures = 0
        except NotCached as exc:
            report.outcomes[key] = "failed"
            report.problems.append(Problem(Severity.WARNING, "not-cached", str(exc), key=key))
            continue
        except ServiceError as exc:
            report.outcomes[key] = "failed"
            report.problems.append(Problem(Severity.WARNING, "service-error", str(exc), key=key))
            failures += 1
            if failures >= MAX_CONSECUTIVE_FAILURES:
                report.aborted = f"{failures} failures in a row (last: {exc}); stopped early"
                break
            continue
        finally:
            if progress is not None:
                progress(key)
            if checkpoint is not None and n % checkpoint_every == 0:
                checkpoint()
        report.outcomes[key] = _outcome(changes, outcome)
    for old, new in db.assign_keys():
        report.outcomes[new] = report.outcomes.pop(old, "unchanged")
        report.problems.append(Problem(Severity.INFO, "key-assigned", f"{old} -> {new}", key=new))
    return report


def _outcome(changes: list[FieldChange], fallback: str) -> str:
    if any(c.kind == "conflict" for c in changes):
        return "conflicts"
    if any(c.kind in ("fill", "correct") for c in changes):
        return "filled"
    return fallback or "unchanged"


# --- adding one paper ------------------------------------------------------------------------


@dataclass
class AddResult:
    key: str
    created: bool
    changes: list[FieldChange]
    message: str


def parse_identifier(text: str) -> tuple[str, str]:
    """('arxiv', id) or ('doi', doi) for an arXiv id, a DOI, or a URL of either."""
    aid = normalize_arxiv_id(text)
    if aid:
        return "arxiv", aid
    doi = normalize_doi(text)
    if doi:
        if doi.lower().startswith(ARXIV_DOI_PREFIX):
            return "arxiv", doi[len(ARXIV_DOI_PREFIX) :]
        return "doi", doi
    raise EffllmBibError(
        f"'{text}' is neither an arXiv id nor a DOI (nor a URL of one); give e.g. 2406.01721."
    )


def add_paper(enricher: Enricher, identifier: str, categories: Iterable[str]) -> AddResult:
    db = enricher.db
    slugs = [db.taxonomy.resolve(c) for c in categories]
    kind, value = parse_identifier(identifier)
    entry = _fetch(enricher, kind, value)
    key, _, _ = find_match(db, entry, MatchIndex(db))
    if key is not None:
        existing = db.entries[key]
        new = [s for s in slugs if s not in existing.keywords]
        if new:
            db.put(existing.with_keywords([*existing.keywords, *new]))
            change = FieldChange(key, "keywords", "", ", ".join(new), "keyword")
            return AddResult(key, False, [change], f"already in the database as {key}; "
                             f"added {', '.join(new)}")  # fmt: skip
        return AddResult(key, False, [], f"already in the database as {key}; nothing to add")
    entry = entry.with_keywords(slugs)
    taken = set(db.entries)
    entry = entry.with_key(final_key(entry, taken) or provisional_key(entry, taken))
    entry = record_provenance(
        entry, "crossref" if kind == "doi" else "arxiv",
        [FieldChange(entry.key, n, "", v) for n, v in entry.fields if n != "keywords"],
        enricher.today,
    )  # fmt: skip
    db.put(entry)
    return AddResult(entry.key, True, [FieldChange(entry.key, "", "", "", "add-entry")],
                     f"added {entry.key}")  # fmt: skip


def _fetch(enricher: Enricher, kind: str, value: str) -> Entry:
    if kind == "doi":
        if enricher.crossref is None:
            raise EffllmBibError("a DOI needs Crossref; do not pass --no-crossref.")
        message = enricher.crossref.lookup_doi(value)
        if message is None:
            raise EffllmBibError(f"Crossref does not know DOI {value}; check it.")
        return work_to_entry(message)
    if enricher.arxiv is None:
        raise EffllmBibError("an arXiv id needs the arXiv source; do not pass --no-arxiv.")
    record = enricher.arxiv.fetch([value]).get(value)
    if record is None:
        raise EffllmBibError(f"arXiv has no paper {value}; check the id.")
    entry = record.entry
    if enricher.crossref is not None:
        published = _published(enricher, record)
        if published is not None:
            entry = published.with_fields(
                eprint=value, archiveprefix="arXiv", primaryclass=entry.get("primaryclass"),
                author=published.get("author") or entry.get("author"),
            )  # fmt: skip
    return entry


def _published(enricher: Enricher, record: ArxivRecord) -> Entry | None:
    assert enricher.crossref is not None
    doi = record.entry.get("doi")
    if doi and not is_arxiv_doi(doi):
        message = enricher.crossref.lookup_doi(doi)
        return work_to_entry(message) if message else None
    title = latex_to_plain(record.entry.get("title"))
    items = enricher.crossref.search(title, "", record.entry.get("year"))
    verdict = judge(record.entry, [work_to_entry(i) for i in items])
    if verdict.accepted is not None and verdict.accepted.type in PUBLISHED_TYPES:
        return verdict.accepted
    return None
