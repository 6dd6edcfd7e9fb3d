import pytest

from effllm_bib import normalize as n

ARXIV_URLS = [
    pytest.param("https://arxiv.org/abs/2301.00774", "2301.00774", id="abs"),
    pytest.param("https://arxiv.org/pdf/2306.03078", "2306.03078", id="pdf"),
    pytest.param("https://arxiv.org/pdf/2310.09499v1.pdf", "2310.09499", id="pdf-version-suffix"),
    pytest.param("https://arxiv.org/html/2406.04984v1", "2406.04984", id="html-version"),
    pytest.param("https://www.arxiv.org/abs/2407.14679", "2407.14679", id="www"),
    pytest.param("https://doi.org/10.48550/arXiv.2305.18403", "2305.18403", id="arxiv-doi"),
    pytest.param("https://huggingface.co/papers/2407.14057", "2407.14057", id="hf-papers"),
    pytest.param("https://arxiv.org/abs/2309.14717 ", "2309.14717", id="trailing-space"),
    pytest.param("https://arxiv.org/abs/hep-th/9901001v2", "hep-th/9901001", id="old-scheme"),
    pytest.param("https://openreview.net/forum?id=tcbBPnfwxS", None, id="openreview"),
    pytest.param("https://aclanthology.org/2022.acl-long.331.pdf", None, id="acl-anthology"),
]


@pytest.mark.parametrize("url, expected", ARXIV_URLS)
def test_arxiv_id_from_url(url, expected):
    assert n.arxiv_id_from_url(url) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        pytest.param("arXiv:2301.00774v2", "2301.00774", id="prefix-and-version"),
        pytest.param("2301.00774", "2301.00774", id="bare"),
        pytest.param("not an id", None, id="garbage"),
    ],
)
def test_normalize_arxiv_id(value, expected):
    assert n.normalize_arxiv_id(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        pytest.param(
            "https://doi.org/10.1016/j.aiopen.2023.08.012", "10.1016/j.aiopen.2023.08.012", id="url"
        ),
        pytest.param(
            "doi:10.18653/v1/2023.acl-long.1.", "10.18653/v1/2023.acl-long.1", id="prefix-and-dot"
        ),
        pytest.param(
            "https://dl.acm.org/doi/abs/10.1145/3600006.3613165",
            "10.1145/3600006.3613165",
            id="acm-link",
        ),
        pytest.param("nothing", None, id="none"),
    ],
)
def test_normalize_doi(value, expected):
    assert n.normalize_doi(value) == expected


@pytest.mark.parametrize(
    "raw, short, kind",
    [
        pytest.param("NeurlPS", "NeurIPS", "conference", id="neurlps-typo"),
        pytest.param("NIPS", "NeurIPS", "conference", id="nips"),
        pytest.param(" NeurIPS", "NeurIPS", "conference", id="leading-space"),
        pytest.param("Arxiv", "arXiv", "preprint", id="arxiv-case"),
        pytest.param(
            "NeurIPS-ENLSP", "NeurIPS ENLSP Workshop", "workshop", id="workshop-kept-distinct"
        ),
        pytest.param("ICML Workshop", "ICML Workshop", "workshop", id="icml-workshop"),
        pytest.param(
            "EMNLP-Findings", "Findings of EMNLP", "conference", id="findings-kept-distinct"
        ),
        pytest.param("ACL Findings", "Findings of ACL", "conference", id="acl-findings"),
        pytest.param("NAACL-HLT", "NAACL", "conference", id="naacl-hlt"),
        pytest.param("TMLR", "TMLR", "journal", id="journal"),
        pytest.param("Blog", "Blog", "blog", id="blog"),
    ],
)
def test_lookup_venue(raw, short, kind):
    venue = n.lookup_venue(raw)
    assert venue is not None and (venue.short, venue.kind) == (short, kind)


def test_unknown_venue_is_none():
    assert n.lookup_venue("Conference of Nowhere") is None


@pytest.mark.parametrize(
    "title, expected",
    [
        pytest.param(
            "OmniQuant: OmniQuant: Omnidirectionally Calibrated Quantization",
            "OmniQuant: Omnidirectionally Calibrated Quantization",
            id="doubled",
        ),
        pytest.param("GPTQ: Accurate Quantization", "GPTQ: Accurate Quantization", id="single"),
    ],
)
def test_fix_doubled_prefix(title, expected):
    assert n.fix_doubled_prefix(title) == expected


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
    assert n.protect_title(title) == expected


def test_fold_ignores_case_punctuation_latex_and_accents():
    assert n.fold("{Nyströmformer}: A \\& B") == n.fold("nystromformer a & b")


@pytest.mark.parametrize(
    "raw, expected",
    [
        pytest.param("4582-4597", "4582--4597", id="hyphen"),
        pytest.param("4582–4597", "4582--4597", id="en-dash"),
        pytest.param("4582 — 4597", "4582--4597", id="em-dash-spaced"),
        pytest.param("4582--4597", "4582--4597", id="already"),
        pytest.param("e123", "e123", id="article-number"),
    ],
)
def test_normalize_pages(raw, expected):
    assert n.normalize_pages(raw) == expected
