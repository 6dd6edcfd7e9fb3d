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
from .bib_syntax import (
    BACKSLASH,
    PLACEHOLDERS,
    count_every_brace,
    rename_comment_like,
    repair,
    restore,
    starts_entry,
    unwrap,
    well_formed,
)
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
    text = count_every_brace(text)
    reading = _Reading(source, renamed, placeholder=BACKSLASH in text, repaired=False)
    _convert(_library(text), reading)
    if not reading.suspicious:
        return reading.done([])
    # a block failed, or a value or field name shows a case bibtexparser reads unlike BibTeX
    # and biber: read the repaired text instead (see bib_syntax.repair)
    repaired = repair(text)
    placeholder = any(p in repaired.text for p in PLACEHOLDERS)
    renamed.update(repaired.renamed)
    reading = _Reading(source, renamed, placeholder=placeholder, repaired=True)
    _convert(_library(repaired.text), reading)
    reading.out.problems += reader_findings.quotes_ended(repaired.quote_ends, reading.source)
    return reading.done(repaired.blanked)


class _Reading:
    """What one reading of the text has made so far."""

    def __init__(
        self, source: str, renamed: dict[str, str], placeholder: bool, repaired: bool
    ) -> None:
        self.source = source
        self.renamed = renamed  # alias entry type -> the @comment... type it stands for
        self.placeholder = placeholder  # the text was prepared or repaired: restore placeholders
        self.repaired = repaired  # a case to repair seen now is an error of the file
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
        _add_entry(kept, line, reading)


def _failed(block: Any, line: int, reading: _Reading) -> None:
    reading.suspicious = True
    error = block.error
    text = getattr(error, "abort_reason", None) or getattr(error, "message", None) or str(error)
    reason = text.strip().splitlines()[0] if text and text.strip() else "syntax error"
    counted = " (BibTeX counts \\{ and \\} as braces too)" if BACKSLASH in (block.raw or "") else ""
    msg = f"cannot parse this block ({reason}); check braces{counted} and commas."
    reading.problem("parse-error", msg, line)


def _entry(block: Any, line: int, reading: _Reading) -> None:
    entry = _add_entry(block, line, reading)
    if entry is not None:
        reading.out.problems += reader_findings.missing_commas(entry, reading.source, line)


def _add_entry(block: Any, line: int, reading: _Reading) -> Entry | None:
    """The entry of ``block``, added to the reading; None for an entry BibTeX cannot read
    (reported) or one the splitter cut where BibTeX does not (the text is read again)."""
    entry, odd = _to_entry(block, line, reading)
    if odd and reading.repaired and not reader_findings.missing_commas(entry, "", line):
        reading.out.problems.append(
            reader_findings.unreadable_value(entry.key, odd, reading.source, line)
        )
        return None
    reading.suspicious = reading.suspicious or bool(odd)
    reading.out.entries.append(entry)
    return entry


def _string(block: Any, line: int, reading: _Reading) -> None:
    reading.out.extras.append(Extra("string", reading.restored((block.raw or "").strip())))
    raw = str(block.value)
    value, enclosed = unwrap(raw)
    odd = _misread(raw, enclosed)
    if odd and reading.repaired:
        reading.out.problems.append(
            reader_findings.unreadable_value(block.key, "@string", reading.source, line)
        )
        return
    reading.suspicious = reading.suspicious or odd
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
        reading.out.problems += reader_findings.stray_at(text, reading.source, line)
        reading.suspicious = reading.suspicious or (not reading.repaired and starts_entry(text))


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


def _misread(raw: str, enclosed: bool) -> bool:
    """Whether the splitter cut a value where BibTeX does not, or cut one BibTeX cannot read:
    it counts no brace inside quotes, reads on past a ``\\"`` and takes a bare value up to
    the next comma. Values that delimiters enclose whole (:func:`unwrap` counts as BibTeX
    does) are read as BibTeX reads them."""
    return not enclosed and not well_formed(raw)


def _to_entry(block: Any, line: int, reading: _Reading) -> tuple[Entry, str]:
    """The entry, and the first field that shows a case to repair ("" if none): a ``%`` in a
    field name (a comment line between fields) or a value the splitter cut where BibTeX does
    not."""
    fields: dict[str, str] = {}
    bare: set[str] = set()
    odd = ""
    # placeholders are rare: look for them once in the entry, not in each value
    placeholder = reading.placeholder and any(p in (block.raw or "") for p in PLACEHOLDERS)
    for f in block.fields:
        name = f.key.lower()
        raw = str(f.value)
        value, enclosed = unwrap(raw)
        if placeholder:
            value = restore(value)
        if not enclosed and not value.isdigit():
            bare.add(name)
        if not odd and ("%" in name or _misread(raw, enclosed)):
            odd = name
        # a field given twice (reported): the first value counts, as in BibTeX
        fields.setdefault(name, value)
    entry_type = reading.renamed.get(block.entry_type.lower(), block.entry_type)
    return Entry(block.key, entry_type, tuple(fields.items()), frozenset(bare), line=line), odd


def read_bib(path: Path) -> ParsedBib:
    return parse_bib(read_text(path), str(path))
