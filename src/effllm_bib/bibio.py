"""Reading and writing BibTeX. The only module that imports bibtexparser.

Writing uses one canonical form (field order, two-space indent, braces, entries sorted by key)
so that reading and writing an unchanged database gives identical bytes.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputFileError
from .model import Entry, Extra, Problem, Severity

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


# A value that runs on into "name = {" swallowed the next field: a comma was missing.
_SWALLOWED_FIELD = re.compile(r"\}\s*\n?\s*[a-z]+\s*=\s*[{\"]|^\s*\{[^{}]*\}\s+[a-z]+\s*=\s*\{")
# Implicit comments are free text, but "name = {" there is the tail of a cut-off entry.
_STRAY_FIELDS = re.compile(r"^[\s,]*[a-z]+\s*=\s*[{\"\d]|[},]\s*[a-z]+\s*=\s*[{\"\d]", re.M)


@dataclass
class ParsedBib:
    """What a .bib file holds: entries, the blocks kept verbatim, and what could not be read."""

    entries: list[Entry] = field(default_factory=list)
    extras: list[Extra] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]


def read_text(path: Path) -> str:
    """The text of a file as UTF-8; a clear error for other encodings and NUL bytes."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputFileError(path, "no such file; check the path.") from None
    except OSError as exc:
        raise InputFileError(path, f"cannot read the file ({exc.strerror}).") from None
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise InputFileError(path, "contains a NUL byte; is this a text file?", line)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputFileError(
            path, "is not valid UTF-8; convert it (e.g. iconv -f latin1 -t utf-8).", line
        ) from None


def parse_bib(text: str, source: str = "<string>") -> ParsedBib:
    """Parse BibTeX text. Blocks that fail become problems with their line, never vanish."""
    import logging

    import bibtexparser  # imported here: a database read from the parse cache never needs it
    from bibtexparser import model as bpm
    from bibtexparser.middlewares import RemoveEnclosingMiddleware

    # bibtexparser logs every failed block; we report them as findings with their line instead.
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)

    library = bibtexparser.parse_string(
        text, parse_stack=[RemoveEnclosingMiddleware(allow_inplace_modification=True)]
    )
    out = ParsedBib()
    for block in library.blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, bpm.DuplicateBlockKeyBlock):
            out.problems.append(
                Problem(Severity.ERROR, "duplicate-key",
                        f"key '{block.key}' is used twice; rename or remove one.", source, line)
            )  # fmt: skip
        elif isinstance(block, bpm.DuplicateFieldKeyBlock):
            names = ", ".join(sorted(block.duplicate_keys))
            out.problems.append(
                Problem(Severity.ERROR, "duplicate-field",
                        f"field(s) {names} given twice in one entry; keep one.", source, line)
            )  # fmt: skip
        elif isinstance(block, bpm.ParsingFailedBlock):
            error = block.error
            text_ = (
                getattr(error, "abort_reason", None)
                or getattr(error, "message", None)
                or str(error)
            )
            reason = text_.strip().splitlines()[0] if text_ and text_.strip() else "syntax error"
            out.problems.append(
                Problem(Severity.ERROR, "parse-error",
                        f"cannot parse this block ({reason}); check braces and commas.", source, line)
            )  # fmt: skip
        elif isinstance(block, bpm.Entry):
            entry = _to_entry(block, line)
            out.entries.append(entry)
            for name, value in entry.fields:
                if _SWALLOWED_FIELD.search(value):
                    out.problems.append(
                        Problem(Severity.ERROR, "missing-comma",
                                f"field '{name}' of '{entry.key}' swallows the next field "
                                f"({value[:30]!r}...); add the missing comma.", source, line)
                    )  # fmt: skip
        elif isinstance(block, bpm.String):
            out.extras.append(Extra("string", block.raw.strip()))
        elif isinstance(block, bpm.Preamble):
            out.extras.append(Extra("preamble", block.raw.strip()))
        elif isinstance(block, bpm.ExplicitComment | bpm.ImplicitComment):
            text_ = block.raw.strip()
            if text_:
                out.extras.append(Extra("comment", text_))
            if isinstance(block, bpm.ImplicitComment) and _STRAY_FIELDS.search(text_):
                out.problems.append(
                    Problem(Severity.ERROR, "stray-text",
                            f"text outside any entry looks like fields ({text_[:30]!r}); a "
                            "closing brace too many cut the entry before it short.", source, line)
                )  # fmt: skip
    return out


def _to_entry(block: Any, line: int) -> Entry:
    removed = block.parser_metadata.get("removed_enclosing", {}) or {}
    fields: list[tuple[str, str]] = []
    bare: set[str] = set()
    for f in block.fields:
        name = f.key.lower()
        value = str(f.value)
        if removed.get(f.key) == "no-enclosing" and not value.isdigit():
            bare.add(name)
        fields.append((name, value))
    return Entry(block.key, block.entry_type, tuple(fields), frozenset(bare), line=line)


def read_bib(path: Path) -> ParsedBib:
    return parse_bib(read_text(path), str(path))


PARSE_CACHE_VERSION = b"effllm-bib parse cache 1"


def read_bib_cached(path: Path, cache_dir: Path | None) -> ParsedBib:
    """``read_bib`` through an on-disk cache keyed by the file's bytes (so never stale).

    Reading a large, unchanged database then costs an unpickle instead of a parse. Files with
    parse errors are never cached.
    """
    import hashlib
    import pickle

    if cache_dir is None:
        return read_bib(path)
    try:
        data = path.read_bytes()
    except OSError:
        return read_bib(path)  # read_bib says what is wrong
    from . import __version__

    salt = PARSE_CACHE_VERSION + __version__.encode()
    digest = hashlib.blake2b(salt + data, digest_size=20).hexdigest()
    cached = cache_dir / f"{digest}.pickle"
    try:
        with cached.open("rb") as fh:
            parsed = pickle.load(fh)
        if isinstance(parsed, ParsedBib):
            return parsed
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError):
        pass  # a missing or damaged cache file is rebuilt
    parsed = read_bib(path)
    if not parsed.errors:
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(parsed, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, cached)
        except OSError:
            pass  # a cache that cannot be written only costs speed
    return parsed


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


def format_bib(entries: Iterable[Entry], extras: Iterable[Extra] = (), sort: bool = True) -> str:
    """The canonical text: kept blocks first in their order, then entries sorted by key."""
    blocks = [x.text for x in extras]
    ordered = sorted(entries, key=entry_sort_key) if sort else list(entries)
    blocks.extend(format_entry(e) for e in ordered)
    return "\n\n".join(blocks) + "\n" if blocks else ""


def write_atomic(path: Path, text: str) -> None:
    """Write a file so that readers see the old or the new content, never a part of it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def is_valid_key(key: str) -> bool:
    """Keys BibTeX and biber accept without trouble."""
    return bool(re.fullmatch(r"[A-Za-z0-9_:.\-+/]+", key))
