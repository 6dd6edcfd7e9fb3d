"""Published versions of preprints: candidates from DBLP, Crossref and the arXiv journal
reference, and the decision which one (if any) the entry may cite.

A candidate counts only when it is our paper: the title matches closely, the year is within
one, most family names agree, and nothing marks it as another version of the method (see
:func:`.candidates.score`). CoRR records are the preprint itself and never count. When the
sources that found a version name different venues, all are reported and none is applied.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from ..model import Entry
from ..venues import VENUE_FIELD, match_venue, venue_core
from ..vocab import arxiv_id
from .candidates import Scored, score
from .crossref import CrossrefSource, is_arxiv_doi, work_to_entry
from .dblp import DblpRecord

SourceName = Literal["crossref", "dblp", "arxiv"]
PRIORITY: tuple[SourceName, ...] = ("crossref", "dblp", "arxiv")  # DOI registrant first
PUBLISHED_TYPES = frozenset(VENUE_FIELD)


@dataclass(frozen=True)
class Candidate:
    """A published version one source offers for a preprint."""

    source: SourceName
    entry: Entry  # a published type with its venue field
    evidence: str  # what to show: a DOI, a DBLP record, the journal reference

    @property
    def venue(self) -> str:
        return self.entry.get(VENUE_FIELD.get(self.entry.type, "booktitle"))

    def label(self) -> str:
        """'ICLR 2024 (dblp: https://dblp.org/rec/...)' for reports."""
        known = match_venue(self.venue)
        name = known.short if known else self.venue
        return f"{name} {self.entry.get('year')} ({self.source}: {self.evidence})".replace(
            "  ", " "
        )


@dataclass
class DblpFindings:
    """What a DBLP search says about one preprint."""

    candidates: list[Candidate] = field(default_factory=list)
    unknown_venues: list[DblpRecord] = field(default_factory=list)  # our paper, venue not in table
    refused: list[Scored] = field(default_factory=list)  # venue records that are not our paper
    twin: DblpRecord | None = None  # the CoRR record of our arXiv id


def dblp_findings(ours: Entry, records: Iterable[DblpRecord]) -> DblpFindings:
    """Sort DBLP's hits: our CoRR twin, venue records that are our paper (known venue or not),
    and venue records refused (other authors, another version, another year)."""
    found = DblpFindings()
    eprint = arxiv_id(ours)  # None unless the eprint is an arXiv id (vocab decides)
    for record in records:
        if record.is_corr:
            if eprint and record.arxiv_id == eprint:
                found.twin = record
            continue
        entry = record.to_entry()
        fit = score(ours, entry)
        if not fit.acceptable:
            found.refused.append(fit)
        elif entry.type in PUBLISHED_TYPES:
            found.candidates.append(Candidate("dblp", entry, record.url))
        else:
            found.unknown_venues.append(record)
    return found


def _year(entry: Entry) -> str:
    m = re.search(r"\d{4}", entry.get("year"))
    return m.group(0) if m else ""


def same_venue(a: Candidate, b: Candidate) -> bool:
    """The same venue (as the venue table knows it, else by its core words) and year."""
    if _year(a.entry) != _year(b.entry):
        return False
    va, vb = match_venue(a.venue), match_venue(b.venue)
    if va is not None and vb is not None:
        return va.short == vb.short
    return venue_core(a.venue) == venue_core(b.venue)


@dataclass(frozen=True)
class Decision:
    chosen: Candidate | None  # the version to cite (the best source among those that agree)
    agreeing: tuple[Candidate, ...] = ()  # every candidate, when they agree
    conflicting: tuple[Candidate, ...] = ()  # every candidate, when they do not


def decide(candidates: Sequence[Candidate]) -> Decision:
    """One venue named by every source that found one -> cite it; several -> cite none."""
    if not candidates:
        return Decision(None)
    first = candidates[0]
    if any(not same_venue(first, c) for c in candidates[1:]):
        return Decision(None, conflicting=tuple(candidates))
    ranked = sorted(candidates, key=lambda c: PRIORITY.index(c.source))
    return Decision(ranked[0], agreeing=tuple(ranked))


def combined(decision: Decision) -> Entry:
    """The chosen version, with every agreeing source's pages (``sources``) and the fields
    only another source has (DBLP's volume for a Crossref record without one, say)."""
    assert decision.chosen is not None
    entry = decision.chosen.entry
    urls = entry.get("sources").split()
    for other in decision.agreeing[1:]:
        urls += [u for u in other.entry.get("sources").split() if u not in urls]
        missing = {
            n: v
            for n, v in other.entry.fields
            if n in ("volume", "pages", "publisher", "doi") and not entry.get(n)
        }
        entry = entry.with_fields(**missing)
    return entry.with_fields(sources=" ".join(urls))


def crossref_candidate(work: Entry, evidence: str) -> Candidate:
    """A Crossref work as a candidate, its DOI page among its sources."""
    doi = work.get("doi")
    return Candidate(
        "crossref", work.with_fields(sources=f"https://doi.org/{doi}") if doi else work, evidence
    )


def crossref_records(crossref: CrossrefSource, candidates: Sequence[Candidate]) -> list[Candidate]:
    """Crossref's own record of each DOI another source gave (DBLP's for an Anthology paper),
    fetched now: it is the registrant's record, and the next run finds it in the cache."""
    known = {c.entry.get("doi").lower() for c in candidates if c.source == "crossref"}
    out = []
    for candidate in candidates:
        doi = candidate.entry.get("doi")
        if not doi or is_arxiv_doi(doi) or doi.lower() in known:
            continue
        known.add(doi.lower())
        message = crossref.lookup_doi(doi)
        work = work_to_entry(message) if message is not None else None
        if work is not None and work.type in PUBLISHED_TYPES:
            out.append(crossref_candidate(work, f"{doi}, from {candidate.source}"))
    return out
