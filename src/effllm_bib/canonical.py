"""The canonical form of a .bib file: field order, two-space indent, braces, entries sorted by
key (crossref targets after the entries that refer to them), so that reading and writing an
unchanged database gives identical bytes; and writes that are verified before they happen."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from .model import Entry, Extra
from .vocab import arxiv_id

# Standard fields first, in the order a reader scans an entry; then any other field
# alphabetically; then the project's own provenance fields.
FIELD_ORDER = [
    "author", "editor", "title", "booktitle", "journal", "journaltitle", "series", "volume",
    "number", "pages", "publisher", "organization", "institution", "school", "address",
    "howpublished", "type", "edition", "month", "year", "date", "doi", "eprint", "archiveprefix",
    "eprinttype", "primaryclass", "eprintclass", "url", "code", "keywords", "key", "note",
]  # fmt: skip
PROVENANCE_FIELDS = [
    "surveytitle",
    "surveyvenue",
    "surveyurl",
    "confidence",
    "sources",
    "provenance",
]
_RANK = {name: i for i, name in enumerate(FIELD_ORDER)}
_PROV_RANK = {name: i for i, name in enumerate(PROVENANCE_FIELDS)}


def _field_rank(name: str) -> tuple[int, int, str]:
    if name in _RANK:
        return (0, _RANK[name], name)
    if name in _PROV_RANK:
        return (2, _PROV_RANK[name], name)
    return (1, 0, name)


def format_entry(entry: Entry) -> str:
    lines = [f"@{entry.type}{{{entry.key},"]
    for name, value in sorted(entry.fields, key=lambda kv: _field_rank(kv[0])):
        shown = value if name in entry.bare else f"{{{value}}}"
        lines.append(f"  {name} = {shown},")
    lines.append("}")
    return "\n".join(lines)


def entry_sort_key(entry: Entry) -> tuple[str, str]:
    return (entry.key.lower(), entry.key)


def crossref_targets(entry: Entry) -> list[str]:
    """The keys an entry inherits from (``crossref``, then ``xdata``), as written."""
    out = []
    for name in ("crossref", "xdata"):
        out += [k.strip() for k in entry.get(name).split(",") if k.strip()]
    return out


def canonical_order(entries: Iterable[Entry], sort: bool = True) -> list[Entry]:
    """Sorted by key (or as given, with ``sort`` false), except that every ``crossref``/``xdata``
    target comes after all the entries that refer to it (BibTeX cannot resolve a target it has
    already read).

    An entry's rank is the length of the longest chain of entries that refer to it (0 for an
    entry nobody refers to); entries are ordered by rank, then key. Cycles count as rank 0.
    """
    ordered = sorted(entries, key=entry_sort_key) if sort else list(entries)
    referrers: dict[str, list[str]] = {}
    for e in ordered:
        for target in crossref_targets(e):
            referrers.setdefault(target.lower(), []).append(e.key.lower())
    if not referrers:
        return ordered
    rank: dict[str, int] = {}
    for e in ordered:  # iterative longest-path over the referrer graph, cycles cut
        start = e.key.lower()
        if start in rank:
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        on_path = {start}
        best: dict[str, int] = {start: 0}
        while stack:
            key, i = stack[-1]
            parents = referrers.get(key, [])
            if i < len(parents):
                stack[-1] = (key, i + 1)
                child = parents[i]
                if child in rank:
                    best[key] = max(best[key], rank[child] + 1)
                elif child not in on_path:
                    on_path.add(child)
                    best[child] = 0
                    stack.append((child, 0))
                continue
            stack.pop()
            on_path.discard(key)
            rank[key] = best[key]
            if stack:
                up = stack[-1][0]
                best[up] = max(best[up], rank[key] + 1)
    positions = {id(e): i for i, e in enumerate(ordered)}
    return sorted(ordered, key=lambda e: (rank.get(e.key.lower(), 0), positions[id(e)]))


def format_bib(entries: Iterable[Entry], extras: Iterable[Extra] = (), sort: bool = True) -> str:
    """The canonical text: kept blocks first in their order, then the entries sorted by key
    (``crossref``/``xdata`` targets after the entries that refer to them)."""
    blocks = [x.text for x in extras]
    ordered = canonical_order(entries, sort)
    blocks.extend(format_entry(e) for e in ordered)
    return "\n\n".join(blocks) + "\n" if blocks else ""


def _comparable(entry: Entry) -> tuple[str, str, tuple[tuple[str, str], ...], frozenset[str]]:
    bare = frozenset(n for n in entry.bare if not entry.get(n).isdigit())
    return (entry.key, entry.type, entry.fields, bare)


def verify_text(text: str, entries: Iterable[Entry], target: Path | str) -> None:
    """Refuse ``text`` (about to be written to ``target``) unless it reads back as ``entries``.

    Raises :class:`WriteVerificationError` naming the first entry that does not come back the
    same (lost, changed, or a block that no longer parses).
    """
    from .bibio import parse_bib  # the reader, to read the text back
    from .errors import WriteVerificationError

    wanted = {e.key: e for e in entries}
    parsed = parse_bib(text, str(target))
    got: dict[str, Entry] = {}
    for e in parsed.entries:
        got.setdefault(e.key, e)
    for key, entry in wanted.items():
        back = got.get(key)
        if back is None or _comparable(back) != _comparable(entry):
            field_ = ""
            if back is not None:
                ours, theirs = dict(entry.fields), dict(back.fields)
                diff = sorted(n for n in set(ours) | set(theirs) if ours.get(n) != theirs.get(n))
                field_ = f" (field {diff[0]})" if diff else " (type or delimiters)"
            what = "would be lost" if back is None else f"would not read back the same{field_}"
            raise WriteVerificationError(target, key, what)
    extra = [e.key for e in parsed.entries if e.key not in wanted]
    if extra or len(parsed.entries) != len(wanted):
        name = extra[0] if extra else next(iter(wanted), "")
        raise WriteVerificationError(target, name, "would be read as more than one entry")
    if parsed.errors:
        first = parsed.errors[0]
        raise WriteVerificationError(target, first.key or f"line {first.line}", first.message)


def is_valid_key(key: str) -> bool:
    """Keys BibTeX and biber read back as they are: no white space, none of ``, { } ( ) " # % =
    \\ ~`` (``O'Hara_1999_B`` and ``Lovelace:1843`` are fine)."""
    return bool(key) and not re.search(r'[\s,{}()"#%=\\~]', key)


def reader_fields(entry: Entry) -> Entry:
    """An entry with the standard fields readers of the canonical file need from it alone.

    - ``eprinttype = {arxiv}`` beside ``archiveprefix``: Zotero's BibTeX import (translator
      ``BibTeX.js``) takes an arXiv id only from ``eprint`` together with ``eprinttype``, and
      biblatex prefers it; BibTeX styles ignore both.
    - ``key`` (the title) for an entry without author or editor: BibTeX sorts and labels by it,
      and warns "to sort, need author or key" without it. Dropped once authors arrive.
    Idempotent, so a database read and written unchanged keeps its bytes.
    """
    values: dict[str, str] = {}
    if arxiv_id(entry) is not None and not entry.get("eprinttype"):
        values["eprinttype"] = "arxiv"
    sort_key = re.sub(r"[{}]", "", entry.get("title")).strip()
    named = entry.get("author") or entry.get("editor")
    if not named and not entry.get("key") and sort_key:
        values["key"] = sort_key
    elif named and entry.get("key") == sort_key:
        values["key"] = ""  # written here while the entry had no author; authors now sort it
    return entry.with_fields(**values) if values else entry
