"""Our CSL-JSON against pandoc's on real files (bench/csl_vs_pandoc.py), with an agreement floor."""

from __future__ import annotations

import importlib.util
import shutil
import sys

import pytest

from .conftest import REPO, SHARED

REALBIB = SHARED / "data" / "realbib"
# Files whose values need no @string macros or crossref (the reader resolves those).
FILES = ["biber/etc_papers.bib", "biber/t_tdata_names.bib", "pbp/examples_bibtex.bib"]
# Per field, and on average. What is left is pandoc's own choices and errors, each a class in
# the benchmark's report: \'\i as a dotless i, spaces between initials, unknown macros dropped
# with their text, @misc without a type.
FIELD_FLOOR, MEAN_FLOOR = 0.97, 0.98


def _bench():  # bench/ is not a package: load the script as a module
    spec = importlib.util.spec_from_file_location(
        "csl_vs_pandoc", REPO / "bench" / "csl_vs_pandoc.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pandoc") is None, reason="needs pandoc")
@pytest.mark.skipif(not REALBIB.is_dir(), reason="needs ../shared/data/realbib")
def test_agreement_with_pandoc(tmp_path):
    bench = _bench()
    tally = bench.run([REALBIB / f for f in FILES], examples=0, cache=tmp_path)
    agreement = bench.agreement(tally)
    assert tally.files == len(FILES) and tally.missing == 0
    assert set(agreement) == set(bench.FIELDS)
    assert min(agreement.values()) >= FIELD_FLOOR, agreement
    assert sum(agreement.values()) / len(agreement) >= MEAN_FLOOR, agreement
