"""Zotero RDF export: the one import that gives Zotero all of it in one step.

Zotero reads this file with its RDF translator (zotero/translators ``RDF.js``). Of Zotero's
imports it is the only one that keeps the citation key, gives a preprint the Preprint type, adds
no note and no arXiv line to a published paper, and also builds nested collections (the BibTeX
import has the collections but makes a preprint a Document and drops the key; the CSL JSON import
has the type and the key but no collections and no tags). How the file is read, in
``RDF.js`` (``importItem``, ``processCollection``) and Zotero's ``Item#fromJSON``:

- ``z:itemType`` names the item type; ``dc:title``, ``dc:date`` and ``dc:description`` (Extra)
  are read as such; each ``dc:subject`` is a tag;
- creators are ``rdf:Seq`` lists of ``foaf:Person`` (``foaf:surname``, ``foaf:givenName``) under
  ``bib:authors``, ``bib:editors``, ``bib:contributors``, and a program's under schema.org's
  ``author``;
- every ``z:NAME`` property becomes the item's field NAME as it is: the citation key is
  ``z:citationKey``, a preprint's ``z:repository`` and ``z:archiveID``. That copy takes a node
  too, so a creator list is never written as ``z:<type>s`` (Zotero's own export writes
  ``z:programmers``, ``z:translators``): its node would also become a line of Extra;
- a ``z:Collection`` lists its papers and sub-collections with ``dcterms:hasPart``.

The item is what Zotero's CSL JSON import makes of our CSL item (:mod:`.csljson`): the item
type of its CSL type and, for each CSL variable, the first of its fields that the type has, as
Zotero's schema maps them (zotero/zotero-schema ``schema.json``, commit 5eedf44, schema version
41; applied as zotero/utilities ``itemFromCSLJSON`` applies them). A field the type lacks is left
out, as that import leaves it out. Names keep their particles in the family name, a Jr part
after the given name; a creator type the file cannot carry (translator) becomes contributor.
A Zotero whose schema lacks the Citation Key field files the key in Extra as
``Citation Key: ...``, and moves it to the field when a schema update brings it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from ..errors import EffllmBibError
from ..latex import plain
from ..model import Entry
from ..names import Name, parse_names
from ..taxonomy import Taxonomy
from .arxiv_ids import ArxivPolicy, cite_arxiv
from .csljson import csl_item

# CSL type -> Zotero item type (schema.json csl.types, the first type of each); others: document.
ITEM_TYPES = {
    "article": "preprint", "article-journal": "journalArticle", "paper-conference": "conferencePaper",
    "book": "book", "chapter": "bookSection", "entry-encyclopedia": "encyclopediaArticle",
    "thesis": "thesis", "report": "report", "manuscript": "manuscript", "webpage": "webpage",
    "post-weblog": "blogPost", "software": "computerProgram", "dataset": "dataset",
    "patent": "patent", "graphic": "artwork", "song": "audioRecording", "motion_picture": "film",
    "personal_communication": "letter", "legal_case": "case", "legislation": "statute",
    "standard": "standard", "document": "document",
}  # fmt: skip
# CSL variable -> the Zotero fields it may fill, in order (schema.json csl.fields.text).
CSL_FIELDS = (
    ("title", ("title",)), ("container-title", ("publicationTitle", "reporter", "code")),
    ("page", ("pages",)), ("volume", ("volume", "codeNumber")),
    ("issue", ("issue", "priorityNumbers")), ("number", ("number",)), ("edition", ("edition",)),
    ("publisher", ("publisher",)), ("publisher-place", ("place",)),
    ("collection-title", ("seriesTitle", "series")), ("collection-number", ("seriesNumber",)),
    ("genre", ("type", "programmingLanguage")), ("version", ("versionNumber",)), ("DOI", ("DOI",)),
    ("ISBN", ("ISBN",)), ("ISSN", ("ISSN",)), ("URL", ("url",)), ("abstract", ("abstractNote",)),
    ("language", ("language",)), ("note", ("extra",)), ("citation-key", ("citationKey",)),
)  # fmt: skip
# Each item type's fields among those above (``own<base``: the type's own name of a base field)
# and its creator types, the primary one first (schema.json itemTypes).
SCHEMA = {
    "artwork": ("title abstractNote DOI citationKey url language extra", "artist contributor"),
    "audioRecording": ("title abstractNote seriesTitle volume label<publisher place ISBN DOI citationKey url language extra", "performer composer translator contributor"),
    "blogPost": ("title abstractNote blogTitle<publicationTitle websiteType<type DOI citationKey url ISSN language extra", "author translator contributor"),
    "book": ("title abstractNote series seriesNumber volume edition publisher place ISBN DOI citationKey url ISSN language extra", "author contributor editor translator"),
    "bookSection": ("title abstractNote bookTitle<publicationTitle series seriesNumber volume edition publisher place pages ISBN DOI citationKey url ISSN language extra", "author contributor editor translator"),
    "case": ("caseName<title abstractNote docketNumber<number reporter reporterVolume<volume firstPage<pages DOI citationKey url language extra", "author contributor"),
    "computerProgram": ("title abstractNote seriesTitle versionNumber company<publisher place programmingLanguage citationKey url DOI ISBN extra", "programmer contributor"),
    "conferencePaper": ("title abstractNote proceedingsTitle<publicationTitle publisher place volume issue pages series seriesNumber DOI ISBN citationKey url ISSN language extra", "author contributor editor translator"),
    "dataset": ("title abstractNote identifier<number type versionNumber repository<publisher repositoryLocation<place DOI citationKey url language extra", "author contributor"),
    "document": ("title abstractNote type publisher place DOI citationKey url language extra", "author contributor editor translator"),
    "encyclopediaArticle": ("title abstractNote encyclopediaTitle<publicationTitle series seriesNumber volume edition publisher place pages ISBN DOI citationKey url language extra", "author contributor editor translator"),
    "film": ("title abstractNote distributor<publisher place genre<type DOI citationKey url language extra", "director translator contributor"),
    "journalArticle": ("title abstractNote publicationTitle publisher place volume issue pages series seriesTitle DOI citationKey url ISSN language extra", "author contributor editor translator"),
    "letter": ("title abstractNote letterType<type DOI citationKey url language extra", "author contributor translator"),
    "manuscript": ("title abstractNote manuscriptType<type institution<publisher place number DOI citationKey url language extra", "author contributor translator"),
    "patent": ("title abstractNote place patentNumber<number pages priorityNumbers DOI citationKey url language extra", "inventor contributor"),
    "preprint": ("title abstractNote genre<type repository<publisher archiveID<number place series seriesNumber DOI citationKey url language extra", "author contributor editor translator"),
    "report": ("title abstractNote reportNumber<number reportType<type institution<publisher place seriesTitle seriesNumber pages DOI ISBN citationKey url ISSN language extra", "author editor contributor translator"),
    "standard": ("title abstractNote type number versionNumber edition publisher place ISBN DOI citationKey url language extra", "author editor contributor"),
    "statute": ("nameOfAct<title abstractNote code codeNumber publicLawNumber<number pages DOI citationKey url language extra", "author contributor"),
    "thesis": ("title abstractNote thesisType<type university<publisher place series seriesNumber DOI ISBN citationKey url ISSN language extra", "author contributor"),
    "webpage": ("title abstractNote websiteTitle<publicationTitle websiteType<type publisher place DOI citationKey url language extra", "author contributor translator"),
}  # fmt: skip
NAME_FIELDS = ("author", "editor", "translator")  # each the creator type of that name
# Where a creator list goes: RDF.js reads these lists from outside Zotero's namespace (a z: list
# such as z:translators would also be copied, as a node, into a field of that name: a stray line
# in Extra). A creator type with none (translator, director...) is written as a contributor.
CREATOR_TAGS = {
    "author": "bib:authors",
    "editor": "bib:editors",
    "contributor": "bib:contributors",
    "programmer": "schema:author",
}
NAMESPACES = (
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("z", "http://www.zotero.org/namespaces/export#"),
    ("dc", "http://purl.org/dc/elements/1.1/"),
    ("dcterms", "http://purl.org/dc/terms/"),
    ("bib", "http://purl.org/net/biblio#"),
    ("foaf", "http://xmlns.com/foaf/0.1/"),
    ("schema", "http://schema.org/"),
)
# Characters XML 1.0 cannot carry, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def type_fields(item_type: str) -> dict[str, str]:
    """The fields of ``item_type`` this export may fill: a field's name, or the base field it
    stands for, to the type's own name (``publisher`` -> ``repository`` for a preprint)."""
    fields: dict[str, str] = {}
    for spec in SCHEMA[item_type][0].split():
        own, _, base = spec.partition("<")
        fields[own] = own
        if base:
            fields[base] = own
    return fields


def _date(issued: dict[str, Any]) -> str:
    """CSL date parts as Zotero keeps a date (``2023-05-07``, a range ``2020/2021``)."""
    if "literal" in issued:
        return str(issued["literal"])
    parts = issued["date-parts"]
    return "/".join("-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(d)) for d in parts)


def zotero_item(entry: Entry) -> dict[str, Any]:
    """The Zotero item of an entry: ``itemType``, ``creators`` (creator type, family, given),
    ``fields`` (Zotero name -> text, in the schema's order of the CSL variables), ``tags``."""
    csl = csl_item(entry)
    item_type = ITEM_TYPES.get(csl["type"], "document")
    own = type_fields(item_type)
    fields: dict[str, str] = {}
    for variable, candidates in CSL_FIELDS:
        value = csl.get(variable)
        name = next((own[c] for c in candidates if c in own), None)
        if value and name:
            fields[name] = str(value)
    if "issued" in csl:
        fields["date"] = _date(csl["issued"])
    creators = [
        (_creator_type(kind, item_type), _family(n), _given(n))
        for kind in NAME_FIELDS
        for n in parse_names(entry.get(kind))
        if not (n.others or n.option)
    ]
    return {"itemType": item_type, "creators": creators, "fields": fields, "tags": entry.keywords}


def _creator_type(field: str, item_type: str) -> str:
    """A name field's creator type: its own if the item type has it, else the type's primary
    one (as Zotero's CSL import does), and a contributor where the file cannot carry that."""
    kinds = SCHEMA[item_type][1].split()
    kind = field if field in kinds else kinds[0]
    return kind if kind in CREATOR_TAGS else "contributor"


def _family(name: Name) -> str:
    return plain(name.last if name.literal else name.family)


def _given(name: Name) -> str:
    if name.literal:
        return ""
    return ", ".join(p for p in (plain(name.first), plain(name.jr)) if p)


def item_uri(key: str) -> str:
    return "#item_" + quote(key, safe="")


def collection_uri(slug: str) -> str:
    return "#collection_" + quote(slug, safe="")


def _text(value: str, where: str) -> str:
    if _NOT_XML.search(value):
        raise EffllmBibError(
            f"{where} holds a control character XML cannot carry; remove it from the entry."
        )
    return escape(value)


def _item_xml(key: str, item: dict[str, Any]) -> list[str]:
    entry = f"entry '{key}'"
    lines = [f"  <rdf:Description rdf:about={quoteattr(item_uri(key))}>"]
    lines.append(f"    <z:itemType>{item['itemType']}</z:itemType>")
    fields = dict(item["fields"])
    for tag, name in (("dc:title", "title"), ("dc:date", "date"), ("dc:description", "extra")):
        if name in fields:
            lines.append(f"    <{tag}>{_text(fields.pop(name), f'{entry}, {name}')}</{tag}>")
    by_type: dict[str, list[tuple[str, str]]] = {}
    for kind, family, given in item["creators"]:
        by_type.setdefault(kind, []).append((family, given))
    for kind, people in by_type.items():
        tag, where = CREATOR_TAGS[kind], f"{entry}, a name"
        lines += [f"    <{tag}>", "      <rdf:Seq>"]
        for family, given in people:
            person = f"<foaf:surname>{_text(family, where)}</foaf:surname>"
            if given:
                person += f"<foaf:givenName>{_text(given, where)}</foaf:givenName>"
            lines.append(f"        <rdf:li><foaf:Person>{person}</foaf:Person></rdf:li>")
        lines += ["      </rdf:Seq>", f"    </{tag}>"]
    lines += [f"    <z:{n}>{_text(v, f'{entry}, {n}')}</z:{n}>" for n, v in fields.items()]
    where = f"{entry}, keywords"
    lines += [f"    <dc:subject>{_text(tag, where)}</dc:subject>" for tag in item["tags"]]
    return [*lines, "  </rdf:Description>"]


def _collections_xml(taxonomy: Taxonomy, filed: dict[str, list[str]]) -> list[str]:
    lines = []
    for slug, keys in filed.items():
        name = _text(taxonomy.get(slug).name, f"category '{slug}'")
        lines += [
            f"  <z:Collection rdf:about={quoteattr(collection_uri(slug))}>",
            f"    <dc:title>{name}</dc:title>",
        ]
        parts = [collection_uri(c) for c in taxonomy.children(slug) if c in filed]
        parts += [item_uri(k) for k in keys]
        lines += [f"    <dcterms:hasPart rdf:resource={quoteattr(p)}/>" for p in parts]
        lines.append("  </z:Collection>")
    return lines


def export_zotero_rdf(
    entries: Iterable[Entry],
    arxiv: ArxivPolicy = "preprints",
    collections: tuple[Taxonomy, dict[str, list[str]]] | None = None,
) -> str:
    """The entries as Zotero RDF; ``collections``: the taxonomy and the papers filed under each
    category (:func:`.groups.filed_papers`), written as nested ``z:Collection`` nodes."""
    names = "".join(f'\n  xmlns:{prefix}="{uri}"' for prefix, uri in NAMESPACES)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f"<rdf:RDF{names}>"]
    for entry in entries:
        lines += _item_xml(entry.key, zotero_item(cite_arxiv(entry, arxiv)))
    if collections is not None:
        lines += _collections_xml(*collections)
    return "\n".join([*lines, "</rdf:RDF>"]) + "\n"
