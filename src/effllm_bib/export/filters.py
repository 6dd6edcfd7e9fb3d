"""Filters people ask for when exporting: years, venue, published only, citation keys."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from ..errors import EffllmBibError
from ..files import read_text
from ..model import Entry
from ..vocab import PUBLISHED_TYPES


class Filters:
    """Which entries an export keeps: a year range, a venue, published work only, given keys.

    (A plain class, not a dataclass: see :class:`~effllm_bib.export.select.Export`.)"""

    def __init__(
        self,
        first_year: int | None = None,
        last_year: int | None = None,
        venue: str = "",
        published_only: bool = False,
        keys: frozenset[str] | None = None,
    ) -> None:
        self.first_year = first_year
        self.last_year = last_year
        self.venue = venue
        self.published_only = published_only
        self.keys = keys  # None: any key; an empty set: none

    def accepts(self, e: Entry) -> bool:
        if self.keys is not None and e.key not in self.keys:
            return False
        if self.published_only and e.type not in PUBLISHED_TYPES:
            return False
        if self.first_year is not None or self.last_year is not None:
            if not e.get("year").isdigit():
                return False
            year = int(e.get("year"))
            if self.first_year is not None and year < self.first_year:
                return False
            if self.last_year is not None and year > self.last_year:
                return False
        return not self.venue or matches_venue(e, self.venue)

    @property
    def reads_text(self) -> bool:
        """Whether a field's text is compared (years, venue), so entries must be resolved."""
        return self.first_year is not None or self.last_year is not None or bool(self.venue)

    def apply(self, entries: Iterable[Entry]) -> list[Entry]:
        return [e for e in entries if self.accepts(e)]


def matches_venue(entry: Entry, wanted: str) -> bool:
    """``--venue NeurIPS`` finds 'Advances in Neural Information Processing Systems': a name the
    venue table knows (a key, or a short name as the website's venue filter shows it) finds the
    entries whose venue has that short name; any other name is looked for in the venue's text."""
    from ..compare import fold  # imported here: only --venue needs them (and the venue table)
    from ..venues import lookup_venue, match_venue, venue_table

    where = entry.get("booktitle") or entry.get("journal") or entry.get("howpublished")
    if not where:
        return False
    known = lookup_venue(wanted) or next(
        (v for v in venue_table().values() if fold(v.short) == fold(wanted)), None
    )
    if known is not None and known.full:
        venue = match_venue(where)
        return venue is not None and venue.short == known.short
    return fold(wanted) in fold(where)


def parse_years(year: str | None, since: int | None) -> tuple[int | None, int | None]:
    """``--year 2023`` or ``--year 2022-2024``, and ``--since 2023``."""
    first = last = None
    if year:
        m = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?", year)
        if not m:
            raise EffllmBibError(f"--year '{year}' is not a year or a range like 2022-2024.")
        first, last = int(m.group(1)), int(m.group(2) or m.group(1))
    if since is not None:
        first = max(first or since, since)
    return first, last


def keys_from_file(path: Path) -> set[str]:
    """Citation keys from a LaTeX ``.aux`` (``\\citation{a,b}``) or a list, one key per line."""
    text = read_text(path)
    if path.suffix == ".aux" or "\\citation{" in text:
        keys = {
            k.strip()
            for group in re.findall(r"\\citation\{([^}]*)\}", text)
            for k in group.split(",")
        }
        return {k for k in keys if k and k != "*"}
    return {line.strip() for line in text.splitlines() if line.strip() and not line.startswith("%")}
