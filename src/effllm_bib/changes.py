"""What a merge, an import or enrichment proposes to change in the database, one field at a time.

(Apart from :mod:`effllm_bib.model`, which every command imports: only the commands that write
build these, and building a frozen dataclass costs start-up: README, Benchmarks.)
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldChange:
    """One change to one field of one entry, as a merge or an import proposes it."""

    key: str
    field: str
    old: str
    new: str
    kind: str = "fill"  # fill | correct | conflict | add-entry | keyword

    def __str__(self) -> str:
        if self.kind == "conflict":
            return f"{self.key}: {self.field} differs, kept {self.old!r}; source has {self.new!r}"
        if self.kind == "add-entry":
            return f"{self.key}: new entry"
        if not self.old:
            return f"{self.key}: {self.field} = {self.new!r}"
        return f"{self.key}: {self.field} {self.old!r} -> {self.new!r}"
