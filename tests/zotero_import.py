"""A model of Zotero's built-in BibTeX import, for the rules this project relies on.

Written from the behaviour of Zotero's translator ``BibTeX.js`` (zotero/translators, read at
commit 2814370161d0, June 2026) and JabRef's "explicit groups" format (JabRef still converts
these legacy groups on opening a file: ``org.jabref.migrations.ConvertLegacyExplicitGroups``).
No code is taken from either; each rule below says what the translator does.

Reading. The file is read as the translator reads it, one character at a time, with no BibTeX
parser. Not with ours (``effllm_bib.bibio``): a bug of our reader would then hide the same bug of
our writer. Nor with pybtex's or bibtexparser's: they read BibTeX as BibTeX does, and Zotero
does not, on the very points these tests are about. pybtex drops ``@comment`` unread (so no
JabRef groups), stops at a key with a blank in it where Zotero reads the key without the blank,
and joins ``{A} # {B}`` where Zotero keeps ``A``. The translator's reading:

- ``@`` starts a block. Its type is the letters, digits, ``-`` and ``_`` that follow (other
  characters are passed over) up to ``{`` or ``(``, which opens the block; ``}`` or ``)``
  closes it. The type stays after a block, so letters between blocks lengthen it, and a ``{``
  or ``(`` there opens a block of that type (discarded, having no known type).
- ``@comment`` (written exactly so, lower case): the one character after it is passed over and
  the comment is read up to the first ``}``, whatever its nesting.
- Entries: the entry type, lower-cased, is looked up in the translator's type table; an entry
  whose type is not there is discarded, its body then read as text between blocks (above).
  ``@preamble`` is dropped the same way. The citation key is what stands before the first
  comma, blanks left out; a field name is what stands before ``=``, blanks left out.
- Values: ``{...}`` with braces balanced, a backslash making the next character literal;
  ``"..."`` up to a quote outside braces; or a bare word (a letter, digit or ``-``, then also
  ``:`` and ``_``), a number or an ``@string`` name, replaced by that string's text if defined.
  ``#`` joins pieces only after a bare word: after a braced or quoted piece the value ends
  there. ``@string{name = value}`` defines a string (a comma in it makes the translator fail).
  Of the translator's LaTeX-to-text pass, only what the fields read here meet is modelled
  (braces dropped, blanks made one space): a backslash, a ``$``, or one of the plain sequences
  that pass also rewrites (``CONVERTED``: ``--``, ``''``, ``~``, ``TEL``...) in such a field
  raises ``Unmodelled``. An empty value is ignored. An entry not closed by the end of the file
  is lost.

Then what the import makes of what it read:

- Notes: ``note`` becomes a child note, unless it starts with ``LCCN``, ``MR``, ``Zbl``, ``PMID``
  or ``PMCID`` (then it is a line of Extra, as it is); ``annote``, ``comment``, ``review`` and
  ``notes`` become child notes (``processField``). So ``note = {arXiv:2301.00774}`` is a note.
- arXiv ids: read only from ``eprint`` together with ``eprinttype`` whose value, trimmed and
  lower-cased, is ``arxiv``; the pair becomes the line ``arXiv: ID`` of the item's Extra field
  (``jstor``, ``pubmed``, ``hdl`` and ``googlebooks`` give lines with labels of their own).
  ``archiveprefix`` is not read.
- ``keywords`` (or ``keyword``) are split on ``,`` or ``;`` into tags.
- ``howpublished`` of 7 characters or more: the item's URL when it starts with ``http://``,
  ``https:/`` or ``mailto:`` (``\\url{...}`` first loses its macro and braces), else the Extra
  line ``Published: VALUE``; a shorter one is dropped.
- Not read by the model: the other fields, among them the citation key, which the translator
  keeps only as the item's id for the groups (``item.itemID``; Zotero's saver drops it).
- ``jabref-meta: groupsversion:3;`` (the whole comment) switches on the groups format; a
  ``jabref-meta: groupstree:`` comment is ignored unless that came first.
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

# The translator's table of entry types.
ITEM_TYPES = {
    "article": "journalArticle", "inproceedings": "conferencePaper", "conference": "conferencePaper",
    "incollection": "bookSection", "inbook": "bookSection", "book": "book", "booklet": "book",
    "manual": "book", "proceedings": "book", "collection": "book", "mvbook": "book",
    "misc": "document", "online": "webpage", "electronic": "webpage",
    "software": "computerProgram", "techreport": "report", "report": "report",
    "phdthesis": "thesis", "mastersthesis": "thesis", "thesis": "thesis",
    "unpublished": "manuscript", "patent": "patent", "letter": "letter", "movie": "film",
    "artwork": "artwork", "legislation": "bill", "jurisdiction": "case",
    "audio": "audioRecording", "video": "videoRecording", "inreference": "encyclopediaArticle",
}  # fmt: skip
# eprinttype (trimmed, lower-cased) -> the label of its line in Extra
EPRINT_LABELS = {
    "arxiv": "arXiv", "jstor": "JSTOR", "pubmed": "PMID", "hdl": "HDL",
    "googlebooks": "GoogleBooksID",
}  # fmt: skip
# What the translator's LaTeX-to-text table turns into other characters even without a
# backslash or a dollar (dashes, quotes, ~, and TEL as a telephone sign).
CONVERTED = ("--", "''", "``", "!!", "?!", "!?", "~", "TEL")

BLANKS = " \n\r\t"
TYPE_CHAR = re.compile(r"[a-zA-Z0-9_-]")
WORD_START = re.compile(r"[a-zA-Z0-9-]")
WORD_CHAR = re.compile(r"[a-zA-Z0-9:_-]")
NOTE_FIELDS = ("note", "annote", "comment", "review", "notes")
READ_FIELDS = ("eprint", "eprinttype", "keywords", "keyword", "howpublished", *NOTE_FIELDS)
# \url{...}: the translator's LaTeX-to-text pass drops the macro name and the braces
URL_MACRO = re.compile(r"\\url\{([^{}\\$]*)\}")
# a howpublished of at least 7 characters that starts so is the item's URL (processField)
URL_STARTS = ("http://", "https:/", "mailto:")
# A note that starts with one of these is a line of Extra, not a child note.
EXTRA_IDS = ("LCCN", "MR", "Zbl", "PMID", "PMCID")


class GroupsRejected(Exception):
    """Zotero would stop reading the groups here (it logs the reason and imports none further)."""


class TranslatorFails(Exception):
    """The translator would stop the whole import here with an error."""


class Unmodelled(Exception):
    """A field the model reads holds LaTeX the model does not convert as the translator does."""


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
    keys: list[str]  # each item's citation key, in file order (a key twice is two items)
    items: dict[str, dict[str, object]]  # citation key -> {"itemType", "extra", "tags", "notes"}
    discarded: list[str]  # the type of each block discarded, as the translator logs it
    comments: list[str]  # the text of each @comment, as the translator reads it
    collections: list[Collection]


@dataclass
class _Item:
    type: str
    key: str | None = None
    extra: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    eprint: str = ""
    eprinttype: str = ""


@dataclass
class _Read:
    items: list[_Item] = field(default_factory=list)
    discarded: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


class _Reader:
    """The text, one character at a time; ``next()`` gives "" at the end."""

    def __init__(self, text: str) -> None:
        self.text, self.at = text, 0

    def next(self) -> str:
        c = self.text[self.at : self.at + 1]
        self.at += len(c)
        return c

    def up_to(self, stop: str) -> str:
        """The text before the next ``stop`` (or the end), ``stop`` read too."""
        end = self.text.find(stop, self.at)
        end = len(self.text) if end < 0 else end
        out, self.at = self.text[self.at : end], end + 1
        return out


Strings = dict[str, tuple[str, str]]  # @string name -> (text, raw text)


def _read(text: str) -> _Read:
    """Blocks and comments, in one pass over the text, as the translator's main loop reads."""
    out, r = _Read(), _Reader(text)
    strings: Strings = {}
    kind: str | None = None  # the type being read after '@'; None before any '@'
    while c := r.next():
        if c == "@":
            kind = ""
        elif kind is None:
            continue
        elif kind == "comment":
            out.comments.append(r.up_to("}"))
            kind = None
        elif c in "{(":
            _block(r, kind.lower(), "}" if c == "{" else ")", strings, out)
        elif TYPE_CHAR.match(c):
            kind += c
    return out


def _block(r: _Reader, kind: str, close: str, strings: Strings, out: _Read) -> None:
    if kind == "preamble" or (kind != "string" and kind not in ITEM_TYPES):
        out.discarded.append(kind)
        return  # the body is read on as text between blocks
    item = _Item(kind) if kind != "string" else None
    name, again = "", ""
    while c := again or r.next():
        again = ""
        if c == "=":
            value, raw, again = _value(r, strings)
            if item is None:
                strings[name.lower()] = (value, raw)
            elif value.strip():
                _field(item, name.lower(), value, raw)
            name = ""
        elif c == ",":
            if item is None:
                raise TranslatorFails(f"a comma in @string{{{name}...}}")
            if item.key is None:
                item.key = name
            name = ""
        elif c == close:
            if item is not None:
                out.items.append(item)
            return
        elif c not in BLANKS:
            name += c
    out.discarded.append(f"{kind} (not closed)")


def _value(r: _Reader, strings: Strings) -> tuple[str, str, str]:
    """The value after ``=``: (its text; the raw text of its braced and quoted pieces, which
    went through the LaTeX-to-text pass; the character the record reads again, or "").

    After a bare word the translator has read one character too many, and the record reads it
    again; that holds to the end of the value, even when a braced piece follows a ``#``."""
    texts, raws, after_word = [], [], False
    while True:
        c = r.next()
        while c and c in BLANKS:
            c = r.next()
        if not (c and WORD_START.match(c)):
            raw = _braced(r) if c == "{" else _quoted(r) if c == '"' else ""
            texts.append(re.sub(r"\s+", " ", re.sub(r"(?<!\\)[{}]", "", raw)))
            raws.append(raw)
            return "".join(texts), "".join(raws), c if after_word else ""
        word = c
        while (c := r.next()) and WORD_CHAR.match(c):
            word += c
        text, raw = strings.get(word.lower(), ("", ""))
        if not text:  # an undefined (or empty) string stands for itself
            text, raw = word, ""
        texts.append(text)
        raws.append(raw)
        after_word = True
        while c and c in BLANKS:
            c = r.next()
        if c != "#":
            return "".join(texts), "".join(raws), c


def _braced(r: _Reader) -> str:
    out, depth = "", 1
    while c := r.next():
        if c == "\\":
            out += c + r.next()
            continue
        depth += {"{": 1, "}": -1}.get(c, 0)
        if depth == 0:
            break
        out += c
    return out


def _quoted(r: _Reader) -> str:
    out, depth = "", 0
    while c := r.next():
        if c in "{}" and not out.endswith("\\"):
            depth += 1 if c == "{" else -1
        elif c == '"' and depth == 0:
            break
        out += c
    return out


def _field(item: _Item, name: str, value: str, raw: str) -> None:
    if name not in READ_FIELDS:
        return
    url = URL_MACRO.fullmatch(raw.strip()) if name == "howpublished" else None
    if url:
        raw = value = url.group(1)
    if "\\" in raw or "$" in raw or any(s in raw for s in CONVERTED):
        raise Unmodelled(f"{item.key}: {name} = {raw!r}")
    if name in ("keywords", "keyword"):
        item.tags = [t for t in re.split(r"\s*[,;]\s*", value) if t]
        return
    if name == "howpublished":
        if len(value) >= 7 and not value.startswith(URL_STARTS):
            item.extra.append(f"Published: {value}")
        return
    if name in NOTE_FIELDS:
        is_id = name == "note" and value.strip().startswith(EXTRA_IDS)
        (item.extra if is_id else item.notes).append(value.strip() if is_id else value)
        return
    setattr(item, name, value)
    label = EPRINT_LABELS.get(item.eprinttype.strip().lower())
    if item.eprint and label:
        item.extra.append(f"{label}: {item.eprint.strip()}")
        item.eprint = item.eprinttype = ""


def _split(value: str) -> list[str]:
    parts, current, chars = [], "", iter(value)
    for c in chars:
        if c == ";":
            parts.append(current)
            current = ""
        else:
            current += next(chars, "") if c == "\\" else c
    return [*parts, current]


def _groups(comments: list[str]) -> list[Collection]:
    version3 = False
    roots: list[Collection] = []
    for comment in comments:
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


def read_groups(text: str) -> list[Collection]:
    """The collections the JabRef groups of ``text`` become."""
    return _groups(_read(text).comments)


def import_bibtex(text: str) -> Imported:
    """What Zotero's import makes of ``text``."""
    read = _read(text)
    keys = [item.key or "" for item in read.items]
    items: dict[str, dict[str, object]] = {
        item.key or "": {
            "itemType": ITEM_TYPES[item.type],
            "extra": item.extra,
            "tags": item.tags,
            "notes": item.notes,
        }
        for item in read.items
    }
    return Imported(keys, items, read.discarded, read.comments, _groups(read.comments))
