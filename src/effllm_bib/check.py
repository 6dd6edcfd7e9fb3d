"""Validate a database. Every rule is a function from data to findings; the CLI picks the exit code."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

from rapidfuzz import fuzz, process

from . import bibio, keys
from .errors import EffllmBibError
from .model import Entry, Problem, Severity
from .normalize import ARXIV_DOI_PREFIX, arxiv_id_from_url, fold, normalize_arxiv_id, normalize_doi
from .taxonomy import Taxonomy

NEAR_DUPLICATE = 95
E, W = Severity.ERROR, Severity.WARNING

Rule = Callable[[list[Entry], Taxonomy, Callable[[Entry], str]], Iterable[Problem]]


def _keys(
    entries: list[Entry], taxonomy: Taxonomy, where: Callable[[Entry], str]
) -> Iterable[Problem]:
    for e in entries:
        if not bibio.is_valid_key(e.key):
            yield Problem(E, "bad-key", f"key '{e.key}' has characters BibTeX tools reject; "
                          "rename it with 'effllm-bib keys rename'.", where(e))  # fmt: skip
        if keys.is_pending(e.key) and e.get("author"):
            yield Problem(E, "pending-key", "has authors but still a provisional key; "
                          "run 'effllm-bib keys assign'.", where(e))  # fmt: skip


def _keywords(
    entries: list[Entry], taxonomy: Taxonomy, where: Callable[[Entry], str]
) -> Iterable[Problem]:
    for e in entries:
        if not e.keywords:
            yield Problem(W, "no-keywords", "has no taxonomy keyword; add one to 'keywords'.",
                          where(e))  # fmt: skip
        for kw in e.keywords:
            if kw not in taxonomy:
                hint = taxonomy.suggest(kw)
                also = f" (did you mean {', '.join(hint)}?)" if hint else ""
                yield Problem(E, "unknown-keyword", f"keyword '{kw}' is not a taxonomy slug{also}; "
                              "fix it or add the category to taxonomy.toml.", where(e))  # fmt: skip


def _authors(
    entries: list[Entry], taxonomy: Taxonomy, where: Callable[[Entry], str]
) -> Iterable[Problem]:
    for e in entries:
        if e.type == "software":
            continue
        if not e.get("author"):
            yield Problem(W, "no-author", "has no authors (not confirmed from a public source); "
                          "merge a source that lists them.", where(e))  # fmt: skip
        elif e.get("confidence") == "low":
            yield Problem(W, "low-confidence", "its metadata comes from partial or conflicting "
                          "sources (confidence = low); confirm it from the venue or arXiv page.",
                          where(e))  # fmt: skip


def _identifiers(
    entries: list[Entry], taxonomy: Taxonomy, where: Callable[[Entry], str]
) -> Iterable[Problem]:
    by_doi: dict[str, list[Entry]] = defaultdict(list)
    by_arxiv: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        doi = normalize_doi(e.get("doi")) if e.get("doi") else None
        if e.get("doi") and doi is None:
            yield Problem(
                E, "bad-doi", f"doi '{e.get('doi')}' is not a DOI; fix or remove it.", where(e)
            )
        if doi and not doi.lower().startswith(ARXIV_DOI_PREFIX):
            by_doi[doi.lower()].append(e)
        if e.get("eprint"):
            aid = normalize_arxiv_id(e.get("eprint"))
            if aid is None and e.get("archiveprefix", "arXiv").lower() == "arxiv":
                yield Problem(E, "bad-arxiv-id", f"eprint '{e.get('eprint')}' is not an arXiv id.",
                              where(e))  # fmt: skip
            elif aid:
                by_arxiv[aid].append(e)
    for label, groups in (("DOI", by_doi), ("arXiv id", by_arxiv)):
        for value, members in groups.items():
            if len(members) > 1:
                names = ", ".join(m.key for m in members)
                yield Problem(E, "duplicate-paper", f"{label} {value} is on several entries ({names});"
                              " merge them into one.", where(members[1]))  # fmt: skip


def _survey_links(
    entries: list[Entry], taxonomy: Taxonomy, where: Callable[[Entry], str]
) -> Iterable[Problem]:
    """Upstream errors of the survey's list that the database has corrected or cannot resolve."""
    linked: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        aid = arxiv_id_from_url(e.get("surveyurl")) if e.get("surveyurl") else None
        if aid:
            linked[aid].append(e)
    for aid, members in linked.items():
        for e in members:
            eprint = normalize_arxiv_id(e.get("eprint")) if e.get("eprint") else None
            if eprint and eprint != aid:
                yield Problem(W, "survey-wrong-arxiv", f"the survey links arXiv {aid}, but this "
                              f"paper is arXiv {eprint} (upstream error in the survey's list).",
                              where(e))  # fmt: skip
            elif not eprint:
                others = ", ".join(m.key for m in members if m is not e)
                shared = f" (also linked for {others})" if others else ""
                yield Problem(W, "survey-ambiguous-arxiv", f"the survey links arXiv {aid}{shared}"
                              " but no source confirmed it belongs to this paper; merge one that "
                              "gives its eprint.", where(e))  # fmt: skip


def _near_duplicates(
    entries: list[Entry], taxonomy: Taxonomy, where: Callable[[Entry], str]
) -> Iterable[Problem]:
    papers = [e for e in entries if e.type != "software" and e.get("title")]
    titles = [fold(e.get("title")) for e in papers]
    if len(titles) < 2:
        return
    scores = process.cdist(titles, titles, scorer=fuzz.ratio, score_cutoff=NEAR_DUPLICATE)
    for i in range(len(papers)):
        for j in range(i + 1, len(papers)):
            if scores[i][j]:
                yield Problem(W, "near-duplicate-title", f"title nearly equals that of "
                              f"'{papers[i].key}'; one paper entered twice?", where(papers[j]))  # fmt: skip


RULES: list[Rule] = [_keys, _keywords, _authors, _identifiers, _survey_links, _near_duplicates]


def check_entries(
    entries: list[Entry], taxonomy: Taxonomy, source: str = "effllm.bib"
) -> list[Problem]:
    def where(e: Entry) -> str:
        return f"{source}:{e.line} {e.key}" if e.line else e.key

    problems: list[Problem] = []
    for rule in RULES:
        problems.extend(rule(entries, taxonomy, where))
    return problems


def check_database(bib_path: Path, taxonomy_path: Path) -> list[Problem]:
    """Every finding for a database on disk, parse errors included (never raises for bad data)."""
    from .taxonomy import load_taxonomy

    problems: list[Problem] = []
    try:
        taxonomy = load_taxonomy(taxonomy_path)
    except EffllmBibError as exc:
        return [Problem(E, "taxonomy", str(exc))]
    try:
        parsed = bibio.read_bib(bib_path)
    except EffllmBibError as exc:
        return [Problem(E, "unreadable", str(exc))]
    problems.extend(parsed.problems)
    problems.extend(check_entries(parsed.entries, taxonomy, str(bib_path)))
    return problems
