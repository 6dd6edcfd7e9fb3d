"""Identifiers as written in the wild: arXiv ids (links, DOIs, versions), DOIs, page ranges."""

import pytest

from effllm_bib import identifiers as n

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


@pytest.mark.parametrize(
    "url, expected",
    [
        pytest.param(
            "https://github.com/microsoft/TransformerCompression?utm_source=catalyzex.com",
            "https://github.com/microsoft/TransformerCompression",
            id="catalyzex",
        ),
        pytest.param(
            "https://example.org/p?id=7&utm_medium=x&UTM_Campaign=y&ref=feed#sec-2",
            "https://example.org/p?id=7#sec-2",
            id="kept-in-order-with-fragment",
        ),
        pytest.param(
            "https://openreview.net/forum?id=gsP05g8IeK",
            "https://openreview.net/forum?id=gsP05g8IeK",
            id="no-tracking",
        ),
        pytest.param(
            "https://gitlab.com/a/b?ref_type=heads&reference=x&refresh",
            "https://gitlab.com/a/b?ref_type=heads&reference=x&refresh",
            id="names-that-only-start-with-ref",
        ),
        pytest.param("https://x.org/?fbclid=1&gclid=2&ref_src=tw", "https://x.org/", id="all-gone"),
        pytest.param("https://x.org/a#utm_source=z", "https://x.org/a#utm_source=z", id="fragment"),
    ],
)
def test_strip_tracking(url, expected):
    assert n.strip_tracking(url) == expected
