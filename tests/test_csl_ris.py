"""CSL-JSON and RIS without loss: names in parts, titles as text, every carried field, types."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from effllm_bib import bibio, vocab
from effllm_bib.export.csljson import csl_item, export_csl_json, indented_json, issued
from effllm_bib.export.ris import export_ris, ris_record
from effllm_bib.model import Entry

from .conftest import DATA

CASES = DATA / "export_cases.bib"
GOLDEN = DATA / "golden"


@pytest.mark.parametrize(
    "render, golden",
    [
        pytest.param(export_csl_json, "export_cases.json", id="csl"),
        pytest.param(export_ris, "export_cases.ris", id="ris"),
    ],
)
def test_golden(render, golden):
    assert render(bibio.read_bib(CASES).entries) == (GOLDEN / golden).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "bibtex_type, csl, ris",
    [
        pytest.param("inbook", "chapter", "CHAP", id="inbook"),
        pytest.param("incollection", "chapter", "CHAP", id="incollection"),
        pytest.param("mastersthesis", "thesis", "THES", id="mastersthesis"),
        pytest.param("phdthesis", "thesis", "THES", id="phdthesis"),
        pytest.param("manual", "report", "RPRT", id="manual"),
        pytest.param("techreport", "report", "RPRT", id="techreport"),
        pytest.param("misc", "document", "GEN", id="misc"),
        pytest.param("online", "webpage", "ELEC", id="online"),
        pytest.param("unpublished", "manuscript", "UNPB", id="unpublished"),
        pytest.param("booklet", "pamphlet", "PAMP", id="booklet"),
        pytest.param("proceedings", "book", "CONF", id="proceedings"),
        pytest.param("conference", "paper-conference", "CPAPER", id="conference"),
        pytest.param("inproceedings", "paper-conference", "CPAPER", id="inproceedings"),
        pytest.param("article", "article-journal", "JOUR", id="article"),
        pytest.param("software", "software", "COMP", id="software"),
        pytest.param("dataset", "dataset", "DATA", id="dataset"),
        pytest.param("inreference", "entry-encyclopedia", "ENCYC", id="inreference"),
        pytest.param("strange", "document", "GEN", id="unknown-type"),
    ],
)
def test_types_as_pandoc_and_citation_js_map_them(bibtex_type, csl, ris):
    entry = Entry.make("k", bibtex_type, {"title": "T"})
    assert (csl_item(entry)["type"], ris_record(entry)[0]) == (csl, f"TY  - {ris}")


@pytest.mark.parametrize(
    "values",
    [
        pytest.param({"eprint": "2301.00774"}, id="no-archiveprefix"),
        pytest.param({"eprint": "2301.00774v2", "archiveprefix": "arXiv"}, id="archiveprefix"),
        pytest.param({"eprint": "2301.00774", "eprinttype": "arxiv"}, id="eprinttype"),
        pytest.param({"eprint": "arXiv:2301.00774"}, id="prefixed-id"),
    ],
)
def test_an_arxiv_eprint_travels_with_or_without_archiveprefix(values):
    entry = Entry.make("k", "misc", {"title": "T", **values})
    item = csl_item(entry)
    assert (item["type"], item["number"], item["URL"]) == (
        "article",
        "arXiv:2301.00774",
        "https://arxiv.org/abs/2301.00774",
    )
    assert "N1  - arXiv:2301.00774" in ris_record(entry)


@pytest.mark.parametrize(
    "values",
    [
        pytest.param({"eprint": "hal-01234", "archiveprefix": "HAL"}, id="other-archive"),
        pytest.param({"eprint": "not an id"}, id="not-an-arxiv-id"),
    ],
)
def test_other_eprints_are_not_arxiv(values):
    assert vocab.arxiv_id(Entry.make("k", "misc", {"title": "T", **values})) is None


@pytest.mark.parametrize(
    "title, text",
    [
        pytest.param("\\TeX", "TeX", id="logo"),
        pytest.param("$\\infty$", "∞", id="math"),
        pytest.param("{\\LaTeX}", "LaTeX", id="braced-logo"),
        pytest.param("\\METAFONT", "METAFONT", id="metafont"),
        pytest.param("\\mbox{A}", "A", id="mbox"),
        pytest.param("$\\alpha$-$\\beta$", "α-β", id="greek"),
    ],
)
def test_no_title_becomes_empty(title, text):
    entry = Entry.make("k", "article", {"title": title})
    assert (csl_item(entry)["title"], ris_record(entry)[2]) == (text, f"TI  - {text}")


@pytest.mark.parametrize(
    "values, expected",
    [
        pytest.param(
            {"year": "2020", "month": "mar"}, {"date-parts": [[2020, 3]]}, id="month-macro"
        ),
        pytest.param(
            {"year": "2020", "month": "March"}, {"date-parts": [[2020, 3]]}, id="month-name"
        ),
        pytest.param(
            {"year": "2020", "month": "3", "day": "5"}, {"date-parts": [[2020, 3, 5]]}, id="day"
        ),
        pytest.param(
            {"year": "2020", "month": "June--August"}, {"date-parts": [[2020]]}, id="month-range"
        ),
        pytest.param(
            {"date": "2020-03/2021-04"}, {"date-parts": [[2020, 3], [2021, 4]]}, id="date-range"
        ),
        pytest.param({"date": "-0380"}, {"date-parts": [[-381]]}, id="iso-year-zero-is-1-bc"),
        pytest.param(
            {"date": "2016-01-19T14:20:00.000Z"}, {"date-parts": [[2016, 1, 19]]}, id="time-of-day"
        ),
        pytest.param({"year": "in press"}, {"literal": "in press"}, id="not-a-year-kept"),
    ],
)
def test_issued(values, expected):
    assert issued(Entry.make("k", "article", values)) == expected


def test_carried_fields():
    item = csl_item(
        Entry.make(
            "k",
            "book",
            {
                "title": "T",
                "editor": "Jane Roe and {ACME}",
                "address": "Berlin",
                "note": "N",
                "isbn": "123",
                "edition": "2",
                "series": "S",
                "number": "4",
                "publisher": "P",
            },
        )
    )
    assert {
        k: item[k]
        for k in (
            "editor",
            "publisher-place",
            "note",
            "ISBN",
            "edition",
            "collection-title",
            "collection-number",
            "publisher",
        )
    } == {
        "editor": [{"family": "Roe", "given": "Jane"}, {"literal": "ACME"}],
        "publisher-place": "Berlin",
        "note": "N",
        "ISBN": "123",
        "edition": "2",
        "collection-title": "S",
        "collection-number": "4",
        "publisher": "P",
    }


def test_bibtex_and_biblatex_keep_an_arxiv_eprint_without_archiveprefix():
    from effllm_bib.export.biblatex import for_biblatex
    from effllm_bib.export.bibtex import for_bibtex

    entry = Entry.make("k", "misc", {"title": "T", "eprint": "2301.00774"})
    assert for_bibtex(entry).get("howpublished") == "arXiv preprint arXiv:2301.00774"
    assert for_biblatex(entry).get("eprinttype") == "arxiv"


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(_JSON_VALUES)
@settings(max_examples=300, deadline=None)
def test_indented_json_writes_what_json_dumps_writes(value):
    assert indented_json(value) == json.dumps(value, ensure_ascii=False, indent=2)


@pytest.mark.parametrize(
    ("entry_type", "values", "container"),
    [
        pytest.param(
            "article",
            {"journal": "J. Alg.", "booktitle": "Proc. X"},
            "J. Alg.",
            id="article-journal-over-inherited-booktitle",
        ),
        pytest.param(
            "article",
            {"journaltitle": "J. Alg.", "booktitle": "Proc. X"},
            "J. Alg.",
            id="article-biblatex-journaltitle",
        ),
        pytest.param("article", {"booktitle": "Proc. X"}, "Proc. X", id="article-only-booktitle"),
        pytest.param(
            "inproceedings",
            {"journal": "J. Alg.", "booktitle": "Proc. X"},
            "Proc. X",
            id="inproceedings-booktitle-first",
        ),
        pytest.param("incollection", {"journal": "J. Alg."}, "J. Alg.", id="incollection-journal"),
    ],
)
def test_container_title_is_where_the_type_puts_it(entry_type, values, container):
    assert csl_item(Entry.make("k", entry_type, {"title": "T", **values}))["container-title"] == (
        container
    )
