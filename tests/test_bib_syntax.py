"""The reader's stages, each alone: BibTeX's syntax where bibtexparser reads otherwise
(bib_syntax) and the reader's findings (reader_findings)."""

from __future__ import annotations

import pytest

from effllm_bib import reader_findings
from effllm_bib.bib_syntax import AT, PLACEHOLDER, rename_comment_like, repair, restore, unwrap
from effllm_bib.model import Entry


@pytest.mark.parametrize(
    "value, expected",
    [
        pytest.param("{Title}", ("Title", True), id="braced"),
        pytest.param('"Title"', ("Title", True), id="quoted"),
        pytest.param("  {Title}  ", ("Title", True), id="white-space-around"),
        pytest.param("{The {GPU} Way}", ("The {GPU} Way", True), id="inner-braces"),
        pytest.param("{a} # {b}", ("{a} # {b}", False), id="braced-concatenation"),
        pytest.param('"a" # "b"', ('"a" # "b"', False), id="quoted-concatenation"),
        pytest.param('"a {"} b"', ('a {"} b', True), id="quote-inside-braces"),
        pytest.param("{a\\}", ("{a\\}", False), id="escaped-closing-brace"),
        pytest.param("jan", ("jan", False), id="macro"),
        pytest.param("2024", ("2024", False), id="number"),
        pytest.param("{", ("{", False), id="one-character"),
    ],
)
def test_unwrap(value: str, expected: tuple[str, bool]):
    assert unwrap(value) == expected


@pytest.mark.parametrize(
    "text, repaired, blanked",
    [
        pytest.param(
            '@misc{a, title = "x {"} y"}',
            f'@misc{{a, title = "x {{{PLACEHOLDER}}} y"}}',
            [],
            id="quote-in-braces-in-quoted-value",
        ),
        pytest.param(
            "@misc{a,\n% a note\n title = {x}}",
            "@misc{a,\n\n title = {x}}",
            [2],
            id="comment-line-between-fields",
        ),
        pytest.param(
            "%@book{gone, title={x}}\n@misc{a, title={y}}",
            f"%{AT}book{{gone, title={{x}}}}\n@misc{{a, title={{y}}}}",
            [],
            id="commented-out-entry",
        ),
        pytest.param(
            "@comment{ 50% off }\n@misc{a, title={100%}}",
            "@comment{ 50% off }\n@misc{a, title={100%}}",
            [],
            id="percent-in-comment-block-and-value-kept",
        ),
        pytest.param(
            '@misc(a, title = "x {"} y")',
            f'@misc(a, title = "x {{{PLACEHOLDER}}} y")',
            [],
            id="parenthesised-block",
        ),
    ],
)
def test_repair(text: str, repaired: str, blanked: list[int]):
    assert repair(text) == (repaired, blanked)
    assert restore(repaired).replace("\n\n", "\n") == text.replace("% a note\n", "")


def test_comment_like_types_are_renamed_and_named_back():
    text, renamed = rename_comment_like("@COMMENTED{k, title={x}}\n@comment{free}")
    assert text == "@effllmcommentlike0{k, title={x}}\n@comment{free}"
    assert renamed == {"effllmcommentlike0": "commented"}


def test_missing_comma_names_the_field_that_swallowed_the_next():
    entry = Entry.make("k", "misc", {"title": "{A}\n  year = {2020}"})
    [problem] = reader_findings.missing_commas(entry, "f.bib", 3)
    assert (problem.code, problem.line, problem.key) == ("missing-comma", 3, "k")
    assert "field 'title' of 'k' swallows the next field" in problem.message


@pytest.mark.parametrize(
    "text, codes",
    [
        pytest.param("  year = {2020}}", ["stray-text"], id="fields-after-a-cut-entry"),
        pytest.param("This file lists papers.", [], id="free-text"),
        pytest.param("% key = {value} in a comment", [], id="comment-line"),
    ],
)
def test_stray_text(text: str, codes: list[str]):
    assert [p.code for p in reader_findings.stray_text(text, "f.bib", 7)] == codes


def test_a_comment_line_is_reported_on_the_entry_that_holds_it():
    entries = [Entry.make("a", "misc", {}, line=1), Entry.make("b", "misc", {}, line=5)]
    found = reader_findings.comments_in_entries([2, 7], entries, "f.bib")
    assert [(p.code, p.line, p.key) for p in found] == [
        ("comment-in-entry", 2, "a"),
        ("comment-in-entry", 7, "b"),
    ]
