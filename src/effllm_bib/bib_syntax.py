"""BibTeX's syntax where bibtexparser reads it otherwise: pure text functions that the reader
(:mod:`.bibio`) applies before and after bibtexparser's splitter.

- :func:`rename_comment_like`: ``@COMMENTED{...}`` is an entry of an unknown type to BibTeX and
  biber, not a comment; it is renamed for the splitter and named back afterwards.
- :func:`count_every_brace`: BibTeX counts every brace, a backslash before it or not; the
  splitter skips ``\\{`` and ``\\}``. Their backslashes are hidden from it.
- :func:`unwrap`: a value without the delimiters around the whole of it.
- :func:`well_formed`: whether a value the splitter cut is one BibTeX reads (it counts no
  brace inside quotes, and reads on past a ``\\"``).
- :func:`repair`: the text as the splitter can read it the way BibTeX and biber do (a ``"``
  inside braces inside a quoted value, a ``\\"`` that ends one, a ``%`` comment line between
  fields or outside entries, an ``@`` that begins a line inside a value).

:func:`restore` turns the placeholders back in what was read.
"""

from __future__ import annotations

import re
from typing import NamedTuple

COMMENT_LIKE = re.compile(r"@(\s*)(comment[A-Za-z0-9_:-]+)(\s*)([{(])", re.I)
PLACEHOLDER = "\ue000"  # stands for a '"' inside braces inside a quoted value while parsing
AT = "\ue001"  # stands for an '@' in a % comment line outside entries while parsing
BACKSLASH = "\ue002"  # stands for a '\' before a brace, or before a '"' that ends a value
PLACEHOLDERS = (PLACEHOLDER, AT, BACKSLASH)
_TOKENS = re.compile(r'[{}()"@%\n]')
_VALUE_END = re.compile(r"\s*[,#})]")  # what may follow a value
# "@ type {" as BibTeX and biber read it: white space (line breaks too) around a type of any
# characters but those BibTeX's identifiers exclude; the splitter reads "@word {" only
_HEADER = re.compile(r"@(\s*)([^\s\"#%'(),={}]+)(\s*)([{(])")
_WORD = re.compile(r"\w+")
_PERCENT_TO_LINE_END = re.compile(r"%[^\n]*")


_SPLITTER_BLOCK_START = re.compile(r"@\w*[ \t]*[{(]")  # bibtexparser's, at a line start
_KEY_THEN_COMMA = re.compile(r"\s*[^\s\"#%'(),={}]*\s*[,})]")  # an entry's key, as BibTeX reads it
_KEY_COMMA = re.compile(r"\s*[^\s\"#%'(),={}]+\s*,")  # a key and the comma after it
_COMMANDS = frozenset({"string", "preamble", "comment"})


def _odd_header(m: re.Match[str]) -> bool:
    """A header the splitter does not read and BibTeX does: white space after the ``@`` or a
    line break before the delimiter, or a type of more than word characters; and then a key
    and a comma (``me@example.org (any time)`` is an error to BibTeX, and stays text)."""
    odd = bool(m.group(1)) or bool(m.group(3).strip(" \t")) or not _WORD.fullmatch(m.group(2))
    return odd and (
        m.group(2).lower() in _COMMANDS or bool(_KEY_THEN_COMMA.match(m.string, m.end()))
    )


# What BibTeX reads after an "@" outside entries without an error: a type (it may start with
# "@": "@ @misc{" is an entry of type "@misc"), a delimiter, a key and a comma; or, at the end
# of free text, the next entry's "@".
_AT_READ = re.compile(r"@\s*(?:\Z|[^\s\"#%'(),={}]+\s*[{(]\s*[^\s,]*?\s*[,})])")


def stray_at(text: str) -> bool:
    """Whether free text between blocks holds an ``@`` where BibTeX stops with an error: it
    starts a command at every ``@`` outside entries (``%`` comments are biber's, not BibTeX's,
    and do not count here), and ``me@example.org (any time)`` is none it can read."""
    if "@" not in text:
        return False
    kept = _PERCENT_TO_LINE_END.sub("", text) if "%" in text else text
    return any(not _AT_READ.match(kept, m.start()) for m in re.finditer("@", kept))


def starts_entry(text: str) -> bool:
    """Whether free text between blocks (as the splitter left it) holds an ``@`` that BibTeX
    and biber read as the start of an entry and the splitter does not: ``@FAKE-ENTRY{``, or
    ``@incollection`` with its ``(`` on the next line. Not in a ``%`` comment (biber's)."""
    if "@" not in text:
        return False
    kept = _PERCENT_TO_LINE_END.sub("", text) if "%" in text else text
    return any(_odd_header(m) for m in _HEADER.finditer(kept))


def rename_comment_like(text: str) -> tuple[str, dict[str, str]]:
    """``@commentX{`` as an alias type the splitter reads as an entry, and alias -> the type."""
    renamed: dict[str, str] = {}
    if "@" not in text or not COMMENT_LIKE.search(text):
        return text, renamed

    def rename(m: re.Match[str]) -> str:
        alias = f"effllmcommentlike{len(renamed)}"
        renamed[alias] = m.group(2).lower()
        return f"@{alias}{m.group(4)}{m.group(1)}{m.group(3)}"  # line breaks kept, after it

    return COMMENT_LIKE.sub(rename, text), renamed


_ESCAPED_BRACE = re.compile(r"\\(?=[{}])")


def count_every_brace(text: str) -> str:
    """The text with the backslash of every ``\\{`` and ``\\}`` as :data:`BACKSLASH`.

    BibTeX counts every brace, a backslash before it or not: ``{\\\\{}}`` is one balanced value
    and ``{\\{}`` is not closed yet. bibtexparser's splitter takes a brace after a backslash for
    text, so it ends the first at its third brace and the second at its second; without the
    backslash in front of them, it counts the braces as BibTeX does.
    """
    if "\\{" not in text and "\\}" not in text:
        return text
    return _ESCAPED_BRACE.sub(BACKSLASH, text)


_BRACE = re.compile(r"[{}]")
_BRACE_OR_QUOTE = re.compile(r'[{}"]')


def unwrap(value: str) -> tuple[str, bool]:
    """A field or ``@string`` value without the delimiters around the whole of it, and whether
    it had them. ``{a} # {b}`` and ``"a" # "b"`` start and end with delimiters of two parts:
    they stay as they are (a concatenation, written bare). Every brace counts, and a quote ends
    a quoted value at brace depth 0 only, a backslash before either or not, as in BibTeX; a
    value whose braces do not balance is not enclosed either (see :func:`well_formed`).

    (The rule of bibtexparser's RemoveEnclosingMiddleware, applied by the reader itself in the
    loop that builds each entry; it also covers the first-value entry kept from a block with a
    field given twice, which no middleware sees.)
    """
    value = value.strip()
    if len(value) < 2:
        return value, False
    first, last = value[0], value[-1]
    if first == "{" and last == "}":
        return _unwrap_braced(value)
    if first == '"' and last == '"':
        return _unwrap_quoted(value)
    return value, False


def _unwrap_braced(value: str) -> tuple[str, bool]:
    inner = value[1:-1]
    if "{" not in inner and "}" not in inner:
        return inner, True
    depth = 0
    for m in _BRACE.finditer(value):
        depth += 1 if m.group() == "{" else -1
        if depth == 0:  # the first brace closes here: at the end, or it is two parts
            return (inner, True) if m.end() == len(value) else (value, False)
    return value, False


def _unwrap_quoted(value: str) -> tuple[str, bool]:
    inner = value[1:-1]
    if '"' not in inner and "{" not in inner and "}" not in inner:
        return inner, True
    depth = 0
    for m in _BRACE_OR_QUOTE.finditer(inner):
        c = m.group()
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth < 0:
                return value, False  # a brace closes none: BibTeX stops there
        elif depth == 0:
            return value, False  # a quote at brace depth 0 ends the first part
    return (inner, True) if depth == 0 else (value, False)  # else the end quote is no end


_SPACE = re.compile(r"\s*")
_NUMBER = re.compile(r"[0-9]+")
_MACRO = re.compile(r"[^\s\"#%'(),={}0-9][^\s\"#%'(),={}]*")  # BibTeX's identifiers
_SIMPLE_PART = rf'(?:"[^"{{}}]*"|{{[^{{}}]*}}|[0-9]+|{_MACRO.pattern})'
_SIMPLE_VALUE = re.compile(rf"\s*{_SIMPLE_PART}(?:\s*#\s*{_SIMPLE_PART})*\s*")


def well_formed(value: str) -> bool:
    """Whether a value that no delimiters enclose whole is BibTeX's syntax: parts joined by
    ``#``, each a braced group, a quoted string (which ends at its first ``"`` at brace depth
    0), a number or a macro name. BibTeX stops reading an entry at anything else."""
    if _SIMPLE_VALUE.fullmatch(value):
        return True  # the common case: a macro, a number, parts without nested braces
    i = 0
    while True:
        end = _part_end(value, _skip_space(value, i))
        if end < 0:
            return False
        i = _skip_space(value, end)
        if i == len(value):
            return True
        if value[i] != "#":
            return False
        i += 1


def _skip_space(value: str, i: int) -> int:
    m = _SPACE.match(value, i)
    return m.end() if m else i


def _part_end(value: str, i: int) -> int:
    """Where the part of a value that starts at ``i`` ends, or -1 if none starts there."""
    if value[i : i + 1] == "{":
        depth = 0
        for m in _BRACE.finditer(value, i):
            depth += 1 if m.group() == "{" else -1
            if depth == 0:
                return m.end()
        return -1
    if value[i : i + 1] == '"':
        depth = 0
        for m in _BRACE_OR_QUOTE.finditer(value, i + 1):
            c = m.group()
            if c == '"' and depth == 0:
                return m.end()
            depth += {"{": 1, "}": -1, '"': 0}[c]
            if depth < 0:
                return -1
        return -1
    word = _NUMBER.match(value, i) or _MACRO.match(value, i)
    return word.end() if word else -1


def restore(text: str) -> str:
    """Text read from a prepared or repaired file, with the placeholders of
    :func:`count_every_brace` and :func:`repair` turned back."""
    return text.replace(PLACEHOLDER, '"').replace(AT, "@").replace(BACKSLASH, "\\")


class _Scanner:
    """One pass over the text, token by token (braces, parentheses, quotes, ``@``, ``%``, line
    breaks), in one of three places: outside blocks, inside a quoted value, or inside a block.
    Text outside blocks (where BibTeX ignores everything) never changes the state."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.out: list[str] = []
        self.blanked: list[int] = []  # lines of % comments blanked inside entries
        self.quote_ends: list[int] = []  # lines of a \" that ends a quoted value too early
        self.renamed: dict[str, str] = {}  # alias -> entry type of a header rewritten
        self.depth = 0  # delimiter depth within the current block (1: between the fields)
        self.header = False  # after "@type", before the block's opening delimiter
        self.paren = False  # the block is delimited by ( )
        self.quoted = False  # inside a quoted value
        self.qdepth = 0  # brace depth inside the quoted value
        self.comment = False  # an @comment block (no value syntax there)
        self.line = 1
        self.last = 0  # text before this offset is in ``out`` already

    def run(self) -> Repaired:
        for m in _TOKENS.finditer(self.text):
            c, i = m.group(), m.start()
            if c == "\n":
                self.line += 1
            elif i < self.last:
                continue  # inside a blanked comment
            elif self.depth == 0:
                self.outside(c, i)
            elif self.quoted:
                self.in_quoted(c, i)
            else:
                self.in_block(c, i)
        self.out.append(self.text[self.last :])
        return Repaired("".join(self.out), self.blanked, self.quote_ends, self.renamed)

    def _line_end(self, i: int) -> int:
        end = self.text.find("\n", i)
        return len(self.text) if end < 0 else end

    def outside(self, c: str, i: int) -> None:
        if c == "%" and not self.header:
            # biber: a comment to the end of the line, so "%@BOOK{...}" is no entry (BibTeX
            # would read it; a file that comments an entry out this way means biber's way)
            end = self._line_end(i)
            self.out.append(self.text[self.last : i] + self.text[i:end].replace("@", AT))
            self.last = end
        elif c == "@":
            self.header = True
            starts_comment = self.text[i + 1 : i + 16].lstrip().lower().startswith("comment")
            self.comment = starts_comment and not COMMENT_LIKE.match(self.text, i)
            header = _HEADER.match(self.text, i)
            if header and _odd_header(header):
                self.rewrite_header(header)
        elif self.header and c in "{(":
            self.header, self.paren, self.depth, self.quoted = False, c == "(", 1, False

    def rewrite_header(self, m: re.Match[str]) -> None:
        """``@`` type ``{`` as the splitter reads it: the type renamed if it has more than word
        characters, the white space around it (line breaks) moved after the delimiter."""
        space, name, more, delimiter = m.group(1, 2, 3, 4)
        if not _WORD.fullmatch(name):
            alias = f"effllmtype{len(self.renamed)}"
            self.renamed[alias] = name.lower()
            name = alias
        self.out.append(f"{self.text[self.last : m.start()]}@{name}{delimiter}{space}{more}")
        self.last = m.end()
        self.header, self.paren, self.depth, self.quoted = False, delimiter == "(", 1, False

    def at_in_value(self, i: int) -> None:
        """An ``@`` inside a value is text to BibTeX and biber. The splitter starts a new block
        at one that begins a line before ``word{`` or ``word(``: where a whole entry header
        follows (a key and a comma, or a command), the value was most likely left open, and the
        splitter's reading is kept (it reports the open block and reads the next); any other
        is hidden from it."""
        if not _SPLITTER_BLOCK_START.match(self.text, i):
            return
        before = self.text.rfind("\n", 0, i)
        if self.text[before + 1 : i].strip(" \t"):
            return  # not at a line start: the splitter reads on
        header = _HEADER.match(self.text, i)
        if header and (
            header.group(2).lower() in _COMMANDS or _KEY_COMMA.match(self.text, header.end())
        ):
            self.depth, self.quoted = 0, False
            self.outside("@", i)
            return
        self.out.append(self.text[self.last : i] + AT)
        self.last = i + 1

    def in_quoted(self, c: str, i: int) -> None:
        if c == "@":
            self.at_in_value(i)
        elif c == "{":
            self.qdepth += 1
        elif c == "}" and self.qdepth > 0:
            self.qdepth -= 1
        elif c == '"' and self.qdepth > 0:
            self.out.append(self.text[self.last : i] + PLACEHOLDER)
            self.last = i + 1
        elif c == '"':
            self.quoted = False
            if self.text[i - 1] == "\\":  # it ends the value: the splitter must see it do so
                self.out.append(self.text[self.last : i - 1] + BACKSLASH)
                self.last = i
                if not _VALUE_END.match(self.text, i + 1):  # and what follows is no field
                    self.quote_ends.append(self.line)

    def in_block(self, c: str, i: int) -> None:
        if c == "@" and self.depth > 1 and not self.comment:
            self.at_in_value(i)
        elif c == "{":
            self.depth += 1
        elif c == "}" and not (self.paren and self.depth == 1):
            self.depth -= 1
        elif c == ")" and self.paren and self.depth == 1:
            self.depth = 0
        elif self.comment:
            return
        elif c == '"' and self.depth == 1:
            self.quoted, self.qdepth = True, 0
        elif c == "%" and self.depth == 1:
            end = self._line_end(i)
            self.out.append(self.text[self.last : i])
            self.last = end
            self.blanked.append(self.line)


class Repaired(NamedTuple):
    """The text as the splitter reads it the way BibTeX and biber do, and the lines of what
    was repaired that the reader reports."""

    text: str
    blanked: list[int]  # lines of % comments blanked inside entries
    quote_ends: list[int]  # lines of a \" that ends a quoted value, and then no field
    renamed: dict[str, str]  # alias -> entry type, as rename_comment_like


def repair(text: str) -> Repaired:
    """The text as bibtexparser can read it the way BibTeX and biber do, the lines of ``%``
    comments that were blanked inside entries, and of each ``\\"`` that ends a quoted value
    where no ``,``, ``#`` or closing delimiter follows (a syntax error to BibTeX and biber).

    - a ``"`` inside braces inside a quoted value is part of the value (bibtexparser ends the
      value there): it becomes :data:`PLACEHOLDER`, turned back by :func:`restore`;
    - a ``\\"`` at brace depth 0 ends a quoted value (bibtexparser reads on): its backslash
      becomes :data:`BACKSLASH`;
    - ``%`` between the fields of an entry starts a comment to the end of the line for biber
      (BibTeX stops reading the entry there): it is blanked, keeping line numbers;
    - ``%`` outside entries: its ``@`` become :data:`AT`, so the splitter starts no entry there;
    - an ``@`` that begins a line inside a value becomes :data:`AT` too, unless a whole entry
      header follows it (see ``_Scanner.at_in_value``);
    - an entry header BibTeX reads and the splitter does not (white space with line breaks
      around the type, a type with more than word characters) is rewritten, the type renamed
      if need be (``renamed``), the line breaks moved after the delimiter.

    Only run when a plain parse showed one of these cases.
    """
    return _Scanner(text).run()
