"""Validate a database. Every rule is a function from data to findings; the CLI picks the exit code.

Rule ids are stable (they appear in ``--format json`` and in README's table). A rule marked
fixable has a safe normalisation in :mod:`effllm_bib.fix`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from textwrap import shorten

from . import bibio, keys
from .decisions import (
    ACCEPTED_NAME,
    DISTINCT_NAME,
    Acceptance,
    apply_accepted,
    load_accepted,
    load_distinct,
)
from .errors import EffllmBibError
from .model import Entry, Problem, Severity
from .names import family_names, last_first, parse_names
from .normalize import (
    ARXIV_DOI_PREFIX,
    VENUE_FIELD,
    arxiv_id_from_url,
    arxiv_year,
    fold,
    mistyped_venue,
    needs_protection,
    normalize_arxiv_id,
    normalize_doi,
    normalize_pages,
    similar_pairs,
)
from .taxonomy import Taxonomy

E, W = Severity.ERROR, Severity.WARNING
NEAR_DUPLICATE = 95
PREPRINT_TWIN = 85

# Required fields per type (author is its own rule: missing authors are reported, not fatal).
REQUIRED = {
    "article": ("title", "journal", "year"),
    "inproceedings": ("title", "booktitle", "year"),
    "incollection": ("title", "booktitle", "publisher", "year"),
    "book": ("title", "publisher", "year"),
    "phdthesis": ("title", "school", "year"),
    "mastersthesis": ("title", "school", "year"),
    "techreport": ("title", "institution", "year"),
    "misc": ("title",),
    "online": ("title", "url"),
    "software": ("title", "url"),
    "unpublished": ("title", "note"),
    "manual": ("title",),
    "proceedings": ("title", "year"),
}
PUBLISHED = frozenset({"article", "inproceedings", "incollection", "book"})
# Fields whose value is an identifier or address, not text LaTeX typesets.
NOT_TEXT = frozenset({"url", "doi", "eprint", "archiveprefix", "primaryclass", "code", "keywords",
                      "sources", "provenance", "confidence", "surveytitle", "surveyvenue",
                      "surveyurl", "file", "month"})  # fmt: skip
MONTHS = {m: m[:3] for m in ("january", "february", "march", "april", "may", "june", "july",
                             "august", "september", "october", "november", "december")}  # fmt: skip
MONTHS.update({m[:3]: m[:3] for m in MONTHS})


@dataclass(frozen=True)
class Context:
    taxonomy: Taxonomy
    distinct: frozenset[frozenset[str]] = frozenset()
    source: str = "effllm.bib"
    this_year: int = dt.date.today().year

    def at(self, e: Entry) -> tuple[str, int | None, str]:
        """Where a finding about ``e`` is: file, line (when known) and its key."""
        return (self.source if e.line else ""), e.line, e.key


Rule = Callable[[list[Entry], Context], Iterable[Problem]]
RULES: list[Rule] = []
FIXABLE = frozenset({"doi-prefix", "arxiv-version", "whitespace", "month-format", "pages-format",
                     "unprotected-caps"})  # fmt: skip


def rule(func: Rule) -> Rule:
    RULES.append(func)
    return func


def _p(
    severity: Severity, code: str, message: str, where: tuple[str, int | None, str] | str
) -> Problem:
    """A finding; ``where`` is (file, line, key) as ``Context.at`` gives it, or a file."""
    if isinstance(where, tuple):
        path, line, key = where
        return Problem(severity, code, message, path, line, key)
    return Problem(severity, code, message, where)


# --- keys and keywords -------------------------------------------------------------------------


@rule
def _keys(entries: list[Entry], ctx: Context) -> Iterable[Problem]:
    for e in entries:
        if not bibio.is_valid_key(e.key) or not e.key.isascii():
            yield _p(E, "bad-key", f"key '{e.key}' has characters BibTeX tools reject; rename "
                     "it with 'effllm-bib keys rename'.", ctx.at(e))  # fmt: skip
        if keys.is_pending(e.key) and e.get("author"):
            yield _p(E, "pending-key", "has authors but still a provisional key; run "
                     "'effllm-bib keys assign'.", ctx.at(e))  # fmt: skip


@rule
def _keywords(entries: list[Entry], ctx: Context) -> Iterable[Problem]:
    used: set[str] = set()
    for e in entries:
        if not e.keywords:
            yield _p(W, "no-keywords", "has no taxonomy keyword; add one to 'keywords'.", ctx.at(e))
        for kw in e.keywords:
            used.add(kw)
            if kw not in ctx.taxonomy:
                hint = ctx.taxonomy.suggest(kw)
                also = f" (did you mean {', '.join(hint)}?)" if hint else ""
                yield _p(E, "unknown-keyword", f"keyword '{kw}' is not a taxonomy slug{also}; fix "
                         "it or add the category to taxonomy.toml.", ctx.at(e))  # fmt: skip
    if not entries:
        return
    populated = ctx.taxonomy.nodes_of(used)
    for slug in ctx.taxonomy.walk():
        if slug not in populated:
            yield _p(W, "empty-category", f"category '{slug}' has no paper; add papers or "
                     "remove the node from taxonomy.toml.", (str(ctx.taxonomy.source), None, slug))  # fmt: skip


# --- fields ----------------------------------------------------------------------------------


@rule
def _types_and_required(entries: list[Entry], ctx: Context) -> Iterable[Problem]:
    for e in entries:
        required = REQUIRED.get(e.type)
        if required is None:
            yield _p(W, "unknown-type", f"entry type @{e.type} is not one BibTeX or biblatex "
                     "defines; use a standard type.", ctx.at(e))  # fmt: skip
            continue
        missing = [f for f in required if not e.get(f).strip()]
        if missing:
            yield _p(E, "missing-field", f"@{e.type} needs {', '.join(missing)}; add "
                     f"{'it' if len(missing) == 1 else 'them'}.", ctx.at(e))  # fmt: skip
        name = e.get(VENUE_FIELD.get(e.type, ""))
        venue = mistyped_venue(e.type, name)
        if venue:
            yield _p(W, "venue-type", f"{venue.short} is a {venue.kind}, so this should be "
                     f"@{venue.entry_type} with {venue.venue_field} = {{{name}}}; change the "
                     "type.", ctx.at(e))  # fmt: skip


@rule
def _authors(entries: list[Entry], ctx: Context) -> Iterable[Problem]:
    for e in entries:
        if e.type == "software":
            continue
        authors = e.get("author")
        if not authors:
            yield _p(W, "no-author", "has no authors (not confirmed from a public source), so its "
                     "key stays provisional; merge a source that lists them.", ctx.at(e))  # fmt: skip
            continue
        parsed = parse_names(authors)
        names = [last_first(n) for n in parsed]
        if any(n.others for n in parsed):
            yield _p(
                W,
                "others-author",
                "author list ends in 'others'; give the full list.",
                ctx.at(e),
            )
        if len(parsed) == 1 and parsed[0].literal:
            yield _p(W, "organisation-author", f"the only author is an organisation "
                     f"{names[0]}; give the people if the paper names them.", ctx.at(e))  # fmt: skip
        shouting = [last_first(n) for n in parsed
                    if not n.literal and re.search(r"\b[A-Z]{4,}\b", last_first(n))]  # fmt: skip
        if shouting:
            yield _p(W, "caps-author", f"name(s) in capitals: {'; '.join(shouting[:3])}; write "
                     "them as the paper does.", ctx.at(e))  # fmt: skip
        if e.get("confidence") == "low":
            yield _p(W, "low-confidence", "its metadata comes from partial or conflicting sources "
                     "(confidence = low); confirm it from the venue or arXiv page.", ctx.at(e))  # fmt: skip


@rule
def _years(entries: list[Entry], ctx: Context) -> Iterable[Problem]:
    for e in entries:
        year = e.get("year")
        if not year:
            continue
        if not re.fullmatch(r"\d{4}", year) or not 1950 <= int(year) <= ctx.this_year + 1:
            yield _p(
                E,
                "bad-year",
                f"year '{year}' is not a plausible year; write four digits.",
                ctx.at(e),
            )
            continue
        aid = normalize_arxiv_id(e.get("eprint")) if e.get("eprint") else None
        first = arxiv_year(aid) if aid else None
        if first is None:
            continue
        if e.type not in PUBLISHED and int(year) != first:
            yield _p(W, "year-arxiv", f"preprint year {year} differs from its arXiv id's year "
                     f"{first}; check which is right.", ctx.at(e))  # fmt: skip
        elif e.type in PUBLISHED and int(year) < first - 1:
            yield _p(W, "year-arxiv", f"published in {year}, before its arXiv id ({first}); "
                     "check the year.", ctx.at(e))  # fmt: skip


@rule
def _identifiers(entries: list[Entry], ctx: Context) -> Iterable[Problem]:
    by_doi: dict[str, list[Entry]] = defaultdict(list)
    by_arxiv: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        raw_doi = e.get("doi")
        doi = normalize_doi(raw_doi) if raw_doi else None
        if raw_doi and doi is None:
            yield _p(E, "bad-doi", f"doi '{raw_doi}' is not a DOI; fix or remove it.", ctx.at(e))
        elif raw_doi and doi != raw_doi:
            yield _p(W, "doi-prefix", f"doi '{raw_doi}' carries a prefix; write only {doi} "
                     "(--fix does).", ctx.at(e))  # fmt: skip
        raw_eprint = e.get("eprint")
        aid = normalize_arxiv_id(raw_eprint) if raw_eprint else None
        if raw_eprint and e.get("archiveprefix", "arXiv").lower() == "arxiv":
            if aid is None:
                yield _p(E, "bad-arxiv-id", f"eprint '{raw_eprint}' is not an arXiv id.", ctx.at(e))
            elif aid != raw_eprint:
                yield _p(W, "arxiv-version", f"eprint '{raw_eprint}' should be the bare id {aid} "
                         "(--fix does).", ctx.at(e))  # fmt: skip
        if aid:
            by_arxiv[aid].append(e)
            url_id = arxiv_id_from_url(e.get("url")) if e.get("url") else None
            if url_id and url_id != aid:
                yield _p(E, "arxiv-mismatch", f"url points to arXiv {url_id} but eprint is {aid}; "
                         "one of them is wrong.", ctx.at(e))  # fmt: skip
            if (
                doi
                and doi.lower().startswith(ARXIV_DOI_PREFIX)
                and doi[len(ARXIV_DOI_PREFIX) :] != aid
            ):
                yield _p(
                    E,
                    "arxiv-mismatch",
                    f"arXiv DOI {doi} does not match eprint {aid}.",
                    ctx.at(e),
                )
        if doi and not doi.lower().startswith(ARXIV_DOI_PREFIX):
            by_doi[doi.lower()].append(e)
        venue = e.get("booktitle") or e.get("journal")
        if (
            e.type in PUBLISHED
            and DOI_VENUES.search(venue)
            and not (doi and not doi.lower().startswith(ARXIV_DOI_PREFIX))
        ):
            name = shorten(venue, 72, placeholder=" ...")
            yield _p(W, "missing-doi", f"published in '{name}', whose publisher registers DOIs, "
                     "but has none; add it (effllm-bib enrich finds it).", ctx.at(e))  # fmt: skip
    for label, groups in (("DOI", by_doi), ("arXiv id", by_arxiv)):
        for value, members in groups.items():
            if len(members) > 1:
                names = ", ".join(m.key for m in members)
                yield _p(E, "duplicate-paper", f"{label} {value} is on several entries ({names}); "
                         "merge them into one.", ctx.at(members[1]))  # fmt: skip


_MISSING_COMMA = re.compile(
    r"\}\s*,?\s*\n?\s*[a-z]+\s*=\s*[{\"]|^\s*\{.*\}\s+[a-z]+\s*=\s*\{", re.S
)
# Venues whose publishers register DOIs for their papers (ACL Anthology, ACM, IEEE, AAAI, ...).
DOI_VENUES = re.compile(
    r"Association for Computational Linguistics|Findings of the|Computational Linguistics|"
    r"Empirical Methods in Natural Language Processing|North American Chapter|European Chapter|"
    r"\bACM\b|\bIEEE\b|\bAAAI\b|Springer|VLDB|SIGPLAN|Operating Systems Principles|"
    r"European Conference on Computer Systems|Computer Architecture|ICASSP|High Performance "
    r"Computing|Parallel Processing|Parallel and Distributed|Computer Arithmetic|AI Open"
)
_SPECIAL = re.compile(r"(?<!\\)[&%#]|(?<![\\$])_(?![^$]*\$)")


def _balanced(value: str) -> bool:
    depth = 0
    for i, c in enumerate(value):
        if c == "{" and (i == 0 or value[i - 1] != "\\"):
            depth += 1
        elif c == "}" and (i == 0 or value[i - 1] != "\\"):
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


@rule
def _text(entries: list[Entry], ctx: Context) -> Iterable[Problem]:
    for e in entries:
        for name, value in e.fields:
            if name in NOT_TEXT or name in e.bare:
                continue
            if not _balanced(value):
                yield _p(
                    E, "unbalanced-braces", f"field '{name}' has unbalanced braces.", ctx.at(e)
                )
            if _SPECIAL.search(value):
                yield _p(E, "latex-special", f"field '{name}' has an unescaped LaTeX special "
                         "(& % # _); write \\& \\% \\# \\_.", ctx.at(e))  # fmt: skip
            if value != value.strip() or "  " in value or "\n" in value:
                yield _p(W, "whitespace", f"field '{name}' has stray white space (--fix tidies it).",
                         ctx.at(e))  # fmt: skip
        title = e.get("title")
        if title and unprotected_words(title):
            words = ", ".join(unprotected_words(title)[:4])
            yield _p(W, "unprotected-caps", f"title words {words} lose their capitals in BibTeX "
                     "styles; brace them (--fix does).", ctx.at(e))  # fmt: skip
        month = e.get("month")
        if month and (month.lower() not in MONTHS or "month" not in e.bare):
            if month.lower() in MONTHS:
                yield _p(W, "month-format", f"month '{month}' should be the macro "
                         f"{MONTHS[month.lower()]} (--fix does).", ctx.at(e))  # fmt: skip
            elif not month.isdigit():
                yield _p(E, "bad-month", f"month '{month}' is not a month.", ctx.at(e))
        pages = e.get("pages")
        if pages and normalize_pages(pages) != pages:
            yield _p(W, "pages-format", f"pages '{pages}' should use '--' (--fix does).", ctx.at(e))


def unprotected_words(title: str) -> list[str]:
    """Tokens with an inner capital that are not inside braces."""
    out, depth, token = [], 0, ""
    for c in title + " ":
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        if depth == 0 and c.isalnum():
            token += c
            continue
        if token and needs_protection(token):
            out.append(token)
        token = ""
    return out


# --- duplicates and survey errors --------------------------------------------------------------


@rule
def _near_duplicates(entries: list[Entry], ctx: Context) -> Iterable[Problem]:
    papers = [e for e in entries if e.type != "software" and e.get("title")]
    titles = [fold(e.get("title")) for e in papers]
    if len(titles) < 2:
        return
    for i, j, score in similar_pairs(titles, PREPRINT_TWIN):
        a, b = papers[i], papers[j]
        if frozenset((a.key, b.key)) in ctx.distinct:
            continue
        hint = (f"if they are different papers, record it: effllm-bib distinct {a.key} {b.key} "
                "--reason ...")  # fmt: skip
        if score >= NEAR_DUPLICATE:
            yield _p(W, "near-duplicate-title", f"title nearly equals that of '{a.key}'; one "
                     f"paper entered twice? {hint}", ctx.at(b))  # fmt: skip
        elif (a.type in PUBLISHED) != (b.type in PUBLISHED) and set(
            family_names(a.get("author"))
        ) & set(family_names(b.get("author"))):
            yield _p(W, "preprint-twin", f"looks like the preprint or published version of "
                     f"'{a.key}' (similar title, shared authors); keep one. {hint}", ctx.at(b))  # fmt: skip


@rule
def _survey_links(entries: list[Entry], ctx: Context) -> Iterable[Problem]:
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
                yield _p(W, "survey-wrong-arxiv", f"the survey links arXiv {aid}, but this paper is "
                         f"arXiv {eprint} (upstream error in the survey's list).", ctx.at(e))  # fmt: skip
            elif not eprint:
                others = ", ".join(m.key for m in members if m is not e)
                shared = f" (also linked for {others})" if others else ""
                yield _p(W, "survey-ambiguous-arxiv", f"the survey links arXiv {aid}{shared} but no "
                         "source confirmed it belongs to this paper; merge one that gives its "
                         "eprint.", ctx.at(e))  # fmt: skip


# --- running ---------------------------------------------------------------------------------


def check_entries(
    entries: list[Entry],
    taxonomy: Taxonomy,
    source: str = "effllm.bib",
    distinct: Iterable[frozenset[str]] = (),
) -> list[Problem]:
    ctx = Context(taxonomy, frozenset(distinct), source)
    problems: list[Problem] = []
    for check in RULES:
        problems.extend(check(entries, ctx))
    return problems


@dataclass(frozen=True)
class CheckResult:
    problems: list[Problem]
    accepted: list[tuple[Problem, Acceptance]]  # warnings accepted.toml accepts: not reported


def check_database(bib_path: Path, taxonomy_path: Path) -> CheckResult:
    """Every finding for a database on disk, parse errors included (never raises for bad data)."""
    from .taxonomy import load_taxonomy

    accepted_path = bib_path.with_name(ACCEPTED_NAME)
    try:
        taxonomy = load_taxonomy(taxonomy_path)
        distinct = load_distinct(bib_path.with_name(DISTINCT_NAME))
        accepted = load_accepted(accepted_path)
    except EffllmBibError as exc:
        return CheckResult([Problem(E, "config", str(exc))], [])
    try:
        parsed = bibio.read_bib(bib_path)
    except EffllmBibError as exc:
        return CheckResult([Problem(E, "unreadable", str(exc))], [])
    problems = list(parsed.problems)
    problems.extend(check_entries(parsed.entries, taxonomy, str(bib_path), distinct))
    reported, taken = apply_accepted(problems, accepted, str(accepted_path))
    return CheckResult(reported, taken)
