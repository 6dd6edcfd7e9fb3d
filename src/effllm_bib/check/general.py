"""Rules every bibliography deserves: macros and cross-references, types and required fields,
keys, years and months. What BibTeX and biber accept was decided by running them (see tests).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ..identifiers import arxiv_year, normalize_arxiv_id
from ..model import Entry, Problem
from ..resolve import key_index, undefined_macros
from ..venues import VENUE_FIELD, mistyped_venue
from ..vocab import MONTHS, PUBLISHED_TYPES
from .context import Context, Rule

# Required fields per type, BibTeX's and biblatex's in common (author is the survey's own rule).
# Each requirement is a tuple of alternatives: biblatex's journaltitle, date and institution
# stand in for BibTeX's journal, year and school.
YEAR = ("year", "date")
REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "article": (("title",), ("journal", "journaltitle"), YEAR),
    "book": (("title",), YEAR),
    "inbook": (("title",), YEAR),
    "incollection": (("title",), ("booktitle",), YEAR),
    "inproceedings": (("title",), ("booktitle",), YEAR),
    "conference": (("title",), ("booktitle",), YEAR),
    "phdthesis": (("title",), ("school", "institution"), YEAR),
    "mastersthesis": (("title",), ("school", "institution"), YEAR),
    "thesis": (("title",), ("institution", "school"), YEAR),
    "techreport": (("title",), ("institution", "school"), YEAR),
    "report": (("title",), ("institution", "school"), YEAR),
    "proceedings": (("title",), YEAR),
    "online": (("title",), ("url", "doi", "eprint")),
    "booklet": (("title",),),
    "manual": (("title",),),
    "unpublished": (("title",),),
    "software": (("title",),),
}
# Types BibTeX's standard styles or biblatex define (or alias) without further requirements.
OTHER_TYPES = frozenset(
    [
        "misc",
        "set",
        "xdata",
        "mvbook",
        "bookinbook",
        "suppbook",
        "collection",
        "mvcollection",
        "suppcollection",
        "dataset",
        "patent",
        "periodical",
        "suppperiodical",
        "mvproceedings",
        "reference",
        "mvreference",
        "inreference",
        "artwork",
        "audio",
        "bibnote",
        "commentary",
        "image",
        "jurisdiction",
        "legislation",
        "legal",
        "letter",
        "movie",
        "music",
        "performance",
        "review",
        "standard",
        "video",
        "electronic",
        "www",
        "customa",
        "customb",
        "customc",
        "customd",
        "custome",
        "customf",
    ]
)

# Keys: BibTeX reads a key up to white space or a comma and stops at a closing brace (bibtex
# 0.99d drops such an entry); biber's btparse also rejects ' " # % ( ) = and { ; LaTeX's \cite
# cannot take a backslash, % or ~ in a key. Non-ASCII keys break older tools.
_KEY_BROKEN = re.compile(r"[\s,{}]")
_KEY_FRAGILE = re.compile(r"['\"#%()=\\~]|[^\x00-\x7f]")

_MONTH_WORDS = frozenset(MONTHS) | {"sept", "spring", "summer", "fall", "autumn", "winter"}


def _has(e: Entry, names: tuple[str, ...]) -> bool:
    return any(e.get(n).strip() for n in names)


def _macros_and_crossrefs(
    raw: Sequence[Entry], resolved: Sequence[Entry], ctx: Context
) -> Iterable[Problem]:
    keys = key_index(raw)  # keys and ids aliases: biber resolves an alias as its entry's key
    for e in raw:
        for name in sorted(e.bare):
            if name == "month" and e.get(name).lower() in MONTHS:
                continue  # a month name as a macro: month-format says how to write it
            missing = undefined_macros(e.get(name), ctx.strings)
            if missing:
                yield ctx.problem(
                    "undefined-macro",
                    f"field '{name}' uses @string {', '.join(missing)}, "
                    "which this file never defines (BibTeX leaves the field empty); define it, or brace the value.",
                    e,
                )
        targets = [("crossref", e.get("crossref").strip())]
        targets += [("xdata", t.strip()) for t in e.get("xdata").split(",") if t.strip()]
        for field, target in targets:
            if target and target.lower() not in keys:
                yield ctx.problem(
                    "bad-crossref",
                    f"{field} '{target}' names no entry of this file (no key, no ids alias); "
                    "add the entry or fix the key.",
                    e,
                )
        seen, key = {e.key.lower()}, e.get("crossref").strip().lower()
        while key in keys:
            parent = keys[key]  # an alias leads to its entry: the chain goes on from there
            if parent.key.lower() in seen:
                yield ctx.problem(
                    "bad-crossref", "its crossref chain comes back to itself; break the cycle.", e
                )
                break
            seen.add(parent.key.lower())
            key = parent.get("crossref").strip().lower()


def _keys_equal_but_for_case(
    raw: Sequence[Entry], resolved: Sequence[Entry], ctx: Context
) -> Iterable[Problem]:
    """BibTeX and pybtex compare keys ignoring case: Knuth84 and knuth84 are one key to them
    ("Repeated entry"), though bibtexparser reads two."""
    first: dict[str, Entry] = {}
    for e in raw:
        seen = first.setdefault(e.key.lower(), e)
        if seen.key != e.key:
            yield ctx.problem(
                "duplicate-key",
                f"key '{e.key}' differs from '{seen.key}' only in "
                "case, which BibTeX reads as one key; rename one.",
                e,
            )


def _types_and_required(
    raw: Sequence[Entry], resolved: Sequence[Entry], ctx: Context
) -> Iterable[Problem]:
    for e, r in zip(raw, resolved, strict=True):
        required = REQUIRED.get(e.type)
        if required is None:
            if e.type not in OTHER_TYPES:
                yield ctx.problem(
                    "unknown-type",
                    f"entry type @{e.type} is not one BibTeX or "
                    "biblatex defines; use a standard type.",
                    e,
                )
            continue
        missing = ["/".join(alt) for alt in required if not _has(r, alt)]
        if missing:
            via = " (crossref included)" if e.get("crossref") or e.get("xdata") else ""
            yield ctx.problem(
                "missing-field",
                f"@{e.type} needs {', '.join(missing)}{via}; add "
                f"{'it' if len(missing) == 1 else 'them'}.",
                e,
            )
        name = r.get(VENUE_FIELD.get(e.type, ""))
        venue = mistyped_venue(e.type, name)
        if venue:
            yield ctx.problem(
                "venue-type",
                f"{venue.short} is a {venue.kind}, so this should be "
                f"@{venue.entry_type} with {venue.venue_field} = {{{name}}}; change "
                "the type.",
                e,
            )


def _keys(raw: Sequence[Entry], resolved: Sequence[Entry], ctx: Context) -> Iterable[Problem]:
    for e in raw:
        if not e.key or _KEY_BROKEN.search(e.key):
            yield ctx.problem(
                "bad-key",
                f"key '{e.key}' has white space, a comma or a brace, which "
                "BibTeX cannot read; rename it with 'effllm-bib keys rename'.",
                e,
            )
        elif _KEY_FRAGILE.search(e.key):
            chars = "".join(sorted(set(_KEY_FRAGILE.findall(e.key))))
            yield ctx.problem(
                "key-portability",
                f"key '{e.key}' works with BibTeX, but biber or "
                f"\\cite reject {chars!r}; rename it if you use biblatex.",
                e,
            )


def _plain(value: str) -> str:
    return value.replace("{", "").replace("}", "").strip()


def _years(raw: Sequence[Entry], resolved: Sequence[Entry], ctx: Context) -> Iterable[Problem]:
    for e, r in zip(raw, resolved, strict=True):
        year = _plain(r.get("year"))
        if not year:
            continue
        if year.isdigit():
            if len(year) != 4 or int(year) > ctx.this_year + 1:
                yield ctx.problem(
                    "bad-year",
                    f"year '{year}' is not a possible year; write the four "
                    "digits of the year of publication.",
                    e,
                )
                continue
        else:
            yield ctx.problem(
                "year-format",
                f"year '{r.get('year').strip()}' is not a plain number; styles sort it "
                "oddly and biber warns (put extra text in 'note').",
                e,
            )
            continue
        aid = normalize_arxiv_id(e.get("eprint")) if e.get("eprint") else None
        first = arxiv_year(aid) if aid else None
        if first is None:
            continue
        if e.type not in PUBLISHED_TYPES and int(year) != first:
            yield ctx.problem(
                "year-arxiv",
                f"preprint year {year} differs from its arXiv id's year "
                f"{first}; check which is right.",
                e,
            )
        elif e.type in PUBLISHED_TYPES and int(year) < first - 1:
            yield ctx.problem(
                "year-arxiv",
                f"published in {year}, before its arXiv id ({first}); check the year.",
                e,
            )


def is_month_text(text: str) -> bool:
    """A month in a form BibTeX prints and biber reads: a number 1-12, or text naming months
    (``June``, ``Jun.``, ``June--August``, ``5~June``, ``Spring``)."""
    plain = _plain(text)
    if plain.isdigit():
        return 1 <= int(plain) <= 12
    words = [w.lower() for w in re.findall(r"[A-Za-z]+", plain)]
    return any(w in _MONTH_WORDS for w in words)


def _months(raw: Sequence[Entry], resolved: Sequence[Entry], ctx: Context) -> Iterable[Problem]:
    for e, r in zip(raw, resolved, strict=True):
        month = e.get("month")
        if not month:
            continue
        text = r.get("month")
        short = MONTHS.get(month.lower())
        if short and ("month" not in e.bare or month.lower() != short):  # braced, or no macro
            yield ctx.problem(
                "month-format", f"month '{month}' should be the macro {short} (--fix does).", e
            )
        elif not is_month_text(text) and not undefined_macros(
            month if "month" in e.bare else "", ctx.strings
        ):
            yield ctx.problem(
                "bad-month",
                f"month '{month}' is not a month; write a macro such as jun, or a number 1-12.",
                e,
            )


# This module's rules, in the order their findings come out (check/runner.py lists the modules).
RULES: tuple[Rule, ...] = (
    _macros_and_crossrefs,
    _keys_equal_but_for_case,
    _types_and_required,
    _keys,
    _years,
    _months,
)
