"""LaTeX field values as text (pylatexenc, with TeX logos, boxes and unknown macros kept)."""

from __future__ import annotations

import pytest

from effllm_bib.latex import protect_title, to_text


@pytest.mark.parametrize(
    "latex, text",
    [
        pytest.param("The \\TeX book", "The TeXbook", id="logo-eats-the-space-as-tex-does"),
        pytest.param("\\TeX", "TeX", id="logo-alone-is-not-empty"),
        pytest.param("\\LaTeX{} and \\BibTeX", "LaTeX and BibTeX", id="logos"),
        pytest.param("$\\infty$-former", "∞-former", id="math-symbol"),
        pytest.param("$O(n^2)$ time", "O(n^2) time", id="math-kept-as-text"),
        pytest.param("{\\\"o}ber and \\'{e}t\\'e", "öber and été", id="accents"),
        pytest.param("\\mbox{GPU} kernels", "GPU kernels", id="box-keeps-its-text"),
        pytest.param("\\url{https://x.org}", "https://x.org", id="url"),
        pytest.param("{\\sc Small} caps", "Small caps", id="font-switch"),
        pytest.param("\\rlap{Lutz}", "Lutz", id="unknown-macro-with-group-gives-the-group"),
        pytest.param("\\NTG{} meeting", "NTG meeting", id="unknown-macro-alone-gives-its-name"),
        pytest.param("{\\noopsort{a}}Zebra", "Zebra", id="noopsort"),
        pytest.param("pages 1--2 --- a ``quote'' and Pearl's", "pages 1–2 — a “quote” and Pearl’s",
                     id="ligatures-and-quotes"),
        pytest.param("DVI\\kern-.15em VDU", "DVIVDU", id="kern"),
        pytest.param("\\mkbibquote{Intention}", "“Intention”", id="biblatex-quote"),
        pytest.param("A \\& B, 100\\%", "A & B, 100%", id="escapes"),
        pytest.param("Plain   text\n wrapped", "Plain text wrapped", id="white-space"),
    ],
)  # fmt: skip
def test_to_text(latex, text):
    assert to_text(latex) == text


@pytest.mark.parametrize(
    "title, expected",
    [
        pytest.param(
            "SparseGPT: Massive Language Models", "{SparseGPT}: Massive Language Models", id="camel"
        ),
        pytest.param(
            "KV-Runahead: Scalable Causal LLM",
            "{KV}-Runahead: Scalable Causal {LLM}",
            id="hyphen-colon",
        ),
        pytest.param("Soaring from 4K to 400K", "Soaring from {4K} to {400K}", id="digits"),
        pytest.param(
            "FLM-101B: with $100 K Budget", "{FLM}-{101B}: with \\$100 K Budget", id="dollar"
        ),
        pytest.param("E^2-LLM:Efficient", "E\\^{}2-{LLM}:Efficient", id="caret"),
        pytest.param("Curated {GPT} & more", "Curated {GPT} \\& more", id="already-braced"),
    ],
)
def test_protect_title(title, expected):
    assert protect_title(title) == expected
