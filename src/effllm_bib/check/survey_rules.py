"""The survey database's own rules: taxonomy keywords, authors and keys as the survey keeps them,
missing DOIs, upstream errors of the survey's list, confidence and sources. They run only where
a taxonomy sits beside the .bib file.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from textwrap import shorten

from .. import keys
from ..evidence import only_secondary
from ..identifiers import arxiv_id_from_url, normalize_arxiv_id, normalize_doi
from ..model import Entry, Problem
from ..names import last_first, parse_names
from ..vocab import ARXIV_DOI_PREFIX, PUBLISHED_TYPES
from .context import Context, Rule

# Venues whose publishers register DOIs for their papers (ACL Anthology, ACM, IEEE, AAAI, ...).
DOI_VENUES = re.compile(
    r"Association for Computational Linguistics|Findings of the|Computational Linguistics|"
    r"Empirical Methods in Natural Language Processing|North American Chapter|European Chapter|"
    r"\bACM\b|\bIEEE\b|\bAAAI\b|Springer|VLDB|SIGPLAN|Operating Systems Principles|"
    r"European Conference on Computer Systems|Computer Architecture|ICASSP|High Performance "
    r"Computing|Parallel Processing|Parallel and Distributed|Computer Arithmetic|AI Open"
)


# Types whose main names may be editors: BibTeX's styles and biblatex put the editors first
# when there is no author (a proceedings volume, a collection).
EDITED_TYPES = frozenset(
    {
        "book",
        "proceedings",
        "collection",
        "mvbook",
        "mvproceedings",
        "mvcollection",
        "periodical",
        "reference",
        "mvreference",
    }
)


def _keywords(raw: Sequence[Entry], resolved: Sequence[Entry], ctx: Context) -> Iterable[Problem]:
    taxonomy = ctx.taxonomy
    if taxonomy is None:
        return
    used: set[str] = set()
    for e in raw:
        if not any(kw in taxonomy for kw in e.keywords):
            yield ctx.problem(
                "no-keywords", "has no taxonomy category; add its slug to 'keywords'.", e
            )
        for kw in e.keywords:
            used.add(kw)
            meant = taxonomy.near_miss(kw) if kw not in taxonomy else None
            if meant is not None:  # a keyword far from every slug is the user's own tag
                yield ctx.problem(
                    "unknown-keyword",
                    f"keyword '{kw}' is one slip from the category '{meant}'; write the slug, "
                    "or add the category to taxonomy.toml.",
                    e,
                )
    if not raw:
        return
    populated = taxonomy.nodes_of(used)
    for slug in taxonomy.walk():
        if slug not in populated:
            yield ctx.problem(
                "empty-category",
                f"category '{slug}' has no paper; add papers or "
                "remove the node from taxonomy.toml.",
                path=str(taxonomy.source),
                key=slug,
            )


def _authors(raw: Sequence[Entry], resolved: Sequence[Entry], ctx: Context) -> Iterable[Problem]:
    for e, r in zip(raw, resolved, strict=True):
        if keys.is_pending(e.key) and r.get("author"):
            yield ctx.problem(
                "pending-key",
                "has authors but still a provisional key; run 'effllm-bib keys assign'.",
                e,
            )
        if e.get("confidence") == "low":
            yield ctx.problem(
                "low-confidence",
                "its metadata comes from partial or conflicting "
                "sources (confidence = low); confirm it from the venue or arXiv "
                "page.",
                e,
            )
        if e.type == "software":
            continue
        authors = r.get("author")
        if not authors and keys.is_pending(e.key):
            yield ctx.problem(
                "no-author",
                "has no authors (not confirmed from a public source), so "
                "its key stays provisional; merge a source that lists them.",
                e,
            )
            continue
        if not authors and r.get("editor") and e.type in EDITED_TYPES:
            continue  # an edited volume: the styles name its editors where authors would be
        if not authors:
            yield ctx.problem(
                "no-author", "has no authors; add them, or merge a source that lists them.", e
            )
            continue
        parsed = parse_names(authors)
        if any(n.others for n in parsed):
            yield ctx.problem(
                "others-author", "author list ends in 'others'; give the full list.", e
            )
        if len(parsed) == 1 and parsed[0].literal:
            yield ctx.problem(
                "organisation-author",
                f"the only author is an organisation "
                f"{last_first(parsed[0])}; give the people if the paper names them.",
                e,
            )
        shouting = [
            last_first(n)
            for n in parsed
            if not n.literal and re.search(r"\b[A-Z]{4,}\b", last_first(n))
        ]
        if shouting:
            yield ctx.problem(
                "caps-author",
                f"name(s) in capitals: {'; '.join(shouting[:3])}; write them as the paper does.",
                e,
            )


def _evidence(raw: Sequence[Entry], resolved: Sequence[Entry], ctx: Context) -> Iterable[Problem]:
    for e, r in zip(raw, resolved, strict=True):
        secondary = only_secondary(e)
        if secondary:
            hosts = ", ".join(sorted({u.split("/")[2] for u in secondary}))
            yield ctx.problem(
                "secondary-sources",
                f"its sources are all secondary pages ({hosts}); "
                "add the arXiv, DOI, venue or publisher page that shows the metadata.",
                e,
            )
        doi = normalize_doi(r.get("doi")) if r.get("doi") else None
        venue = r.get("booktitle") or r.get("journal")
        if (
            e.type in PUBLISHED_TYPES
            and DOI_VENUES.search(venue)
            and not (doi and not doi.lower().startswith(ARXIV_DOI_PREFIX))
        ):
            name = shorten(venue, 72, placeholder=" ...")
            yield ctx.problem(
                "missing-doi",
                f"published in '{name}', whose publisher registers "
                "DOIs, but has none; add it (effllm-bib enrich finds it).",
                e,
            )


def _survey_links(
    raw: Sequence[Entry], resolved: Sequence[Entry], ctx: Context
) -> Iterable[Problem]:
    """Upstream errors of the survey's list that the database has corrected or cannot resolve."""
    linked: dict[str, list[Entry]] = defaultdict(list)
    for e in raw:
        aid = arxiv_id_from_url(e.get("surveyurl")) if e.get("surveyurl") else None
        if aid:
            linked[aid].append(e)
    for aid, members in linked.items():
        for e in members:
            eprint = normalize_arxiv_id(e.get("eprint")) if e.get("eprint") else None
            if eprint and eprint != aid:
                yield ctx.problem(
                    "survey-wrong-arxiv",
                    f"the survey links arXiv {aid}, but this paper "
                    f"is arXiv {eprint} (upstream error in the survey's list).",
                    e,
                )
            elif not eprint:
                others = ", ".join(m.key for m in members if m is not e)
                shared = f" (also linked for {others})" if others else ""
                yield ctx.problem(
                    "survey-ambiguous-arxiv",
                    f"the survey links arXiv {aid}{shared} but "
                    "no source confirmed it belongs to this paper; merge one that gives "
                    "its eprint.",
                    e,
                )


# This module's rules, in the order their findings come out (check/runner.py lists the modules).
RULES: tuple[Rule, ...] = (
    _keywords,
    _authors,
    _evidence,
    _survey_links,
)
