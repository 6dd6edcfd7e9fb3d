"""Reading BibTeX. The only module that imports bibtexparser.

Every block becomes an entry, a kept block or a finding with its line. The reading has stages,
each its own function: the text is prepared (:mod:`.bib_syntax`), bibtexparser splits it into
blocks, each kind of block is converted to the project's model by its own converter
(:data:`_CONVERTERS`), and the reader's findings are added (:mod:`.reader_findings`). When the
first reading shows a case bibtexparser reads unlike BibTeX, the text is repaired and read again.
The canonical writer is in ``canonical.py`` and the file helpers in ``files.py``.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import reader_findings
from .bib_syntax import AT, PLACEHOLDER, rename_comment_like, repair, restore, unwrap
from .files import read_text
from .model import Entry, Extra, Problem, Severity
from .parsed import ParsedBib

__all__ = ["ParsedBib", "parse_bib", "read_bib", "string_definition"]


def _library(text: str) -> Any:
    """bibtexparser's blocks, values as written (delimiters are removed by :func:`_unwrap`)."""
    import logging

    # imported here: a database read from the parse cache never needs bibtexparser
    from bibtexparser.entrypoint import parse_string

    # bibtexparser logs every failed block; we report them as findings with their line instead.
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    return parse_string(text, parse_stack=[])


def parse_bib(text: str, source: str = "<string>") -> ParsedBib:
    """Parse BibTeX text. Blocks that fail become problems with their line, never vanish.

    The cyclic garbage collector is paused meanwhile: a parse makes many objects and no
    reference cycles, and the collections that its allocations trigger would walk every
    object again and again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _parse_bib(text, source)
    finally:
        if enabled:
            gc.enable()


def _parse_bib(text: str, source: str) -> ParsedBib:
    text, renamed = rename_comment_like(text)
    reading = _Reading(source, renamed, placeholder=False)
    _convert(_library(text), reading)
    if not reading.suspicious:
        return reading.done([])
    # a block failed, or a value or field name shows a case bibtexparser reads unlike BibTeX
    # and biber: read the repaired text instead (see bib_syntax.repair)
    repaired, blanked = repair(text)
    reading = _Reading(source, renamed, placeholder=PLACEHOLDER in repaired or AT in repaired)
    _convert(_library(repaired), reading)
    return reading.done(blanked)


class _Reading:
    """What one reading of the text has made so far."""

    def __init__(self, source: str, renamed: dict[str, str], placeholder: bool) -> None:
        self.source = source
        self.renamed = renamed  # alias entry type -> the @comment... type it stands for
        self.placeholder = placeholder  # the text was repaired: restore its placeholders
        self.out = ParsedBib()
        self.definitions: list[tuple[str, str]] = []  # @string name -> value, in file order
        self.suspicious = False  # a case to repair was seen

    def restored(self, text: str) -> str:
        return restore(text) if self.placeholder else text

    def problem(self, code: str, message: str, line: int, key: str = "") -> None:
        self.out.problems.append(Problem(Severity.ERROR, code, message, self.source, line, key))

    def done(self, blanked: list[int]) -> ParsedBib:
        from .resolve import expand_strings

        out = self.out
        out.problems[:0] = reader_findings.comments_in_entries(blanked, out.entries, self.source)
        out.strings = expand_strings(self.definitions)
        return out


def _convert(library: Any, reading: _Reading) -> None:
    """Each block, by its kind, into the reading."""
    converters = _converters()
    for block in library.blocks:
        line = (block.start_line or 0) + 1
        for kind, convert in converters:
            if isinstance(block, kind):
                convert(block, line, reading)
                break


Converter = Callable[[Any, int, _Reading], None]


def _duplicate_key(block: Any, line: int, reading: _Reading) -> None:
    first = getattr(block.previous_block, "start_line", None)
    where = f" (first at line {first + 1})" if first is not None else ""
    msg = f"key '{block.key}' is used twice{where}; rename or remove one."
    reading.problem("duplicate-key", msg, line, block.key)


def _duplicate_field(block: Any, line: int, reading: _Reading) -> None:
    from bibtexparser import model as bpm

    names = ", ".join(sorted(block.duplicate_keys))
    kept = block.ignore_error_block
    reading.problem(
        "duplicate-field",
        f"field(s) {names} given twice in one entry (BibTeX reads the first); keep one.",
        line,
        getattr(kept, "key", "") or "",
    )
    if isinstance(kept, bpm.Entry):
        # read as BibTeX reads it, for read-only commands: the first value of each field
        reading.out.entries.append(_to_entry(kept, line, reading)[0])


def _failed(block: Any, line: int, reading: _Reading) -> None:
    reading.suspicious = True
    error = block.error
    text = getattr(error, "abort_reason", None) or getattr(error, "message", None) or str(error)
    reason = text.strip().splitlines()[0] if text and text.strip() else "syntax error"
    msg = f"cannot parse this block ({reason}); check braces and commas."
    reading.problem("parse-error", msg, line)


def _entry(block: Any, line: int, reading: _Reading) -> None:
    entry, odd = _to_entry(block, line, reading)
    reading.suspicious = reading.suspicious or odd
    reading.out.entries.append(entry)
    reading.out.problems += reader_findings.missing_commas(entry, reading.source, line)


def _string(block: Any, line: int, reading: _Reading) -> None:
    reading.out.extras.append(Extra("string", reading.restored((block.raw or "").strip())))
    value, enclosed = unwrap(str(block.value))
    value = reading.restored(value)
    reading.definitions.append((block.key, f"{{{value}}}" if enclosed else value))


def _preamble(block: Any, line: int, reading: _Reading) -> None:
    reading.out.extras.append(Extra("preamble", reading.restored((block.raw or "").strip())))


def _comment(block: Any, line: int, reading: _Reading) -> None:
    from bibtexparser import model as bpm

    text = reading.restored((block.raw or "").strip())
    if text:
        reading.out.extras.append(Extra("comment", text))
    if isinstance(block, bpm.ImplicitComment):
        reading.out.problems += reader_findings.stray_text(text, reading.source, line)


_CONVERTER_TABLE: list[tuple[type, Converter]] = []


def _converters() -> list[tuple[type, Converter]]:
    """(bibtexparser block class, converter), most specific first; built on the first read, as
    bibtexparser is imported only then."""
    if not _CONVERTER_TABLE:
        from bibtexparser import model as bpm

        _CONVERTER_TABLE.extend(
            [
                (bpm.DuplicateBlockKeyBlock, _duplicate_key),
                (bpm.DuplicateFieldKeyBlock, _duplicate_field),
                (bpm.ParsingFailedBlock, _failed),
                (bpm.Entry, _entry),
                (bpm.String, _string),
                (bpm.Preamble, _preamble),
                (bpm.ExplicitComment, _comment),
                (bpm.ImplicitComment, _comment),
            ]
        )
    return _CONVERTER_TABLE


_STRING_BLOCK = re.compile(r"@\s*string\s*[{(]\s*([^\s=]+)\s*=(.*)[})]\s*\Z", re.I | re.S)


def string_definition(extra: Extra) -> tuple[str, str]:
    """(lower-cased name, raw value) of a kept ``@string`` block; ("", "") for other blocks."""
    if extra.kind != "string":
        return "", ""
    m = _STRING_BLOCK.match(extra.text)
    return (m.group(1).lower(), m.group(2).strip()) if m else ("", "")


def _to_entry(block: Any, line: int, reading: _Reading) -> tuple[Entry, bool]:
    """The entry, and whether it shows a case to repair: a ``%`` in a field name (a comment
    line between fields) or a quoted value cut at a ``"`` inside braces."""
    fields: dict[str, str] = {}
    bare: set[str] = set()
    odd = False
    for f in block.fields:
        name = f.key.lower()
        value, enclosed = unwrap(str(f.value))
        value = reading.restored(value)
        if not enclosed and not value.isdigit():
            bare.add(name)
        odd = odd or "%" in name or (value[:1] == '"' and value[-1:] != '"')
        # a field given twice (reported): the first value counts, as in BibTeX
        fields.setdefault(name, value)
    entry_type = reading.renamed.get(block.entry_type.lower(), block.entry_type)
    return Entry(block.key, entry_type, tuple(fields.items()), frozenset(bare), line=line), odd


def read_bib(path: Path) -> ParsedBib:
    return parse_bib(read_text(path), str(path))
