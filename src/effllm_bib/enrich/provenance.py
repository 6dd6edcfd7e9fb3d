"""Provenance: which service filled which fields of an entry, and when, in the entry's
``provenance`` field (``crossref 2026-11-24: author, pages``), so a later run may refresh what a
source filled and a reviewer sees where a value came from."""

from __future__ import annotations

from collections.abc import Iterable

from ..changes import FieldChange
from ..model import Entry

APPLIED = ("fill", "correct", "complete")  # change kinds that set a value


def parse_provenance(value: str) -> dict[tuple[str, str], set[str]]:
    """``crossref 2026-11-24: author, doi; arxiv ...`` -> {(source, date): {fields}}."""
    out: dict[tuple[str, str], set[str]] = {}
    for part in value.split(";"):
        head, _, names = part.partition(":")
        bits = head.split()
        if len(bits) == 2:
            out.setdefault((bits[0], bits[1]), set()).update(
                n.strip() for n in names.split(",") if n.strip()
            )
    return out


def format_provenance(records: dict[tuple[str, str], set[str]]) -> str:
    return "; ".join(
        f"{source} {date}: {', '.join(sorted(names))}"
        for (source, date), names in sorted(records.items(), key=lambda kv: (kv[0][1], kv[0][0]))
        if names
    )


def filled_by(entry: Entry, source: str) -> set[str]:
    records = parse_provenance(entry.get("provenance"))
    return set().union(*(names for (s, _), names in records.items() if s == source))


def record_provenance(
    entry: Entry, source: str, changes: Iterable[FieldChange], today: str
) -> Entry:
    names = {c.field for c in changes if c.kind in APPLIED and c.field != "type"}
    if not names:
        return entry
    records = parse_provenance(entry.get("provenance"))
    for key in records:  # a field has one provenance: the source that last set it
        if key != (source, today):
            records[key] -= names
    records.setdefault((source, today), set()).update(names)
    return entry.with_fields(provenance=format_provenance(records))
