"""Reading BibTeX. The only module that imports bibtexparser.

Every block becomes an entry, a kept block or a finding with its line. The canonical writer is
in ``canonical.py`` and the file helpers in ``files.py``.
"""

from __future__ import annotations

import gc
import re
from pathlib import Path
from typing import Any

from .files import read_text
from .model import Entry, Extra, Problem, Severity
from .parsed import ParsedBib

__all__ = ["ParsedBib", "parse_bib", "read_bib", "string_definition"]

# A value that runs on into "name = {" swallowed the next field: a comma was missing.
_SWALLOWED_FIELD = re.compile(r"\}\s*\n?\s*[a-z]+\s*=\s*[{\"]|^\s*\{[^{}]*\}\s+[a-z]+\s*=\s*\{")
# Implicit comments are free text, but "name = {" there is the tail of a cut-off entry.
_STRAY_FIELDS = re.compile(r"^[\s,]*[a-z]+\s*=\s*[{\"\d]|[},]\s*[a-z]+\s*=\s*[{\"\d]", re.M)


_COMMENT_LIKE = re.compile(r"@\s*(comment[A-Za-z0-9_:-]+)\s*([{(])", re.I)
_PLACEHOLDER = "\ue000"  # stands for a '"' inside braces inside a quoted value while parsing
_AT = "\ue001"  # stands for an '@' in a % comment line outside entries while parsing
_TOKENS = re.compile(r'[{}()"@%\n]')


def _library(text: str) -> Any:
    """bibtexparser's blocks, values as written (delimiters are removed by :func:`_unwrap`)."""
    import logging

    # imported here: a database read from the parse cache never needs bibtexparser
    from bibtexparser.entrypoint import parse_string

    # bibtexparser logs every failed block; we report them as findings with their line instead.
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    return parse_string(text, parse_stack=[])


_BRACE = re.compile(r"(?<!\\)[{}]")
_BRACE_OR_QUOTE = re.compile(r'(?<!\\)[{}"]')


def _unwrap(value: str) -> tuple[str, bool]:
    """A field or ``@string`` value without the delimiters around the whole of it, and whether
    it had them. ``{a} # {b}`` and ``"a" # "b"`` start and end with delimiters of two parts:
    they stay as they are (a concatenation, written bare). A brace after a backslash does not
    count, as for bibtexparser's splitter, which cut the value.

    (The rule of bibtexparser's RemoveEnclosingMiddleware, applied here instead: one pass in
    the loop that builds each entry anyway reads a large file a tenth faster, and it also
    covers the first-value entry kept from a block with a field given twice, which no
    middleware sees.)
    """
    value = value.strip()
    if len(value) < 2:
        return value, False
    first, last = value[0], value[-1]
    if first == "{" and last == "}":
        inner = value[1:-1]
        if "{" not in inner and "}" not in inner:
            return (value, False) if inner.endswith("\\") else (inner, True)  # "\}" escaped
        depth = 0
        for m in _BRACE.finditer(value):
            depth += 1 if m.group() == "{" else -1
            if depth == 0:  # the first brace closes here: at the end, or it is two parts
                return (inner, True) if m.end() == len(value) else (value, False)
        return value, False
    if first == '"' and last == '"':
        inner = value[1:-1]
        if '"' not in inner:
            return inner, True
        depth = 0
        for m in _BRACE_OR_QUOTE.finditer(inner):
            c = m.group()
            if c == "{":
                depth += 1
            elif c == "}":
                depth = max(depth - 1, 0)
            elif depth == 0:
                return value, False  # a quote at brace depth 0 ends the first part
        return inner, True
    return value, False


def _repair(text: str) -> tuple[str, list[int]]:
    """The text as bibtexparser can read it the way BibTeX and biber do, and the lines of
    ``%`` comments that were blanked inside entries.

    - a ``"`` inside braces inside a quoted value is part of the value (bibtexparser ends the
      value there): it becomes a placeholder, turned back after parsing;
    - ``%`` between the fields of an entry starts a comment to the end of the line for biber
      (BibTeX stops reading the entry there): it is blanked, keeping line numbers, and reported.

    One pass over the text, only run when the plain parse showed one of these cases. Text
    outside blocks (where BibTeX ignores everything) never changes the state.
    """
    out: list[str] = []
    blanked: list[int] = []
    depth = 0  # delimiter depth within the current block (1: between the fields)
    header = False  # after "@type", before the block's opening delimiter
    paren = False  # the block is delimited by ( )
    quoted = False  # inside a quoted value
    qdepth = 0  # brace depth inside the quoted value
    comment = False  # an @comment block (no value syntax there)
    line = 1
    last = 0
    for m in _TOKENS.finditer(text):
        c = m.group()
        i = m.start()
        if c == "\n":
            line += 1
            continue
        if i < last:
            continue  # inside a blanked comment
        if depth == 0:
            if c == "%" and not header:
                # biber: a comment to the end of the line, so "%@BOOK{...}" is no entry (BibTeX
                # would read it; a file that comments an entry out this way means biber's way)
                end = text.find("\n", i)
                end = len(text) if end < 0 else end
                out.append(text[last:i] + text[i:end].replace("@", _AT))
                last = end
            elif c == "@":
                header = True
                comment = text[i + 1 : i + 16].lstrip().lower().startswith("comment") and not (
                    _COMMENT_LIKE.match(text, i)
                )
            elif header and c in "{(":
                header, paren, depth, quoted = False, c == "(", 1, False
            continue
        if quoted:
            if c == "{":
                qdepth += 1
            elif c == "}" and qdepth > 0:
                qdepth -= 1
            elif c == '"' and qdepth > 0:
                out.append(text[last:i] + _PLACEHOLDER)
                last = i + 1
            elif c == '"':
                quoted = False
            continue
        if c == "{":
            depth += 1
        elif c == "}" and not (paren and depth == 1):
            depth -= 1
        elif c == ")" and paren and depth == 1:
            depth = 0
        elif comment:
            continue
        elif c == '"' and depth == 1:
            quoted, qdepth = True, 0
        elif c == "%" and depth == 1:
            end = text.find("\n", i)
            end = len(text) if end < 0 else end
            out.append(text[last:i])
            last = end
            blanked.append(line)
    out.append(text[last:])
    return "".join(out), blanked


def parse_bib(text: str, source: str = "<string>") -> ParsedBib:
    """Parse BibTeX text. Blocks that fail become problems with their line, never vanish.

    The cyclic garbage collector is paused meanwhile: a parse makes many objects and no
    reference cycles (none to collect on the 3,644 entries of TUGboat's bibliography), and
    the collections that its allocations trigger would walk every object again and again
    (13% of the time of a large file)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _parse_bib(text, source)
    finally:
        if enabled:
            gc.enable()


def _parse_bib(text: str, source: str) -> ParsedBib:
    # @COMMENTED{...} is an entry of an unknown type to BibTeX and biber, not a comment.
    renamed: dict[str, str] = {}

    def rename(m: re.Match[str]) -> str:
        alias = f"effllmcommentlike{len(renamed)}"
        renamed[alias] = m.group(1).lower()
        return f"@{alias}{m.group(2)}"

    if "@" in text and _COMMENT_LIKE.search(text):
        text = _COMMENT_LIKE.sub(rename, text)
    parsed, suspicious = _convert(_library(text), source, renamed, False, [])
    if not suspicious:
        return parsed
    # a block failed, or a value or field name shows a case bibtexparser reads unlike BibTeX
    # and biber: parse the repaired text instead (see _repair)
    repaired, blanked = _repair(text)
    placeholder = _PLACEHOLDER in repaired or _AT in repaired
    return _convert(_library(repaired), source, renamed, placeholder, blanked)[0]


def _convert(
    library: Any, source: str, renamed: dict[str, str], placeholder: bool, blanked: list[int]
) -> tuple[ParsedBib, bool]:
    """The parsed blocks as the project's model, and whether the text needs :func:`_repair`."""
    from bibtexparser import model as bpm

    from .resolve import expand_strings

    suspicious = False
    out = ParsedBib()
    definitions: list[tuple[str, str]] = []
    for block in library.blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, bpm.DuplicateBlockKeyBlock):
            out.problems.append(
                Problem(
                    Severity.ERROR,
                    "duplicate-key",
                    f"key '{block.key}' is used twice; rename or remove one.",
                    source,
                    line,
                    block.key,
                )
            )
        elif isinstance(block, bpm.DuplicateFieldKeyBlock):
            names = ", ".join(sorted(block.duplicate_keys))
            out.problems.append(
                Problem(
                    Severity.ERROR,
                    "duplicate-field",
                    f"field(s) {names} given twice in one entry (BibTeX reads the first); "
                    "keep one.",
                    source,
                    line,
                    getattr(block.ignore_error_block, "key", "") or "",
                )
            )
            if isinstance(block.ignore_error_block, bpm.Entry):
                # read as BibTeX reads it, for read-only commands: the first value of each field
                entry, _ = _to_entry(block.ignore_error_block, line, renamed, placeholder)
                out.entries.append(entry)
        elif isinstance(block, bpm.ParsingFailedBlock):
            suspicious = True
            error = block.error
            text_ = (
                getattr(error, "abort_reason", None)
                or getattr(error, "message", None)
                or str(error)
            )
            reason = text_.strip().splitlines()[0] if text_ and text_.strip() else "syntax error"
            out.problems.append(
                Problem(
                    Severity.ERROR,
                    "parse-error",
                    f"cannot parse this block ({reason}); check braces and commas.",
                    source,
                    line,
                )
            )
        elif isinstance(block, bpm.Entry):
            entry, odd = _to_entry(block, line, renamed, placeholder)
            suspicious = suspicious or odd
            out.entries.append(entry)
            for name, value in entry.fields:
                if "=" in value and _SWALLOWED_FIELD.search(value):
                    out.problems.append(
                        Problem(
                            Severity.ERROR,
                            "missing-comma",
                            f"field '{name}' of '{entry.key}' swallows the next field "
                            f"({value[:30]!r}...); add the missing comma.",
                            source,
                            line,
                            entry.key,
                        )
                    )
        elif isinstance(block, bpm.String):
            raw = _restore((block.raw or "").strip(), placeholder)
            out.extras.append(Extra("string", raw))
            value, enclosed = _unwrap(str(block.value))
            value = _restore(value, placeholder)
            definitions.append((block.key, f"{{{value}}}" if enclosed else value))
        elif isinstance(block, bpm.Preamble):
            out.extras.append(Extra("preamble", _restore((block.raw or "").strip(), placeholder)))
        elif isinstance(block, bpm.ExplicitComment | bpm.ImplicitComment):
            text_ = _restore((block.raw or "").strip(), placeholder)
            if text_:
                out.extras.append(Extra("comment", text_))
            if isinstance(block, bpm.ImplicitComment) and _STRAY_FIELDS.search(_uncommented(text_)):
                out.problems.append(
                    Problem(
                        Severity.ERROR,
                        "stray-text",
                        f"text outside any entry looks like fields ({text_[:30]!r}); a "
                        "closing brace too many cut the entry before it short.",
                        source,
                        line,
                    )
                )
    starts = sorted((e.line, e.key) for e in out.entries if e.line)
    out.problems[:0] = [
        Problem(
            Severity.WARNING,
            "comment-in-entry",
            "a % comment between the fields of an entry: biber skips it, BibTeX stops "
            "reading the entry there; it is dropped on rewrite. Delete it or move it "
            "out of the entry.",
            source,
            line,
            next((key for start, key in reversed(starts) if start <= line), ""),
        )
        for line in blanked
    ]
    out.strings = expand_strings(definitions)
    return out, suspicious


_STRING_BLOCK = re.compile(r"@\s*string\s*[{(]\s*([^\s=]+)\s*=(.*)[})]\s*\Z", re.I | re.S)


def string_definition(extra: Extra) -> tuple[str, str]:
    """(lower-cased name, raw value) of a kept ``@string`` block; ("", "") for other blocks."""
    if extra.kind != "string":
        return "", ""
    m = _STRING_BLOCK.match(extra.text)
    return (m.group(1).lower(), m.group(2).strip()) if m else ("", "")


def _uncommented(text: str) -> str:
    """Free text without its ``%`` comment lines (which may well say ``key=value``)."""
    if "%" not in text:
        return text
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("%"))


def _restore(text: str, placeholder: bool) -> str:
    return text.replace(_PLACEHOLDER, '"').replace(_AT, "@") if placeholder else text


def _to_entry(
    block: Any, line: int, renamed: dict[str, str], placeholder: bool
) -> tuple[Entry, bool]:
    """The entry, and whether it shows a case to repair: a ``%`` in a field name (a comment
    line between fields) or a quoted value cut at a ``"`` inside braces."""
    fields: dict[str, str] = {}
    bare: set[str] = set()
    odd = False
    for f in block.fields:
        name = f.key.lower()
        value, enclosed = _unwrap(str(f.value))
        if placeholder:
            value = _restore(value, placeholder)
        if not enclosed and not value.isdigit():
            bare.add(name)
        odd = odd or "%" in name or (value[:1] == '"' and value[-1:] != '"')
        # a field given twice (reported): the first value counts, as in BibTeX
        fields.setdefault(name, value)
    entry_type = renamed.get(block.entry_type.lower(), block.entry_type)
    return Entry(block.key, entry_type, tuple(fields.items()), frozenset(bare), line=line), odd


def read_bib(path: Path) -> ParsedBib:
    return parse_bib(read_text(path), str(path))
