"""Decisions a person recorded beside the database, which `effllm-bib check` honours.

- ``distinct.toml``: pairs of entries confirmed as different papers (not duplicates).
- ``accepted.toml``: warnings checked and accepted for one entry, each with a reason and,
  where there is one, the page that shows it (a paper whose venue registered no DOI).

Both files are hand-readable TOML; the CLI appends to them atomically.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import EffllmBibError
from .files import write_atomic
from .model import Problem, Severity

DISTINCT_NAME = "distinct.toml"
ACCEPTED_NAME = "accepted.toml"

DISTINCT_HEADER = (
    "# Pairs of entries a person confirmed as different papers; `effllm-bib check` does not\n"
    "# report them as duplicates. Add pairs with `effllm-bib distinct KEY KEY --reason ...`.\n"
)
ACCEPTED_HEADER = (
    "# Warnings a person checked and accepted for one entry; `effllm-bib check` does not report\n"
    "# them (it reports an acceptance that no longer matches a warning). Add with\n"
    "# `effllm-bib accept KEY RULE --reason ... [--source URL]`. Errors cannot be accepted.\n"
)


def _load_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise EffllmBibError(f"{path}: invalid TOML ({exc}); fix the file.") from None


def _toml_str(value: str) -> str:
    # json.dumps gives TOML-compatible basic strings (escaped quotes and backslashes)
    return json.dumps(value, ensure_ascii=False)


# --- distinct pairs ----------------------------------------------------------------------------


def load_distinct(path: Path) -> list[frozenset[str]]:
    """Pairs a person confirmed as different papers (``[[pair]] keys = [a, b]``)."""
    if not path.exists():
        return []
    data = _load_toml(path)
    pairs = []
    for item in data.get("pair", []):
        k = item.get("keys") if isinstance(item, dict) else None
        if not (isinstance(k, list) and len(k) == 2 and all(isinstance(x, str) for x in k)):
            raise EffllmBibError(f'{path}: every [[pair]] needs keys = ["a", "b"].')
        pairs.append(frozenset(k))
    return pairs


def record_distinct(bib_path: Path, first: str, second: str, reason: str) -> Path:
    path = bib_path.with_name(DISTINCT_NAME)
    pairs = load_distinct(path)
    if frozenset((first, second)) in pairs:
        return path
    text = path.read_text(encoding="utf-8") if path.exists() else DISTINCT_HEADER
    text += f"\n[[pair]]\nkeys = [{_toml_str(first)}, {_toml_str(second)}]\nreason = {_toml_str(reason)}\n"
    write_atomic(path, text)
    return path


# --- accepted warnings -------------------------------------------------------------------------


@dataclass(frozen=True)
class Acceptance:
    """A warning a person checked and accepted for one entry, with the reason and its source."""

    rule: str
    key: str
    reason: str
    source: str = ""


def load_accepted(path: Path) -> list[Acceptance]:
    """``[[accepted]]`` tables of ``accepted.toml``: rule, key, reason and (optional) source."""
    if not path.exists():
        return []
    data = _load_toml(path)
    accepted = []
    for n, item in enumerate(data.get("accepted", []), 1):
        fields = item if isinstance(item, dict) else {}
        values = {k: fields.get(k) or "" for k in ("rule", "key", "reason", "source")}
        if not all(
            isinstance(values[k], str) and values[k].strip() for k in ("rule", "key", "reason")
        ):
            raise EffllmBibError(
                f"{path}: [[accepted]] number {n} needs rule, key and reason (non-empty strings)."
            )
        unknown = set(fields) - set(values)
        if unknown or not isinstance(values["source"] or "", str):
            raise EffllmBibError(
                f"{path}: [[accepted]] number {n} has unknown or bad fields "
                f"{sorted(unknown) or ['source']}; use rule, key, reason, source."
            )
        accepted.append(Acceptance(**{k: v or "" for k, v in values.items()}))
    return accepted


def apply_accepted(
    problems: list[Problem], accepted: list[Acceptance], source: str
) -> tuple[list[Problem], list[tuple[Problem, Acceptance]]]:
    """Split findings into (reported, accepted). Errors are never accepted; an acceptance that
    matches no warning any more is itself reported, so the file cannot go stale silently."""
    wanted = {(a.rule, a.key): a for a in accepted}
    reported: list[Problem] = []
    taken: list[tuple[Problem, Acceptance]] = []
    for p in problems:
        if p.severity is Severity.WARNING and (p.code, p.key) in wanted:
            taken.append((p, wanted[p.code, p.key]))
        else:
            reported.append(p)
    used = {(p.code, p.key) for p, _ in taken}
    for rule_id, key in wanted:
        if (rule_id, key) not in used:
            message = (
                f"accepts '{rule_id}' for '{key}', but check no longer finds that "
                "warning; remove the acceptance."
            )
            reported.append(
                Problem(Severity.WARNING, "stale-acceptance", message, str(source), key=key)
            )
    return reported, taken


def record_accepted(bib_path: Path, acceptance: Acceptance) -> Path:
    path = bib_path.with_name(ACCEPTED_NAME)
    known = {(a.rule, a.key) for a in load_accepted(path)}
    if (acceptance.rule, acceptance.key) in known:
        return path
    text = path.read_text(encoding="utf-8") if path.exists() else ACCEPTED_HEADER
    text += (
        f"\n[[accepted]]\nrule = {_toml_str(acceptance.rule)}\nkey = {_toml_str(acceptance.key)}\n"
        f"reason = {_toml_str(acceptance.reason)}\n"
    )
    if acceptance.source:
        text += f"source = {_toml_str(acceptance.source)}\n"
    write_atomic(path, text)
    return path
