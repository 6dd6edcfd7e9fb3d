"""What reading a .bib file yields (:class:`ParsedBib`), and the on-disk cache of it.

The cache is keyed by the file's bytes and the installed versions of effllm-bib and
bibtexparser, so it is never stale; a hit costs no parser import (``bibio`` and bibtexparser are
imported on a miss only). Files with read errors are never cached.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cache import installed_versions, load_derived, store_derived
from .model import Entry, Extra, Problem, Severity

PARSE_CACHE_KIND = "parsed-bib-4"  # change when the reader or the layout below changes


@dataclass
class ParsedBib:
    """What a .bib file holds: entries, the blocks kept verbatim, and what could not be read."""

    entries: list[Entry] = field(default_factory=list)
    extras: list[Extra] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # every @string macro, lower-cased name -> expanded text, in file order
    strings: dict[str, str] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]


_ENTRY_FIELDS = ("key", "type", "fields", "bare", "line")


def _to_plain(parsed: ParsedBib) -> tuple[Any, ...]:
    return (
        [(e.key, e.type, e.fields, e.bare, e.line) for e in parsed.entries],
        [(x.kind, x.text) for x in parsed.extras],
        [(p.severity.value, p.code, p.message, p.line, p.key) for p in parsed.problems],
        list(parsed.strings.items()),
    )


def _entry(values: tuple[Any, ...]) -> Entry:
    """An entry as the reader made it: its values are in normal form already (they come from an
    :class:`Entry`), so the normalising constructor is skipped, as ``resolve`` does."""
    out = object.__new__(Entry)
    for name, value in zip(_ENTRY_FIELDS, values, strict=True):
        object.__setattr__(out, name, value)
    return out


def _from_plain(data: Any, path: Path) -> ParsedBib:
    raw_entries, raw_extras, raw_problems, raw_strings = data
    if tuple(Entry.__dataclass_fields__) == _ENTRY_FIELDS:
        entries = [_entry(e) for e in raw_entries]
    else:  # the model changed under an old cache entry: build entries the ordinary way
        entries = [Entry(k, t, f, b, line=n) for k, t, f, b, n in raw_entries]
    extras = [Extra(kind, text) for kind, text in raw_extras]
    problems = [Problem(Severity(sev), code, message, str(path), line, key)
                for sev, code, message, line, key in raw_problems]  # fmt: skip
    return ParsedBib(entries, extras, problems, dict(raw_strings))


def _read_bib(path: Path) -> ParsedBib:
    from .bibio import read_bib  # the reader and bibtexparser cost start-up: on a miss only

    return read_bib(path)


def read_bib_cached(path: Path, cache_dir: Path | None) -> ParsedBib:
    """``bibio.read_bib`` through the on-disk cache in ``cache_dir`` (None: no cache)."""
    try:
        data = path.read_bytes() if cache_dir is not None else None
    except OSError:
        data = None  # read_bib says what is wrong
    if cache_dir is None or data is None:
        return _read_bib(path)
    salt = " ".join(installed_versions("effllm-bib", "bibtexparser"))
    stored = load_derived(cache_dir, PARSE_CACHE_KIND, data, salt)
    if stored is not None:
        try:
            return _from_plain(stored, path)
        except (ValueError, TypeError):
            pass  # another layout: parsed afresh
    parsed = _read_bib(path)
    # kept only when the file did not change while it was parsed
    if not parsed.errors and path.read_bytes() == data:
        store_derived(cache_dir, PARSE_CACHE_KIND, data, _to_plain(parsed), salt)
    return parsed
