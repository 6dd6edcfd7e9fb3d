"""Venues as the survey names them: the venue table and the look-ups on it.

The table is data, ``data/venues.toml`` beside this package, read and checked on first use (so
importing this module reads no file). :func:`lookup_venue` finds a venue by the name the survey
writes (``NeurIPS``, ``Findings of ACL``, the typo ``NeurlPS``); :func:`match_venue` finds the
row whose full name a publisher's booktitle or journal contains.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Literal, get_args

from .compare import fold
from .errors import InputFileError

VenueKind = Literal["conference", "workshop", "journal", "preprint", "blog", "website"]
VENUE_KINDS: tuple[str, ...] = get_args(VenueKind)

# Where each published entry type names its venue.
VENUE_FIELD = {"article": "journal", "inproceedings": "booktitle"}

VENUES_FILE = Path(__file__).parent / "data" / "venues.toml"


@dataclass(frozen=True)
class Venue:
    """A venue as the survey names it, normalised: short name, kind and the full name."""

    short: str
    kind: VenueKind
    full: str = ""

    @property
    def entry_type(self) -> str:
        return {
            "conference": "inproceedings",
            "workshop": "inproceedings",
            "journal": "article",
        }.get(self.kind, "misc")

    @property
    def venue_field(self) -> str:
        """``booktitle`` or ``journal``: where the full name goes; '' for preprints and blogs."""
        return VENUE_FIELD.get(self.entry_type, "")


def venue_lookup_key(name: str) -> str:
    """'Findings of ACL', 'findings-acl' and 'Findings ACL' share one key."""
    return "".join(w for w in fold(name).split() if w not in ("of", "the"))


# --- the table -----------------------------------------------------------------------------------

_FIELDS = {"keys", "short", "kind", "full"}
_REQUIRED = ("keys", "short", "kind")
_FIX = "fix the file, or reinstall effllm-bib if you did not edit it"


def _row(path: Path, number: int, row: object) -> tuple[Venue, list[str]]:
    """One ``[[venue]]`` table checked: the venue and its keys."""

    def bad(message: str) -> InputFileError:
        return InputFileError(path, f"venue {number}: {message}; {_FIX}")

    if not isinstance(row, dict):
        raise bad("is not a table")
    missing = [name for name in _REQUIRED if name not in row]
    if missing:
        raise bad(f"lacks {', '.join(missing)}")
    unknown = sorted(set(row) - _FIELDS)
    if unknown:
        raise bad(f"has unknown fields {', '.join(unknown)} (known: {', '.join(sorted(_FIELDS))})")
    short, kind, full, keys = row["short"], row["kind"], row.get("full", ""), row["keys"]
    if not all(isinstance(v, str) for v in (short, kind, full)) or not short:
        raise bad("short, kind and full must be text, short not empty")
    if kind not in VENUE_KINDS:
        raise bad(f"({short}) has kind {kind!r}; use one of {', '.join(VENUE_KINDS)}")
    if not isinstance(keys, list) or not keys or not all(isinstance(k, str) for k in keys):
        raise bad(f"({short}) needs keys, a non-empty list of text")
    for key in keys:
        if venue_lookup_key(key) != key:
            raise bad(
                f"({short}) key {key!r} can never be looked up; write {venue_lookup_key(key)!r}"
            )
    return Venue(short, kind, full), keys


def load_venues(path: Path) -> Mapping[str, Venue]:
    """The venue table in ``path``, by lookup key; an :class:`InputFileError` naming the row
    when the file is not a table of venues or a key belongs to two venues."""
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputFileError(path, f"cannot read the venue table ({exc}); {_FIX}") from exc
    rows = data.get("venue")
    if not isinstance(rows, list) or not rows:
        raise InputFileError(path, f"no [[venue]] tables; {_FIX}")
    table: dict[str, Venue] = {}
    for number, row in enumerate(rows, 1):
        venue, keys = _row(path, number, row)
        for key in keys:
            if key in table:
                raise InputFileError(
                    path,
                    f"venue {number} ({venue.short}): key {key!r} already finds "
                    f"{table[key].short}; give each key to one venue",
                )
            table[key] = venue
    return MappingProxyType(table)


@functools.cache
def venue_table() -> Mapping[str, Venue]:
    """The packaged venue table (``data/venues.toml``), read once."""
    return load_venues(VENUES_FILE)


# --- look-ups ------------------------------------------------------------------------------------


def lookup_venue(name: str) -> Venue | None:
    """The normalised venue for a name as the survey writes it, or None when unknown."""
    return venue_table().get(venue_lookup_key(name))


_ORDINAL = (r"\b(\d+(st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|"
            r"tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|"
            r"eighteenth|nineteenth|twentieth|thirty \w+|\d{4}|\d+)\b")  # fmt: skip
_FILLER = {
    "the",
    "of",
    "on",
    "in",
    "for",
    "and",
    "proceedings",
    "conference",
    "volume",
    "long",
    "short",
    "papers",
    "main",
}


def venue_core(name: str) -> str:
    """A venue name without ordinals, years and filler words, for containment tests."""
    words = re.sub(_ORDINAL, " ", fold(name)).split()
    return " ".join(w for w in words if w not in _FILLER)


@functools.cache
def _venue_cores() -> tuple[tuple[str, Venue], ...]:
    """(core, venue) for the table's published venues, most specific (longest core) first."""
    cores = {
        (venue_core(v.full), v) for v in venue_table().values() if v.full and v.kind != "preprint"
    }
    return tuple(
        sorted(((c, v) for c, v in cores if c), key=lambda cv: (-len(cv[0]), cv[0], cv[1].short))
    )


@functools.lru_cache(maxsize=4096)
def match_venue(name: str) -> Venue | None:
    """The most specific venue-table row whose full name is contained in ``name`` (a booktitle
    or journal as publishers write it), or None."""
    core = venue_core(name)
    return next((venue for vcore, venue in _venue_cores() if vcore in core), None)


def mistyped_venue(entry_type: str, venue_name: str) -> Venue | None:
    """The venue-table row for ``venue_name`` when it has the other published type (a journal
    filed as @inproceedings, a conference as @article); None when the type fits or is unknown."""
    if entry_type not in VENUE_FIELD or not venue_name:
        return None
    venue = match_venue(venue_name)
    return venue if venue and venue.venue_field and venue.entry_type != entry_type else None


def short_venue(booktitle: str) -> str:
    """The survey's short name for a full venue name (the most specific table row that fits),
    or the name itself: 'Findings of the ACL: ACL 2023' -> 'Findings of ACL'."""
    venue = match_venue(booktitle)
    return venue.short if venue else booktitle
