"""Which pages count as primary evidence for an entry: one table, tested row by row."""

import pytest

from effllm_bib.evidence import PRIMARY_HOSTS, is_primary, only_secondary
from effllm_bib.model import Entry

PAPER = Entry.make("k", "inproceedings", {"title": "T"})
BLOG = Entry.make("k", "online", {"title": "T", "url": "https://blog.example.com/post/1"})
TOOL = Entry.make("k", "software", {"title": "T", "code": "https://github.com/Owner/Tool"})

CASES = [
    pytest.param("https://arxiv.org/abs/2306.13649", PAPER, True, id="arxiv-abs"),
    pytest.param("http://arxiv.org/pdf/2306.13649v2", PAPER, True, id="arxiv-pdf"),
    pytest.param("https://arxiv.org/html/2307.02301v1", PAPER, True, id="arxiv-html"),
    pytest.param("https://ar5iv.labs.arxiv.org/html/2306.13649", PAPER, True, id="arxiv-subdomain"),
    pytest.param("https://doi.org/10.18653/v1/2023.emnlp-main.298", PAPER, True, id="doi"),
    pytest.param("http://dx.doi.org/10.1145/1", PAPER, True, id="dx-doi"),
    pytest.param("https://openreview.net/forum?id=7fCKJnur4u", PAPER, True, id="openreview"),
    pytest.param("https://dblp.org/rec/conf/iclr/X24", PAPER, True, id="dblp"),
    pytest.param("https://dblp.uni-trier.de/rec/conf/x", PAPER, True, id="dblp-trier"),
    pytest.param("https://aclanthology.org/2023.emnlp-main.298/", PAPER, True, id="acl-anthology"),
    pytest.param("https://preview.aclanthology.org/x", PAPER, True, id="acl-anthology-subdomain"),
    pytest.param("https://dl.acm.org/doi/10.1145/1", PAPER, True, id="acm"),
    pytest.param("https://ieeexplore.ieee.org/document/1", PAPER, True, id="ieee"),
    pytest.param(
        "https://proceedings.neurips.cc/paper/2023/x", PAPER, True, id="neurips-proceedings"
    ),
    pytest.param("http://papers.nips.cc/paper_files/paper/2023/x", PAPER, True, id="nips-papers"),
    pytest.param("https://nips.cc./Conferences/2023", PAPER, True, id="nips-fqdn"),
    pytest.param("https://neurips.cc/virtual/2023/poster/1", PAPER, True, id="neurips"),
    pytest.param("https://proceedings.mlr.press/v202/x.html", PAPER, True, id="pmlr"),
    pytest.param("https://dev.iclr.cc/virtual/2024/poster/19484", PAPER, True, id="iclr"),
    pytest.param("https://icml.cc/virtual/2024/poster/1", PAPER, True, id="icml"),
    pytest.param("https://proceedings.mlsys.org/paper/2024/x", PAPER, True, id="mlsys"),
    pytest.param("https://www.usenix.org/conference/osdi24/x", PAPER, True, id="usenix"),
    pytest.param("https://ojs.aaai.org/index.php/AAAI/article/view/1", PAPER, True, id="aaai"),
    pytest.param("https://link.springer.com/chapter/1", PAPER, True, id="springer"),
    pytest.param("https://jmlr.org/papers/v1/x.html", PAPER, True, id="jmlr"),
    pytest.param("https://openaccess.thecvf.com/content/x", PAPER, True, id="cvf"),
    pytest.param("https://www.vldb.org/pvldb/vol17/x.pdf", PAPER, True, id="vldb"),
    pytest.param("https://colmweb.org/x", PAPER, True, id="colm"),
    pytest.param("https://tomesphere.com/paper/2305.19268", PAPER, False, id="summary-site"),
    pytest.param("https://www.sciencestack.ai/paper/2308.16369", PAPER, False, id="sciencestack"),
    pytest.param("https://paperswithcode.com/paper/x", PAPER, False, id="paperswithcode"),
    pytest.param("https://huggingface.co/papers/2306.13649", PAPER, False, id="hf-papers"),
    pytest.param("https://notarxiv.org/abs/1", PAPER, False, id="lookalike-host"),
    pytest.param("https://arxiv.org.evil.example/abs/1", PAPER, False, id="host-prefix-trick"),
    pytest.param("https://github.com/Owner/Tool", PAPER, False, id="github-without-code-field"),
    pytest.param("https://github.com/owner/tool/tree/main", TOOL, True, id="github-own-repository"),
    pytest.param("https://github.com/other/tool", TOOL, False, id="github-other-repository"),
    pytest.param("https://blog.example.com/other-post", BLOG, True, id="own-url-host"),
    pytest.param("https://example.com/post", BLOG, False, id="sibling-host"),
    pytest.param("not a url", PAPER, False, id="not-a-url"),
]


@pytest.mark.parametrize("url, entry, primary", CASES)
def test_is_primary(url, entry, primary):
    assert is_primary(url, entry) is primary


def test_the_table_has_each_host_once_in_lower_case():
    assert len(set(PRIMARY_HOSTS)) == len(PRIMARY_HOSTS)
    assert all(h == h.lower() and "/" not in h for h in PRIMARY_HOSTS)


@pytest.mark.parametrize(
    "sources, secondary",
    [
        pytest.param(
            "https://tomesphere.com/a https://www.sciencestack.ai/b", 2, id="all-secondary"
        ),
        pytest.param("https://tomesphere.com/a https://arxiv.org/abs/1", 0, id="one-primary"),
        pytest.param("https://tomesphere.com/a, https://paperswithcode.com/b;", 2, id="commas"),
        pytest.param("", 0, id="no-sources"),
    ],
)
def test_only_secondary(sources, secondary):
    assert len(only_secondary(Entry.make("k", "misc", {"sources": sources}))) == secondary
