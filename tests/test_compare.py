"""Comparing text: the fold, title repairs."""

import pytest

from effllm_bib import compare as n


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


def test_fold_ignores_case_punctuation_latex_and_accents():
    assert n.fold("{Nyströmformer}: A \\& B") == n.fold("nystromformer a & b")
