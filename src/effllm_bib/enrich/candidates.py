"""Deciding whether a search candidate is the entry's paper. Never the top hit by default."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from ..compare import fold
from ..identifiers import normalize_doi
from ..latex import latex_to_plain
from ..model import Entry
from ..names import family_names, person_keys

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
    if not authors_agree(entry.get("author"), candidate.get("author")):
        reasons.append("authors differ")
    variant = variant_of(entry.get("title"), candidate.get("title"))
    if variant:
        reasons.append(variant)
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


def authors_agree(ours: str, theirs: str) -> bool:
    """Most family names shared: more than half of the shorter list (one name alone is not
    enough when both lists have more). True when either list is empty (nothing to compare)."""
    a, b = family_names(ours), family_names(theirs)
    if not a or not b:
        return True
    rest = list(b)
    common = 0
    for name in a:
        if name in rest:
            rest.remove(name)
            common += 1
    return common * 2 > min(len(a), len(b))


def is_author_prefix(ours: str, theirs: str) -> bool:
    """Our list is a strict prefix of theirs: the same people, in the same order, fewer of them
    (the first author alone, or a list cut before the authors a later version added)."""
    a, b = person_keys(ours), person_keys(theirs)
    return bool(a) and len(a) < len(b) and b[: len(a)] == a


_NUMBER = re.compile(r"\d+(?:\.\d+)*")
_MARK = re.compile(r"(?<=\w)(\+\+|\+|#)|\b[A-Z]-(?=[A-Z][a-z])")


def _markers(title: str) -> list[str]:
    plain = latex_to_plain(title)
    return sorted(_NUMBER.findall(plain) + [m.group(0) for m in _MARK.finditer(plain)])


def _head(title: str) -> str:
    """The method name before a colon ('GaLore' in 'GaLore: Memory-Efficient ...'), or ''."""
    head, sep, _ = latex_to_plain(title).partition(":")
    return fold(head) if sep and len(head.split()) <= 4 else ""


def variant_of(ours: str, theirs: str) -> str:
    """Why ``theirs`` names another version of the method ('Q-GaLore', 'EAGLE-2', 'Qwen2.5',
    'Outlier Suppression+'), or '' when nothing marks it as one."""
    if _markers(ours) != _markers(theirs):
        return "another version (numbers or marks differ)"
    h1, h2 = _head(ours), _head(theirs)
    if h1 and h2 and h1 != h2:
        return f"another method name ({h2!r})"
    return ""
