"""LaTeX field values as text (pylatexenc, with TeX logos, boxes and unknown macros kept)."""

from __future__ import annotations

import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from effllm_bib.latex import to_text
from effllm_bib.tex_escape import protect_title

from .conftest import need


@pytest.mark.parametrize(
    "latex, text",
    [
        pytest.param("The \\TeX book", "The TeXbook", id="logo-eats-the-space-as-tex-does"),
        pytest.param("\\TeX", "TeX", id="logo-alone-is-not-empty"),
        pytest.param("\\LaTeX{} and \\BibTeX", "LaTeX and BibTeX", id="logos"),
        pytest.param("$\\infty$-former", "∞-former", id="math-symbol"),
        pytest.param("$O(n^2)$ time", "O(n²) time", id="math-superscript-digit"),
        pytest.param("D$_2$O and H$_{2}$O", "D₂O and H₂O", id="math-subscript-digits"),
        pytest.param("$n^{-1}$ and $x_i$", "n⁻¹ and x_i", id="math-script-without-unicode-kept"),
        pytest.param("W$_{\\text{int}}$", "W_int", id="math-script-of-words-kept"),
        pytest.param("{\\\"o}ber and \\'{e}t\\'e", "öber and été", id="accents"),
        pytest.param("\\mbox{GPU} kernels", "GPU kernels", id="box-keeps-its-text"),
        pytest.param("\\url{https://x.org}", "https://x.org", id="url"),
        pytest.param("{\\sc Small} caps", "Small caps", id="font-switch"),
        pytest.param("\\rlap{Lutz}", "Lutz", id="unknown-macro-with-group-gives-the-group"),
        pytest.param("\\NTG{} meeting", "NTG meeting", id="unknown-macro-alone-gives-its-name"),
        pytest.param("{\\noopsort{a}}Zebra", "Zebra", id="noopsort"),
        pytest.param(
            "pages 1--2 --- a ``quote'' and Pearl's",
            "pages 1–2 — a “quote” and Pearl’s",
            id="ligatures-and-quotes",
        ),
        pytest.param("DVI\\kern-.15em VDU", "DVIVDU", id="kern"),
        pytest.param("\\mkbibquote{Intention}", "“Intention”", id="biblatex-quote"),
        pytest.param("A \\& B, 100\\%", "A & B, 100%", id="escapes"),
        pytest.param("Plain   text\n wrapped", "Plain text wrapped", id="white-space"),
    ],
)
def test_to_text(latex, text):
    assert to_text(latex) == text


# pandoc's plain text of the same LaTeX, where both give one: scripts in Unicode where every
# character has one (pandoc writes x_(i) for the others, we keep pylatexenc's x_i)
PANDOC_SCRIPTS = ["D$_2$O", "H$_{2}$O", "$O(n^2)$", "$n^{-1}$", "$10^{(3)}$", "$x_{12}$"]


@pytest.mark.parametrize("latex", PANDOC_SCRIPTS)
def test_scripts_read_as_pandoc_reads_them(latex):
    need("pandoc")
    pandoc = subprocess.run(
        ["pandoc", "-f", "latex", "-t", "plain"], input=latex, capture_output=True, text=True
    )
    assert to_text(latex) == pandoc.stdout.strip()


@pytest.mark.parametrize(
    "title, expected",
    [
        pytest.param(
            "SparseGPT: Massive Language Models", "{SparseGPT}: Massive Language Models", id="camel"
        ),
        pytest.param(
            "KV-Runahead: Scalable Causal LLM",
            "{KV-Runahead}: Scalable Causal {LLM}",
            id="hyphen-colon",
        ),
        pytest.param("Soaring from 4K to 400K", "Soaring from {4K} to {400K}", id="digits"),
        pytest.param(
            "FLM-101B: with $100 K Budget", "{FLM-101B}: with \\$100 K Budget", id="dollar"
        ),
        pytest.param("E^2-LLM:Efficient", "E\\^{}2-{LLM}:Efficient", id="caret"),
        pytest.param("Curated {GPT} & more", "Curated {GPT} \\& more", id="already-braced"),
        pytest.param("LLM-Pruner: On", "{LLM-Pruner}: On", id="method-name-hyphen"),
        pytest.param(
            "DeepSpeed-Inference: Enabling", "{DeepSpeed-Inference}: Enabling", id="two-camel-parts"
        ),
        pytest.param("GPT3.int8(): 8-bit", "{GPT3.int8()}: 8-bit", id="dotted-call"),
        pytest.param("Pre-Trained Models", "Pre-Trained Models", id="plain-hyphenated-words"),
        pytest.param("Scaling to LLMs.", "Scaling to {LLMs}.", id="sentence-end"),
        pytest.param("Llama-2-7B and U.S. data", "{Llama-2-7B} and U.S. data", id="three-parts"),
    ],
)
def test_protect_title(title, expected):
    assert protect_title(title) == expected


# --- the walker that reads runs of ordinary characters as one token (export speed) ---------------


def _parse(walker_class: type, value: str) -> tuple[str, str]:
    """What a walker makes of ``value``: its nodes (parsing states left out: they are objects
    of each walk) and the text they convert to."""
    import re

    from effllm_bib.latex import _converter, _walking

    db, _ = _walking()
    walker = walker_class(value, latex_context=db, tolerant_parsing=True)
    nodes, pos, length = walker.get_latex_nodes()
    shown = re.sub(r"<parsing state \d+>", "", repr((nodes, pos, length)))
    return shown, _converter().nodelist_to_text(nodes)


def _pylatexenc_walker():
    from pylatexenc.latexwalker import LatexWalker

    return LatexWalker


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("Dynamic reporting with {R\\slash Sweave} and {\\LaTeX}", id="title"),
        pytest.param(
            "Bicz{\\'o} and \\'e and \\v s and \\'  e", id="accent-arguments-read-one-char"
        ),
        pytest.param("\\acro UTF-8 and \\acro{UTF}", id="argument-without-braces"),
        pytest.param("{\\TeX} Live  \n  under Windows", id="spaces-before-a-run"),
        pytest.param("one\n\ntwo \n\n\n three", id="paragraph-breaks"),
        pytest.param("a [b] \\mbox[x]{y} c*d \\foo* e", id="brackets-and-stars"),
        pytest.param("x $a b^2 \\le c$ y $$d e$$ z", id="math"),
        pytest.param(
            "1--2 --- ``q'' ?` !` ~ & # \\& 50\\% % a comment\nnext", id="specials-and-comment"
        ),
        pytest.param("\\begin{quote} a b \\end{quote} c", id="environment"),
        pytest.param("{unclosed {group and } stray }} end", id="unbalanced"),
        pytest.param("Nyström — Łańcucki\u00a0and\u2009thin", id="non-ascii-and-unicode-spaces"),
    ],
)
def test_run_reading_walker_parses_as_pylatexenc_does(value):
    from effllm_bib.latex import _walking

    assert _parse(_walking()[1], value) == _parse(_pylatexenc_walker(), value)


@given(st.text(alphabet="ab Z.,\n\t\u00a0{}[]\\'\"`-~$%&#*^_!?voTeX", max_size=40))
@settings(max_examples=400, deadline=None)
def test_run_reading_walker_parses_any_text_as_pylatexenc_does(value):
    from effllm_bib.latex import _walking

    assert _parse(_walking()[1], value) == _parse(_pylatexenc_walker(), value)


# --- the text of a value from the texts of its top-level parts ----------------------------------

_PIECES = ["{", "}", "{", "}", "\\TeX", "\\TeX ", "\\'", "\\'e", '{\\"a}', "\\acro", "\\NTG",
           "\\v s", "\\rlap", "\\kern", "\\{", "\\}", "\\\\", "\\verb|{|", "\\begin{quote}",
           "\\end{quote}", "e", "Word", " ", "  ", "\n", "\n\n", "--", "---", "~", "'", "''", "`",
           "-", "[", "]", "$", "%", "ö", "\u00a0", "&", "!`", "?`", "!", "?", "\\,", "\\ ",
           "\\/", "\\-", "\\&", "\\#", "\\_", "\\@", "\\:", "\\;", "\\!", "#"]  # fmt: skip


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("{Olde worlde {\\TeX}}", id="title-in-a-group"),
        pytest.param('Feuers{\\"a}nger', id="accent-in-a-group"),
        pytest.param(
            "Dynamic reporting with {R\\slash Sweave} and {\\LaTeX}", id="macros-in-groups"
        ),
        pytest.param("{\\acro}{UTF} and {\\NTG}{} and {A }{ B}", id="macro-ending-a-group"),
        pytest.param("An indexing facility for \\TeX", id="logo-at-top-level"),
        pytest.param(
            "The \\TeX book, \\TeX\\ Live, \\TeXé and \\TeX\n\n  x", id="logo-eats-its-space"
        ),
        pytest.param(
            "\\acro{TUG} 2013 and \\acro {A {\\TeX} B}{C} \\acro\n\n{D}", id="one-argument"
        ),
        pytest.param(
            "{\\it Math into {\\TeX}} \\NTG{} \\rlap{Lutz}", id="switch-and-unknown-macros"
        ),
        pytest.param("\\CTAN archive, \\CTAN{} and \\CTAN {x} \\CTAN\n\n{y}", id="unknown-macro"),
        pytest.param("{a} -- {b}~c '' {\\tt x} ``y''", id="specials-between-groups"),
        pytest.param("{a [\\foo[}]{b}]}", id="bracket-beside-a-macro"),
        pytest.param("{a} } {b", id="unbalanced"),
    ],
)
def test_text_in_parts_is_the_text_of_one_parse(value):
    from effllm_bib.latex import _converter

    assert _converter().latex_to_text(value) == _converter().parsed_text(value)


@given(st.lists(st.sampled_from(_PIECES), max_size=12).map("".join))
@settings(max_examples=600, deadline=None)
def test_text_in_parts_is_the_text_of_one_parse_for_any_text(value):
    from effllm_bib.latex import _converter

    assert _converter().latex_to_text(value) == _converter().parsed_text(value)
