"""The project's own data model: frozen values that every other module passes around."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from sys import intern


@dataclass(frozen=True)
class Entry:
    """One bibliography entry.

    ``fields`` holds the raw BibTeX value of each field (LaTeX kept as written, outer
    delimiters removed). ``bare`` names the fields whose value is written without braces
    (string macros such as ``jan``, or ``#`` concatenations). Field names are lower case.

    The ``fields`` tuple is the canonical form (equality, hashing and order use it); lookups go
    through a mapping built from it on first use and kept beside it (never compared or shown).
    """

    key: str
    type: str
    fields: tuple[tuple[str, str], ...] = ()
    bare: frozenset[str] = frozenset()
    line: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        # Names are interned: thousands of entries share a few dozen field names and types (one
        # string each in memory, and written once by the parse cache's marshal).
        object.__setattr__(self, "type", intern(self.type.lower()))
        normalised = tuple(sorted((intern(k.lower()), v) for k, v in self.fields))
        object.__setattr__(self, "fields", normalised)
        object.__setattr__(self, "bare", frozenset(intern(b.lower()) for b in self.bare))

    @classmethod
    def make(
        cls,
        key: str,
        type: str,
        values: Mapping[str, str],
        bare: frozenset[str] = frozenset(),
        line: int | None = None,
    ) -> Entry:
        """An entry from a field mapping; empty values are left out."""
        return cls(key, type, tuple((k, v) for k, v in values.items() if v != ""), bare, line)

    @cached_property
    def _index(self) -> dict[str, str]:
        """Field name -> value; a name given twice keeps its first value, as the scan did."""
        return dict(reversed(self.fields))

    def get(self, name: str, default: str = "") -> str:
        return self._index.get(name, default)

    @property
    def field_map(self) -> Mapping[str, str]:
        """Field name -> value, read-only (for code that looks up many fields of many entries)."""
        return self._index

    def first(self, *names: str) -> str:
        """The value of the first of ``names`` the entry has (a non-empty one), or ''."""
        index = self._index
        for name in names:  # a loop, not next() over a generator: exporters call this a lot
            value = index.get(name)
            if value:
                return value
        return ""

    def __contains__(self, name: str) -> bool:
        return name in self._index

    def as_dict(self) -> dict[str, str]:
        return dict(self.fields)

    def names(self) -> Iterator[str]:
        return (k for k, _ in self.fields)

    def with_fields(self, **values: str) -> Entry:
        """A copy with fields set; an empty string removes the field."""
        d = self.as_dict()
        for k, v in values.items():
            if v == "":
                d.pop(k, None)
            else:
                d[k] = v
        bare = self.bare - set(values)
        return replace(self, fields=tuple(d.items()), bare=bare)

    def with_key(self, key: str) -> Entry:
        return replace(self, key=key)

    def with_type(self, type: str) -> Entry:
        return replace(self, type=type)

    @property
    def keywords(self) -> tuple[str, ...]:
        return split_list(self.get("keywords"))

    def with_keywords(self, keywords: Iterable[str]) -> Entry:
        ordered = sorted(set(keywords))
        return self.with_fields(keywords=", ".join(ordered))


def split_list(value: str) -> tuple[str, ...]:
    """Split a comma-separated field (``keywords``) into its stripped, non-empty items."""
    return tuple(part.strip() for part in value.split(",") if part.strip())


@dataclass(frozen=True)
class Extra:
    """A non-entry block kept verbatim: ``@string``, ``@preamble`` or a comment."""

    kind: str  # "string" | "preamble" | "comment"
    text: str


@dataclass(frozen=True)
class Category:
    """A node of the survey's taxonomy."""

    slug: str
    name: str
    parent: str | None = None
    aliases: tuple[str, ...] = ()
    description: str = ""


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Problem:
    """A finding of a check, a read or an import: what is wrong, where, and what to do.

    The place is kept as separate values (``path``, ``line``, ``key``) so that no caller ever
    has to parse a display string; ``where`` is only for people.
    """

    severity: Severity
    code: str
    message: str
    path: str = ""
    line: int | None = None
    key: str = ""  # the entry the finding is about, when there is one

    @property
    def where(self) -> str:
        """``path:line key`` as far as known, for display."""
        place = f"{self.path}:{self.line}" if self.path and self.line else self.path
        return " ".join(part for part in (place, self.key) if part)

    def as_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "key": self.key,
        }

    def __str__(self) -> str:
        prefix = f"{self.where}: " if self.where else ""
        return f"{self.severity.value}: {prefix}{self.message} [{self.code}]"
