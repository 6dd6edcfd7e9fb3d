"""The rule table is the one list of rules: README's table and fix.FIXES are held against it."""

import re

import pytest

from effllm_bib import bibio, fix
from effllm_bib.check import RULE_TABLE, RULES_BY_ID

from .conftest import DATA, REPO


def readme_rows() -> list[tuple[str, str, str, bool, str]]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z-]+)` \| (\w+) \| (\w+) \| (yes)? \| (.+) \|$", text, re.M)
    return [(i, s, sev, bool(f), summary.replace("\\|", "|")) for i, s, sev, f, summary in rows]


def test_readme_table_is_the_rule_table():
    table = [(r.id, r.set, r.severity.value, r.fixable, r.summary) for r in RULE_TABLE]
    assert readme_rows() == table


def test_every_fixable_rule_names_a_fix_and_every_fix_has_a_rule():
    named = {r.fix for r in RULE_TABLE if r.fixable}
    assert named == {f.__name__ for f in fix.FIXES}
    assert all(callable(getattr(fix, name)) for name in named)


def test_rule_ids_are_unique():
    assert len(RULES_BY_ID) == len(RULE_TABLE)


READABLE = sorted(
    p for p in (DATA / "bad").glob("*.bib") if p.name not in {"latin1.bib", "nul.bib", "utf16.bib"}
)


@pytest.mark.parametrize("path", READABLE, ids=lambda p: p.name)
def test_reader_findings_are_in_the_table(path):
    codes = {p.code for p in bibio.read_bib(path).problems}
    assert codes and codes <= set(RULES_BY_ID)
