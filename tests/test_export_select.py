"""Which entries an export writes, and in which form: ``export.select`` on a small database."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from effllm_bib.database import Database
from effllm_bib.errors import (
    EffllmBibError,
    TaxonomyMissingError,
    UnknownCategoryError,
    UnknownKeyError,
)
from effllm_bib.export.select import ExportRequest, select_export

from .conftest import REFS

BIB = """@string{icml = {International Conference on Machine Learning}}

@inproceedings{ada2023neurips,
  author = {Lovelace, Ada},
  title = {Sparse Transformers},
  booktitle = {Advances in Neural Information Processing Systems},
  year = {2023},
  keywords = {unstructured-pruning},
}

@misc{bob2024arxiv,
  author = {Babbage, Charles},
  title = {Pruned Heads},
  year = {2024},
  eprint = {2401.00001},
  archiveprefix = {arXiv},
  keywords = {structured-pruning},
}

@article{cat2022journal,
  author = {Hopper, Grace},
  title = {Four Bits Are Enough},
  journal = {Transactions on Machine Learning Research},
  year = {2022},
  keywords = {weight-only-quantization},
}

@inproceedings{dan2024icml,
  author = {Turing, Alan},
  title = {Integer Inference},
  booktitle = icml,
  year = {2024},
  keywords = {weight-only-quantization, structured-pruning},
}

@misc{eve-undated,
  author = {Noether, Emmy},
  title = {A Note Without a Year},
  keywords = {unstructured-pruning},
}
"""
ALL = ["ada2023neurips", "bob2024arxiv", "cat2022journal", "dan2024icml", "eve-undated"]


@pytest.fixture
def db(tmp_path: Path) -> Database:
    (tmp_path / "effllm.bib").write_text(BIB)
    shutil.copyfile(REFS / "taxonomy.toml", tmp_path / "taxonomy.toml")
    return Database.load(tmp_path)


@pytest.fixture
def lone(tmp_path: Path) -> Database:
    """The same entries in a .bib file alone: no taxonomy."""
    (tmp_path / "lone.bib").write_text(BIB)
    return Database.load(tmp_path / "lone.bib")


@pytest.mark.parametrize(
    "options, keys",
    [
        pytest.param({}, ALL, id="everything"),
        pytest.param(
            {"categories": ("pruning",)},
            ["ada2023neurips", "bob2024arxiv", "dan2024icml", "eve-undated"],
            id="alias-and-descendants",
        ),
        pytest.param(
            {"categories": ("structured-pruning", "weight-only-quantization")},
            ["bob2024arxiv", "cat2022journal", "dan2024icml"],
            id="union-of-categories",
        ),
        pytest.param({"year": "2024"}, ["bob2024arxiv", "dan2024icml"], id="year"),
        pytest.param({"year": "2022-2023"}, ["ada2023neurips", "cat2022journal"], id="year-range"),
        pytest.param(
            {"since": 2023},
            ["ada2023neurips", "bob2024arxiv", "dan2024icml"],
            id="since-drops-undated",
        ),
        pytest.param(
            {"year": "2022-2024", "since": 2024},
            ["bob2024arxiv", "dan2024icml"],
            id="since-narrows-range",
        ),
        pytest.param(
            {"published_only": True},
            ["ada2023neurips", "cat2022journal", "dan2024icml"],
            id="published-only",
        ),
        pytest.param({"venue": "NeurIPS"}, ["ada2023neurips"], id="venue-short-name"),
        pytest.param({"venue": "ICML"}, ["dan2024icml"], id="venue-through-string-macro"),
        pytest.param({"venue": "machine learning research"}, ["cat2022journal"], id="venue-text"),
        pytest.param(
            {"keys": ("dan2024icml", "ada2023neurips")},
            ["ada2023neurips", "dan2024icml"],
            id="keys-sorted",
        ),
        pytest.param(
            {"keys": ("dan2024icml", "ada2023neurips"), "categories": ("quantization",)},
            ["dan2024icml"],
            id="keys-and-category",
        ),
        pytest.param(
            {"categories": ("pruning",), "published_only": True, "since": 2024},
            ["dan2024icml"],
            id="all-filters-together",
        ),
    ],
)
def test_which_entries(db: Database, options: dict[str, Any], keys: list[str]) -> None:
    selection = select_export(db, ExportRequest(**options))
    assert [e.key for e in selection.entries] == keys
    assert [e.key for e in selection.chosen] == keys


@pytest.mark.parametrize(
    "name, cited, typed, keys, missing",
    [
        pytest.param(
            "paper.aux",
            "\\relax\n\\citation{dan2024icml,ada2023neurips}\n"
            "\\citation{zed2020x}\n\\citation{*}\n",
            (),
            ["ada2023neurips", "dan2024icml"],
            ["zed2020x"],
            id="aux-file",
        ),
        pytest.param(
            "keys.txt",
            "% my list\nbob2024arxiv\n\n  cat2022journal  \nnope2021\n",
            (),
            ["bob2024arxiv", "cat2022journal"],
            ["nope2021"],
            id="key-list",
        ),
        pytest.param("paper.aux", "\\relax\n", (), [], [], id="aux-citing-nothing-exports-nothing"),
        pytest.param(
            "keys.txt",
            "bob2024arxiv\n",
            ("eve-undated",),
            ["bob2024arxiv", "eve-undated"],
            [],
            id="file-and-typed-keys",
        ),
    ],
)
def test_keys_from_a_file(
    db: Database,
    tmp_path: Path,
    name: str,
    cited: str,
    typed: tuple[str, ...],
    keys: list[str],
    missing: list[str],
) -> None:
    aux = tmp_path / name
    aux.write_text(cited)
    selection = select_export(db, ExportRequest(keys=typed, keys_from=aux))
    assert ([e.key for e in selection.entries], selection.missing_keys) == (keys, missing)


@pytest.mark.parametrize(
    "options, error, message",
    [
        pytest.param(
            {"keys": ("ada2023neurips", "nobody2020")},
            UnknownKeyError,
            "no entry with key 'nobody2020'",
            id="unknown-typed-key",
        ),
        pytest.param(
            {"year": "twenty"}, EffllmBibError, "--year 'twenty' is not a year", id="bad-year"
        ),
        pytest.param(
            {"year": "2024-"}, EffllmBibError, "--year '2024-' is not a year", id="half-range"
        ),
        pytest.param(
            {"categories": ("prunning",)},
            UnknownCategoryError,
            "unknown category 'prunning'",
            id="unknown-category",
        ),
    ],
)
def test_bad_requests(
    db: Database, options: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        select_export(db, ExportRequest(**options))


@pytest.mark.parametrize(
    "options",
    [
        pytest.param({"categories": ("pruning",)}, id="category"),
        pytest.param({"keyword_mode": "path"}, id="keyword-paths"),
    ],
)
def test_a_lone_file_has_no_categories(lone: Database, options: dict[str, Any]) -> None:
    with pytest.raises(TaxonomyMissingError):
        select_export(lone, ExportRequest(**options))


def test_a_lone_file_exports_with_filters(lone: Database) -> None:
    selection = select_export(lone, ExportRequest(since=2024, fmt="ris"))
    assert ([e.key for e in selection.entries], selection.scope) == (
        ["bob2024arxiv", "dan2024icml"],
        "all categories",
    )


@pytest.mark.parametrize(
    "fmt, present, absent",
    [
        pytest.param(
            "bibtex",
            ["@string{icml = {International Conference on Machine Learning}}", "booktitle = icml,"],
            [],
            id="bibtex-keeps-the-macro",
        ),
        pytest.param(
            "biblatex",
            ["@string{icml = {International Conference on Machine Learning}}"],
            [],
            id="biblatex-keeps-the-macro",
        ),
        pytest.param(
            "csl-json",
            ['"container-title": "International Conference on Machine Learning"'],
            ['"icml"'],
            id="csl-json-expands-it",
        ),
        pytest.param(
            "ris",
            ["T2  - International Conference on Machine Learning"],
            ["- icml"],
            id="ris-expands-it",
        ),
    ],
)
def test_macros_kept_or_expanded(
    db: Database, fmt: Any, present: list[str], absent: list[str]
) -> None:
    text = select_export(db, ExportRequest(keys=("dan2024icml",), fmt=fmt)).text()
    assert [p for p in present if p not in text] == []
    assert [a for a in absent if a in text] == []


@pytest.mark.parametrize(
    "options, header",
    [
        pytest.param({}, "% effllm-bib export: 5 entries (all categories)", id="everything"),
        pytest.param(
            {"categories": ("pruning", "sparsity")},
            "% effllm-bib export: 4 entries (parameter-pruning, unstructured-pruning)",
            id="aliases-named-by-slug",
        ),
    ],
)
def test_header_names_the_scope(db: Database, options: dict[str, Any], header: str) -> None:
    assert select_export(db, ExportRequest(**options)).text().splitlines()[0] == header


@pytest.mark.parametrize(
    "mode, keywords",
    [
        pytest.param("leaf", "weight-only-quantization, structured-pruning", id="leaf"),
        pytest.param(
            "path",
            "model-centric/model-compression/quantization/post-training-quantization"
            "/weight-only-quantization, model-centric/model-compression/parameter-pruning"
            "/structured-pruning",
            id="path",
        ),
    ],
)
def test_keywords_as_leaves_or_paths(db: Database, mode: Any, keywords: str) -> None:
    selection = select_export(db, ExportRequest(keys=("dan2024icml",), keyword_mode=mode))
    assert selection.entries[0].get("keywords") == keywords
    assert selection.chosen[0].get("keywords") == "weight-only-quantization, structured-pruning"


@pytest.mark.parametrize(
    "categories, groups",
    [
        pytest.param(
            (),
            [
                "0 AllEntriesGroup:;",
                "1 ExplicitGroup:Model-Centric Methods\\;0\\;;",
                "2 ExplicitGroup:Model Compression\\;0\\;;",
                "3 ExplicitGroup:Quantization\\;0\\;;",
                "4 ExplicitGroup:Post-Training Quantization\\;0\\;;",
                "5 ExplicitGroup:Weight-Only Quantization\\;0\\;cat2022journal\\;dan2024icml\\;;",
                "3 ExplicitGroup:Parameter Pruning\\;0\\;;",
                "4 ExplicitGroup:Structured Pruning\\;0\\;bob2024arxiv\\;dan2024icml\\;;",
                "4 ExplicitGroup:Unstructured Pruning\\;0\\;ada2023neurips\\;eve-undated\\;;",
            ],
            id="whole-tree",
        ),
        pytest.param(
            ("structured-pruning",),
            [
                "0 AllEntriesGroup:;",
                "1 ExplicitGroup:Model-Centric Methods\\;0\\;;",
                "2 ExplicitGroup:Model Compression\\;0\\;;",
                "3 ExplicitGroup:Parameter Pruning\\;0\\;;",
                "4 ExplicitGroup:Structured Pruning\\;0\\;bob2024arxiv\\;dan2024icml\\;;",
            ],
            id="within-the-category",
        ),
    ],
)
def test_collections_add_the_groups(
    db: Database, categories: tuple[str, ...], groups: list[str]
) -> None:
    text = select_export(db, ExportRequest(categories=categories, collections=True)).text()
    tree = text.split("@comment{jabref-meta: groupstree:\n", 1)[1]
    assert tree.splitlines() == [*groups, "}"]
