"""What Zotero's BibTeX import makes of refs/effllm.bib and of the exports, and the taxonomy as
JabRef groups (nested collections), read with the model of Zotero's rules in zotero_import.py
(which reads the file as Zotero's translator does, not with our reader); then the model's own
reading, rule by rule."""

from __future__ import annotations

import pytest

from effllm_bib.cli import cli
from effllm_bib.database import Database
from effllm_bib.errors import EffllmBibError
from effllm_bib.export import renderer
from effllm_bib.export.groups import group_name, jabref_groups
from effllm_bib.model import Category, Entry
from effllm_bib.taxonomy import Taxonomy
from effllm_bib.vocab import is_preprint

from .conftest import REFS
from .zotero_import import (
    GroupsRejected,
    TranslatorFails,
    Unmodelled,
    import_bibtex,
    read_groups,
)


def arxiv_lines(db: Database) -> dict[str, list[str]]:
    """Every entry's arXiv id, as Zotero writes it in Extra."""
    return {k: [f"arXiv: {e.get('eprint')}"] for k, e in db.entries.items() if e.get("eprint")}


def preprint_arxiv_lines(db: Database) -> dict[str, list[str]]:
    """The preprints' only: classic BibTeX cites a published paper as published (export
    --arxiv preprints, the default)."""
    return {k: lines for k, lines in arxiv_lines(db).items() if is_preprint(db.entries[k])}


def published_lines(text: str) -> dict[str, list[str]]:
    """The ``Published: ...`` line Zotero makes of a ``howpublished`` that is no address
    (BibTeX.js, processField), read from the file with pybtex."""
    from pybtex.database import parse_string

    values = {
        k: e.fields.get("howpublished", "") for k, e in parse_string(text, "bibtex").entries.items()
    }
    addresses = ("http://", "https:/", "mailto:", "\\url{")
    return {
        k: [f"Published: {v}"]
        for k, v in values.items()
        if len(v) >= 7 and not v.startswith(addresses)
    }


def extra_lines(db: Database, text: str, arxiv: dict[str, list[str]]) -> dict[str, list[str]]:
    """Extra as the translator fills it: the Published line (howpublished comes first in our
    files), then the arXiv line."""
    published = published_lines(text)
    return {k: published.get(k, []) + arxiv.get(k, []) for k in sorted({*published, *arxiv})}


def committed_bib(db: Database) -> str:
    return (REFS / "effllm.bib").read_text()


def exported_bibtex(db: Database) -> str:
    return renderer("bibtex")(db.select(), "")


def exported_biblatex(db: Database) -> str:
    return renderer("biblatex")(db.select(), "")


@pytest.mark.parametrize(
    "bib_text, expected",
    [
        pytest.param(committed_bib, arxiv_lines, id="committed"),
        pytest.param(exported_bibtex, preprint_arxiv_lines, id="bibtex"),
        pytest.param(exported_biblatex, arxiv_lines, id="biblatex"),
    ],
)
def test_zotero_imports_every_entry_and_the_arxiv_ids_it_should(db, bib_text, expected):
    imported = import_bibtex(bib_text(db))
    assert imported.discarded == []
    assert sorted(imported.keys) == sorted(db.entries)
    got = {k: item["extra"] for k, item in imported.items.items() if item["extra"]}
    assert got == extra_lines(db, bib_text(db), expected(db))
    assert {k: item["tags"] for k, item in imported.items.items()} == {
        k: list(e.keywords) for k, e in db.entries.items()
    }


def published_arxiv_notes(db: Database) -> dict[str, list[str]]:
    """``--arxiv all``: classic BibTeX gives every published paper ``note = {arXiv:...}``,
    which Zotero makes a child note."""
    return {
        k: [f"arXiv:{e.get('eprint')}"]
        for k, e in db.entries.items()
        if e.get("eprint") and not is_preprint(e)
    }


def exported_bibtex_all_arxiv(db: Database) -> str:
    return renderer("bibtex", arxiv="all")(db.select(), "")


@pytest.mark.parametrize(
    "bib_text, expected",
    [
        pytest.param(committed_bib, lambda db: {}, id="committed"),
        pytest.param(exported_bibtex, lambda db: {}, id="bibtex"),
        pytest.param(exported_biblatex, lambda db: {}, id="biblatex"),
        pytest.param(exported_bibtex_all_arxiv, published_arxiv_notes, id="bibtex-arxiv-all"),
    ],
)
def test_zotero_makes_child_notes_only_of_what_asks_for_them(db, bib_text, expected):
    imported = import_bibtex(bib_text(db))
    notes = {k: item["notes"] for k, item in imported.items.items() if item["notes"]}
    assert notes == expected(db)


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
        pytest.param("zotero-rdf", ["--all-categories", "-o", "out"], id="rdf-tree"),
    ],
)
def test_collections_only_go_into_one_bibtex_or_zotero_rdf_file(runner, fmt, args):
    result = runner.invoke(cli, ["--db", str(REFS), "export", "--collections", "-f", fmt, *args])
    assert result.exit_code == 2
    assert "--collections goes with --format bibtex, biblatex or zotero-rdf" in result.output


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


# --- the model's own reading, each case a rule of zotero_import.py ------------------------------


def item(
    item_type: str = "document",
    extra: tuple[str, ...] = (),
    tags: tuple[str, ...] = (),
    notes: tuple[str, ...] = (),
):
    return {"itemType": item_type, "extra": list(extra), "tags": list(tags), "notes": list(notes)}


ARXIV = "eprint = {2301.00774}, eprinttype = {arxiv}"


@pytest.mark.parametrize(
    "text, items, discarded",
    [
        pytest.param(
            f"@misc{{my key , {ARXIV}}}",
            {"mykey": item(extra=("arXiv: 2301.00774",))},
            [],
            id="key-before-the-first-comma-without-blanks",
        ),
        pytest.param(
            "@InProceedings {k1, title = {T}}", {"k1": item("conferencePaper")}, [], id="type-case"
        ),
        pytest.param(
            "@misc(k1, keywords = {a})", {"k1": item(tags=("a",))}, [], id="parenthesised-entry"
        ),
        pytest.param(
            "@dataset{d1, title = {T}}\n@software{k1, title = {T}}",
            {"k1": item("computerProgram")},
            ["dataset", "datasetd1title"],  # its body read as text between blocks
            id="unknown-type-discarded",
        ),
        pytest.param(
            "@preamble{{x}}\n@misc{k1,}",
            {"k1": item()},
            ["preamble", "preamble"],  # the brace inside opens a block too
            id="preamble-dropped",
        ),
        pytest.param("@misc{k1, title = {T}", {}, ["misc (not closed)"], id="not-closed-is-lost"),
        pytest.param(
            "@misc{k1, eprinttype = { ArXiv }, eprint = { 2301.00774 }}",
            {"k1": item(extra=("arXiv: 2301.00774",))},
            [],
            id="eprinttype-trimmed-and-lower-cased-either-order",
        ),
        pytest.param(
            "@misc{k1, eprint = {2301.00774}, archiveprefix = {arXiv}}",
            {"k1": item()},
            [],
            id="archiveprefix-not-read",
        ),
        pytest.param(
            "@misc{k1, eprint = {PMC1}, eprinttype = {pubmed}}",
            {"k1": item(extra=("PMID: PMC1",))},
            [],
            id="other-eprint-types",
        ),
        pytest.param(
            "@misc{k1, keywords = {a; b,c ,  d}}",
            {"k1": item(tags=("a", "b", "c", "d"))},
            [],
            id="keywords-split-on-comma-or-semicolon",
        ),
        pytest.param(
            '@misc{k1, keywords = "x, {y}"}', {"k1": item(tags=("x", "y"))}, [], id="quoted-value"
        ),
        pytest.param(
            "@string{pre = {a}}\n@misc{k1, keywords = PRE # {, b}}",
            {"k1": item(tags=("a", "b"))},
            [],
            id="string-joined-after-a-bare-word",
        ),
        pytest.param(
            "@misc{k1, keywords = {a} # {b}}",
            {"k1": item(tags=("a",))},
            [],
            id="no-join-after-a-braced-piece",
        ),
        pytest.param(
            "@misc{k1, keywords = {}, eprint = {}}", {"k1": item()}, [], id="empty-values-ignored"
        ),
        pytest.param(
            "@misc{k1, note = {arXiv:2301.00774}}",
            {"k1": item(notes=("arXiv:2301.00774",))},
            [],
            id="note-is-a-child-note",
        ),
        pytest.param(
            "@misc{k1, note = { PMID: 123}, annote = {a}, review = {b}}",
            {"k1": item(extra=("PMID: 123",), notes=("a", "b"))},
            [],
            id="note-with-an-id-is-extra-other-note-fields-are-notes",
        ),
        pytest.param(
            "@comment{a {b} c}\n@misc{k1, keywords = {x}}",
            {"k1": item(tags=("x",))},
            [],
            id="comment-up-to-its-first-brace",
        ),
    ],
)
def test_the_model_reads_as_the_translator_does(text, items, discarded):
    imported = import_bibtex(text)
    assert (imported.items, imported.discarded) == (items, discarded)


def test_the_model_keeps_a_key_twice_as_two_items():
    assert import_bibtex("@misc{k1,}\n@misc{k1,}").keys == ["k1", "k1"]


def test_a_comment_is_read_up_to_its_first_closing_brace():
    assert import_bibtex("@comment{a {b} c}@comment(x}").comments == ["a {b", "x"]


@pytest.mark.parametrize(
    "value",
    [
        pytest.param('{\\"u}', id="accent"),
        pytest.param("{a--b}", id="dash"),
        pytest.param("{$x$}", id="math"),
        pytest.param("{a~b}", id="tie"),
    ],
)
def test_latex_the_model_does_not_convert_stops_it(value):
    with pytest.raises(Unmodelled):
        import_bibtex(f"@misc{{k1, keywords = {value}}}")


def test_a_comma_in_a_string_makes_the_translator_fail():
    with pytest.raises(TranslatorFails):
        import_bibtex("@string{a = {x}, b = {y}}")
