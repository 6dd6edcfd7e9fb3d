"""What every rule sees: the raw entries, the same entries resolved (macros expanded, crossref and
xdata inherited), the file's @string macros, and the files beside the database.

Resolution is :mod:`effllm_bib.resolve`'s, the same as every exporter's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ..model import Entry, Problem
from ..taxonomy import Taxonomy
from .table import RULES_BY_ID


@dataclass(frozen=True)
class Context:
    taxonomy: Taxonomy | None = None
    distinct: frozenset[frozenset[str]] = frozenset()
    source: str = "effllm.bib"
    strings: Mapping[str, str] = field(default_factory=dict)
    this_year: int = field(default_factory=lambda: dt.date.today().year)

    def at(self, e: Entry) -> tuple[str, int | None, str]:
        """Where a finding about ``e`` is: file (when the line is known), line and key."""
        return (self.source if e.line else ""), e.line, e.key

    def problem(
        self, code: str, message: str, e: Entry | None = None, path: str = "", key: str = ""
    ) -> Problem:
        """A finding of a rule in the table (its severity comes from the table)."""
        severity = RULES_BY_ID[code].severity
        if e is not None:
            where, line, k = self.at(e)
            return Problem(severity, code, message, where, line, k)
        return Problem(severity, code, message, path, None, key)


# A rule reads the entries as written and as resolved (macros expanded, crossref inherited) and
# yields findings whose ids are in the rule table.
Rule = Callable[[Sequence[Entry], Sequence[Entry], Context], Iterable[Problem]]
