"""Validate a bibliography: a rule table, the rules, and a runner.

Rule ids are stable (they appear in ``--format json`` and in README's table). ``table`` says for
each id its severity, its set (``general`` for every bibliography, ``survey`` for the survey
database, run only with a taxonomy) and the fix that repairs it, if any.
"""

from __future__ import annotations

from ..decisions import ACCEPTED_NAME
from .context import Context
from .general import REQUIRED
from .runner import (
    CheckResult,
    NotAWarningError,
    accept_warning,
    check_database,
    check_entries,
    selected_rules,
)
from .table import RULE_TABLE, RULES_BY_ID, RuleInfo

__all__ = [
    "ACCEPTED_NAME",
    "REQUIRED",
    "RULES_BY_ID",
    "RULE_TABLE",
    "CheckResult",
    "Context",
    "NotAWarningError",
    "RuleInfo",
    "accept_warning",
    "check_database",
    "check_entries",
    "selected_rules",
]
