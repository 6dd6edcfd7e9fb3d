"""Each check rule on the smallest database that triggers it."""

import pytest

from effllm_bib.check import check_entries
from effllm_bib.model import Entry, Severity

GOOD = {"author": "Frantar, Elias", "title": "SparseGPT", "year": "2023",
        "keywords": "unstructured-pruning", "eprint": "2301.00774", "archiveprefix": "arXiv"}  # fmt: skip


def entry(key="frantar2023sparsegpt", type_="misc", **fields):
    values = {**GOOD, **fields}
    return Entry.make(key, type_, {k: v for k, v in values.items() if v is not None})


def test_a_good_entry_has_no_findings(taxonomy):
    assert check_entries([entry()], taxonomy) == []


CASES = [
    pytest.param([entry(keywords="unstructured-prunin")], "unknown-keyword", Severity.ERROR, id="unknown-keyword"),
    pytest.param([entry(keywords=None)], "no-keywords", Severity.WARNING, id="no-keywords"),
    pytest.param([entry(author=None)], "no-author", Severity.WARNING, id="no-author"),
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
    pytest.param([entry(), entry(key="b", title="SparseGPT.", eprint="2301.00775")],
                 "near-duplicate-title", Severity.WARNING, id="near-duplicate-title"),
]  # fmt: skip


@pytest.mark.parametrize("entries, code, severity", CASES)
def test_rule(taxonomy, entries, code, severity):
    found = [p for p in check_entries(entries, taxonomy) if p.code == code]
    assert found and all(p.severity is severity for p in found)
    assert all("\n" not in p.message for p in found)
