"""What Zotero's BibTeX import makes of refs/effllm.bib and of the exports, and the taxonomy as
JabRef groups (nested collections), read with the model of Zotero's rules in zotero_import.py."""

from __future__ import annotations

import pytest

from effllm_bib.cli import cli
from effllm_bib.database import Database
from effllm_bib.errors import EffllmBibError
from effllm_bib.export import renderer
from effllm_bib.export.groups import group_name, jabref_groups
from effllm_bib.model import Category, Entry
from effllm_bib.taxonomy import Taxonomy

from .conftest import REFS
from .zotero_import import GroupsRejected, import_bibtex, read_groups


def arxiv_lines(db: Database) -> dict[str, list[str]]:
    return {k: [f"arXiv: {e.get('eprint')}"] for k, e in db.entries.items() if e.get("eprint")}


def committed_bib(db: Database) -> str:
    return (REFS / "effllm.bib").read_text()


def exported_bibtex(db: Database) -> str:
    return renderer("bibtex")(db.select(), "")


def exported_biblatex(db: Database) -> str:
    return renderer("biblatex")(db.select(), "")


@pytest.mark.parametrize(
    "bib_text",
    [
        pytest.param(committed_bib, id="committed"),
        pytest.param(exported_bibtex, id="bibtex"),
        pytest.param(exported_biblatex, id="biblatex"),
    ],
)
def test_zotero_imports_every_entry_and_every_arxiv_id(db, bib_text):
    imported = import_bibtex(bib_text(db))
    assert imported.discarded == []
    assert sorted(imported.keys) == sorted(db.entries)
    got = {k: item["extra"] for k, item in imported.items.items() if item["extra"]}
    assert got == arxiv_lines(db)
    assert {k: item["tags"] for k, item in imported.items.items()} == {
        k: list(e.keywords) for k, e in db.entries.items()
    }


def test_collections_mirror_the_whole_taxonomy(db, runner, tmp_path):
    out = tmp_path / "all.bib"
    result = runner.invoke(cli, ["--db", str(REFS), "export", "--collections", "-o", str(out)])
    assert result.exit_code == 0, result.output
    imported = import_bibtex(out.read_text())
    assert len(imported.keys) == len(db)
    found = {path: c for root in imported.collections for path, c in root.walk()}
    tax = db.taxonomy
    expected = {}
    for slug in tax.walk():
        path = tuple(group_name(tax.get(s).name) for s in [*reversed(tax.ancestors(slug)), slug])
        members = sorted(k for k, e in db.entries.items() if slug in e.keywords)
        expected[path] = (tax.depth(slug) + 1, members)
    assert {p: (c.level, sorted(c.keys)) for p, c in found.items()} == expected
    assert len(found) == len(list(tax.walk()))
    assert max(c.level for c in found.values()) == max(tax.depth(s) for s in tax.walk()) + 1


def test_collections_of_one_category_are_its_subtree_under_its_ancestors(db, runner):
    result = runner.invoke(
        cli, ["--db", str(REFS), "export", "-c", "kv-cache", "--collections", "-f", "biblatex"]
    )
    assert result.exit_code == 0, result.output
    imported = import_bibtex(result.output)
    found = [p for root in imported.collections for p, c in root.walk()]
    tax = db.taxonomy
    slug = tax.resolve("kv-cache")
    chain = [*reversed(tax.ancestors(slug)), slug]
    paths = [tuple(group_name(tax.get(s).name) for s in chain[: i + 1]) for i in range(len(chain))]
    below = [s for s in tax.walk(slug) if s != slug and db.select([s])]
    assert found[: len(paths)] == paths
    assert len(found) == len(paths) + len(below)
    members = {k for root in imported.collections for _, c in root.walk() for k in c.keys}
    assert members == set(imported.items) == {e.key for e in db.select(["kv-cache"])}


@pytest.mark.parametrize(
    "fmt, args",
    [
        pytest.param("csl-json", [], id="csl-json"),
        pytest.param("ris", [], id="ris"),
        pytest.param("bibtex", ["--all-categories", "-o", "out"], id="tree"),
    ],
)
def test_collections_only_go_into_one_bibtex_file(runner, fmt, args):
    result = runner.invoke(cli, ["--db", str(REFS), "export", "--collections", "-f", fmt, *args])
    assert result.exit_code == 2
    assert "--collections goes with --format bibtex or biblatex" in result.output


def tiny_taxonomy(*nodes: tuple[str, str, str | None]) -> Taxonomy:
    return Taxonomy([Category(slug, name, parent) for slug, name, parent in nodes])


@pytest.mark.parametrize(
    "name, shown",
    [
        pytest.param("Low-Rank {Decomposition}", "Low-Rank (Decomposition)", id="braces"),
        pytest.param("KV; Cache", "KV, Cache", id="semicolon"),
        pytest.param("A\\B", "A/B", id="backslash"),
        pytest.param("Pruning: Structured", "Pruning: Structured", id="colon-kept"),
    ],
)
def test_names_the_grammar_cannot_carry_are_rewritten_and_read_back(name, shown):
    tax = tiny_taxonomy(("root", "Root", None), ("leaf", name, "root"))
    text = jabref_groups(tax, [Entry("k1", "misc", (("keywords", "leaf"),))])
    assert "}" not in text.split("groupstree:")[1].rstrip().removesuffix("}")
    [root] = read_groups(text)
    assert [(p, c.keys) for p, c in root.walk()] == [(("Root",), []), (("Root", shown), ["k1"])]


def test_groups_before_the_version_block_are_rejected_by_the_model():
    text = "@comment{jabref-meta: groupstree:\n0 AllEntriesGroup:;\n1 ExplicitGroup:A\\;0\\;;\n}"
    with pytest.raises(GroupsRejected):
        read_groups(text)


def test_a_tree_deeper_than_nine_levels_is_refused():
    nodes = [("n0", "N0", None)] + [(f"n{i}", f"N{i}", f"n{i - 1}") for i in range(1, 10)]
    with pytest.raises(EffllmBibError, match="10 levels deep"):
        jabref_groups(tiny_taxonomy(*nodes), [Entry("k", "misc", (("keywords", "n9"),))])


def test_twin_sibling_names_are_refused():
    tax = tiny_taxonomy(("r", "R", None), ("a", "Same", "r"), ("b", "same", "r"))
    entries = [Entry("k1", "misc", (("keywords", "a"),)), Entry("k2", "misc", (("keywords", "b"),))]
    with pytest.raises(EffllmBibError, match="same name"):
        jabref_groups(tax, entries)
