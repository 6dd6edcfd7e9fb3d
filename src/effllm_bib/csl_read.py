"""Read CSL-JSON (what Zotero, pandoc and citeproc exchange) into the project's entries."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .errors import InputFileError
from .files import read_text
from .model import Entry
from .names import from_parts, literal

_TYPES = {
    "paper-conference": "inproceedings",
    "article-journal": "article",
    "chapter": "incollection",
    "book": "book",
    "thesis": "phdthesis",
    "report": "techreport",
    "software": "software",
    "webpage": "online",
}


def _names(people: object) -> str:
    out = []
    for p in people if isinstance(people, list) else []:
        if not isinstance(p, dict):
            continue
        if p.get("literal"):
            out.append(literal(str(p["literal"])))
        elif p.get("family"):
            particle = " ".join(
                str(p.get(k, "")).strip()
                for k in ("dropping-particle", "non-dropping-particle")
                if p.get(k)
            )
            out.append(
                from_parts(
                    str(p["family"]), str(p.get("given", "")), particle, str(p.get("suffix", ""))
                )
            )
    return " and ".join(out)


def _year(item: dict[str, Any]) -> str:
    issued = item.get("issued") or {}
    parts = issued.get("date-parts") if isinstance(issued, dict) else None
    if parts and isinstance(parts, list) and parts[0]:
        return str(parts[0][0])
    return str(issued.get("raw", ""))[:4] if isinstance(issued, dict) else ""


def csl_item_to_entry(item: dict[str, Any], position: int) -> Entry:
    entry_type = _TYPES.get(str(item.get("type", "")), "misc")
    values = {
        "title": str(item.get("title", "")),
        "author": _names(item.get("author")),
        "editor": _names(item.get("editor")),
        "year": _year(item),
        "volume": str(item.get("volume", "")),
        "number": str(item.get("issue", "")),
        "pages": str(item.get("page", "")),
        "publisher": str(item.get("publisher", "")),
        "doi": str(item.get("DOI", "")),
        "url": str(item.get("URL", "")),
        "note": str(item.get("note", "")),
    }
    container = str(item.get("container-title", ""))
    if container:
        values["journal" if entry_type == "article" else "booktitle"] = container
    number = str(item.get("number", ""))
    if number.lower().startswith("arxiv:") or "arxiv" in str(item.get("publisher", "")).lower():
        values["eprint"] = number.split(":", 1)[-1]
        values["archiveprefix"] = "arXiv"
    key = str(item.get("id") or item.get("citation-key") or f"item{position}")
    return Entry.make(key, entry_type, {k: v for k, v in values.items() if v})


def read_csl_json(path: Path) -> list[Entry]:
    return parse_csl_json(read_text(path), path)


def parse_csl_json(text: str, path: Path) -> list[Entry]:
    """The items of a CSL-JSON text (``path`` names it in messages)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputFileError(path, f"invalid JSON ({exc.msg}); fix the file.", exc.lineno) from None
    if isinstance(data, dict):
        data = data.get("items", [data])
    if not isinstance(data, list) or not all(isinstance(i, dict) for i in data):
        raise InputFileError(path, "is not CSL-JSON (expected a list of items).")
    if not data:
        raise InputFileError(path, "holds no items.")
    return [csl_item_to_entry(item, i) for i, item in enumerate(data, 1)]
