"""A model of Zotero's built-in BibTeX import, for the rules this project relies on.

Written from the behaviour of Zotero's translator ``BibTeX.js`` (zotero/translators, read at
commit 2814370161d0, June 2026) and JabRef's "explicit groups" format (JabRef still converts
these legacy groups on opening a file: ``org.jabref.migrations.ConvertLegacyExplicitGroups``).
No code is taken from either; each rule below says what the translator does:

- Entries: the entry type is looked up in the translator's type table; an entry whose type is
  not there is discarded. The citation key is what stands before the first comma.
- arXiv ids: read only from ``eprint`` together with ``eprinttype`` whose value, trimmed and
  lower-cased, is ``arxiv``; the pair becomes the line ``arXiv: ID`` of the item's Extra field.
  ``archiveprefix`` is not read.
- ``keywords`` are split on ``,`` or ``;`` into tags.
- ``@comment`` (written exactly so, lower case, ``{`` right after it) is read up to the first
  ``}``, whatever its nesting. ``jabref-meta: groupsversion:3;`` (the whole comment) switches on
  the groups format; a ``jabref-meta: groupstree:`` comment is ignored unless that came first.
- The tree: line breaks are removed, then the text is split on ``;`` not preceded by ``\\``
  (a backslash makes the next character literal and is dropped), and each part is split the
  same way again. Parts with fewer than two pieces are skipped. The first piece must read
  ``DIGIT TYPE:NAME`` (one digit); level 0 is skipped; any type but ``ExplicitGroup`` stops the
  import of groups; the second piece is the hierarchy mode (``0`` independent); the remaining
  non-empty pieces are member keys. A group at level L goes under the last group seen at level
  L-1; groups with the same name under the same parent are one collection.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from effllm_bib.bibio import parse_bib

# The translator's table, for the BibTeX types this project writes (bibtex and biblatex).
ITEM_TYPES = {
    "article": "journalArticle", "inproceedings": "conferencePaper", "conference": "conferencePaper",
    "incollection": "bookSection", "inbook": "bookSection", "book": "book", "misc": "document",
    "online": "webpage", "software": "computerProgram", "techreport": "report",
    "phdthesis": "thesis", "mastersthesis": "thesis", "unpublished": "manuscript",
}  # fmt: skip


class GroupsRejected(Exception):
    """Zotero would stop reading the groups here (it logs the reason and imports none further)."""


@dataclass
class Collection:
    name: str
    level: int
    keys: list[str] = field(default_factory=list)
    children: list[Collection] = field(default_factory=list)

    def walk(self, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Collection]]:
        here = (*path, self.name)
        return [(here, self), *(p for c in self.children for p in c.walk(here))]


@dataclass
class Imported:
    items: dict[str, dict[str, object]]  # citation key -> {"itemType", "extra", "tags"}
    discarded: list[str]
    collections: list[Collection]


def _comments(text: str) -> list[str]:
    """The text of each top-level ``@comment{...}``, up to its first ``}``."""
    out, i = [], 0
    while (at := text.find("@", i)) >= 0:
        m = re.match(r"@([A-Za-z0-9_-]*)", text[at:])
        name = m.group(1) if m else ""
        i = at + 1 + len(name)
        if name == "comment":
            end = text.find("}", i + 1)
            out.append(text[i + 1 : end])
            i = end + 1
        elif i < len(text) and text[i] in "{(":
            depth, j = 0, i
            for j in range(i, len(text)):  # skip the entry, braces balanced
                depth += {"{": 1, "}": -1}.get(text[j], 0)
                if depth == 0:
                    break
            i = j + 1
    return out


def _split(value: str) -> list[str]:
    parts, current, chars = [], "", iter(value)
    for c in chars:
        if c == ";":
            parts.append(current)
            current = ""
        else:
            current += next(chars, "") if c == "\\" else c
    return [*parts, current]


def read_groups(text: str) -> list[Collection]:
    version3 = False
    roots: list[Collection] = []
    for comment in _comments(text):
        if comment == "jabref-meta: groupsversion:3;":
            version3 = True
            continue
        if not comment.startswith("jabref-meta: groupstree:"):
            continue
        if not version3:
            raise GroupsRejected("groupstree before groupsversion:3")
        body = re.sub(r"[\r\n]", "", comment.removeprefix("jabref-meta: groupstree:"))
        path: list[Collection] = []
        for record in _split(body):
            pieces = _split(record)
            if len(pieces) < 2:
                continue
            head = re.match(r"^([0-9]) ([^:]*):(.*)", pieces[0])
            if head is None:
                raise GroupsRejected(f"unreadable group {pieces[0]!r}")
            level, kind, name = int(head.group(1)), head.group(2), head.group(3)
            if level == 0:
                continue
            if kind != "ExplicitGroup":
                raise GroupsRejected(f"group type {kind} is not supported")
            siblings = roots if level == 1 else path[level - 2].children
            node = next((c for c in siblings if c.name == name), None)
            if node is None:
                node = Collection(name, level)
                siblings.append(node)
            path = [*path[: level - 1], node]
            node.keys.extend(k for k in pieces[2:] if k)
    return roots


def import_bibtex(text: str) -> Imported:
    parsed = parse_bib(text)
    assert parsed.errors == [], parsed.errors
    items: dict[str, dict[str, object]] = {}
    discarded = []
    for e in parsed.entries:
        if e.type not in ITEM_TYPES:
            discarded.append(e.key)
            continue
        extra = []
        if e.get("eprint") and e.get("eprinttype").strip().lower() == "arxiv":
            extra.append(f"arXiv: {e.get('eprint').strip()}")
        tags = [t for t in re.split(r"\s*[,;]\s*", e.get("keywords")) if t]
        items[e.key] = {"itemType": ITEM_TYPES[e.type], "extra": extra, "tags": tags}
    return Imported(items, discarded, read_groups(text))
