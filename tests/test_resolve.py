"""Field values as text: macros, concatenation, crossref and xdata inheritance."""

import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

import effllm_bib
from effllm_bib.model import Entry
from effllm_bib.resolve import expand, expand_strings, resolve_entries, uses_macros

PACKAGE = str(Path(effllm_bib.__file__).resolve().parent)
STRINGS = {"j": "Journal of Things", "k": "KJournal of Things"}


@pytest.mark.parametrize(
    "raw, bare, text",
    [
        pytest.param("j", True, "Journal of Things", id="macro"),
        pytest.param("J", True, "Journal of Things", id="macro-any-case"),
        pytest.param(
            'j # " and " # k', True, "Journal of Things and KJournal of Things", id="concatenation"
        ),
        pytest.param('jun # "-" # aug', True, "June-August", id="month-range"),
        pytest.param("dec", True, "December", id="predefined-month"),
        pytest.param("nosuchmacro", True, "nosuchmacro", id="undefined-kept-as-name"),
        pytest.param('"A" # {B # c} # 12', True, "AB # c12", id="hash-inside-braces-is-text"),
        pytest.param("j", False, "j", id="braced-value-untouched"),
        pytest.param("2020", True, "2020", id="number"),
    ],
)
def test_expand(raw, bare, text):
    assert expand(raw, bare, STRINGS) == text


def test_strings_use_earlier_strings_and_may_redefine_months():
    strings = expand_strings([("a", '"x"'), ("B", 'a # "y"'), ("jun", '"Juni"')])
    assert strings == {"a": "x", "b": "xy", "jun": "Juni"}
    assert expand("jun", True, strings) == "Juni"


def test_uses_macros():
    assert uses_macros('j # " and " # K # 12') == ["j", "k"]


def e(key, type_, bare=(), **fields):
    return Entry(key, type_, tuple(fields.items()), frozenset(bare))


def test_crossref_fills_missing_fields_and_never_replaces_the_childs():
    child = e("c", "inproceedings", title="Child", crossref="P", year="2001")
    parent = e("p", "proceedings", title="Proc", year="1999", publisher="Pub")
    (got, _) = resolve_entries([child, parent], {})
    assert got.get("year") == "2001" and got.get("publisher") == "Pub"
    assert got.get("booktitle") == "Proc" and got.get("title") == "Child"


def test_xdata_chain_and_macros_in_the_target():
    a = e("a", "article", xdata="x1", title="A")
    x1 = e("x1", "xdata", xdata="x2", journal="j", bare=["journal"])
    x2 = e("x2", "xdata", year="1999")
    got = resolve_entries([a, x1, x2], STRINGS)[0]
    assert got.get("journal") == "Journal of Things" and got.get("year") == "1999"
    assert got.bare == frozenset()


@pytest.mark.parametrize(
    "entries",
    [
        pytest.param([e("a", "misc", crossref="b"), e("b", "misc", crossref="a")], id="cycle"),
        pytest.param([e("a", "misc", crossref="missing")], id="missing-target"),
    ],
)
def test_cycles_and_missing_targets_are_left_alone(entries):
    assert [x.key for x in resolve_entries(entries, {})] == [x.key for x in entries]


def lines_run(work: Callable[[], object]) -> int:
    """How many lines of effllm_bib ``work()`` executes: its work, counted the same on any
    machine under any load (a loop counts a line each time round)."""
    count = 0

    def each_line(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        count += event == "line"
        return each_line

    def each_call(frame: FrameType, event: str, arg: Any) -> Any:
        return each_line if frame.f_code.co_filename.startswith(PACKAGE) else None

    previous = sys.gettrace()
    sys.settrace(each_call)
    try:
        work()
    finally:
        sys.settrace(previous)
    return count


def sharing(children: int) -> list[Entry]:
    """``children`` entries that inherit from 50 shared targets, the targets last."""
    return [
        e(f"c{i}", "inproceedings", crossref=f"p{i % 50}", month="jan", bare=["month"])
        for i in range(children)
    ] + [e(f"p{i}", "proceedings", title="P") for i in range(50)]


def test_resolution_is_linear_in_the_entries():
    """Twice the entries, at most twice the work: each target is resolved once and reused (a
    resolver that resolved a target again for every child would do four times the work)."""
    small, big = sharing(1000), sharing(2000)
    resolve_entries(small, {})  # patterns compiled on first use are compiled now
    assert lines_run(lambda: resolve_entries(big, {})) <= 2 * lines_run(
        lambda: resolve_entries(small, {})
    )
    resolved = resolve_entries(big, {})
    assert len(resolved) == len(big) and resolved[0].get("title") == ""
    assert resolved[0].get("booktitle") == "P" and resolved[0].get("month") == "January"
