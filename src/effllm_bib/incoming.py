"""A file to merge, read: a .bib (entries as written, and as text for matching, with its
@string blocks) or a CSL-JSON file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import bibio
from .errors import BibParseError, InputFileError
from .model import Entry, Extra
from .resolve import resolve_entries


@dataclass
class Bibliography:
    """What a merge reads from a file: the entries as written, the same as text (macros
    expanded, crossref inherited) for matching, and the ``@string`` blocks."""

    entries: list[Entry]
    resolved: list[Entry]
    strings: list[Extra] = field(default_factory=list)


STDIN = Path("<stdin>")  # how a merge of standard input ('merge -') names its source


def read_source(path: Path, text: str | None = None) -> Bibliography:
    """A .bib or CSL-JSON file to merge (``text``: its text, already read, as from standard
    input); a file with unparseable blocks is refused whole."""
    looks_json = text is not None and text.lstrip()[:1] in ("[", "{") and "@" not in text[:200]
    if path.suffix.lower() in (".json", ".csljson") or looks_json:
        from .csl_read import parse_csl_json, read_csl_json

        items = read_csl_json(path) if text is None else parse_csl_json(text, path)
        return Bibliography(items, items)
    parsed = bibio.read_bib(path) if text is None else bibio.parse_bib(text, str(path))
    if parsed.errors:
        first = parsed.errors[0]
        raise BibParseError(path, f"{first.message} Nothing was merged.", first.line)
    if not parsed.entries:
        raise InputFileError(path, "holds no entries; is it a BibTeX file?")
    resolved = resolve_entries(parsed.entries, parsed.strings)
    strings = [x for x in parsed.extras if x.kind == "string"]
    return Bibliography(parsed.entries, resolved, strings)
