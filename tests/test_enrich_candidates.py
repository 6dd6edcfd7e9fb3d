"""Whose paper, which version: a search candidate is the entry's paper only when its title, its
authors and its version agree (enrich/candidates.py), and sources that name different published
versions decide nothing (enrich/upgrade.py)."""

from __future__ import annotations

import pytest

from effllm_bib.enrich.candidates import authors_agree, is_author_prefix, score, variant_of
from effllm_bib.enrich.upgrade import Candidate, decide
from effllm_bib.model import Entry


@pytest.mark.parametrize(
    "ours, theirs, reason",
    [
        pytest.param(
            "GaLore: Memory-Efficient LLM Training by Gradient Low-Rank Projection",
            "Q-GaLore: Quantized GaLore with INT4 Projection and Layer-Adaptive Low-Rank Gradients",
            "another version",
            id="q-variant",
        ),
        pytest.param(
            "Qwen2 Technical Report", "Qwen2.5 Technical Report", "another version", id="point-five"
        ),
        pytest.param(
            "EAGLE: Speculative Sampling Requires Rethinking Feature Uncertainty",
            "EAGLE-2: Faster Inference of Language Models with Dynamic Draft Trees",
            "another version",
            id="dash-2",
        ),
        pytest.param(
            "Outlier Suppression: Pushing the Limit of Low-bit Transformer Language Models",
            "Outlier Suppression+: Accurate Quantization of Large Language "
            "Models by Equivalent and Optimal Shifting and Scaling",
            "another version",
            id="plus",
        ),
        pytest.param(
            "LoRA: Low-Rank Adaptation of Large Language Models",
            "QLoRA: Efficient Finetuning of Quantized LLMs",
            "another method name",
            id="method-name",
        ),
        pytest.param(
            "{AWQ}: Activation-aware Weight Quantization for {LLM} Compression and Acceleration",
            "AWQ: Activation-aware Weight Quantization for On-Device "
            "LLM Compression and Acceleration",
            "",
            id="retitled-same-paper",
        ),
        pytest.param(
            "{SpQR}: A Sparse-Quantized Representation",
            "SpQR: A Sparse-Quantized Representation",
            "",
            id="braces",
        ),
    ],
)
def test_variants(ours, theirs, reason):
    assert variant_of(ours, theirs).startswith(reason) and bool(variant_of(ours, theirs)) == bool(
        reason
    )


def test_a_near_title_that_is_another_version_is_refused_though_the_title_is_close():
    # the Qwen team's reports: titles 96% alike, same first authors, a year apart
    ours = Entry.make(
        "q2",
        "misc",
        {
            "title": "Qwen2 Technical Report",
            "year": "2024",
            "author": "An Yang and Baosong Yang and Binyuan Hui and Bo Zheng",
        },
    )
    theirs = ours.with_fields(title="Qwen2.5 Technical Report")
    scored = score(ours, theirs)
    assert scored.title_score >= 92 and not scored.acceptable


@pytest.mark.parametrize(
    "ours, theirs, agree",
    [
        pytest.param(
            "Hsieh, Cheng-Yu",
            "Cheng-Yu Hsieh and Chun-Liang Li and Chih-Kuan Yeh",
            True,
            id="first-author-alone",
        ),
        pytest.param(
            "Zhao, Jiawei and Zhang, Zhenyu and Chen, Beidi",
            "Jiawei Zhao and Zhenyu Zhang and Beidi Chen and Zhangyang Wang",
            True,
            id="most-names",
        ),
        pytest.param(
            "Hu, Edward J. and Shen, Yelong and Wang, Shean",
            "Adam X. Yang and Maxime Robeyns and Xi Wang and Laurence Aitchison",
            False,
            id="one-shared-name",
        ),
    ],
)
def test_authors_agree_by_most_family_names(ours, theirs, agree):
    assert authors_agree(ours, theirs) is agree


@pytest.mark.parametrize(
    "ours, theirs, prefix",
    [
        pytest.param("Zhao, Jiawei", "Jiawei Zhao and Zhenyu Zhang", True, id="first-alone"),
        pytest.param("Zhao, Jiawei and others", "Jiawei Zhao and Zhenyu Zhang", True, id="et-al"),
        pytest.param("Zhang, Zhenyu", "Jiawei Zhao and Zhenyu Zhang", False, id="not-first"),
        pytest.param(
            "Zhao, Jiawei and Zhang, Zhenyu", "Jiawei Zhao and Zhenyu Zhang", False, id="same-list"
        ),
    ],
)
def test_author_prefix(ours, theirs, prefix):
    assert is_author_prefix(ours, theirs) is prefix


def test_sources_that_name_different_venues_decide_nothing():
    findings = Entry.make(
        "a",
        "inproceedings",
        {
            "year": "2023",
            "booktitle": "Findings of the Association for Computational Linguistics: ACL 2023",
        },
    )
    main = findings.with_fields(
        booktitle="Proceedings of the 61st Annual Meeting of the "
        "Association for Computational Linguistics (Volume 1: Long Papers)"
    )
    agreeing = decide([Candidate("dblp", findings, "d"), Candidate("crossref", findings, "c")])
    assert agreeing.chosen is not None and agreeing.chosen.source == "crossref"
    split = decide([Candidate("dblp", findings, "d"), Candidate("crossref", main, "c")])
    assert split.chosen is None and len(split.conflicting) == 2
