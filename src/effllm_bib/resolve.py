"""Field values as text: ``@string`` macros, ``#`` concatenation, ``crossref``/``xdata`` inheritance.

Pure functions on the project's model (no bibtexparser). The raw entries stay as they are for
writing; exporters and matchers that need text use the resolved copies.

The rules follow BibTeX (plain.bst) and biber, checked on the cases in ``tests/data/realbib_cases``:
an undefined macro is kept as its name (BibTeX warns and leaves the field empty; ``check`` reports
it), the month macros are predefined unless the file redefines them, a child's own value always
wins over an inherited one, and biber's title -> booktitle rule applies to the children of
proceedings, collections and books.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from .model import Entry
from .vocab import MONTH_NAMES

# plain.bst's MACRO definitions (jan -> January); biber predefines the same names (as numbers).
MONTH_MACROS: dict[str, str] = {m[:3]: m.capitalize() for m in MONTH_NAMES}

# One part of a bare value: a quoted string, a braced group (nested braces allowed by the scanner
# below), a number, or a macro name.
_NAME = re.compile(r"[^\s#{}\"]+")
INHERIT_FIELDS = ("crossref", "xdata")
# biber: an @inproceedings/@incollection/@inbook child of a @proceedings/@collection/@book gets
# the parent's title as its booktitle (and never the parent's title as its own).
_BOOK_PARENTS = frozenset(
    {
        "proceedings",
        "collection",
        "book",
        "mvproceedings",
        "mvcollection",
        "mvbook",
        "reference",
        "mvreference",
    }
)
_BOOK_CHILDREN = frozenset(
    {
        "inproceedings",
        "incollection",
        "inbook",
        "inreference",
        "bookinbook",
        "suppbook",
        "suppcollection",
    }
)
# Fields a child never inherits: they identify the parent itself.
_NOT_INHERITED = frozenset(
    {
        "crossref",
        "xdata",
        "ids",
        "key",
        "label",
        "shorthand",
        "sortkey",
        "xref",
        "entryset",
        "related",
    }
)


_PART_MARKS = re.compile(r'[{}"#]')


def split_parts(raw: str) -> list[str]:
    """The ``#``-separated parts of a bare value, each stripped (delimiters kept)."""
    parts: list[str] = []
    depth = 0
    quoted = False
    start = 0
    for m in _PART_MARKS.finditer(raw):  # only the characters that matter, not every one
        c, i = m.group(), m.start()
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif c == '"' and depth == 0:
            quoted = not quoted
        elif c == "#" and depth == 0 and not quoted:
            parts.append(raw[start:i].strip())
            start = i + 1
    parts.append(raw[start:].strip())
    return parts


def _part_text(part: str, strings: Mapping[str, str]) -> str:
    if len(part) >= 2 and (
        (part[0] == '"' and part[-1] == '"') or (part[0] == "{" and part[-1] == "}")
    ):
        return part[1:-1]
    if part.isdigit():
        return part
    name = part.lower()
    if name in strings:
        return strings[name]
    return MONTH_MACROS.get(name, part)


def expand(raw: str, bare: bool, strings: Mapping[str, str]) -> str:
    """A field value as text: a bare value has its macros replaced and its ``#`` parts joined.

    Braced or quoted values (``bare`` false) are returned as they are. An undefined macro is kept
    as its name.
    """
    if not bare:
        return raw
    if "#" not in raw and '"' not in raw and "{" not in raw:
        return _part_text(raw.strip(), strings)  # the common case: one macro or one number
    return "".join(_part_text(p, strings) for p in split_parts(raw) if p)


def uses_macros(raw: str) -> list[str]:
    """The macro names a bare value refers to, lower-cased, in order."""
    names = []
    for part in split_parts(raw):
        if part and part[0] not in '"{' and not part.isdigit() and _NAME.fullmatch(part):
            names.append(part.lower())
    return names


def undefined_macros(raw: str, strings: Mapping[str, str]) -> list[str]:
    """The macro names of a bare value that neither the file nor BibTeX defines, as written."""
    return [
        part
        for part in split_parts(raw)
        if part
        and part[0] not in '"{'
        and not part.isdigit()
        and part.lower() not in strings
        and part.lower() not in MONTH_MACROS
    ]


def _copy(entry: Entry, fields: tuple[tuple[str, str], ...], bare: frozenset[str]) -> Entry:
    """``entry`` with new fields, already in normal form (lower-case names, sorted): skips the
    normalising constructor, which would cost more than the whole resolution."""
    out = object.__new__(Entry)
    for name, value in (
        ("key", entry.key),
        ("type", entry.type),
        ("fields", fields),
        ("bare", bare),
        ("line", entry.line),
    ):
        object.__setattr__(out, name, value)
    return out


def _expanded(entry: Entry, strings: Mapping[str, str]) -> Entry:
    if not entry.bare:
        return entry
    bare = entry.bare
    fields = tuple(
        (name, expand(value, True, strings) if name in bare else value)
        for name, value in entry.fields
    )
    keep = frozenset(n for n, v in entry.fields if n in bare and v.strip().isdigit())
    return _copy(entry, fields, keep)


def aliases(entry: Entry) -> list[str]:
    """The other keys of an entry: biblatex's ``ids``, a comma-separated list."""
    return [a.strip() for a in entry.get("ids").split(",") if a.strip()]


def key_index(entries: Iterable[Entry]) -> dict[str, Entry]:
    """Every entry by its key and by each alias of its ``ids``, lower-cased: biber resolves an
    alias in ``crossref``, ``xdata`` and ``\\cite`` as the key it stands for, and BibTeX
    compares keys ignoring case. A key wins over another entry's alias, and the first entry
    with a key or an alias over a later one."""
    listed = list(entries)
    index: dict[str, Entry] = {}
    for e in listed:
        index.setdefault(e.key.lower(), e)
    for e in listed:
        for alias in aliases(e):
            index.setdefault(alias.lower(), e)
    return index


def crossref_by_key(entry: Entry, index: Mapping[str, Entry]) -> Entry:
    """``entry`` with its ``crossref`` naming its target's key where it names an alias of it
    (``index``: :func:`key_index`): BibTeX knows no ``ids``, so to it an alias names nothing."""
    target = entry.get("crossref").strip()
    parent = index.get(target.lower()) if target else None
    if parent is None or parent.key.lower() == target.lower():
        return entry
    return entry.with_fields(crossref=parent.key)


def _targets(entry: Entry) -> list[str]:
    out = []
    for name in INHERIT_FIELDS:
        for target in entry.get(name).split(","):
            if target.strip():
                out.append(target.strip())
    return out


def resolve_entries(entries: Sequence[Entry], strings: Mapping[str, str]) -> list[Entry]:
    """Every field as text, with ``crossref``/``xdata`` inheritance applied, in the given order.

    Targets are looked up among ``entries`` by key or ``ids`` alias, case-insensitively
    (:func:`key_index`). Inherited values never replace the child's own; cycles and missing
    targets are left alone. Linear in the number of entries and fields (each entry is resolved
    once, memoised).
    """
    expanded = [_expanded(e, strings) for e in entries]
    by_key = key_index(expanded)
    done: dict[str, Entry] = {}
    busy: set[str] = set()

    def resolved(entry: Entry) -> Entry:
        lowered = entry.key.lower()
        if lowered in done:
            return done[lowered]
        targets = _targets(entry)
        if not targets:
            return entry
        busy.add(lowered)
        values = entry.as_dict()
        for target_key in targets:
            parent = by_key.get(target_key.lower())
            if parent is None or parent.key.lower() in busy:
                continue  # missing target or a cycle: check reports them
            parent = resolved(parent)
            book = entry.type in _BOOK_CHILDREN and parent.type in _BOOK_PARENTS
            for name, value in parent.fields:
                if name in _NOT_INHERITED:
                    continue
                if book and name == "title":
                    name = "booktitle"
                elif book and name == "subtitle":
                    name = "booksubtitle"
                if name not in values:
                    values[name] = value
        busy.discard(lowered)
        out = _copy(entry, tuple(sorted(values.items())), entry.bare)
        done[lowered] = out
        return out

    result = []
    for e in expanded:
        if e.key.lower() in by_key and by_key[e.key.lower()] is e:
            result.append(resolved(e))
        else:
            result.append(e)  # a second entry with the same key inherits nothing
    return result


def expand_strings(definitions: Sequence[tuple[str, str]]) -> dict[str, str]:
    """``@string`` definitions (name, raw bare value) in file order -> name -> text.

    Each definition may use the macros defined before it (and the month macros); names are
    lower-cased; a later definition of a name replaces the earlier one, as in BibTeX.
    """
    strings: dict[str, str] = {}
    for name, raw in definitions:
        strings[name.lower()] = expand(raw, True, strings)
    return strings
