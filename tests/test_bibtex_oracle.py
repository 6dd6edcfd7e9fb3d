"""BibTeX itself says what a .bib file holds (issue 18): a tiny style made for each file
(:mod:`.bibtex_oracle`) makes ``bibtex`` write every field of every entry as it read it, and
our reading must say the same, on every real file we have and on generated values with braces,
backslashes and quotes. What we write back must read the same in BibTeX and in pybtex.

Slow: each case runs bibtex. Skipped where bibtex is missing, failed in CI (``CI=true``).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from effllm_bib import bibio, canonical, files
from effllm_bib.parsed import ParsedBib

from .bibtex_oracle import Reading, bibtex_reading, bibtex_text, compare, dump_style, ours
from .conftest import DATA, SHARED, need

pytestmark = pytest.mark.slow


def _texmfdist() -> list[Path]:
    try:
        found = subprocess.run(
            ["kpsewhich", "-var-value", "TEXMFDIST"], capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        return []
    return sorted(Path(found).rglob("*.bib")) if found else []


def _real_files() -> list[Path]:
    """The real files of ../shared/data/realbib, TeX Live's own, and our cases of real BibTeX;
    UTF-8 only (the reader refuses other encodings)."""
    paths = sorted((SHARED / "data" / "realbib").rglob("*.bib"))
    paths += _texmfdist() + sorted((DATA / "realbib_cases").glob("*.bib"))
    unique = {p.resolve(): p for p in reversed(paths)}
    return [p for p in paths if unique.get(p.resolve()) == p and _utf8(p)]


def _utf8(path: Path) -> bool:
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


REAL = _real_files()


@pytest.mark.parametrize("path", REAL, ids=[f"{p.parent.name}/{p.name}" for p in REAL])
def test_every_real_file_reads_as_bibtex_reads_it(path: Path, tmp_path):
    need("bibtex")
    text = files.read_text(path)
    found = compare(text, bibio.parse_bib(text, str(path)), tmp_path)
    assert (found.differences, found.unreported) == ([], [])


def test_the_differences_our_reader_means_are_the_ones_seen(tmp_path):
    """biber's way with % (an entry in % lines is none, a % line between fields is skipped)
    is the one difference from BibTeX, and the comparison sees it where it is."""
    need("bibtex")
    text = (DATA / "realbib_cases" / "percent_entry.bib").read_text(encoding="utf-8")
    text += (DATA / "realbib_cases" / "percent_line.bib").read_text(encoding="utf-8")
    found = compare(text, bibio.parse_bib(text), tmp_path)
    assert (found.commented_out, found.stopped, found.unreported) == (["gone"], ["pct1"], [])


def test_the_style_writes_what_bibtex_read(tmp_path):
    """The dump style itself: macros expanded, white space as BibTeX keeps it, crossref
    fields copied, a line longer than BibTeX's 79 characters joined again."""
    need("bibtex")
    long = " ".join(["word"] * 40)
    text = (
        '@string{j = "Journal  of"}\n'
        f"@article{{a, title = {{  Two\n  lines  }}, journal = j # {{ Things}}, note = {{{long}}},"
        " month = feb, crossref = {B}}\n"
        "@book{b, publisher = {Pub}, year = 1999}\n"
    )
    assert bibtex_reading(text, tmp_path).fields["a"] == {
        "title": "Two lines",
        "journal": "Journal of Things",
        "note": long,
        "month": "February",
        "crossref": "b",
        "publisher": "Pub",
        "year": "1999",
    }


def test_the_style_declares_every_field_and_type_once():
    style = dump_style(["crossref", "title"], ["article"])
    assert "ENTRY { title }" in style  # BibTeX declares crossref itself
    assert "FUNCTION {article} { dump.entry }" in style


# Generated values: text with braces (balanced or not, a backslash before them or not),
# backslashes, quotes, and the characters that end values and fields.
_PIECES = st.sampled_from(
    ["a", "b ", " ", "\n", "\\", '"', '\\"', "\\{", "\\}", "\\\\", "{", "}", '{"}']
    + [",", "#", "=", "%", "(", ")", "@x"]
)
_TEXT = st.recursive(
    _PIECES,
    lambda inner: st.lists(inner, max_size=4).map("".join) | inner.map(lambda t: f"{{{t}}}"),
    max_leaves=10,
)


def _value(macros: list[str]) -> st.SearchStrategy[str]:
    part = _TEXT.map(lambda t: f"{{{t}}}") | _TEXT.map(lambda t: f'"{t}"') | st.sampled_from(macros)
    return st.lists(part, min_size=1, max_size=3).map(" # ".join)


def _file(value: str, macro: str, delimiters: str) -> str:
    o, c = delimiters[0], delimiters[1]
    return (
        f"@string{o}m = {macro}{c}\n"
        f"@misc{o}gen,\n  title = {value},\n  note = {{after}}\n{c}\n"
        "@misc{sentinel,\n  title = {s}\n}\n"
    )


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    _value(["m", "M", "jan", "2024"]),
    _value(["jan", "2024"]),
    st.sampled_from(["{}", "()"]),
)
def test_generated_values_read_as_bibtex_reads_them(value: str, macro: str, delimiters: str):
    need("bibtex")
    text = _file(value, macro, delimiters)
    parsed = bibio.parse_bib(text)
    with _workdir() as work:
        bibtex = bibtex_reading(text, work)
        assert _our_verdict(parsed, bibtex, work) == _expected(bibtex)


Verdict = dict[str, object]


def _expected(bibtex: Reading) -> Verdict:
    """Where BibTeX reads the file without an error: its entries and values, no parse error
    of ours, and our canonical rewrite read the same by BibTeX and by pybtex. Where BibTeX
    reports an error: one of ours too."""
    if bibtex.errors:
        return {"error reported": True}
    return {
        "values": bibtex.fields,
        "parse errors": [],
        "bibtex reads the rewrite": (bibtex.fields, []),
        "pybtex reads the rewrite": bibtex.fields,
    }


def _our_verdict(parsed: ParsedBib, bibtex: Reading, work: Path) -> Verdict:
    if bibtex.errors:
        return {"error reported": bool(parsed.errors)}
    written = canonical.format_bib(parsed.entries, parsed.extras)
    again = bibtex_reading(written, work)
    return {
        "values": ours(parsed).fields,
        "parse errors": [p.message for p in parsed.errors if p.code == "parse-error"],
        "bibtex reads the rewrite": (again.fields, again.errors),
        "pybtex reads the rewrite": _pybtex_fields(written),
    }


def _pybtex_fields(text: str) -> dict[str, dict[str, str]]:
    from pybtex.database import parse_string

    data = parse_string(text, "bibtex")
    return {
        key: {name.lower(): bibtex_text(value) for name, value in entry.fields.items()}
        for key, entry in data.entries.items()
    }


class _workdir:
    """A fresh directory for one example (hypothesis runs many in one test call)."""

    def __enter__(self) -> Path:
        import tempfile

        self._dir = tempfile.TemporaryDirectory()
        return Path(self._dir.name)

    def __exit__(self, *exc: object) -> None:
        self._dir.cleanup()
