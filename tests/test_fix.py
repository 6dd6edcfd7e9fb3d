import pytest

from effllm_bib.fix import fix_entry
from effllm_bib.model import Entry
from effllm_bib.tex_escape import protect_words


def e(**fields):
    return Entry.make("k", "misc", {"title": "{T}", **fields})


@pytest.mark.parametrize(
    "before, after",
    [
        pytest.param(e(doi="https://doi.org/10.1000/x"), e(doi="10.1000/x"), id="doi-prefix"),
        pytest.param(
            e(eprint="2301.00774v2", archiveprefix="arXiv"),
            e(eprint="2301.00774", archiveprefix="arXiv"),
            id="arxiv-version",
        ),
        pytest.param(
            e(note="  two  spaces\n here "), e(note="  two  spaces\n here "), id="text-as-written"
        ),
        pytest.param(e(doi=" 10.1000/x\n"), e(doi="10.1000/x"), id="identifier-ends"),
        pytest.param(e(pages="1–10"), e(pages="1--10"), id="pages"),
        pytest.param(
            e(title="Pruning with SparseGPT: {Already} LLMs"),
            e(title="Pruning with {SparseGPT}: {Already} {LLMs}"),
            id="protect",
        ),
        pytest.param(e(url=" https://x.org/a  "), e(url="https://x.org/a"), id="url-stripped-only"),
        pytest.param(
            e(doi="10.48550/arXiv.2301.00774", eprint="2301.00774").with_type("article"),
            e(eprint="2301.00774").with_type("article"),
            id="arxiv-doi-dropped-from-published",
        ),
        pytest.param(
            e(doi="10.48550/arXiv.2301.00774").with_type("inproceedings"),
            e(eprint="2301.00774", archiveprefix="arXiv").with_type("inproceedings"),
            id="arxiv-doi-moved-to-eprint",
        ),
        pytest.param(
            e(doi="10.48550/arXiv.2301.00774"), e(doi="10.48550/arXiv.2301.00774"), id="preprint"
        ),
    ],
)
def test_fix(before, after):
    assert fix_entry(before) == after


def test_month_becomes_a_bare_macro():
    fixed = fix_entry(e(month="January"))
    assert fixed.get("month") == "jan" and "month" in fixed.bare


def test_fix_is_idempotent_and_keeps_good_entries():
    good = e(title="{SparseGPT}: Fine", pages="1--2", doi="10.1000/x")
    assert fix_entry(good) == good
    messy = e(title="SparseGPT  and LoRA", pages="3-4")
    assert fix_entry(fix_entry(messy)) == fix_entry(messy)


def test_protect_leaves_nested_braces_alone():
    assert protect_words("{A {GPT} b} with LoRA") == "{A {GPT} b} with {LoRA}"


@pytest.mark.parametrize(
    "title, fixed",
    [
        pytest.param(r"The \TeX book", r"The \TeX book", id="control-word"),
        pytest.param(r"\LaTeX{} for GPT", r"\LaTeX{} for {GPT}", id="control-word-with-group"),
        pytest.param(r"\mbox{GPT} and BERT", r"\mbox{GPT} and {BERT}", id="mbox-argument"),
        pytest.param(r"M\"uller on LLaMA", r"M\"uller on {LLaMA}", id="control-symbol"),
        pytest.param(r"Cost $O(N^2)$ on GPUs", r"Cost $O(N^2)$ on {GPUs}", id="math"),
        pytest.param(r"Cost $O(NM on GPUs", r"Cost $O(NM on GPUs", id="unclosed-math"),
        pytest.param("{LLM}-Pruner: On", "{LLM-Pruner}: On", id="partly-braced-name"),
        pytest.param("Efficient Q-{GaLore}", "Efficient {Q-GaLore}", id="braced-tail"),
        pytest.param("{GPT}-4 and {GPT}-3.5", "{GPT}-4 and {GPT}-3.5", id="nothing-lowered"),
        pytest.param("{The {GPU}-Way} On", "{The {GPU}-Way} On", id="inside-a-group"),
        pytest.param(r"$\infty$-Former", r"$\infty$-Former", id="after-math"),
    ],
)
def test_protect_never_touches_control_sequences_or_math(title, fixed):
    assert protect_words(title) == fixed
