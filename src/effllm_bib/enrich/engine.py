"""Enrichment runs: ask the sources about entries, apply the merge policy, record provenance.

The policy is the merge's: fill missing fields; correct values only the survey asserted; report
every other difference with both values (``overwrite`` names fields a source may replace).
Fields a source filled before may be refreshed by that same source. An author list that is a
strict prefix of the source's (the first author alone) is completed, and reported as completed.

Preprints: DBLP, Crossref and the arXiv journal reference are asked for a published version
(see :mod:`.upgrade`); it is cited only with ``upgrade_preprints``, and the arXiv id and the
key stay. Without the flag, a version found is reported.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass, field, replace

from ..changes import FieldChange
from ..database import Database
from ..identifiers import normalize_doi
from ..latex import latex_to_plain
from ..merge import merge_entry
from ..model import Entry, Problem, Severity
from ..names import first_family
from ..venues import lookup_venue
from ..vocab import PUBLISHED_TYPES, arxiv_doi, arxiv_id, is_preprint
from .arxiv import ArxivRecord, ArxivSource
from .candidates import TITLE_MIN, is_author_prefix, judge
from .crossref import CrossrefSource, is_arxiv_doi, work_to_entry
from .dblp import DblpSource, venue_from_bibtex
from .openreview import OpenReviewSource
from .provenance import filled_by, parse_provenance, record_provenance
from .upgrade import (
    Candidate,
    combined,
    crossref_candidate,
    crossref_records,
    dblp_findings,
    decide,
    openreview_findings,
    version_differences,
)

# What citing a published version takes from the venue's record: the record the venue printed
# (title, authors, volume, pages, DOI) and its page for the paper as ``url``.
UPGRADE_FIELDS = frozenset(
    {
        "type",
        "booktitle",
        "journal",
        "year",
        "volume",
        "number",
        "pages",
        "publisher",
        "doi",
        "title",
        "author",
        "url",
    }
)


@dataclass
class EnrichReport:
    outcomes: dict[str, str] = field(default_factory=dict)  # key -> filled|unchanged|conflict|...
    changes: list[FieldChange] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    aborted: str = ""

    def count(self, outcome: str) -> int:
        return sum(1 for o in self.outcomes.values() if o == outcome)

    def summary(self) -> str:
        parts = [
            f"{self.count(o)} {o}"
            for o in ("filled", "unchanged", "conflicts", "not found", "ambiguous", "failed")
        ]
        return ", ".join(parts)


# --- one entry -------------------------------------------------------------------------------


class Enricher:
    """Applies what the sources say to one database, entry by entry."""

    def __init__(
        self,
        db: Database,
        crossref: CrossrefSource | None,
        arxiv: ArxivSource | None,
        *,
        dblp: DblpSource | None = None,
        openreview: OpenReviewSource | None = None,
        overwrite: Collection[str] = (),
        upgrade_preprints: bool = False,
        today: str | None = None,
    ) -> None:
        self.db = db
        self.crossref = crossref
        self.arxiv = arxiv
        self.dblp = dblp
        self.openreview = openreview
        self.overwrite = set(overwrite)
        self.upgrade = upgrade_preprints
        self.today = today or dt.date.today().isoformat()

    @property
    def sources(self) -> list[CrossrefSource | ArxivSource | DblpSource | OpenReviewSource]:
        chosen = (self.crossref, self.arxiv, self.dblp, self.openreview)
        return [s for s in chosen if s is not None]

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
        completing = is_author_prefix(ours.get("author"), incoming.get("author"))
        if completing:
            refresh.add("author")
        merged, changes = merge_entry(ours, incoming, refresh, type_authority=type_authority)
        if completing:
            changes = [
                replace(c, kind="complete") if c.field == "author" and c.kind == "correct" else c
                for c in changes
            ]
        merged = record_provenance(merged, source, changes, self.today)
        self.db.put(merged)
        report.changes.extend(changes)
        return changes

    # --- published versions of preprints ---

    def published_version(
        self, key: str, work: Entry, report: EnrichReport, source: str = "crossref"
    ) -> list[FieldChange]:
        """Cite a published record for a preprint entry, or report that one exists."""
        ours = self.db.entries[key]
        if not self.upgrade:
            where = work.get("doi") or work.get("booktitle") or work.get("journal")
            report.problems.append(
                Problem(
                    Severity.INFO,
                    "published-version",
                    f"published as {where} {work.get('year')} ({source}); "
                    "run with --upgrade-preprints to cite it",
                    key=key,
                )
            )
            return []
        incoming = work.with_fields(eprint=ours.get("eprint"), archiveprefix="arXiv")
        changes = self.apply(key, incoming, source, report, True, also_overwrite=UPGRADE_FIELDS)
        upgraded = self.db.entries[key]
        for difference in version_differences(ours, upgraded):
            report.problems.append(
                Problem(
                    Severity.INFO,
                    "published-differs",
                    f"the published version differs from the preprint: {difference}",
                    key=key,
                )
            )
        if upgraded.type in PUBLISHED_TYPES and is_arxiv_doi(upgraded.get("doi")):
            # the arXiv DOI names the preprint; the eprint field keeps it
            change = FieldChange(key, "doi", upgraded.get("doi"), "", "correct")
            self.db.put(upgraded.with_fields(doi=""))
            report.changes.append(change)
            changes.append(change)
        return changes

    def journal_ref_candidate(
        self, key: str, record: ArxivRecord, report: EnrichReport
    ) -> Candidate | None:
        """The authors recorded a publication: follow its DOI, or read a known venue name."""
        doi = record.entry.get("doi") or ""
        if doi and self.crossref is not None and not is_arxiv_doi(doi):
            message = self.crossref.lookup_doi(doi)
            if message is not None:
                work = work_to_entry(message)
                if work.type in PUBLISHED_TYPES:
                    return crossref_candidate(work, f"arXiv journal DOI {doi}")
        venue_name = re.split(r"[\s,(]*\d{4}", record.journal_ref)[0].strip(" ,")
        venue = lookup_venue(venue_name)
        year = re.search(r"(19|20)\d\d", record.journal_ref)
        if venue is None or not venue.venue_field or year is None:
            report.problems.append(
                Problem(
                    Severity.INFO,
                    "journal-ref",
                    f"arXiv journal reference '{record.journal_ref}' names no venue "
                    "the venue table knows; check it by hand",
                    key=key,
                )
            )
            return None
        work = Entry.make(
            key, venue.entry_type, {venue.venue_field: venue.full, "year": year.group(0)}
        )
        return Candidate("arxiv", work, f"journal reference '{record.journal_ref}'")

    def dblp_candidates(self, key: str, report: EnrichReport) -> list[Candidate]:
        assert self.dblp is not None
        ours = self.db.entries[key]
        found = dblp_findings(ours, self.dblp.search(latex_to_plain(ours.get("title"))))
        for record in found.unknown_venues:
            bibtex = self.dblp.bibtex(record.key)  # the venue's full name, for the reader
            name = venue_from_bibtex(bibtex) if bibtex else ""
            report.problems.append(
                Problem(
                    Severity.INFO,
                    "dblp-venue-unknown",
                    f"DBLP lists it at {record.venue} {record.year} ({record.url}"
                    f"{': ' + repr(name) if name else ''}), a venue the DBLP "
                    "venue table has no row for; cite it by hand",
                    key=key,
                )
            )
        for fit in found.refused:
            if fit.title_score >= TITLE_MIN:  # our title, but not our paper
                report.problems.append(
                    Problem(
                        Severity.INFO,
                        "dblp-refused",
                        f"DBLP's {fit.candidate.get('sources').split()[0]} has a "
                        f"close title but is not cited: {', '.join(fit.reasons)}",
                        key=key,
                    )
                )
        return found.candidates

    def openreview_candidates(self, key: str, report: EnrichReport) -> list[Candidate]:
        """OpenReview's accepted versions of a preprint; a submission that is ours but was not
        accepted (rejected, withdrawn, under review) is reported, never cited."""
        assert self.openreview is not None
        ours = self.db.entries[key]
        found = openreview_findings(ours, self.openreview.search(latex_to_plain(ours.get("title"))))
        for note in found.unpublished:
            report.problems.append(
                Problem(
                    Severity.INFO,
                    "openreview-unpublished",
                    f"OpenReview has it as '{note.venue}' ({note.url}): a submission, not a "
                    "publication; not cited",
                    key=key,
                )
            )
        return found.candidates

    def settle(self, key: str, found: list[Candidate], report: EnrichReport) -> list[FieldChange]:
        decision = decide(found)
        if decision.conflicting:
            shown = "; ".join(c.label() for c in decision.conflicting)
            report.problems.append(
                Problem(
                    Severity.WARNING,
                    "venue-disagreement",
                    f"the sources name different published versions: {shown}; "
                    "none applied, check by hand",
                    key=key,
                )
            )
            return []
        if decision.chosen is None:
            return []
        return self.published_version(key, combined(decision), report, decision.chosen.source)

    def preprint(
        self, key: str, record: ArxivRecord | None, report: EnrichReport
    ) -> tuple[list[FieldChange], str]:
        """Every source's published version of a preprint, settled; then its arXiv DOI (derived
        even when a source fails or is not cached, as the entry then stays a preprint)."""
        candidates: list[Candidate] = []
        changes: list[FieldChange] = []
        outcome = ""
        try:
            if record is not None and record.journal_ref:
                candidates += filter(None, [self.journal_ref_candidate(key, record, report)])
            if self.crossref is not None:
                more, outcome = self.from_crossref(key, report, candidates)
                changes += more
            if self.dblp is not None:
                candidates += self.dblp_candidates(key, report)
            if self.openreview is not None:
                candidates += self.openreview_candidates(key, report)
            if self.crossref is not None:
                candidates += crossref_records(self.crossref, candidates)
            changes += self.settle(key, candidates, report)
        finally:
            changes += self.derive_arxiv_doi(key, report)
        return changes, "" if candidates and outcome == "not found" else outcome

    # --- the sources, one by one ---

    def from_arxiv(self, key: str, record: ArxivRecord, report: EnrichReport) -> list[FieldChange]:
        ours = self.db.entries[key]
        incoming = record.entry
        if ours.type in PUBLISHED_TYPES:
            # For a published paper the arXiv record speaks only for authors and the id.
            keep = {"author", "eprint", "archiveprefix", "primaryclass"}
            incoming = Entry.make(
                incoming.key, incoming.type, {k: v for k, v in incoming.fields if k in keep}
            )
        elif incoming.get("doi"):
            incoming = incoming.with_fields(doi="")  # a journal DOI is a pointer, handled apart
        return self.apply(key, incoming, "arxiv", report, type_authority=False)

    def derive_arxiv_doi(self, key: str, report: EnrichReport) -> list[FieldChange]:
        """A preprint's DOI is its arXiv DOI (DataCite): derived, never looked up."""
        ours = self.db.entries[key]
        aid = arxiv_id(ours)
        if not aid or ours.get("doi") or not is_preprint(ours):
            return []
        incoming = Entry.make(key, ours.type, {"doi": arxiv_doi(aid)})
        return self.apply(key, incoming, "derived", report, type_authority=False)

    def from_crossref(
        self, key: str, report: EnrichReport, candidates: list[Candidate] | None = None
    ) -> tuple[list[FieldChange], str]:
        """(changes, outcome) for one entry; outcome 'not found' or 'ambiguous' when nothing
        applied. For a preprint, a published record found is added to ``candidates``."""
        assert self.crossref is not None
        ours = self.db.entries[key]
        doi = normalize_doi(ours.get("doi")) if ours.get("doi") else None
        if doi and not is_arxiv_doi(doi):
            message = self.crossref.lookup_doi(doi)
            if message is None:
                report.problems.append(
                    Problem(
                        Severity.WARNING,
                        "doi-not-found",
                        f"Crossref does not know DOI {doi}; check it",
                        key=key,
                    )
                )
                return [], "not found"
            return self.apply(key, work_to_entry(message), "crossref", report, True), ""
        if not doi and ours.type in PUBLISHED_TYPES and _upgraded(ours):
            return [], ""  # searched when it was upgraded; its title and year changed since
        first = latex_to_plain(first_family(ours.get("author")))
        items = self.crossref.search(latex_to_plain(ours.get("title")), first, ours.get("year"))
        verdict = judge(ours, [work_to_entry(i) for i in items])
        if verdict.verdict == "ambiguous":
            report.problems.append(
                Problem(
                    Severity.WARNING,
                    "ambiguous",
                    f"several Crossref records fit: {verdict.explain()}; not applied",
                    key,
                )
            )
            return [], "ambiguous"
        if verdict.accepted is None:
            return [], "not found"
        work = verdict.accepted
        if is_preprint(ours) and work.type in PUBLISHED_TYPES:
            if candidates is not None:
                candidates.append(crossref_candidate(work, work.get("doi")))
                return [], ""
            return self.published_version(key, work, report), ""
        return self.apply(key, work, "crossref", report, True), ""


def _upgraded(entry: Entry) -> bool:
    """An enrichment source set its venue (the preprint was upgraded by an earlier run)."""
    records = parse_provenance(entry.get("provenance"))
    return any(names & {"booktitle", "journal"} for names in records.values())
