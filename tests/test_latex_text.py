"""Text as LaTeX: the survey's record kept exactly, symbols pdflatex takes, and the predicate that
finds what would stop pdflatex (or make citation-js read nothing) before a consumer does."""

from __future__ import annotations

import pytest

from effllm_bib.canonical import reader_fields
from effllm_bib.database import Database
from effllm_bib.importers.survey import parse_survey
from effllm_bib.model import Entry
from effllm_bib.tex_escape import latex_from_text, math_symbols, text_from_latex

from .conftest import REFS, SHARED
from .pdflatex_safety import entry_pdflatex_problems, pdflatex_problems

SURVEY = SHARED / "data" / "efficient-llms-survey" / "README.md"


@pytest.mark.parametrize(
    "text, latex",
    [
        pytest.param("With $100 K Budget", r"With \$100 K Budget", id="dollar"),
        pytest.param("Only 0.5% Data", r"Only 0.5\% Data", id="percent"),
        pytest.param("Better & Faster", r"Better \& Faster", id="ampersand"),
        pytest.param("E^2-LLM", r"E\textasciicircum{}2-LLM", id="caret"),
        pytest.param("∞-former", r"$\infty$-former", id="infinity"),
        pytest.param("PanGu-Σ and PanGu-π", r"PanGu-$\Sigma$ and PanGu-$\pi$", id="greek"),
        pytest.param("ReST-MCTS∗", r"ReST-MCTS$\ast$", id="asterisk-operator"),
        pytest.param(
            r"a\b {c} ~_#", r"a\textbackslash{}b \{c\} \textasciitilde{}\_\#", id="markup"
        ),
        pytest.param("Nyströmformer: Don’t", "Nyströmformer: Don’t", id="latin-kept"),
    ],
)
def test_text_and_latex_convert_both_ways_exactly(text, latex):
    assert latex_from_text(text) == latex
    assert text_from_latex(latex) == text
    assert pdflatex_problems(latex) == []


@pytest.mark.skipif(not SURVEY.exists(), reason="the survey's README is not in ../shared")
def test_every_title_and_venue_of_the_survey_reads_back_exactly(taxonomy):
    survey = parse_survey(SURVEY, taxonomy)
    texts = [t for b in survey.bullets for t in (b.title, b.venue)]
    texts += [f.name for f in survey.frameworks]
    assert [text_from_latex(latex_from_text(t)) for t in texts] == texts
    assert [t for t in texts if pdflatex_problems(latex_from_text(t))] == []


@pytest.mark.parametrize(
    "value, problems",
    [
        pytest.param("How to Train It with $100 K Budget", 1, id="dollar-left-open"),
        pytest.param("∞-former", 1, id="infinity"),
        pytest.param("PanGu-Σ", 1, id="sigma"),
        pytest.param("$π$", 1, id="unicode-inside-math"),
        pytest.param("$\\infty$-former and 0.5\\% and \\$5", 0, id="escaped"),
        pytest.param("Rozière, Łańcucki, Don’t – “quoted”", 0, id="latin-and-punctuation"),
    ],
)
def test_pdflatex_problems_finds_raw_dollars_and_symbols(value, problems):
    assert len(pdflatex_problems(value)) == problems


def test_urls_and_sources_are_verbatim_fields():
    e = Entry(
        "k",
        "misc",
        (
            ("title", "∞"),
            ("url", "https://x.org/a%20b_$"),
            ("sources", "https://x.org/?q=a%3D → b"),
        ),
    )
    assert entry_pdflatex_problems(e) == [
        ("title", "'∞' (U+221E) stops pdflatex; write it as $\\infty$")
    ]


def test_math_symbols_writes_symbols_as_math_and_leaves_the_rest():
    assert math_symbols("{PanGu}-Σ: ∞ Rozière") == "{PanGu}-$\\Sigma$: $\\infty$ Rozière"


def test_refs_as_committed_has_nothing_pdflatex_rejects():
    db = Database.load(REFS)
    assert {k: p for k, e in db.entries.items() if (p := entry_pdflatex_problems(e))} == {}


def test_refs_as_committed_is_what_the_writer_writes():
    assert Database.load(REFS).text() == (REFS / "effllm.bib").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "fields, added",
    [
        pytest.param(
            {"author": "A, B", "eprint": "2301.00001", "archiveprefix": "arXiv"},
            {"eprinttype": "arxiv"},
            id="arxiv",
        ),
        pytest.param(
            {
                "author": "A, B",
                "eprint": "2301.00001",
                "archiveprefix": "arXiv",
                "eprinttype": "arxiv",
            },
            {},
            id="arxiv-already",
        ),
        pytest.param({"title": "{vLLM}"}, {"key": "vLLM"}, id="no-author"),
        pytest.param(
            {"author": "A, B", "title": "{vLLM}", "key": "vLLM"}, {"key": ""}, id="authors-arrived"
        ),
        pytest.param({"author": "A, B", "title": "T", "key": "Sorted Here"}, {}, id="curated-key"),
    ],
)
def test_reader_fields(fields, added):
    entry = Entry.make("k", "misc", fields)
    assert reader_fields(entry) == entry.with_fields(**added)
    assert reader_fields(reader_fields(entry)) == reader_fields(entry)
