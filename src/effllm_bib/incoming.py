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


def read_source(path: Path) -> Bibliography:
    """A .bib or CSL-JSON file to merge; a file with unparseable blocks is refused whole."""
    if path.suffix.lower() in (".json", ".csljson"):
        from .csl_read import read_csl_json

        items = read_csl_json(path)
        return Bibliography(items, items)
    parsed = bibio.read_bib(path)
    if parsed.errors:
        first = parsed.errors[0]
        raise BibParseError(path, f"{first.message} Nothing was merged.", first.line)
    if not parsed.entries:
        raise InputFileError(path, "holds no entries; is it a BibTeX file?")
    resolved = resolve_entries(parsed.entries, parsed.strings)
    strings = [x for x in parsed.extras if x.kind == "string"]
    return Bibliography(parsed.entries, resolved, strings)
