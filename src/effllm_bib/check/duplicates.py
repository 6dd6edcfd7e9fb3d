"""Near-duplicate titles and preprint twins, reported as clusters: one finding per group of
entries, listing every key of the group.

Comparing every title with every other is quadratic (millions of comparisons for a file of a few
thousand entries). Instead, titles that fold to the same text are grouped at once, and the fuzzy
comparison runs only between titles that share one of their rarest words: two titles whose
rapidfuzz ratio is 85 or more have most of their words in common, so they share a rare one.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from ..compare import fold
from ..model import Entry, Problem
from ..names import family_names
from ..vocab import PUBLISHED_TYPES
from .context import Context, Rule

NEAR_DUPLICATE = 95
PREPRINT_TWIN = 85
RARE_WORDS = 3  # how many of a title's rarest words are looked up


class _Clusters:
    """Union-find over indexes."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)

    def groups(self) -> list[list[int]]:
        out: dict[int, list[int]] = defaultdict(list)
        for i in range(len(self.parent)):
            out[self.find(i)].append(i)
        return [g for g in out.values() if len(g) > 1]


def similar_titles(titles: Sequence[str], cutoff: float) -> list[tuple[int, int, float]]:
    """Index pairs (i < j) of distinct folded titles whose rapidfuzz ratio is at least ``cutoff``.

    Candidates share one of their ``RARE_WORDS`` rarest words (or are both short and start
    alike); identical titles are the caller's business (group them before calling).
    """
    from rapidfuzz import fuzz, process

    words = [set(t.split()) for t in titles]
    frequency: Counter[str] = Counter(w for ws in words for w in ws)
    index: dict[str, list[int]] = defaultdict(list)  # every word -> the titles that have it
    for i, ws in enumerate(words):
        for w in ws:
            index[w].append(i)
        if len(ws) <= 2:  # short titles: one changed word is a large share, so block by prefix
            index["\0" + titles[i][:3]].append(i)
    found: dict[tuple[int, int], float] = {}
    for i, ws in enumerate(words):
        rare = heapq.nsmallest(RARE_WORDS, ws, key=lambda w: (frequency[w], w))
        if len(ws) <= 2:
            rare.append("\0" + titles[i][:3])
        candidates = {j for w in rare for j in index[w]}
        candidates.discard(i)
        choices = {j: titles[j] for j in candidates}
        hits = process.extract(
            titles[i], choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
        )
        for _, score, j in hits:
            found[min(i, j), max(i, j)] = score
    return [(i, j, score) for (i, j), score in sorted(found.items())]


def _keys(entries: Sequence[Entry], group: list[int]) -> str:
    return ", ".join(entries[i].key for i in sorted(group, key=lambda i: entries[i].line or 0))


def _near_duplicates(
    raw: Sequence[Entry], resolved: Sequence[Entry], ctx: Context
) -> Iterable[Problem]:
    papers = [
        r
        for e, r in zip(raw, resolved, strict=True)
        if e.type != "software" and "title" in e and r.get("title").strip()
    ]
    folded = [fold(e.get("title")) for e in papers]
    same: dict[str, list[int]] = defaultdict(list)
    for i, title in enumerate(folded):
        if title:
            same[title].append(i)
    distinct_titles = list(same)
    twins = _Clusters(len(papers))
    near = _Clusters(len(papers))

    def allowed(i: int, j: int) -> bool:
        return frozenset((papers[i].key, papers[j].key)) not in ctx.distinct

    def twin(i: int, j: int) -> bool:
        a, b = papers[i], papers[j]
        return (a.type in PUBLISHED_TYPES) != (b.type in PUBLISHED_TYPES) and bool(
            set(family_names(a.get("author"))) & set(family_names(b.get("author")))
        )

    for members in same.values():
        for n, j in enumerate(members[1:], 1):
            partner = next((i for i in members[:n] if allowed(i, j)), None)
            if partner is not None:
                near.join(partner, j)
    for a, b, score in similar_titles(distinct_titles, PREPRINT_TWIN):
        for i in same[distinct_titles[a]]:
            for j in same[distinct_titles[b]]:
                if not allowed(i, j):
                    continue
                if score >= NEAR_DUPLICATE:
                    near.join(i, j)
                elif twin(i, j):
                    twins.join(i, j)
    hint = "if they are different papers, record it with 'effllm-bib distinct KEY KEY --reason ...'"
    for group in near.groups():
        first = min(group, key=lambda i: papers[i].line or 0)
        yield ctx.problem(
            "near-duplicate-title",
            f"{len(group)} entries have nearly the same title "
            f"({_keys(papers, group)}); one paper entered twice? {hint}.",
            papers[first],
        )
    for group in twins.groups():
        first = min(group, key=lambda i: papers[i].line or 0)
        yield ctx.problem(
            "preprint-twin",
            f"{_keys(papers, group)} look like the preprint and the "
            f"published version of one paper (similar title, shared authors); keep "
            f"one. {hint}.",
            papers[first],
        )


# This module's rules, in the order their findings come out (check/runner.py lists the modules).
RULES: tuple[Rule, ...] = (_near_duplicates,)
