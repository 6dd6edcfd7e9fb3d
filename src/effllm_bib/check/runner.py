"""Running the rules: on entries in memory, or on a database on disk with the decisions beside
it; the JSON shape of ``check --format json``; and accepting a warning."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import bibio
from ..compare import similar_names
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
from ..parse_cache import read_strings
from ..resolve import resolve_entries
from ..taxonomy import Taxonomy
from ..wording import plural
from . import duplicates, field_text, general, survey_rules
from .context import Context, Rule
from .table import RULES_BY_ID, RuleInfo, RuleSet

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
        counts = f"{plural(self.errors, 'error')}, {plural(self.warnings, 'warning')}"
        return f"check: {self.database}: {counts}{also}"

    def only(self, chosen: set[str]) -> CheckResult:
        """The findings of the rules ``chosen`` (:func:`selected_rules`)."""
        return CheckResult(
            self.database,
            [p for p in self.problems if p.code in chosen],
            [(p, a) for p, a in self.accepted if p.code in chosen],
        )

    def statistics(self) -> list[tuple[int, RuleInfo]]:
        """(count, rule) of every rule that found something, most findings first."""
        counts = Counter(p.code for p in self.problems)
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        return [(n, RULES_BY_ID[code]) for code, n in ranked]


def selected_rules(select: Iterable[str] = (), ignore: Iterable[str] = ()) -> set[str]:
    """The rule ids ``select`` names (every rule when it names none), less those ``ignore``
    names; a name is a rule id or a set (``general``, ``survey``), as in the README."""
    chosen = rule_ids(select) if select else set(RULES_BY_ID)
    return chosen - rule_ids(ignore)


class UnknownRuleError(EffllmBibError):
    """--select or --ignore names no rule: bad usage."""

    exit_code = 2


def rule_ids(names: Iterable[str]) -> set[str]:
    """The rule ids that names (ids or set names, comma-separated or repeated) stand for."""
    out: set[str] = set()
    for name in (n.strip() for given in names for n in given.split(",")):
        if not name:
            continue
        in_set = {r.id for r in RULES_BY_ID.values() if r.set == name}
        if name not in RULES_BY_ID and not in_set:
            hint = similar_names(name, list(RULES_BY_ID))
            also = f" (did you mean {', '.join(hint)}?)" if hint else ""
            raise UnknownRuleError(
                f"no rule is called '{name}'{also}; the rule ids are the README's "
                "(effllm-bib check --statistics lists those that find something)."
            )
        out |= in_set or {name}
    return out


def check_database(
    bib_path: Path, taxonomy_path: Path | None = None, strings_from: Sequence[Path] = ()
) -> CheckResult:
    """Every finding for a database on disk, parse errors included (never raises for bad data).

    Without a taxonomy file beside the .bib (a lone bibliography), only the general rules run.
    ``strings_from``: .bib files whose @string definitions count as defined (``--strings``).
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
        borrowed = {name: text for _, name, text in read_strings(strings_from, None)}
    except EffllmBibError as exc:
        return CheckResult(bib_path, [Problem(Severity.ERROR, "config", str(exc))], [])
    try:
        parsed = bibio.read_bib(bib_path)
    except EffllmBibError as exc:
        return CheckResult(bib_path, [Problem(Severity.ERROR, "unreadable", str(exc))], [])
    problems = list(parsed.problems)
    problems.extend(
        check_entries(
            parsed.entries, taxonomy, str(bib_path), distinct, {**borrowed, **parsed.strings}
        )
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
