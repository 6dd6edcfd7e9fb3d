"""What every rule sees: the raw entries, the same entries resolved (macros expanded, crossref and
xdata inherited), the file's @string macros, and the files beside the database.

Resolution is :mod:`effllm_bib.resolve` where it exists. Until that module lands (branch
``reader``), a small private fallback below does the same for check's needs.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from ..model import Entry, Extra, Problem, Severity
from ..taxonomy import Taxonomy
from .table import RULES_BY_ID, RuleSet

# BibTeX's standard styles and biber both predefine the month macros.
MONTH_MACROS = {m[:3].lower(): m for m in ("January", "February", "March", "April", "May", "June", "July",
                                   "August", "September", "October", "November", "December")}  # fmt: skip
_PARENT_TYPES = {"proceedings", "mvproceedings", "collection", "mvcollection", "book", "mvbook",
                 "reference", "mvreference"}  # fmt: skip
_NOT_INHERITED = {"crossref", "xdata", "xref", "ids", "entryset", "key", "label"}


@dataclass(frozen=True)
class Context:
    taxonomy: Taxonomy | None = None
    distinct: frozenset[frozenset[str]] = frozenset()
    source: str = "effllm.bib"
    strings: Mapping[str, str] = field(default_factory=dict)
    this_year: int = field(default_factory=lambda: dt.date.today().year)

    def at(self, e: Entry) -> tuple[str, int | None, str]:
        """Where a finding about ``e`` is: file (when the line is known), line and key."""
        return (self.source if e.line else ""), e.line, e.key

    def problem(self, code: str, message: str, e: Entry | None = None, path: str = "",
                key: str = "") -> Problem:  # fmt: skip
        """A finding of a rule in the table (its severity comes from the table)."""
        severity = RULES_BY_ID[code].severity
        if e is not None:
            where, line, k = self.at(e)
            return Problem(severity, code, message, where, line, k)
        return Problem(severity, code, message, path, None, key)


Rule = Callable[[Sequence[Entry], Sequence[Entry], Context], Iterable[Problem]]
RULES: list[tuple[RuleSet, Rule]] = []


def rule(set_: RuleSet) -> Callable[[Rule], Rule]:
    """Register a rule function in a set; it yields findings whose ids are in the table."""

    def register(func: Rule) -> Rule:
        RULES.append((set_, func))
        return func

    return register


# --- @string macros and resolution (private fallback for effllm_bib.resolve) -----------------

_STRING = re.compile(r"@\s*string\s*[{(]\s*([^\s=#{}()\"]+)\s*=\s*(.*)[})]\s*$", re.I | re.S)


def value_parts(raw: str) -> Iterator[tuple[str, str]]:
    """The ``#``-joined parts of a bare value: ("text", inner text) or ("macro", name)."""
    i, n = 0, len(raw)
    while i < n:
        while i < n and raw[i] in " \t\r\n#":
            i += 1
        if i >= n:
            return
        if raw[i] in '{"':
            close, depth, j = ("}" if raw[i] == "{" else '"'), 0, i + 1
            while j < n:
                c = raw[j]
                if c == "{":
                    depth += 1
                elif c == "}" and depth > 0:
                    depth -= 1
                elif c == close and depth == 0:
                    break
                j += 1
            yield "text", raw[i + 1 : j]
            i = j + 1
        else:
            j = i
            while j < n and raw[j] not in "#":
                j += 1
            token = raw[i:j].strip()
            if token:
                yield ("text" if token.isdigit() else "macro"), token
            i = j


def strings_of(extras: Iterable[Extra]) -> dict[str, str]:
    """The @string macros of a file's kept blocks, expanded, lower-cased names, in file order."""
    strings: dict[str, str] = {}
    for extra in extras:
        match = _STRING.match(extra.text.strip()) if extra.kind == "string" else None
        if match:
            strings[match.group(1).lower()] = expand(match.group(2), True, strings)
    return strings


def expand(raw: str, bare: bool, strings: Mapping[str, str]) -> str:
    """A value as text: macros replaced and ``#`` parts joined; an undefined macro keeps its name."""
    if not bare:
        return raw
    out = []
    for kind, text in value_parts(raw):
        if kind == "macro":
            name = text.lower()
            text = strings.get(name, MONTH_MACROS.get(name, text))
        out.append(text)
    return "".join(out)


def undefined_macros(raw: str, strings: Mapping[str, str]) -> list[str]:
    return [t for k, t in value_parts(raw)
            if k == "macro" and t.lower() not in strings and t.lower() not in MONTH_MACROS]  # fmt: skip


def _fallback_resolve(entries: Sequence[Entry], strings: Mapping[str, str]) -> list[Entry]:
    texts = {e.key.lower(): _as_text(e, strings) for e in entries}
    done: dict[str, Entry] = {}

    def resolved(key: str, seen: frozenset[str]) -> Entry | None:
        if key in done:
            return done[key]
        own = texts.get(key)
        if own is None or key in seen:
            return None
        if not own.get("crossref").strip() and not own.get("xdata").strip():
            done[key] = own
            return own
        values = own.as_dict()
        parents = [p.strip().lower() for p in own.get("xdata").split(",") if p.strip()]
        if own.get("crossref").strip():
            parents.append(own.get("crossref").strip().lower())
        for parent_key in parents:
            parent = resolved(parent_key, seen | {key})
            if parent is None:
                continue
            for name, value in parent.fields:
                if name in _NOT_INHERITED:
                    continue
                if (
                    name in ("title", "subtitle")
                    and parent.type in _PARENT_TYPES
                    and own.type != parent.type
                ):
                    name = "book" + name  # biber: the parent's title is the child's booktitle
                values.setdefault(name, value)
        done[key] = Entry(own.key, own.type, tuple(values.items()), frozenset(), own.line)
        return done[key]

    return [resolved(e.key.lower(), frozenset()) or texts[e.key.lower()] for e in entries]


def _as_text(e: Entry, strings: Mapping[str, str]) -> Entry:
    if not e.bare:
        return e
    fields = tuple((k, expand(v, k in e.bare, strings)) for k, v in e.fields)
    return Entry(e.key, e.type, fields, frozenset(), e.line)


def resolve_entries(entries: Sequence[Entry], strings: Mapping[str, str]) -> list[Entry]:
    """Every field as text with crossref/xdata inherited: ``effllm_bib.resolve`` when present."""
    try:
        resolve = importlib.import_module("effllm_bib.resolve")  # lands with branch 'reader'
    except ImportError:
        return _fallback_resolve(entries, strings)
    return list(resolve.resolve_entries(entries, strings))


def severity_of(code: str) -> Severity:
    return RULES_BY_ID[code].severity
