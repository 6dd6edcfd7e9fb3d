"""BibTeX's syntax where bibtexparser reads it otherwise: pure text functions that the reader
(:mod:`.bibio`) applies before and after bibtexparser's splitter.

- :func:`rename_comment_like`: ``@COMMENTED{...}`` is an entry of an unknown type to BibTeX and
  biber, not a comment; it is renamed for the splitter and named back afterwards.
- :func:`unwrap`: a value without the delimiters around the whole of it.
- :func:`repair`: the text as the splitter can read it the way BibTeX and biber do (a ``"``
  inside braces inside a quoted value, a ``%`` comment line between fields or outside entries);
  :func:`restore` turns the placeholders back in what was read.
"""

from __future__ import annotations

import re

COMMENT_LIKE = re.compile(r"@\s*(comment[A-Za-z0-9_:-]+)\s*([{(])", re.I)
PLACEHOLDER = "\ue000"  # stands for a '"' inside braces inside a quoted value while parsing
AT = "\ue001"  # stands for an '@' in a % comment line outside entries while parsing
_TOKENS = re.compile(r'[{}()"@%\n]')


def rename_comment_like(text: str) -> tuple[str, dict[str, str]]:
    """``@commentX{`` as an alias type the splitter reads as an entry, and alias -> the type."""
    renamed: dict[str, str] = {}
    if "@" not in text or not COMMENT_LIKE.search(text):
        return text, renamed

    def rename(m: re.Match[str]) -> str:
        alias = f"effllmcommentlike{len(renamed)}"
        renamed[alias] = m.group(1).lower()
        return f"@{alias}{m.group(2)}"

    return COMMENT_LIKE.sub(rename, text), renamed


_BRACE = re.compile(r"(?<!\\)[{}]")
_BRACE_OR_QUOTE = re.compile(r'(?<!\\)[{}"]')


def unwrap(value: str) -> tuple[str, bool]:
    """A field or ``@string`` value without the delimiters around the whole of it, and whether
    it had them. ``{a} # {b}`` and ``"a" # "b"`` start and end with delimiters of two parts:
    they stay as they are (a concatenation, written bare). A brace after a backslash does not
    count, as for bibtexparser's splitter, which cut the value.

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
        return (value, False) if inner.endswith("\\") else (inner, True)  # "\}" escaped
    depth = 0
    for m in _BRACE.finditer(value):
        depth += 1 if m.group() == "{" else -1
        if depth == 0:  # the first brace closes here: at the end, or it is two parts
            return (inner, True) if m.end() == len(value) else (value, False)
    return value, False


def _unwrap_quoted(value: str) -> tuple[str, bool]:
    inner = value[1:-1]
    if '"' not in inner:
        return inner, True
    depth = 0
    for m in _BRACE_OR_QUOTE.finditer(inner):
        c = m.group()
        if c == "{":
            depth += 1
        elif c == "}":
            depth = max(depth - 1, 0)
        elif depth == 0:
            return value, False  # a quote at brace depth 0 ends the first part
    return inner, True


def restore(text: str) -> str:
    """Text read from a repaired file, with the placeholders of :func:`repair` turned back."""
    return text.replace(PLACEHOLDER, '"').replace(AT, "@")


class _Scanner:
    """One pass over the text, token by token (braces, parentheses, quotes, ``@``, ``%``, line
    breaks), in one of three places: outside blocks, inside a quoted value, or inside a block.
    Text outside blocks (where BibTeX ignores everything) never changes the state."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.out: list[str] = []
        self.blanked: list[int] = []  # lines of % comments blanked inside entries
        self.depth = 0  # delimiter depth within the current block (1: between the fields)
        self.header = False  # after "@type", before the block's opening delimiter
        self.paren = False  # the block is delimited by ( )
        self.quoted = False  # inside a quoted value
        self.qdepth = 0  # brace depth inside the quoted value
        self.comment = False  # an @comment block (no value syntax there)
        self.line = 1
        self.last = 0  # text before this offset is in ``out`` already

    def run(self) -> tuple[str, list[int]]:
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
        return "".join(self.out), self.blanked

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
        elif self.header and c in "{(":
            self.header, self.paren, self.depth, self.quoted = False, c == "(", 1, False

    def in_quoted(self, c: str, i: int) -> None:
        if c == "{":
            self.qdepth += 1
        elif c == "}" and self.qdepth > 0:
            self.qdepth -= 1
        elif c == '"' and self.qdepth > 0:
            self.out.append(self.text[self.last : i] + PLACEHOLDER)
            self.last = i + 1
        elif c == '"':
            self.quoted = False

    def in_block(self, c: str, i: int) -> None:
        if c == "{":
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


def repair(text: str) -> tuple[str, list[int]]:
    """The text as bibtexparser can read it the way BibTeX and biber do, and the lines of
    ``%`` comments that were blanked inside entries.

    - a ``"`` inside braces inside a quoted value is part of the value (bibtexparser ends the
      value there): it becomes :data:`PLACEHOLDER`, turned back by :func:`restore`;
    - ``%`` between the fields of an entry starts a comment to the end of the line for biber
      (BibTeX stops reading the entry there): it is blanked, keeping line numbers;
    - ``%`` outside entries: its ``@`` become :data:`AT`, so the splitter starts no entry there.

    Only run when a plain parse showed one of these cases.
    """
    return _Scanner(text).run()
