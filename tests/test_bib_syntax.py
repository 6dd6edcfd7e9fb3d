"""The reader's stages, each alone: BibTeX's syntax where bibtexparser reads otherwise
(bib_syntax) and the reader's findings (reader_findings)."""

from __future__ import annotations

import pytest

from effllm_bib import reader_findings
from effllm_bib.bib_syntax import (
    AT,
    BACKSLASH,
    PLACEHOLDER,
    count_every_brace,
    rename_comment_like,
    repair,
    restore,
    starts_entry,
    stray_at,
    unwrap,
    well_formed,
)
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
        pytest.param("{a\\}", ("a\\", True), id="backslash-before-closing-brace"),
        pytest.param("{\\{}}", ("\\{}", True), id="backslash-before-opening-brace"),
        pytest.param("{\\{} # {\\}}", ("\\{} # {\\}", True), id="backslash-braces-nest"),
        pytest.param("{\\{\\}} # {x}", ("{\\{\\}} # {x}", False), id="backslash-brace-parts"),
        pytest.param('"a \\" b"', ('"a \\" b"', False), id="backslash-quote-ends-the-first-part"),
        pytest.param('"{\\"u}"', ('{\\"u}', True), id="backslash-quote-inside-braces"),
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
        # an @ that begins a line inside a value is text to BibTeX; the splitter would start a
        # block there, unless a whole header follows (then the value was left open)
        pytest.param(
            "@misc{a, title = {x\n @x{y} z}}",
            f"@misc{{a, title = {{x\n {AT}x{{y}} z}}}}",
            [],
            id="at-line-start-in-braced-value",
        ),
        pytest.param(
            '@misc{a, title = "x\n@user(y) z"}',
            f'@misc{{a, title = "x\n{AT}user(y) z"}}',
            [],
            id="at-line-start-in-quoted-value",
        ),
        pytest.param(
            "@misc{a, title = {x @y{z}}}",
            "@misc{a, title = {x @y{z}}}",
            [],
            id="at-inside-a-line-kept",
        ),
        pytest.param(
            "@misc{a, title = {open\n@misc{b, title={x}}",
            "@misc{a, title = {open\n@misc{b, title={x}}",
            [],
            id="next-entry-after-an-open-value-kept",
        ),
    ],
)
def test_repair(text: str, repaired: str, blanked: list[int]):
    assert repair(text) == (repaired, blanked, [], {})
    assert restore(repaired).replace("\n\n", "\n") == text.replace("% a note\n", "")


@pytest.mark.parametrize(
    "text, repaired, ends",
    [
        pytest.param(
            '@misc{a,\n title = "M\\"uller"}',
            f'@misc{{a,\n title = "M{BACKSLASH}"uller"}}',
            [2],
            id="backslash-quote-ends-the-value",
        ),
        pytest.param(
            '@misc{a, title = "M{\\"u}ller"}',
            f'@misc{{a, title = "M{{\\{PLACEHOLDER}u}}ller"}}',
            [],
            id="backslash-quote-inside-braces-is-text",
        ),
        pytest.param(
            '@misc{a, title = "ends in \\", note = {x}}',
            f'@misc{{a, title = "ends in {BACKSLASH}", note = {{x}}}}',
            [],
            id="backslash-quote-then-the-next-field",
        ),
        pytest.param(
            '@misc{a, title = {M\\"uller}}', '@misc{a, title = {M\\"uller}}', [], id="braced-value"
        ),
    ],
)
def test_repair_ends_a_quoted_value_at_a_backslash_quote(text: str, repaired: str, ends: list[int]):
    assert repair(text) == (repaired, [], ends, {})
    assert restore(repaired) == text


@pytest.mark.parametrize(
    "text, prepared",
    [
        pytest.param("{\\\\{}}", f"{{\\{BACKSLASH}{{}}}}", id="escaped-backslash-then-brace"),
        pytest.param("{\\{ and \\}}", f"{{{BACKSLASH}{{ and {BACKSLASH}}}}}", id="both-braces"),
        pytest.param('{\\"u} \\\\ \\%', '{\\"u} \\\\ \\%', id="other-backslashes-kept"),
    ],
)
def test_every_brace_counts(text: str, prepared: str):
    assert count_every_brace(text) == prepared
    assert restore(prepared) == text


@pytest.mark.parametrize(
    "value, readable",
    [
        pytest.param("jan", True, id="macro"),
        pytest.param("2024", True, id="number"),
        pytest.param('j # " and " # {k}', True, id="concatenation"),
        pytest.param('"a {"} b"', True, id="quote-inside-braces"),
        pytest.param('"M\\"uller"', False, id="backslash-quote-ends-the-string"),
        pytest.param('"a" # "M\\"uller"', False, id="in-a-later-part"),
        pytest.param('"M{\\"u}ller"', True, id="backslash-quote-inside-braces"),
        pytest.param('"a {b"', False, id="cut-at-a-quote-inside-braces"),
        pytest.param('"a}b"', False, id="closing-brace-at-depth-0"),
        pytest.param("{a} junk", False, id="text-after-a-part"),
        pytest.param("{A}\n  year = {2020}", False, id="missing-comma"),
        pytest.param("2024a", False, id="number-then-letters"),
        pytest.param("a #", False, id="nothing-after-hash"),
        pytest.param("", False, id="empty"),
    ],
)
def test_well_formed(value: str, readable: bool):
    assert well_formed(value) is readable


@pytest.mark.parametrize(
    "text, repaired, renamed",
    [
        pytest.param(
            "@incollection\n(\n  k, title = {x})",
            "@incollection(\n\n  k, title = {x})",
            {},
            id="delimiter-on-the-next-line",
        ),
        pytest.param(
            "use.@\n\nMaNuAl  (k, title = {x})",
            "use.@MaNuAl(\n\n  k, title = {x})",
            {},
            id="type-on-the-next-line",
        ),
        pytest.param(
            "@FAKE-ENTRY\n  {k, f = {x}}",
            "@effllmtype0{\n  k, f = {x}}",
            {"effllmtype0": "fake-entry"},
            id="type-with-a-hyphen",
        ),
        pytest.param(
            "@misc{k, url = {a @ b.org (c)}}",
            "@misc{k, url = {a @ b.org (c)}}",
            {},
            id="in-a-value",
        ),
    ],
)
def test_repair_rewrites_headers_the_splitter_does_not_read(
    text: str, repaired: str, renamed: dict[str, str]
):
    assert repair(text) == (repaired, [], [], renamed)


@pytest.mark.parametrize(
    "text, starts",
    [
        pytest.param("See btxdoc.\n\n@incollection\n(\n  k,", True, id="header-over-lines"),
        pytest.param("@FAKE-ENTRY {k,", True, id="type-with-a-hyphen"),
        pytest.param("% write to me@example.org (any time)", False, id="in-a-percent-comment"),
        pytest.param("Write to me@example.org (any time).", False, id="no-key-and-comma"),
        pytest.param("@string\n{x = {y}}", True, id="string-over-lines"),
        pytest.param("Mail me @ home.", False, id="no-delimiter"),
        pytest.param("No entry here.", False, id="no-at"),
    ],
)
def test_starts_entry(text: str, starts: bool):
    assert starts_entry(text) is starts


@pytest.mark.parametrize(
    "text, stray",
    [
        pytest.param("Write to me@example.org (any time).", True, id="no-key-and-comma"),
        pytest.param("A lone @ b", True, id="no-delimiter"),
        pytest.param("lone @", False, id="at-the-end-joins-the-next-entry"),
        pytest.param("% write to me@example.org", False, id="in-a-percent-comment"),
        pytest.param("No at here.", False, id="none"),
    ],
)
def test_stray_at(text: str, stray: bool):
    """Decided by running bibtex: 'lone @' before an entry reads as its type ('@misc')."""
    assert stray_at(text) is stray


def test_a_stray_at_is_a_finding_with_its_line():
    (problem,) = reader_findings.stray_at("mail me@example.org.", "f.bib", 4)
    assert (problem.code, problem.line) == ("parse-error", 4)


def test_comment_like_types_are_renamed_and_named_back():
    text, renamed = rename_comment_like("@COMMENTED\n{k, title={x}}\n@comment{free}")
    assert text == "@effllmcommentlike0{\nk, title={x}}\n@comment{free}"  # lines kept
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
