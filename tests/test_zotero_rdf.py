"""What Zotero makes of the export meant for it: Zotero RDF, read with the model of Zotero's RDF
import (zotero_rdf_import.py): every paper with its item type, citation key and tags, no child
note, no Extra line, no arXiv on a published paper, and the taxonomy as nested collections.
Beside it CSL-JSON, read with the model of Zotero's CSL JSON import (zotero_csl_import.py): type
and key, but no tags and no collections, and a file with a program in it is refused. Then the
models' own rules."""

from __future__ import annotations

import json

import pytest

from effllm_bib.cli import cli
from effllm_bib.database import Database
from effllm_bib.export import renderer
from effllm_bib.export.select import ExportRequest, select_export
from effllm_bib.export.zotero_rdf import export_zotero_rdf
from effllm_bib.latex import plain
from effllm_bib.model import Entry
from effllm_bib.names import parse_names
from effllm_bib.vocab import PUBLISHED_TYPES, arxiv_id, is_preprint

from .conftest import REFS
from .zotero_csl_import import NotDetected, import_csl_json
from .zotero_rdf_import import Collection, RdfImported, import_rdf
from .zotero_schema import Saved, Unmodelled


@pytest.fixture(scope="module")
def whole(db: Database) -> RdfImported:
    return import_rdf(select_export(db, ExportRequest(fmt="zotero-rdf", collections=True)).text())


def by_key(imported: RdfImported) -> dict[str, Saved]:
    return {item.fields["citationKey"]: item for item in imported.items.values()}


def people(entry: Entry) -> list[tuple[str, str]]:
    """(last, first) of each author and editor; a Jr part follows the first name after a comma,
    as Zotero's BibTeX import puts it."""
    names = [*parse_names(entry.get("author")), *parse_names(entry.get("editor"))]
    return [
        (plain(n.family), ", ".join(p for p in (plain(n.first), plain(n.jr)) if p))
        for n in names
        if not n.others
    ]


def test_every_paper_arrives_with_its_key_tags_and_names_and_nothing_else(db, whole):
    items = by_key(whole)
    assert len(whole.items) == len(db)
    assert sorted(items) == sorted(db.entries)
    assert {k: i.tags for k, i in items.items()} == {
        k: list(e.keywords) for k, e in db.entries.items()
    }
    assert {k: [(c[1], c[2]) for c in i.creators] for k, i in items.items()} == {
        k: people(e) for k, e in db.entries.items()
    }
    assert [k for k, i in items.items() if i.notes or i.extra] == []


def test_preprints_are_preprints_and_published_papers_carry_no_arxiv(db, whole):
    items = by_key(whole)
    preprints = {k for k, e in db.entries.items() if is_preprint(e)}
    assert {k for k, i in items.items() if i.item_type == "preprint"} == preprints
    assert {k: (i.fields["repository"], i.fields["archiveID"]) for k, i in items.items() if k in preprints} == {
        k: ("arXiv", f"arXiv:{arxiv_id(db.entries[k])}") for k in preprints
    }  # fmt: skip
    published = [i for k, i in items.items() if db.entries[k].type in PUBLISHED_TYPES]
    assert [i.fields["citationKey"] for i in published if "arxiv" in repr(i).lower()] == []
    web = ("Blog", "Website")  # a blog post, a web page
    assert {k for k, i in items.items() if i.item_type == "document"} == {
        k for k, e in db.entries.items() if e.type == "misc" and not is_preprint(e) and e.get("howpublished") not in web
    }  # fmt: skip


def expected_collections(db: Database) -> dict[tuple[str, ...], list[str]]:
    tax = db.taxonomy
    return {
        tuple(tax.get(s).name for s in [*reversed(tax.ancestors(slug)), slug]): sorted(
            k for k, e in db.entries.items() if slug in e.keywords
        )
        for slug in tax.walk()
    }


def found_collections(imported: RdfImported) -> dict[tuple[str, ...], list[str]]:
    key = {node: item.fields["citationKey"] for node, item in imported.items.items()}
    walked = [p for root in imported.collections for p in root.walk()]
    return {path: sorted(key[n] for n in c.items) for path, c in walked}


def test_collections_mirror_the_whole_taxonomy(db, whole):
    found = found_collections(whole)
    assert found == expected_collections(db)
    assert (len(found), max(len(p) for p in found)) == (77, 5)


def test_collections_of_one_category_are_its_subtree_under_its_ancestors(db, runner):
    args = ["--db", str(REFS), "export", "-c", "kv-cache", "--collections", "-f", "zotero-rdf"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    imported = import_rdf(result.output)
    tax = db.taxonomy
    slug = tax.resolve("kv-cache")
    chain = [*reversed(tax.ancestors(slug)), slug]
    paths = [tuple(tax.get(s).name for s in chain[: i + 1]) for i in range(len(chain))]
    found = list(found_collections(imported))
    assert found[: len(paths)] == paths
    assert len(found) == len(paths) + len(
        [s for s in tax.walk(slug) if s != slug and db.select([s])]
    )
    members = {n for root in imported.collections for _, c in root.walk() for n in c.items}
    assert members == set(imported.items)
    assert set(by_key(imported)) == {e.key for e in db.select(["kv-cache"])}


# --- each BibTeX type, as the import gives it: fields the type has, nothing in Extra --------------

MAPPED = [
    pytest.param(
        "article",
        {"journal": "J", "volume": "3", "number": "2", "pages": "5--9", "doi": "10.1/x"},
        "journalArticle",
        {"publicationTitle": "J", "volume": "3", "issue": "2", "pages": "5-9", "DOI": "10.1/x"},
        [],
        id="article",
    ),
    pytest.param(
        "inproceedings",
        {"booktitle": "B", "publisher": "P", "address": "A", "series": "S", "editor": "E, F"},
        "conferencePaper",
        {"proceedingsTitle": "B", "publisher": "P", "place": "A", "series": "S"},
        [],
        id="inproceedings",
    ),
    pytest.param(
        "misc",
        {"eprint": "2301.00774", "archiveprefix": "arXiv"},
        "preprint",
        {"repository": "arXiv", "archiveID": "arXiv:2301.00774", "url": "https://arxiv.org/abs/2301.00774"},
        [],
        id="preprint",
    ),
    pytest.param(
        "software",
        {"version": "1.2", "url": "https://example.org", "organization": "O"},
        "computerProgram",
        {"versionNumber": "1.2", "url": "https://example.org", "company": "O"},
        [],
        id="software",
    ),
    pytest.param("phdthesis", {"school": "S"}, "thesis", {"university": "S", "thesisType": "PhD thesis"}, [], id="thesis"),
    pytest.param(
        "techreport",
        {"institution": "I", "number": "TR-1", "type": "Memo"},
        "report",
        {"institution": "I", "reportNumber": "TR-1", "reportType": "Memo"},
        [],
        id="report",
    ),
    pytest.param(
        "incollection",
        {"booktitle": "B", "pages": "1--2", "edition": "2", "isbn": "978-0"},
        "bookSection",
        {"bookTitle": "B", "pages": "1-2", "edition": "2", "ISBN": "978-0"},
        [],
        id="incollection",
    ),
    pytest.param("online", {"url": "https://example.org", "note": "N"}, "webpage", {"url": "https://example.org"}, ["N"], id="online-note-is-extra"),
    pytest.param("misc", {"howpublished": "Blog", "publisher": "PyTorch Blog", "url": "https://example.org"}, "blogPost", {"blogTitle": "PyTorch Blog", "url": "https://example.org"}, [], id="blog-post-names-its-blog"),
]  # fmt: skip


@pytest.mark.parametrize("entry_type, values, item_type, fields, extra", MAPPED)
def test_each_type_keeps_its_fields_and_puts_only_a_note_in_extra(
    entry_type, values, item_type, fields, extra
):
    base = {"title": "T", "author": "Doe, Jane and Roe, R.", "year": "2020", "month": "may"}
    entry = Entry.make("k1", entry_type, {**base, **values})
    [item] = import_rdf(export_zotero_rdf([entry])).items.values()
    assert item.item_type == item_type
    assert {k: v for k, v in item.fields.items() if k in fields} == fields
    assert (item.fields["title"], item.fields["date"], item.fields["citationKey"]) == (
        "T",
        "2020-05",
        "k1",
    )
    assert (item.extra, item.notes) == (extra, [])
    assert [c[1:] for c in item.creators[:2]] == [("Doe", "Jane"), ("Roe", "R.")]


CREATORS = [
    pytest.param("misc", {"translator": "Doe, J."}, [("contributor", "Doe", "J.")], id="translator-is-a-contributor"),
    pytest.param("software", {"author": "{The Team}"}, [("programmer", "The Team", "")], id="programmer"),
    pytest.param("inproceedings", {"editor": "Roe, R."}, [("editor", "Roe", "R.")], id="editor"),
    pytest.param("misc", {"author": "Doe, J. and others"}, [("author", "Doe", "J.")], id="and-others-dropped"),
]  # fmt: skip


@pytest.mark.parametrize("entry_type, names, creators", CREATORS)
def test_creator_types_the_file_can_carry(entry_type, names, creators):
    entry = Entry.make("k1", entry_type, {"title": "T", **names})
    [item] = import_rdf(export_zotero_rdf([entry])).items.values()
    assert (item.creators, item.extra) == (creators, [])


def test_a_control_character_is_a_one_line_error(runner, tmp_path):
    path = tmp_path / "bad.bib"
    path.write_text("@misc{k1,\n  title = {T},\n  url = {http://a\x01b},\n}\n")
    result = runner.invoke(cli, ["--db", str(path), "export", "-f", "zotero-rdf"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        "effllm-bib: error: entry 'k1', url holds a control character XML cannot carry; "
        "remove it from the entry."
    )


# --- CSL-JSON: type and key, no tags, no collections; a program makes Zotero refuse the file ---


def test_zotero_refuses_a_csl_json_file_with_a_program_in_it(db):
    with pytest.raises(NotDetected, match="software"):
        import_csl_json(renderer("csl-json")(db.resolved(db.select()), ""))


def test_csl_json_without_programs_keeps_type_and_key_but_no_tags(db):
    entries = [e for e in db.resolved(db.select()) if e.type != "software"]
    imported = import_csl_json(renderer("csl-json")(entries, ""))
    items = {k: saved for k, (saved, _) in imported.items()}
    assert {k: i.fields["citationKey"] for k, i in items.items()} == {e.key: e.key for e in entries}
    assert {k for k, i in items.items() if i.item_type == "preprint"} == {
        e.key for e in entries if is_preprint(e)
    }
    assert [k for k, i in items.items() if i.extra or i.notes or i.tags] == []
    assert {tuple(unread) for _, unread in imported.values()} == {("keyword",)}


# --- the models' own reading, each case a rule of zotero_rdf_import.py / zotero_csl_import.py ----

HEAD = (
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    'xmlns:z="http://www.zotero.org/namespaces/export#" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:foaf="http://xmlns.com/foaf/0.1/">'
)
SEQ = "<rdf:Seq><rdf:li><foaf:Person><foaf:surname>Doe</foaf:surname></foaf:Person></rdf:li></rdf:Seq>"


def node(body: str, about: str = "#i") -> str:
    return f'{HEAD}<rdf:Description rdf:about="{about}">{body}</rdf:Description></rdf:RDF>'


RDF_RULES = [
    pytest.param(
        f"<z:itemType>computerProgram</z:itemType><z:programmers>{SEQ}</z:programmers>",
        "computerProgram", {}, ["Programmers: _:b1"], id="a-z-creator-list-is-copied-into-extra",
    ),
    pytest.param("<z:itemType>treaty</z:itemType>", "document", {}, ["Type: treaty"], id="unknown-item-type-is-a-document"),
    pytest.param(
        "<z:itemType>preprint</z:itemType><z:volume>3</z:volume>", "preprint", {}, ["Volume: 3"],
        id="a-field-the-type-lacks-goes-to-extra",
    ),
    pytest.param(
        "<z:itemType>preprint</z:itemType><z:genre>x</z:genre><z:thesisType>y</z:thesisType>",
        "preprint", {"genre": "x"}, [], id="type-fields-the-type-lacks-are-dropped",
    ),
    pytest.param(
        "<z:itemType>document</z:itemType><dc:description>Citation Key: k\nType: preprint\nx</dc:description>",
        "preprint", {"citationKey": "k"}, ["x"], id="extra-lines-name-type-and-fields",
    ),
    pytest.param(
        "<z:itemType>document</z:itemType><dc:description>Type: article</dc:description>",
        "document", {}, ["Type: article"], id="type-article-is-no-type",
    ),
    pytest.param(
        "<z:itemType>journalArticle</z:itemType><z:publicationTitle>J</z:publicationTitle><z:publisher>P</z:publisher>",
        "journalArticle", {"publicationTitle": "J", "publisher": "P"}, [], id="base-and-own-names",
    ),
]  # fmt: skip


@pytest.mark.parametrize("body, item_type, fields, extra", RDF_RULES)
def test_the_rdf_model_reads_as_the_translator_does(body, item_type, fields, extra):
    [item] = import_rdf(node(body)).items.values()
    assert (item.item_type, item.fields, item.extra) == (item_type, fields, extra)


UNMODELLED = [
    pytest.param(node("<dc:title>T</dc:title>"), id="title-without-item-type"),
    pytest.param(node("<z:itemType>book</z:itemType><dc:publisher>P</dc:publisher>"), id="unread-property"),
    pytest.param(node('<z:itemType>book</z:itemType><dc:title rdf:parseType="Literal">T</dc:title>'), id="parse-type"),
    pytest.param(node("<z:itemType>book</z:itemType><dc:creator>Doe</dc:creator>"), id="creator-as-text"),
]  # fmt: skip


@pytest.mark.parametrize("text", UNMODELLED)
def test_what_the_rdf_model_does_not_cover_stops_it(text):
    with pytest.raises(Unmodelled):
        import_rdf(text)


def test_collections_nest_and_leave_out_what_is_part_of_another_node():
    text = (
        f'{HEAD}<rdf:Description rdf:about="#a"><z:itemType>book</z:itemType></rdf:Description>'
        '<rdf:Description rdf:about="#b"><z:itemType>book</z:itemType></rdf:Description>'
        '<rdf:Description rdf:about="#c"><z:itemType>book</z:itemType>'
        '<z:seeAlso rdf:resource="#b"/></rdf:Description>'
        '<z:Collection rdf:about="#c1"><dc:title>One</dc:title>'
        '<dcterms:hasPart rdf:resource="#c2"/><dcterms:hasPart rdf:resource="#a"/></z:Collection>'
        '<z:Collection rdf:about="#c2"><dc:title>Two</dc:title>'
        '<dcterms:hasPart rdf:resource="#b"/><dcterms:hasPart rdf:resource="#c"/></z:Collection>'
        "</rdf:RDF>"
    )
    imported = import_rdf(text)
    assert imported.collections == [Collection("One", ["#a"], [Collection("Two", ["#c"], [])])]
    assert sorted(imported.items) == ["#a", "#b", "#c"]


CSL_RULES = [
    pytest.param({"type": "article", "citation-key": "k"}, "preprint", {"citationKey": "k"}, id="article-is-preprint"),
    pytest.param({"type": "book", "version": "2"}, "computerProgram", {"versionNumber": "2"}, id="book-with-version-is-a-program"),
    pytest.param({"type": "article", "publisher": "arXiv", "number": "arXiv:1"}, "preprint", {"repository": "arXiv", "archiveID": "arXiv:1"}, id="base-fields"),
    pytest.param({"type": "article", "container-title": "J"}, "preprint", {}, id="a-field-the-type-lacks-is-dropped"),
    pytest.param({"type": "document", "note": "Type: preprint"}, "preprint", {}, id="a-type-line-in-the-note"),
]  # fmt: skip


@pytest.mark.parametrize("item, item_type, fields", CSL_RULES)
def test_the_csl_model_reads_as_the_translator_does(item, item_type, fields):
    [(saved, _)] = import_csl_json(json.dumps([{"id": "i", **item}])).values()
    assert (saved.item_type, saved.fields, saved.extra) == (item_type, fields, [])
