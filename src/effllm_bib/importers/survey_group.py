"""Group the survey's bullets into papers: one paper may be listed under several categories,
and two bullets may name one paper with different titles or links."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz

from ..compare import fix_doubled_prefix, fold, similar_pairs
from ..identifiers import arxiv_id_from_url
from ..model import Severity
from ..survey_record import SIMILAR_TITLE
from .survey_parse import Bullet, SurveyList

# --- grouping bullets into papers ----------------------------------------------------------


@dataclass
class Paper:
    """The bullets that name one paper, and the categories they put it in."""

    bullets: list[Bullet]
    arxiv_id: str | None = None
    arxiv_trusted: bool = True

    @property
    def first(self) -> Bullet:
        return self.bullets[0]

    @property
    def categories(self) -> list[str]:
        return sorted({b.category for b in self.bullets})

    @property
    def titles(self) -> set[str]:
        return {fold(fix_doubled_prefix(b.title)) for b in self.bullets}


def group_papers(survey: SurveyList) -> list[Paper]:
    """Bullets naming the same paper become one :class:`Paper`; conflicts are reported."""
    bullets = survey.bullets
    parent = list(range(len(bullets)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        parent[find(i)] = find(j)

    by_title: dict[str, int] = {}
    by_id: dict[str, list[int]] = defaultdict(list)
    for i, b in enumerate(bullets):
        key = fold(fix_doubled_prefix(b.title))
        if key in by_title:
            union(i, by_title[key])
        else:
            by_title[key] = i
        aid = arxiv_id_from_url(b.paper_url)
        if aid:
            by_id[aid].append(i)
    shared_ids: set[str] = set()
    for members in by_id.values():
        for i in members[1:]:
            first, other = fold(bullets[members[0]].title), fold(bullets[i].title)
            if first == other or fuzz.ratio(first, other) >= SIMILAR_TITLE:
                union(i, members[0])
    for aid, linked in by_id.items():
        papers_of: dict[int, list[Bullet]] = defaultdict(list)
        for i in linked:
            papers_of[find(i)].append(bullets[i])
        if len(papers_of) > 1:
            shared_ids.add(aid)
            listed = "; ".join(
                f"'{bs[0].title}' (line{'s' if len(bs) > 1 else ''} "
                f"{', '.join(str(b.line) for b in bs)})"
                for bs in papers_of.values()
            )
            survey.report(
                Severity.WARNING,
                "shared-arxiv-id",
                bullets[linked[0]].line,
                f"different papers link the same arXiv id {aid}: {listed}; "
                "none gets this id until a source confirms it",
            )
    groups: dict[int, list[Bullet]] = defaultdict(list)
    for i, b in enumerate(bullets):
        groups[find(i)].append(b)
    papers = []
    for group in groups.values():
        paper = Paper(sorted(group, key=lambda b: b.line))
        ids = {aid for b in group if (aid := arxiv_id_from_url(b.paper_url))}
        if len(ids) > 1:
            survey.report(
                Severity.WARNING,
                "arxiv-id-varies",
                paper.first.line,
                f"'{paper.first.title}' is linked to several arXiv ids "
                f"({', '.join(sorted(ids))}); none is used until a source confirms one",
            )
            paper.arxiv_trusted = False
        elif ids:
            paper.arxiv_id = ids.pop()
            paper.arxiv_trusted = paper.arxiv_id not in shared_ids
        _report_repeats(survey, paper)
        papers.append(paper)
    papers.sort(key=lambda p: p.first.line)
    _report_near_titles(survey, papers)
    return papers


def _report_repeats(survey: SurveyList, paper: Paper) -> None:
    seen: dict[str, Bullet] = {}
    for b in paper.bullets:
        if b.category in seen:
            survey.report(
                Severity.WARNING,
                "duplicate-bullet",
                b.line,
                f"'{b.title}' is listed twice in '{b.category}' "
                f"(also line {seen[b.category].line})",
            )
        seen.setdefault(b.category, b)
        first = paper.first
        if b is not first and (b.venue != first.venue):
            survey.report(
                Severity.WARNING,
                "bullets-disagree",
                b.line,
                f"'{b.title}' says '{b.venue}' here but '{first.venue}' on line "
                f"{first.line}; the first is used",
            )
        if b is not first and fold(b.title) != fold(first.title):
            survey.report(
                Severity.WARNING,
                "title-variant",
                b.line,
                f"title written '{b.title}' here and '{first.title}' on line {first.line}",
            )


def _report_near_titles(survey: SurveyList, papers: list[Paper]) -> None:
    titles = [fold(fix_doubled_prefix(p.first.title)) for p in papers]
    for i, j, _ in similar_pairs(titles, SIMILAR_TITLE):
        a, b = papers[i].first, papers[j].first
        survey.report(
            Severity.WARNING,
            "near-duplicate-title",
            b.line,
            f"'{b.title}' and '{a.title}' (line {a.line}) differ only slightly "
            "but link different papers; check whether they are one paper",
        )
