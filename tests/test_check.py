"""Each check rule on the smallest database that triggers it."""

from __future__ import annotations

from typing import Any

import pytest

from effllm_bib.check import check_database, check_entries
from effllm_bib.model import Entry, Severity

from .conftest import DATA

GOOD = {
    "author": "Frantar, Elias",
    "title": "{SparseGPT}",
    "year": "2023",
    "keywords": "unstructured-pruning",
    "eprint": "2301.00774",
    "archiveprefix": "arXiv",
}


def entry(key="frantar2023sparsegpt", type_="misc", **fields):
    values = {**GOOD, **fields}
    return Entry.make(key, type_, {k: v for k, v in values.items() if v is not None})


def test_a_good_entry_has_no_findings(taxonomy):
    found = [p for p in check_entries([entry()], taxonomy) if p.code != "empty-category"]
    assert found == []


def test_taxonomy_nodes_without_papers_are_reported(taxonomy):
    empty = {p.key for p in check_entries([entry()], taxonomy) if p.code == "empty-category"}
    assert (
        "unstructured-pruning" not in empty and "parameter-pruning" not in empty
    )  # the paper's node and ancestors
    assert "kv-cache-optimization" in empty


CASES = [
    pytest.param([entry(keywords="unstructured-prunin")], "unknown-keyword", Severity.ERROR, id="unknown-keyword"),
    pytest.param([entry(keywords=None)], "no-keywords", Severity.WARNING, id="no-keywords"),
    pytest.param([entry(author=None)], "no-author", Severity.WARNING, id="no-author"),
    pytest.param([entry(type_="book", author=None, editor="Knuth, Donald", publisher="P")],
                 None, None, id="edited-book-has-editors"),
    pytest.param([entry(type_="misc", author=None, editor="Knuth, Donald")], "no-author",
                 Severity.WARNING, id="misc-with-only-editors"),
    pytest.param([entry(confidence="low")], "low-confidence", Severity.WARNING, id="low-confidence"),
    pytest.param([entry(key="has space")], "bad-key", Severity.ERROR, id="bad-key"),
    pytest.param([entry(key="pending:sparsegpt2023")], "pending-key", Severity.ERROR, id="pending-with-authors"),
    pytest.param([entry(), entry(key="other", title="Other")], "duplicate-paper", Severity.ERROR,
                 id="same-arxiv-id"),
    pytest.param([entry(doi="10.1000/x"), entry(key="o", title="O", eprint=None, doi="10.1000/X")],
                 "duplicate-paper", Severity.ERROR, id="same-doi-any-case"),
    pytest.param([entry(doi="not-a-doi")], "bad-doi", Severity.ERROR, id="bad-doi"),
    pytest.param([entry(eprint="abc")], "bad-arxiv-id", Severity.ERROR, id="bad-arxiv-id"),
    pytest.param([entry(surveyurl="https://arxiv.org/abs/2312.09571")], "survey-wrong-arxiv",
                 Severity.WARNING, id="survey-links-other-paper"),
    pytest.param([entry(eprint=None, surveyurl="https://arxiv.org/abs/2308.13137")],
                 "survey-ambiguous-arxiv", Severity.WARNING, id="survey-link-unconfirmed"),
    pytest.param([entry(), entry(key="b", title="{SparseGPT}.", eprint="2301.00775")],
                 "near-duplicate-title", Severity.WARNING, id="near-duplicate-title"),
    pytest.param([entry(title="{SparseGPT}: Massive Language Models Can Be Accurately Pruned"),
                   entry(key="b", type_="inproceedings", booktitle="ICML", eprint=None,
                         title="{SparseGPT}: Massive Language Models Can Be Accurately Pruned in One Shot")],
                 "preprint-twin", Severity.WARNING, id="preprint-and-published"),
    pytest.param([entry(type_="inproceedings")], "missing-field", Severity.ERROR, id="required-booktitle"),
    pytest.param([entry(type_="article", journal="J")], None, None, id="article-complete"),
    pytest.param([entry(type_="webpage")], "unknown-type", Severity.WARNING, id="unknown-type"),
    pytest.param([entry(author="Frantar, Elias and others")], "others-author", Severity.WARNING, id="others"),
    pytest.param([entry(author="{OpenAI}")], "organisation-author", Severity.WARNING, id="organisation"),
    pytest.param([entry(author="FRANTAR, ELIAS")], "caps-author", Severity.WARNING, id="caps"),
    pytest.param([entry(year="20233")], "bad-year", Severity.ERROR, id="bad-year"),
    pytest.param([entry(year="3024")], "bad-year", Severity.ERROR, id="future-year"),
    pytest.param([entry(year="in press", eprint=None)], "year-format", Severity.WARNING, id="year-text"),
    pytest.param([entry(year="2021")], "year-arxiv", Severity.WARNING, id="preprint-year-vs-arxiv"),
    pytest.param([entry(type_="inproceedings", booktitle="B", year="2019")], "year-arxiv",
                 Severity.WARNING, id="published-before-arxiv"),
    pytest.param([entry(doi="https://doi.org/10.1000/x")], "doi-prefix", Severity.WARNING, id="doi-prefix"),
    pytest.param([entry(eprint="2301.00774v2")], "arxiv-version", Severity.WARNING, id="arxiv-version"),
    pytest.param([entry(url="https://arxiv.org/abs/2301.00775")], "arxiv-mismatch", Severity.ERROR,
                 id="url-vs-eprint"),
    pytest.param([entry(doi="10.48550/arXiv.2301.00775")], "arxiv-mismatch", Severity.ERROR,
                 id="arxiv-doi-vs-eprint"),
    pytest.param([entry("k", "inproceedings", booktitle="B", doi="10.48550/arXiv.2301.00774")],
                 "arxiv-doi-published", Severity.WARNING, id="arxiv-doi-on-published"),
    pytest.param([entry(doi="10.48550/arXiv.2301.00774")], None, None, id="arxiv-doi-on-preprint"),
    pytest.param([entry(title="Q&A at 100%")], "latex-special", Severity.ERROR, id="unescaped-specials"),
    pytest.param([entry(title="Q\\&A at 100\\%")], None, None, id="escaped-specials-fine"),
    pytest.param([entry(title="A {B title")], "unbalanced-braces", Severity.ERROR, id="unbalanced"),
    pytest.param([entry(url=" https://x.org/a")], "whitespace", Severity.WARNING, id="whitespace"),
    pytest.param([entry(title="Pruning with SparseGPT")], "unprotected-caps", Severity.WARNING,
                 id="unprotected-caps"),
    pytest.param([entry(month="January")], "month-format", Severity.WARNING, id="month-spelled"),
    pytest.param([entry(month="Smarch")], "bad-month", Severity.ERROR, id="bad-month"),
    pytest.param([entry(pages="1-10")], "pages-format", Severity.WARNING, id="pages"),
    pytest.param([entry(key="café2023")], "key-portability", Severity.WARNING, id="non-ascii-key"),
    pytest.param([entry(type_="inproceedings", booktitle="Findings of the Association for Computational Linguistics: ACL 2024")],
                 "missing-doi", Severity.WARNING, id="acl-paper-without-doi"),
    pytest.param([entry(type_="inproceedings", booktitle="Findings of the Association for Computational Linguistics: ACL 2024",
                        doi="10.18653/v1/2024.findings-acl.1")], None, None, id="acl-paper-with-doi"),
    pytest.param([entry(type_="inproceedings", booktitle="Advances in Neural Information Processing Systems")],
                 None, None, id="neurips-has-no-dois"),
    pytest.param([entry(type_="inproceedings", booktitle="Transactions on Machine Learning Research")],
                 "venue-type", Severity.WARNING, id="journal-as-booktitle"),
    pytest.param([entry(type_="article", journal="Advances in Neural Information Processing Systems")],
                 "venue-type", Severity.WARNING, id="conference-as-journal"),
    pytest.param([entry(type_="inproceedings", booktitle="Workshop on Efficient Natural Language and Speech Processing")],
                 None, None, id="workshop-is-inproceedings"),
]  # fmt: skip


def findings(cases: list[Any]) -> list[Any]:
    """The rows of ``cases`` that expect a finding (code not None), as they are."""
    return [case for case in cases if case.values[1] is not None]


def clean(cases: list[Any]) -> list[Any]:
    """The rows of ``cases`` that expect no finding, as ``pytest.param(entries, id=...)``."""
    return [
        pytest.param(case.values[0], marks=case.marks, id=case.id)
        for case in cases
        if case.values[1] is None
    ]


@pytest.mark.parametrize("entries, code, severity", findings(CASES))
def test_rule(taxonomy, entries, code, severity):
    problems = [p for p in check_entries(entries, taxonomy) if p.code != "empty-category"]
    found = [p for p in problems if p.code == code]
    assert found and all(p.severity is severity for p in found)
    assert all("\n" not in p.message for p in found)


@pytest.mark.parametrize("entries", clean(CASES))
def test_rule_clean(taxonomy, entries):
    assert [p for p in check_entries(entries, taxonomy) if p.code != "empty-category"] == []


def test_confirmed_distinct_pairs_are_not_reported(taxonomy):
    pair = [entry(), entry(key="b", title="{SparseGPT}.", eprint="2301.00775")]
    assert any(p.code == "near-duplicate-title" for p in check_entries(pair, taxonomy))
    quiet = check_entries(pair, taxonomy, distinct=[frozenset({"frantar2023sparsegpt", "b"})])
    assert not any(p.code == "near-duplicate-title" for p in quiet)


@pytest.mark.parametrize(
    "text, code, line",
    [
        pytest.param(
            "@article{a,\n  title={x}\n  year={2020},\n}\n", "missing-comma", 1, id="missing-comma"
        ),
        pytest.param(
            "@article{a, title={x} year={2020}}\n", "missing-comma", 1, id="missing-comma-one-line"
        ),
        pytest.param(
            "@article{a, title={x}}\n}, year={2020}}\n", "stray-text", 2, id="brace-too-many"
        ),
    ],
)
def test_silent_parser_accepts_become_errors(text, code, line):
    from effllm_bib import bibio

    parsed = bibio.parse_bib(text, "f.bib")
    assert [(p.code, p.path, p.line) for p in parsed.errors] == [(code, "f.bib", line)]


def test_prose_comments_are_not_stray_text():
    from effllm_bib import bibio

    parsed = bibio.parse_bib(
        "This file lists papers, see README.\n@article{a, title={x}}\n", "f.bib"
    )
    assert parsed.errors == []


def test_check_and_survey_import_work_without_numpy(taxonomy, monkeypatch):
    """rapidfuzz's cdist needs numpy, which is not a dependency; a plain install has none."""
    import sys

    from effllm_bib.importers.survey import group_papers, parse_survey

    from .conftest import SURVEY_SNIPPET

    monkeypatch.setitem(sys.modules, "numpy", None)  # import numpy now raises ImportError
    pair = [entry(), entry(key="b", title="{SparseGPT}.", eprint="2301.00775")]
    assert any(p.code == "near-duplicate-title" for p in check_entries(pair, taxonomy))
    group_papers(parse_survey(SURVEY_SNIPPET, taxonomy))


def test_similar_pairs():
    from effllm_bib.compare import similar_pairs

    assert [(i, j) for i, j, _ in similar_pairs(["sparse gpt", "sparse gpt!", "lora"], 90)] == [
        (0, 1)
    ]


# --- the general set on a lone bibliography (no taxonomy): what BibTeX and biber accept --------

LONE = DATA / "lone" / "lone.bib"


def test_a_lone_file_gets_the_general_rules_only():
    """lone.bib as bibtex 0.99d reads it (run by hand: `bibtex` with \\citation{*}): it reports
    the undefined macro jexamples, the bad cross reference of 'orphan' and its empty title and
    year, and accepts O'Hara_1999_B, the 1931 year, `jun # "-" # aug` and the untitled @misc."""
    found = [
        (p.code, p.line, p.key)
        for p in check_database(LONE, LONE.with_name("taxonomy.toml")).problems
    ]
    assert sorted(found) == sorted(
        [
            ("undefined-macro", 36, "broken"),
            ("bad-year", 36, "broken"),
            ("bad-month", 36, "broken"),
            ("latex-special", 36, "broken"),
            ("bad-crossref", 44, "orphan"),
            ("missing-field", 44, "orphan"),
            ("key-portability", 5, "O'Hara_1999_B"),  # bibtex reads it; biber's parser stops at '
        ]
    )


def lone(key="k", type_="misc", bare=(), **fields):
    return Entry(key, type_, tuple(fields.items()), frozenset(bare))


GENERAL = [
    pytest.param([lone(title="T", year="1931")], None, id="old-year-is-fine"),
    pytest.param([lone(title="T", year="1989/90")], "year-format", id="two-years"),
    pytest.param([lone(title="T", year="202")], "bad-year", id="three-digits"),
    pytest.param([lone(title="T", month='jun # "-" # aug', bare={"month"})], None, id="month-range-macros"),
    pytest.param([lone(title="T", month="June--August")], None, id="month-range-text"),
    pytest.param([lone(title="T", month="6")], None, id="month-number"),
    pytest.param([lone(title="T", month="13")], "bad-month", id="month-13"),
    pytest.param([lone(title="T", month="smarch", bare={"month"})], "undefined-macro", id="month-undefined-macro"),
    pytest.param([lone(title="T", month="June")], "month-format", id="month-braced-name"),
    pytest.param([lone(title="T", month="june", bare={"month"})], "month-format", id="month-full-name-macro"),
    pytest.param([lone(title="T", month="Jun", bare={"month"})], None, id="month-macro-any-case"),
    pytest.param([lone()], None, id="misc-needs-no-title"),
    pytest.param([lone(type_="article", title="T", journaltitle="J", date="2020")], None, id="biblatex-fields"),
    pytest.param([lone(type_="inproceedings", title="T", crossref="p"),
                  lone(key="p", type_="proceedings", title="Proc", year="2020")], None,
                 id="booktitle-from-crossref-title"),
    pytest.param([lone(type_="inproceedings", title="T", crossref="P"),
                  lone(key="p", type_="proceedings", title="Proc")], "missing-field", id="year-missing-in-both"),
    pytest.param([lone(type_="article", title="T", xdata="x"),
                  lone(key="x", type_="xdata", journal="J", year="2020")], None, id="xdata"),
    pytest.param([lone(title="T", crossref="a"), lone(key="a", title="A", crossref="k")], "bad-crossref",
                 id="crossref-cycle"),
    pytest.param([lone(type_="article", title="T", journal="j", year="2020", bare={"journal"})],
                 "undefined-macro", id="undefined-journal-macro"),
    pytest.param([lone(title="T", bibsource="dblp, https://dblp.org/rec/a_b#c",
                       biburl="https://dblp.org/rec/a_b.bib", file="a_b.pdf")], None, id="url-like-fields"),
    pytest.param([lone(title="T", note="\\url{https://x.org/a_b#c} and \\href{https://x.org/%20}{here}")],
                 None, id="specials-in-url-commands"),
    pytest.param([lone(title="Rank $r_1$ and $$a_b$$")], None, id="specials-in-math"),
    pytest.param([lone(title="T", note="100% sure")], "latex-special", id="percent-in-note"),
    pytest.param([lone(title="T", sorttitle="Computers & Typesetting", indexsorttitle="A & B")], None, id="sort-fields-are-not-typeset"),
    pytest.param([lone(key="O'Hara_1999_B", title="T")], "key-portability", id="apostrophe-key"),
    pytest.param([lone(key="a b", title="T")], "bad-key", id="space-in-key"),
    pytest.param([lone(key="Knuth84", title="T"), lone(key="knuth84", title="U")], "duplicate-key", id="keys-differing-only-in-case"),
    pytest.param([lone(key="a:b.c-d_e+f/g", title="T")], None, id="punctuated-key"),
    pytest.param([lone(title="T", keywords="anything, at all")], None, id="keywords-free-without-taxonomy"),
    pytest.param([lone(title="T", eprint="hdl:1234", eprinttype="handle")], None, id="non-arxiv-eprint"),
    # BibTeX, biber and pybtex strip a value's ends and collapse its white space runs, newlines too
    pytest.param([lone(title=" Two  words\n    wrapped ", note="\ttab")], None, id="wrapped-text-is-fine"),
    pytest.param([lone(title="T", url=" https://x.org/a")], "whitespace", id="url-leading-space"),
    pytest.param([lone(title="T", url="https://x.org/a/\n    b")], "whitespace", id="url-wrapped"),
    pytest.param([lone(title="T", url="http://a.org/1.pdf; http://b.org/2")], "whitespace", id="url-list"),
    pytest.param([lone(title="T", biburl="https://dblp.org/rec/\n  a.bib")], "whitespace", id="biburl-wrapped"),
    pytest.param([lone(title="T", **{"citeulike-linkout-0": "https://x.org/ a"})], "whitespace",
                 id="space-inside-url-like-field"),
    pytest.param([lone(title="T", keywords="a b, c", file="My Paper.pdf")], None, id="spaces-inside-lists-and-files"),
]  # fmt: skip


@pytest.mark.parametrize("entries, code", findings(GENERAL))
def test_general_rule(entries, code):
    assert {p.code for p in check_entries(entries, None)} == {code}


@pytest.mark.parametrize("entries", clean(GENERAL))
def test_general_rule_clean(entries):
    assert {p.code for p in check_entries(entries, None)} == set()


def test_near_duplicates_come_as_one_finding_per_cluster():
    titles = [
        "{SparseGPT}: Pruning in One Shot",
        "SparseGPT: pruning in one shot.",
        "Sparsegpt -- Pruning in One-Shot",
        "Something else entirely",
    ]
    entries = [lone(key=f"k{i}", title=t) for i, t in enumerate(titles)]
    found = [p for p in check_entries(entries, None) if p.code == "near-duplicate-title"]
    assert len(found) == 1 and "k0, k1, k2" in found[0].message and found[0].key == "k0"


@pytest.mark.parametrize(
    "keywords, codes",
    [
        pytest.param("quantization", set(), id="a-slug"),
        pytest.param("ptq", {"unknown-keyword", "no-keywords"}, id="an-alias-is-not-the-slug"),
        pytest.param("unstructured-prunin", {"unknown-keyword", "no-keywords"}, id="a-typo"),
        pytest.param(
            "structured-pruning, Unstructured Pruning", {"unknown-keyword"}, id="spelt-as-words"
        ),
        pytest.param("quantization, history of computing", set(), id="a-tag-of-the-user-s-own"),
        pytest.param("deep learning", {"no-keywords"}, id="tags-but-no-category"),
    ],
)
def test_keywords_are_categories_their_typos_or_the_user_s_own(taxonomy, keywords, codes):
    found = {p.code for p in check_entries([entry(keywords=keywords)], taxonomy)}
    assert found & {"unknown-keyword", "no-keywords"} == codes


def test_survey_rules_run_only_with_a_taxonomy(taxonomy):
    entries = [entry(keywords="quantisation", sources="https://tomesphere.com/paper/1")]
    assert {p.code for p in check_entries(entries, None)} == set()
    assert {"unknown-keyword", "secondary-sources"} <= {
        p.code for p in check_entries(entries, taxonomy)
    }


def test_json_gives_path_line_and_key_as_fields():
    data = check_database(LONE).as_json()
    assert (data["errors"], data["warnings"]) == (5, 2)
    first = next(p for p in data["problems"] if p["code"] == "bad-crossref")
    assert (first["path"], first["line"], first["key"], first["severity"]) == (
        str(LONE),
        44,
        "orphan",
        "error",
    )


def test_only_a_current_warning_can_be_accepted(tmp_path):
    import shutil

    from effllm_bib.check import NotAWarningError, accept_warning
    from effllm_bib.decisions import Acceptance, load_accepted

    bib = tmp_path / "lone.bib"
    shutil.copyfile(LONE, bib)
    with pytest.raises(NotAWarningError, match="only a current warning"):
        accept_warning(bib, None, Acceptance("bad-year", "broken", "an error"))
    path = accept_warning(bib, None, Acceptance("key-portability", "O'Hara_1999_B", "BibTeX only"))
    assert [a.key for a in load_accepted(path)] == ["O'Hara_1999_B"]
    assert "key-portability" not in {p.code for p in check_database(bib).problems}


@pytest.mark.parametrize(
    "url, says",
    [
        pytest.param("http://a.org/1.pdf; http://b.org/2", "several addresses", id="list"),
        pytest.param(
            "https://x.org/a/\n    b", "white space inside 'https://x.org/a/ b'", id="wrapped"
        ),
        pytest.param(" https://x.org/a", "--fix strips it", id="ends"),
    ],
)
def test_whitespace_message_says_what_to_do(url, says):
    (found,) = [p for p in check_entries([lone(title="T", url=url)], None)]
    assert found.code == "whitespace" and says in found.message
