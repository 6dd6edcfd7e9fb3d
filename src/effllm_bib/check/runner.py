"""Running the rules: on entries in memory, or on a database on disk with the decisions beside
it; the JSON shape of ``check --format json``; and accepting a warning."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import bibio
from ..decisions import (
    ACCEPTED_NAME,
    DISTINCT_NAME,
    Acceptance,
    apply_accepted,
    load_accepted,
    load_distinct,
    record_accepted,
)
from ..errors import EffllmBibError
from ..model import Entry, Problem, Severity
from ..resolve import resolve_entries
from ..taxonomy import Taxonomy
from . import duplicates, field_text, general, survey_rules
from .context import Context, Rule
from .table import RULES_BY_ID, RuleSet

# Every rule, by set, in the order findings come out: the one list of what check runs.
RULES: tuple[tuple[RuleSet, Rule], ...] = (
    *(("general", rule) for rule in general.RULES),
    *(("general", rule) for rule in field_text.RULES),
    *(("general", rule) for rule in duplicates.RULES),
    *(("survey", rule) for rule in survey_rules.RULES),
)


class NotAWarningError(EffllmBibError):
    """``accept`` named something check does not currently warn about: bad usage."""

    exit_code = 2


def check_entries(
    entries: Sequence[Entry],
    taxonomy: Taxonomy | None = None,
    source: str = "effllm.bib",
    distinct: Iterable[frozenset[str]] = (),
    strings: Mapping[str, str] | None = None,
) -> list[Problem]:
    """Every finding of the rules for these entries. The survey set runs only with a taxonomy."""
    ctx = Context(taxonomy, frozenset(distinct), source, dict(strings or {}))
    raw = list(entries)
    resolved = resolve_entries(raw, ctx.strings)
    problems: list[Problem] = []
    for set_, check in RULES:
        if set_ == "survey" and taxonomy is None:
            continue
        problems.extend(check(raw, resolved, ctx))
    return problems


@dataclass(frozen=True)
class CheckResult:
    database: Path
    problems: list[Problem]
    accepted: list[tuple[Problem, Acceptance]]  # warnings accepted.toml accepts: not reported

    @property
    def errors(self) -> int:
        return sum(p.severity is Severity.ERROR for p in self.problems)

    @property
    def warnings(self) -> int:
        return sum(p.severity is Severity.WARNING for p in self.problems)

    def as_json(self) -> dict[str, Any]:
        """The object ``check --format json`` prints."""
        return {
            "database": str(self.database),
            "errors": self.errors,
            "warnings": self.warnings,
            "problems": [p.as_dict() for p in self.problems],
            "accepted": [
                {**p.as_dict(), "reason": a.reason, "source": a.source} for p, a in self.accepted
            ],
        }

    def summary(self) -> str:
        also = f" ({len(self.accepted)} accepted in {ACCEPTED_NAME})" if self.accepted else ""
        return f"check: {self.database}: {self.errors} errors, {self.warnings} warnings{also}"


def check_database(bib_path: Path, taxonomy_path: Path | None = None) -> CheckResult:
    """Every finding for a database on disk, parse errors included (never raises for bad data).

    Without a taxonomy file beside the .bib (a lone bibliography), only the general rules run.
    """
    from ..location import no_database
    from ..taxonomy import load_taxonomy

    missing = no_database(bib_path)
    if missing:  # --db names a folder without a database: say so, not "effllm.bib: no such file"
        return CheckResult(bib_path.parent, [Problem(Severity.ERROR, "unreadable", missing)], [])
    accepted_path = bib_path.with_name(ACCEPTED_NAME)
    try:
        taxonomy = (
            load_taxonomy(taxonomy_path) if taxonomy_path and taxonomy_path.exists() else None
        )
        distinct = load_distinct(bib_path.with_name(DISTINCT_NAME))
        accepted = load_accepted(accepted_path)
    except EffllmBibError as exc:
        return CheckResult(bib_path, [Problem(Severity.ERROR, "config", str(exc))], [])
    try:
        parsed = bibio.read_bib(bib_path)
    except EffllmBibError as exc:
        return CheckResult(bib_path, [Problem(Severity.ERROR, "unreadable", str(exc))], [])
    problems = list(parsed.problems)
    problems.extend(
        check_entries(parsed.entries, taxonomy, str(bib_path), distinct, dict(parsed.strings))
    )
    reported, taken = apply_accepted(problems, accepted, str(accepted_path))
    return CheckResult(bib_path, reported, taken)


def accept_warning(bib_path: Path, taxonomy_path: Path | None, acceptance: Acceptance) -> Path:
    """Record a warning check currently gives for one entry in accepted.toml; refuse anything
    else (an error, another entry's warning, a rule that does not fire) with a usage error."""
    current = {(p.code, p.key): p for p in check_database(bib_path, taxonomy_path).problems}
    found = current.get((acceptance.rule, acceptance.key))
    if found is None or found.severity is not Severity.WARNING:
        given = sorted(c for c, k in current if k == acceptance.key)
        hint = f" (it gives: {', '.join(given)})" if given else ""
        known = "" if acceptance.rule in RULES_BY_ID else " (no rule has that id)"
        raise NotAWarningError(
            f"check gives no '{acceptance.rule}' warning for '{acceptance.key}'"
            f"{known}{hint}; only a current warning can be accepted."
        )
    return record_accepted(bib_path, acceptance)
