"""The on-disk cache of what reading a .bib file yields (:class:`~.parsed.ParsedBib`).

The cache is keyed by the file's bytes, the installed versions of effllm-bib and bibtexparser,
and the size and time of the reader's own modules (an edited checkout keeps its version number),
so it is never stale; a hit costs no parser import (``bibio`` and bibtexparser are
imported on a miss only). Files with read errors are never cached.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .cache import code_stamp, installed_versions, load_derived, store_derived
from .errors import BibParseError, DatabaseError
from .model import Entry, Extra, Problem, Severity
from .parsed import ParsedBib

PARSE_CACHE_KIND = "parsed-bib-5"  # change when the layout below changes
# The modules whose code decides what a parse yields: their stamp is part of the cache key.
READER_MODULES = tuple(
    Path(__file__).with_name(name)
    for name in (
        "bibio.py",
        "bib_syntax.py",
        "reader_findings.py",
        "parsed.py",
        "parse_cache.py",
        "model.py",
        "resolve.py",
        "files.py",
    )
)


_ENTRY_FIELDS = ("key", "type", "fields", "bare", "line")


def _to_plain(parsed: ParsedBib) -> tuple[Any, ...]:
    # Entry names and types are interned (see Entry): marshal writes each once and refers back.
    return (
        [(e.key, e.type, e.fields, e.bare, e.line) for e in parsed.entries],
        [(x.kind, x.text) for x in parsed.extras],
        [(p.severity.value, p.code, p.message, p.line, p.key) for p in parsed.problems],
        list(parsed.strings.items()),
    )


def _entries(raw: list[tuple[Any, ...]]) -> list[Entry]:
    """The entries as the reader made them. Their values are in normal form already (they come
    from :class:`Entry` objects), so the normalising constructor is skipped, as ``resolve``
    does: for a database of hundreds of entries it would cost more than the rest of a load."""
    if tuple(Entry.__dataclass_fields__) != _ENTRY_FIELDS or hasattr(Entry, "__slots__"):
        return [Entry(k, t, f, b, line=n) for k, t, f, b, n in raw]  # the model changed
    new = object.__new__
    out = []
    for key, type_, fields, bare, line in raw:
        entry = new(Entry)
        values = entry.__dict__
        values["key"], values["type"], values["fields"] = key, type_, fields
        values["bare"], values["line"] = bare, line
        out.append(entry)
    return out


def _from_plain(data: Any, path: Path) -> ParsedBib:
    raw_entries, raw_extras, raw_problems, raw_strings = data
    extras = [Extra(kind, text) for kind, text in raw_extras]
    problems = [
        Problem(Severity(sev), code, message, str(path), line, key)
        for sev, code, message, line, key in raw_problems
    ]
    return ParsedBib(_entries(raw_entries), extras, problems, dict(raw_strings))


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
    salt = " ".join([*installed_versions("effllm-bib", "bibtexparser"), code_stamp(READER_MODULES)])
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


def read_strings(paths: Sequence[Path], cache_dir: Path | None) -> list[tuple[Extra, str, str]]:
    """(block, name, expanded text) of every @string definition of ``paths``, in order; a file
    that cannot be read, or one with errors, is an error naming it (it would define macros
    silently wrong)."""
    out: list[tuple[Extra, str, str]] = []
    for path in paths:
        if not path.is_file():
            raise DatabaseError(f"{path}: no such file (--strings names a .bib of @string blocks).")
        parsed = read_bib_cached(path, cache_dir)
        from .bibio import string_definition  # only when there are --strings files

        if parsed.errors:
            first = parsed.errors[0]
            raise BibParseError(path, f"{first.message} (a --strings file)", first.line)
        for extra in parsed.extras:
            name, _ = string_definition(extra)
            if name:
                out.append((extra, name, parsed.strings.get(name, "")))
    return out
