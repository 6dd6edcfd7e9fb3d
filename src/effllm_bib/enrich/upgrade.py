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

from ..compare import fold
from ..latex import latex_to_plain
from ..model import Entry
from ..names import parse_names, person_keys
from ..venues import VENUE_FIELD, match_venue, venue_core
from ..vocab import arxiv_id
from .candidates import Scored, score
from .crossref import CrossrefSource, is_arxiv_doi, work_to_entry
from .dblp import DblpRecord
from .openreview import OpenReviewNote

SourceName = Literal["crossref", "dblp", "openreview", "arxiv"]
# The DOI registrant first, then the venue records, then the arXiv journal reference.
PRIORITY: tuple[SourceName, ...] = ("crossref", "dblp", "openreview", "arxiv")
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


@dataclass
class OpenReviewFindings:
    """What an OpenReview search says about one preprint."""

    candidates: list[Candidate] = field(default_factory=list)  # published at a venue we know
    unpublished: list[OpenReviewNote] = field(default_factory=list)  # ours, not (yet) accepted
    refused: list[Scored] = field(default_factory=list)  # a published note that is not our paper


def openreview_findings(ours: Entry, notes: Iterable[OpenReviewNote]) -> OpenReviewFindings:
    """Sort OpenReview's hits: notes published at a venue of the table that are our paper,
    our paper as a submission only (rejected, withdrawn, under review), and refusals."""
    found = OpenReviewFindings()
    for note in notes:
        entry = note.to_entry()
        fit = score(ours, entry)
        if not fit.acceptable:
            found.refused.append(fit)
        elif entry.type in PUBLISHED_TYPES:
            found.candidates.append(Candidate("openreview", entry, note.url))
        else:
            found.unpublished.append(note)
    return found


def version_differences(preprint: Entry, published: Entry) -> list[str]:
    """How the published version differs from the preprint: a new title, authors added or
    dropped (by their whole folded names, so a spelling is no difference)."""
    out = []
    if fold(latex_to_plain(preprint.get("title"))) != fold(latex_to_plain(published.get("title"))):
        old, new = latex_to_plain(preprint.get("title")), latex_to_plain(published.get("title"))
        out.append(f"title '{old}' -> '{new}'")
    before, after = person_keys(preprint.get("author")), person_keys(published.get("author"))
    shown = dict(zip(person_keys(published.get("author")), display_names(published), strict=False))
    shown |= dict(zip(before, display_names(preprint), strict=False))
    added = [shown[k] for k in after if k not in before]
    dropped = [shown[k] for k in before if k not in after]
    if added:
        out.append(f"authors added: {', '.join(added)}")
    if dropped:
        out.append(f"authors dropped: {', '.join(dropped)}")
    if not added and not dropped and before != after and sorted(before) == sorted(after):
        out.append("author order changed")
    return out


def display_names(entry: Entry) -> list[str]:
    """Each author as people read a name: "Badr Youbi Idrissi", LaTeX as text."""
    return [
        latex_to_plain(" ".join(p for p in (n.first, n.von, n.last, n.jr) if p))
        for n in parse_names(entry.get("author"))
        if not n.others
    ]


def venue_page(entry: Entry) -> str:
    """The venue's page for the paper among a record's pages (not DBLP's, arXiv's or a DOI
    link), else its DOI link; '' when it has neither."""
    for url in entry.get("sources").split():
        host = url.split("/")[2] if url.count("/") >= 2 else ""
        if host and not any(h in host for h in ("dblp.", "arxiv.org", "doi.org")):
            return url
    doi = entry.get("doi")
    return f"https://doi.org/{doi}" if doi and not is_arxiv_doi(doi) else ""


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
            if n in ("volume", "pages", "publisher", "doi", "url") and not entry.get(n)
        }
        entry = entry.with_fields(**missing)
    entry = entry.with_fields(sources=" ".join(urls))
    return entry if entry.get("url") else entry.with_fields(url=venue_page(entry))


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
