"""biblatex's ``ids`` aliases (issue 18): an alias names its entry wherever a key goes, as in
biber, in ``check`` (crossref, xdata), in inheritance, and in exports (the targets an entry
needs, the keys a document cites). Keys compare ignoring case, as BibTeX compares them."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from effllm_bib.check import check_entries
from effllm_bib.database import Database
from effllm_bib.export import renderer
from effllm_bib.export.select import ExportRequest, select_export
from effllm_bib.model import Entry
from effllm_bib.resolve import key_index, resolve_entries

from .bibtex_oracle import bibtex_reading
from .conftest import DATA, need

CASE = DATA / "realbib_cases" / "ids_alias.bib"


def lone(key: str, type_: str = "misc", **fields: str) -> Entry:
    return Entry(key, type_, tuple(fields.items()))


TARGET = lone("target", "book", ids="alias, other", title="T", publisher="Pub", year="1999")
XDATA = lone("pub", "xdata", ids="pubalias", location="London")


@pytest.mark.parametrize(
    "entries, bad",
    [
        pytest.param([lone("c", crossref="alias"), TARGET], [], id="crossref-to-an-alias"),
        pytest.param([lone("c", crossref="other"), TARGET], [], id="the-second-alias"),
        pytest.param([lone("c", crossref="ALIAS"), TARGET], [], id="alias-in-another-case"),
        pytest.param([lone("c", xdata="pubalias"), XDATA], [], id="xdata-to-an-alias"),
        pytest.param([lone("c", xdata="pub, pubalias"), XDATA], [], id="xdata-key-and-alias"),
        pytest.param([lone("c", crossref="nobody"), TARGET], ["c"], id="no-key-no-alias"),
        pytest.param(
            [lone("a", ids="aa", crossref="bb"), lone("b", ids="bb", crossref="aa")],
            ["a", "b"],
            id="cycle-through-aliases",
        ),
    ],
)
def test_an_alias_is_a_crossref_or_xdata_target(entries: list[Entry], bad: list[str]):
    found = [p.key for p in check_entries(entries) if p.code == "bad-crossref"]
    assert found == bad


@pytest.mark.parametrize(
    "entries, field, value",
    [
        pytest.param([lone("c", "inbook", crossref="alias"), TARGET], "publisher", "Pub",
                     id="crossref"),
        pytest.param([lone("c", "inbook", crossref="alias"), TARGET], "booktitle", "T",
                     id="crossref-book-title"),
        pytest.param([lone("c", xdata="pubalias"), XDATA], "location", "London", id="xdata"),
        pytest.param([lone("c", crossref="Other"), TARGET], "year", "1999",
                     id="alias-in-another-case"),
        pytest.param([lone("c", crossref="alias"), TARGET], "ids", "", id="ids-not-inherited"),
        pytest.param(
            [lone("c", crossref="alias"), lone("alias", note="the key"), TARGET],
            "note",
            "the key",
            id="a-key-wins-over-an-alias",
        ),
    ],
)  # fmt: skip
def test_inheritance_follows_an_alias(entries: list[Entry], field: str, value: str):
    assert resolve_entries(entries, {})[0].get(field) == value


def test_the_key_index_names_each_entry_by_key_and_alias():
    index = key_index([TARGET, lone("Other")])  # a key wins over an alias, ignoring case
    assert {name: e.key for name, e in index.items()} == {
        "target": "target",
        "alias": "target",
        "other": "Other",
    }


@pytest.mark.parametrize(
    "keys, written",
    [
        pytest.param(["babbage1864"], ["babbage1864", "lovelace1843"], id="crossref-target"),
        pytest.param(["hopper1952"], ["hopper1952", "london"], id="xdata-target"),
        pytest.param(["lovelace1843"], ["lovelace1843"], id="a-target-needs-nothing"),
    ],
)
def test_an_export_of_the_child_carries_the_target_it_names_by_alias(keys, written):
    db = Database.load(CASE)
    entries, _ = db.with_dependencies([db.get(k) for k in keys])
    assert [e.key for e in entries] == written


@pytest.mark.parametrize(
    "cited, keys",
    [
        pytest.param("notes1843", ["lovelace1843"], id="alias"),
        pytest.param("menabrea1843", ["lovelace1843"], id="alias-in-another-case"),
        pytest.param("notes1843,babbage1864", ["babbage1864", "lovelace1843"], id="alias-and-key"),
    ],
)
def test_a_cited_alias_exports_its_entry(tmp_path: Path, cited: str, keys: list[str]):
    aux = tmp_path / "doc.aux"
    aux.write_text(f"\\citation{{{cited}}}\n")
    export = select_export(Database.load(CASE), ExportRequest(fmt="biblatex", keys_from=aux))
    assert ([e.key for e in export.entries], export.missing_keys) == (keys, [])


def test_a_key_typed_as_an_alias_exports_its_entry():
    export = select_export(Database.load(CASE), ExportRequest(keys=("londonpub",)))
    assert [e.key for e in export.entries] == ["london"]


def test_the_bibtex_export_names_the_target_by_its_key():
    """BibTeX knows no ids: its crossref must name the key (biblatex keeps the alias)."""
    db = Database.load(CASE)
    entries, strings = db.with_dependencies([db.get("babbage1864")])
    written = {fmt: renderer(fmt, strings)(entries, "") for fmt in ("bibtex", "biblatex")}
    assert re.findall(r"crossref = \{(\w+)\}", written["bibtex"]) == ["lovelace1843"]
    assert re.findall(r"crossref = \{(\w+)\}", written["biblatex"]) == ["notes1843"]


def _biber_warnings(work: Path, bib: str) -> list[str]:
    """biber's warnings and errors on a document that cites an alias, the entry that names it
    as its crossref, and the entry that names an alias as its xdata."""
    (work / "refs.bib").write_text(bib, encoding="utf-8")
    (work / "doc.tex").write_text(
        "\\documentclass{article}\n\\usepackage[backend=biber]{biblatex}\n"
        "\\addbibresource{refs.bib}\n\\begin{document}\n"
        "\\cite{notes1843}\\cite{babbage1864}\\cite{hopper1952}\n"
        "\\printbibliography\n\\end{document}\n"
    )
    latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"]
    subprocess.run(latex, cwd=work, capture_output=True, check=True, timeout=300)
    biber = subprocess.run(["biber", "doc"], cwd=work, capture_output=True, text=True, timeout=300)
    log = biber.stdout + (work / "doc.blg").read_text(encoding="utf-8")
    return [line for line in log.splitlines() if "WARN" in line or "ERROR" in line]


@pytest.mark.slow
def test_biber_resolves_the_aliases_of_the_file_and_of_its_export(tmp_path: Path):
    need("pdflatex")
    need("biber")
    db = Database.load(CASE)
    assert [p.code for p in check_entries(list(db.entries.values()))] == []
    entries, strings = db.with_dependencies([db.get("babbage1864"), db.get("hopper1952")])
    exported = renderer("biblatex", strings)(entries, "% the two children alone")
    assert (_biber_warnings(tmp_path, CASE.read_text()), _biber_warnings(tmp_path, exported)) == (
        [],
        [],
    )


@pytest.mark.slow
def test_bibtex_inherits_through_the_crossref_of_the_bibtex_export(tmp_path: Path):
    need("bibtex")
    db = Database.load(CASE)
    entries, strings = db.with_dependencies([db.get("babbage1864")])
    read = bibtex_reading(renderer("bibtex", strings)(entries, ""), tmp_path)
    assert read.fields["babbage1864"]["publisher"] == "Taylor"
