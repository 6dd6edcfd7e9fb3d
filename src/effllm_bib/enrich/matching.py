"""Deciding whether a search candidate is the entry's paper. Never the top hit by default."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from ..model import Entry
from ..names import family_names
from ..normalize import fold, normalize_doi

TITLE_MIN = 92  # rapidfuzz ratio of folded titles
CLEAR_WINNER = 98  # a candidate this close wins over others below RUNNER_UP
RUNNER_UP = 95


@dataclass(frozen=True)
class Scored:
    candidate: Entry
    title_score: float
    reasons: tuple[str, ...] = ()

    @property
    def acceptable(self) -> bool:
        return not self.reasons


@dataclass(frozen=True)
class Judgement:
    accepted: Entry | None
    verdict: str  # matched | none | ambiguous
    scored: list[Scored] = field(default_factory=list)

    def explain(self) -> str:
        shown = "; ".join(
            f"{s.candidate.get('doi') or '?'} ({s.title_score:.0f}"
            + (f", {', '.join(s.reasons)})" if s.reasons else ")")
            for s in self.scored[:3]
        )
        return shown or "no candidates"


def _year(value: str) -> int | None:
    m = re.search(r"\d{4}", value)
    return int(m.group(0)) if m else None


def score(entry: Entry, candidate: Entry) -> Scored:
    """How well a candidate fits, and every reason to refuse it."""
    ours, theirs = fold(entry.get("title")), fold(candidate.get("title"))
    title_score = fuzz.ratio(ours, theirs)
    if ":" in candidate.get("title") and title_score < TITLE_MIN:
        # Crossref sometimes appends a subtitle our record does not have.
        head = fold(candidate.get("title").split(":")[0])
        title_score = max(title_score, fuzz.ratio(ours, head) - 5)
    reasons = []
    if title_score < TITLE_MIN:
        reasons.append("title differs")
    y1, y2 = _year(entry.get("year")), _year(candidate.get("year"))
    if y1 is not None and y2 is not None and abs(y1 - y2) > 1:
        reasons.append(f"year {y2}")
    ours_auth, theirs_auth = (
        family_names(entry.get("author")),
        family_names(candidate.get("author")),
    )
    if ours_auth and theirs_auth and not set(ours_auth) & set(theirs_auth):
        reasons.append("no author in common")
    return Scored(candidate, title_score, tuple(reasons))


def judge(entry: Entry, candidates: list[Entry]) -> Judgement:
    """Accept one candidate only when it fits and no other fitting candidate competes."""
    scored = sorted((score(entry, c) for c in candidates), key=lambda s: -s.title_score)
    good = [s for s in scored if s.acceptable]
    if not good:
        return Judgement(None, "none", scored)
    distinct = {(normalize_doi(s.candidate.get("doi")) or str(id(s))).lower() for s in good}
    if len(distinct) == 1:
        return Judgement(good[0].candidate, "matched", scored)
    best, second = good[0], good[1]
    if best.title_score >= CLEAR_WINNER and second.title_score < RUNNER_UP:
        return Judgement(best.candidate, "matched", scored)
    return Judgement(None, "ambiguous", scored)
