from pathlib import Path

import pytest

from effllm_bib.errors import TaxonomyError, UnknownCategoryError
from effllm_bib.taxonomy import load_taxonomy

ISSUE_ALIASES = [
    "pruning",
    "quantization",
    "ptq",
    "qat",
    "kd",
    "peft",
    "lora",
    "moe",
    "kv-cache",
    "speculative-decoding",
    "ssm",
    "long-context",
]


def test_real_taxonomy_shape(taxonomy):
    assert taxonomy.roots() == ["model-centric", "data-centric", "system-level"]
    assert len(taxonomy) >= 60
    assert taxonomy.get("weight-only-quantization").parent == "post-training-quantization"
    assert set(taxonomy.children("llm-frameworks")) == {
        "frameworks-training",
        "frameworks-inference",
        "frameworks-fine-tuning",
    }


@pytest.mark.parametrize("alias", ISSUE_ALIASES)
def test_aliases_people_type_resolve(taxonomy, alias):
    assert taxonomy.resolve(alias) in taxonomy


def test_subtree_includes_descendants(taxonomy):
    assert taxonomy.subtree(["pruning"]) == {
        "parameter-pruning",
        "structured-pruning",
        "unstructured-pruning",
    }


def test_unknown_category_suggests_closest(taxonomy):
    with pytest.raises(UnknownCategoryError) as info:
        taxonomy.resolve("prunning")
    assert "parameter-pruning" in info.value.suggestions
    assert "\n" not in str(info.value)


BAD = [
    pytest.param('[[category]]\nslug = "a"\nname = "A"\n[[category]]\nslug = "a"\nname = "B"\n',
                 "'a' is defined twice", id="duplicate-slug"),
    pytest.param('[[category]]\nslug = "a"\nname = "A"\naliases = ["x"]\n'
                 '[[category]]\nslug = "b"\nname = "B"\naliases = ["x"]\n',
                 "alias 'x' of 'b' is already used by 'a'", id="duplicate-alias"),
    pytest.param('[[category]]\nslug = "a"\nname = "A"\nparent = "zz"\n',
                 "'a' has parent 'zz', which is not defined", id="missing-parent"),
    pytest.param('[[category]]\nslug = "a"\nname = "A"\nparent = "b"\n'
                 '[[category]]\nslug = "b"\nname = "B"\nparent = "a"\n',
                 "its own ancestor", id="cycle"),
    pytest.param('[[category]]\nslug = "Bad Slug"\nname = "A"\n', "'Bad Slug' must be lower-case",
                 id="bad-slug"),
    pytest.param('[[category]]\nslug = "a"\nname = "A"\ncolour = "red"\n', "unknown key(s) colour",
                 id="unknown-key"),
    pytest.param('[[category]\nslug = "a"\n', "invalid TOML", id="toml-syntax"),
    pytest.param('title = "no categories"\n', "no [[category]] tables", id="empty"),
]  # fmt: skip


@pytest.mark.parametrize("text, message", BAD)
def test_malformed_taxonomy_is_named(tmp_path: Path, text, message):
    path = tmp_path / "taxonomy.toml"
    path.write_text(text)
    with pytest.raises(TaxonomyError) as info:
        load_taxonomy(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)


def test_toml_error_has_line(tmp_path: Path):
    path = tmp_path / "taxonomy.toml"
    path.write_text('[[category]]\nslug = "a"\nname = \n')
    with pytest.raises(TaxonomyError) as info:
        load_taxonomy(path)
    assert info.value.line == 3
