"""A model of Zotero's RDF import (Zotero RDF files), for the rules the export relies on.

Written from zotero/translators ``RDF.js`` (commit 2814370161d0, June 2026: ``getNodes``,
``importNext``, ``importItem``, ``handleCreators``, ``processTags``, ``processCollection``,
``isPart``), the RDF store the translator reads through (zotero/translate
``src/translation/translate.js`` at 017253c17c94: ``getAllResources``, ``getTargets``, which
gives a node rather than text for anything but a literal; ``_itemDone``, which turns such a node
into a string), and the saving step of zotero_schema.py. No code is taken from them.

Reading: the file is RDF/XML, read here with the standard library's XML parser into triples as
any RDF/XML parser reads them, for the part of the syntax the model knows (node elements,
``rdf:about``, ``rdf:resource``, a literal's text, a nested node, ``rdf:Seq`` with ``rdf:li``);
anything else raises ``Unmodelled``. Bibliontology RDF (priority 50) claims only a file with a
``bibo:`` type, so Zotero gives such a file to ``RDF.js``. What the translator makes of it:

- Items: every subject but the objects of ``dcterms:isPartOf``, ``bib:presentedAt``,
  ``link:link``, ``dcterms:creator``, and but collections. A node's item type is its
  ``z:itemType`` if that names a Zotero type, else ``document`` with ``Type: NAME`` in Extra;
  a node with neither ``z:itemType`` nor a title is no item (persons, lists). A node with a title
  and no ``z:itemType`` goes through guesses the model does not make (``Unmodelled``).
- ``dc:title``, ``dc:date``, ``dc:description`` (Extra, in a file with ``z:itemType``), each
  ``dc:subject`` literal a tag, each ``dcterms:isReferencedBy`` node's ``rdf:value`` a child note.
- Creators, for each creator type of the item type in the schema's order: ``author`` from
  ``bib:authors``, ``schema:author``...; ``editor``/``contributor`` from ``bib:editors``/
  ``bib:contributors``; ``programmer`` from ``z:programmers`` or ``schema:author``; others from
  ``z:<type>s``. The members of an ``rdf:Seq`` in order; each ``foaf:surname`` and
  ``foaf:givenName`` (no given name: a one-field name).
- Every ``z:`` property but ``z:itemType`` and ``z:path`` is copied to the field of its name,
  the first value; a node there is turned into its name (``_:b3``), text all the same.
- Other properties the translator reads (containers, ``dc:identifier``, PRISM...) are not
  modelled: a node that has one raises ``Unmodelled``.
- Collections: each ``z:Collection`` no arc points to is a top collection; its ``dc:title`` is
  the name and each ``dcterms:hasPart`` a sub-collection (a ``z:Collection``) or an item, found by
  its node. An item that is the object of an arc other than a relation or ``hasPart`` is left out
  of collections (``isPart``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from .zotero_schema import ITEM_TYPE_NAMES, Saved, Unmodelled, creator_types, from_json

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
Z = "http://www.zotero.org/namespaces/export#"
DC = "http://purl.org/dc/elements/1.1/"
DCTERMS = "http://purl.org/dc/terms/"
BIB = "http://purl.org/net/biblio#"
FOAF = "http://xmlns.com/foaf/0.1/"
SO = "http://schema.org/"
LINK = "http://purl.org/rss/1.0/modules/link/"
COLLECTION_TYPES = (Z + "Collection", BIB + "Collection")
NOT_ITEMS = (DCTERMS + "isPartOf", BIB + "presentedAt", LINK + "link", DCTERMS + "creator")
RELATIONS = (DC + "relation", DCTERMS + "relation", DCTERMS + "hasPart")
# Where RDF.js reads a creator type (the first list found), other than z:<type>s.
CREATOR_SOURCES = {
    "author": (BIB + "authors", SO + "author", SO + "creator", DC + "creator", DCTERMS + "creator"),
    "editor": (BIB + "editors", SO + "editor"),
    "contributor": (BIB + "contributors", SO + "contributor"),
    "programmer": (Z + "programmers", SO + "author"),
    "castMember": (), "scriptwriter": (), "producer": (),  # video: and schema.org only
}  # fmt: skip
NOT_COPIED = ("itemType", "path")  # the z: properties not copied to a field
# The properties of an item node the model reads; z: ones are read whatever their name.
READ = {RDF + "type", DC + "title", DC + "date", DC + "description", DC + "subject",
        DCTERMS + "isReferencedBy",
        *(p for sources in CREATOR_SOURCES.values() for p in sources)}  # fmt: skip

Object = tuple[str, str]  # ("literal", text) or ("node", its name)


@dataclass
class Graph:
    """The triples, as RDF.js's store gives them, with nodes named as ``Zotero.RDF`` names them
    (``rdf:about`` as written; a blank node ``_:bN``)."""

    out: dict[str, list[tuple[str, Object]]] = field(default_factory=dict)  # by subject
    into: dict[str, list[str]] = field(default_factory=dict)  # a node -> the arcs into it
    blanks: int = 0

    def add(self, subject: str, predicate: str, obj: Object) -> None:
        self.out.setdefault(subject, []).append((predicate, obj))
        if obj[0] == "node":
            self.into.setdefault(obj[1], []).append(predicate)

    def properties(self, node: str) -> set[str]:
        return {p for p, _ in self.out.get(node, [])}

    def targets(self, node: str, predicate: str) -> list[Object]:
        return [o for p, o in self.out.get(node, []) if p == predicate]

    def first_text(self, node: str, *predicates: str) -> str:
        for predicate in predicates:
            found = self.targets(node, predicate)
            if found:
                return found[0][1]
        return ""

    def arcs_in(self, node: str) -> list[str]:
        return self.into.get(node, [])

    def container(self, node: str) -> list[Object]:
        """An ``rdf:Seq``'s members in order (none for another node)."""
        numbered = [(p, o) for p, o in self.out.get(node, []) if p.startswith(RDF + "_")]
        return [o for _, o in sorted(numbered, key=lambda po: int(po[0][len(RDF) + 1 :]))]


def _node(graph: Graph, element: ET.Element) -> str:
    allowed = {f"{{{RDF}}}about"}
    if set(element.attrib) - allowed:
        raise Unmodelled(f"attributes {sorted(element.attrib)} on {element.tag}")
    name = element.get(f"{{{RDF}}}about")
    if name is None:
        graph.blanks += 1
        name = f"_:b{graph.blanks}"
    if element.tag != f"{{{RDF}}}Description":
        graph.add(name, RDF + "type", ("node", element.tag.strip("{").replace("}", "")))
    li = 0
    for prop in element:
        predicate = prop.tag.strip("{").replace("}", "")
        if predicate == RDF + "li":
            li += 1
            predicate = f"{RDF}_{li}"
        graph.add(name, predicate, _object(graph, prop))
    return name


def _object(graph: Graph, prop: ET.Element) -> Object:
    if set(prop.attrib) - {f"{{{RDF}}}resource"}:
        raise Unmodelled(f"attributes {sorted(prop.attrib)} on {prop.tag}")
    resource = prop.get(f"{{{RDF}}}resource")
    children = list(prop)
    if resource is not None:
        return ("node", resource)
    if len(children) > 1:
        raise Unmodelled(f"{len(children)} nodes in one property {prop.tag}")
    if children:
        return ("node", _node(graph, children[0]))
    return ("literal", prop.text or "")


def read_rdf(text: str) -> Graph:
    root = ET.fromstring(text)
    if root.tag != f"{{{RDF}}}RDF":
        raise Unmodelled(f"root element {root.tag}")
    graph = Graph()
    for element in root:
        _node(graph, element)
    return graph


@dataclass
class Collection:
    name: str
    items: list[str]  # the items' nodes
    children: list[Collection]

    def walk(self, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Collection]]:
        here = (*path, self.name)
        return [(here, self), *(p for c in self.children for p in c.walk(here))]


@dataclass
class RdfImported:
    items: dict[str, Saved]  # the item's node -> the saved item
    collections: list[Collection]


def _type_of(graph: Graph, node: str) -> str:
    found = graph.targets(node, RDF + "type")
    return found[0][1] if found else ""


def _creators(graph: Graph, node: str, item_type: str) -> list[tuple[str, str, str]]:
    out = []
    for kind in creator_types(item_type):
        sources = CREATOR_SOURCES.get(kind, (f"{Z}{kind}s",))
        found = next((graph.targets(node, p) for p in sources if graph.targets(node, p)), [])
        if found and found[0][0] == "node" and graph.container(found[0][1]):
            found = graph.container(found[0][1])
        for kind_of, value in found:
            if kind_of == "literal":
                raise Unmodelled(f"a creator as text: {value!r}")
            last = graph.first_text(value, FOAF + "surname").strip()
            first = graph.first_text(value, FOAF + "givenName").strip()
            if last or first:
                out.append((kind, last, first))
    return out


def _item(graph: Graph, node: str) -> Saved | None:
    z_type = graph.first_text(node, Z + "itemType")
    title = graph.first_text(node, DC + "title")
    if not z_type:
        if title:
            raise Unmodelled(f"{node}: a title and no z:itemType")
        return None
    properties = graph.properties(node)
    unread = {p for p in properties - READ if not p.startswith(Z)}
    if unread:
        raise Unmodelled(f"{node}: properties {sorted(unread)}")
    item_type = z_type if z_type in ITEM_TYPE_NAMES else "document"
    fields = {"title": title, "date": graph.first_text(node, DC + "date")}
    fields["extra"] = graph.first_text(node, DC + "description")
    if item_type != z_type:
        fields["extra"] = "\n".join(x for x in (fields["extra"], f"Type: {z_type}") if x)
    copied = sorted(p for p in properties if p.startswith(Z) and p[len(Z) :] not in NOT_COPIED)
    for predicate in copied:  # a node is copied as its name
        fields[predicate[len(Z) :]] = graph.targets(node, predicate)[0][1]
    tags = [value for kind, value in graph.targets(node, DC + "subject") if kind == "literal"]
    notes = [
        graph.first_text(memo, RDF + "value")
        for _, memo in graph.targets(node, DCTERMS + "isReferencedBy")
    ]
    creators = _creators(graph, node, item_type)
    kept = {k: v.strip() for k, v in fields.items() if v.strip()}  # _itemDone trims, drops ""
    return from_json(item_type, kept, creators, tags, notes)


def _collection(graph: Graph, node: str) -> Collection:
    items, children = [], []
    for _, child in graph.targets(node, DCTERMS + "hasPart"):
        if _type_of(graph, child) in COLLECTION_TYPES:
            children.append(_collection(graph, child))
        elif all(arc in RELATIONS for arc in graph.arcs_in(child)):
            items.append(child)
    return Collection(graph.first_text(node, DC + "title"), items, children)


def import_rdf(text: str) -> RdfImported:
    """What Zotero's RDF import makes of ``text``."""
    graph = read_rdf(text)
    nodes = [s for s in graph.out if not set(graph.arcs_in(s)) & set(NOT_ITEMS)]
    collections = [n for n in nodes if _type_of(graph, n) in COLLECTION_TYPES]
    items = {n: _item(graph, n) for n in nodes if n not in collections}
    top = [_collection(graph, n) for n in collections if not graph.arcs_in(n)]
    return RdfImported({n: item for n, item in items.items() if item is not None}, top)
