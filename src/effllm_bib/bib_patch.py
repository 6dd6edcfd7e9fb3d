"""A change to a .bib file as a patch: the entries that changed are edited in place, value by
value, new entries are appended, and every other byte (entry order, field order, alignment,
comments, blank lines) stays as the user wrote it. This is how effllm-bib writes a file that
is not in its canonical form; :mod:`.canonical` writes the ones that are.

The file is scanned the way BibTeX reads it (every brace counts, a quoted value ends at a ``"``
at brace depth 0, ``%`` starts a comment line outside entries and between fields), to find each
entry's type, key and field values; a patch then replaces those spans only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .canonical import format_entry
from .model import Entry, Extra

_NAME = re.compile(r"[^\s=,{}()\"#%]+")
_TYPE = re.compile(r"[A-Za-z][\w:-]*")
_BARE = re.compile(r"[^\s,#{}()\"%]+")


@dataclass
class FieldSpan:
    name: str  # lower-cased, as the model names it
    start: int  # the field's name
    value_start: int
    value_end: int
    end: int  # after its comma, if it has one
    quoted: bool  # the value is one "..." part


@dataclass
class EntrySpan:
    start: int  # the '@'
    type_span: tuple[int, int]
    key_span: tuple[int, int]
    close: int  # the closing delimiter
    fields: list[FieldSpan] = field(default_factory=list)

    def field_named(self, name: str) -> FieldSpan | None:
        return next((f for f in self.fields if f.name == name), None)


@dataclass
class Layout:
    entries: dict[str, EntrySpan] = field(default_factory=dict)  # by key as written
    string_ends: list[int] = field(default_factory=list)  # after each @string block


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0

    def skip_space(self, comments: bool = False) -> None:
        text, n = self.text, len(self.text)
        while self.i < n:
            c = text[self.i]
            if c.isspace():
                self.i += 1
            elif comments and c == "%":
                end = text.find("\n", self.i)
                self.i = n if end < 0 else end + 1
            else:
                return

    def balanced(self) -> None:
        """From an opening brace past its matching close (BibTeX counts every brace)."""
        depth, text = 0, self.text
        while self.i < len(text):
            c = text[self.i]
            self.i += 1
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    return
        raise ValueError("unbalanced braces")

    def quoted(self) -> None:
        """From an opening quote past the quote that ends the value (at brace depth 0)."""
        depth, text = 0, self.text
        self.i += 1
        while self.i < len(text):
            c = text[self.i]
            self.i += 1
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
            elif c == '"' and depth == 0:
                return
        raise ValueError("unterminated quoted value")


def _value(r: _Reader) -> tuple[int, int, bool]:
    """A value's span (parts joined by '#'), and whether it is one quoted part."""
    start, parts, quoted = r.i, 0, False
    while True:
        r.skip_space()
        c = r.text[r.i : r.i + 1]
        if c == "{":
            r.balanced()
        elif c == '"':
            r.quoted()
            quoted = True
        else:
            m = _BARE.match(r.text, r.i)
            if m is None:
                raise ValueError("missing value")
            r.i = m.end()
        parts += 1
        end = r.i
        r.skip_space()
        if r.text[r.i : r.i + 1] != "#":
            return start, end, quoted and parts == 1
        r.i += 1


def _entry(r: _Reader, at: int, type_span: tuple[int, int], close: str) -> EntrySpan:
    r.skip_space()
    key_start = r.i
    while r.i < len(r.text) and r.text[r.i] not in ",}) \t\n":
        r.i += 1
    span = EntrySpan(at, type_span, (key_start, r.i), -1)
    while True:
        r.skip_space(comments=True)
        c = r.text[r.i : r.i + 1]
        if c == ",":
            r.i += 1
            continue
        if c == close or not c:
            span.close = r.i
            r.i += 1
            return span
        m = _NAME.match(r.text, r.i)
        if m is None:
            raise ValueError("missing field name")
        name_start, name = m.start(), m.group(0).lower()
        r.i = m.end()
        r.skip_space()
        if r.text[r.i : r.i + 1] != "=":
            raise ValueError("missing '='")
        r.i += 1
        r.skip_space()
        value_start, value_end, quoted = _value(r)
        after = r.i + 1 if r.text[r.i : r.i + 1] == "," else value_end
        span.fields.append(FieldSpan(name, name_start, value_start, value_end, after, quoted))


def locate(text: str) -> Layout:
    """Where each entry, field value and @string block of ``text`` is."""
    r = _Reader(text)
    layout = Layout()
    while True:
        at = text.find("@", r.i)
        if at < 0:
            return layout
        line_start = text.rfind("\n", 0, at) + 1
        if "%" in text[line_start:at]:  # a comment line outside entries (biber reads it so)
            r.i = _line_end(text, at)
            continue
        r.i = at + 1
        r.skip_space()
        m = _TYPE.match(text, r.i)
        if m is None:
            continue
        kind = m.group(0).lower()
        r.i = m.end()
        r.skip_space()
        opener = text[r.i : r.i + 1]
        if opener not in ("{", "("):
            continue
        close = "}" if opener == "{" else ")"
        if kind in ("comment", "string", "preamble"):
            if close == "}":
                r.balanced()
            else:
                r.i = _line_end(text, r.i) if text.find(")", r.i) < 0 else text.find(")", r.i) + 1
            if kind == "string":
                layout.string_ends.append(r.i)
            continue
        r.i += 1
        span = _entry(r, at, m.span(), close)
        layout.entries.setdefault(text[span.key_span[0] : span.key_span[1]], span)


# --- writing a patch ---------------------------------------------------------------------


def _written(value: str, bare: bool, quoted: bool) -> str:
    if bare:
        return value
    if quoted and '"' not in value:
        return f'"{value}"'
    return f"{{{value}}}"


def _line_of(text: str, pos: int) -> tuple[int, str]:
    """The start of ``pos``'s line and the white space that begins it."""
    start = text.rfind("\n", 0, pos) + 1
    line = text[start:pos]
    return start, line[: len(line) - len(line.lstrip(" \t"))]


def _line_end(text: str, pos: int) -> int:
    """The position of the line break after ``pos`` (the text's end when there is none)."""
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def _entry_edits(text: str, span: EntrySpan, old: Entry, new: Entry) -> list[tuple[int, int, str]]:
    """(start, end, replacement) edits that turn ``old``'s block into ``new``."""
    edits: list[tuple[int, int, str]] = []
    if new.type != old.type:
        edits.append((*span.type_span, new.type))
    if new.key != old.key:
        edits.append((*span.key_span, new.key))
    olds, news = old.field_map, new.field_map
    for f in span.fields:
        if f.name not in news:
            edits.append(_removal(text, span, f))
        elif news[f.name] != olds.get(f.name) or (f.name in new.bare) != (f.name in old.bare):
            value = _written(news[f.name], f.name in new.bare, f.quoted)
            edits.append((f.value_start, f.value_end, value))
    added = [(n, v) for n, v in new.fields if n not in olds]
    if added:
        edits.append(_addition(text, span, added, new.bare))
    return edits


def _removal(text: str, span: EntrySpan, f: FieldSpan) -> tuple[int, int, str]:
    start, _ = _line_of(text, f.start)
    end = _line_end(text, f.end)
    if text[start : f.start].strip() == "" and text[f.end : end].strip() == "":
        return (start, min(end + 1, len(text)), "")  # the field's own line(s)
    if f is span.fields[-1] and len(span.fields) > 1:
        before = span.fields[-2]
        return (before.value_end, f.value_end, "")  # the last field: its comma goes with it
    end = f.end
    while end < len(text) and text[end] in " \t":
        end += 1
    return (f.start, end, "")


def _addition(
    text: str, span: EntrySpan, added: Sequence[tuple[str, str]], bare: frozenset[str]
) -> tuple[int, int, str]:
    """New fields after the last one, in the block's own style (indent, ``=`` spacing)."""
    last = span.fields[-1] if span.fields else None
    values = [(n, _written(v, n in bare, False)) for n, v in added]
    if last is None:  # @misc{key} or @misc{key,}
        at = span.key_span[1]
        comma = text[at : at + 1] == ","
        body = "".join(f"\n  {n} = {v}," for n, v in values)
        at += 1 if comma else 0
        return (at, at, ("" if comma else ",") + body + "\n")
    line_start, indent = _line_of(text, last.start)
    on_own_line = text[line_start : last.start].strip() == ""
    sep = re.search(r"\s*=\s*", text[last.start : last.value_start])
    eq = sep.group(0) if sep else " = "
    trailing = last.end > last.value_end  # the last field ends with a comma
    if on_own_line:
        body = "".join(f"\n{indent}{n}{eq}{v}," for n, v in values)
        if not trailing:
            body = "," + body.rstrip(",")
        return (last.end, last.end, body)
    body = "".join(f" {n}{eq}{v}," for n, v in values)
    body = ("" if trailing else ",") + body
    return (last.end, last.end, body if trailing else body.rstrip(","))


def patch_text(
    text: str,
    loaded: Mapping[str, Entry],
    entries: Iterable[Entry],
    origins: Mapping[str, str],
    new_extras: Sequence[Extra] = (),
) -> str:
    """``text`` (which holds the ``loaded`` entries) changed into one that holds ``entries``:
    each changed entry edited in place (``origins`` maps a renamed key to the key it was
    loaded under), removed ones cut out, new ones appended; ``new_extras`` (@string blocks
    after the file's last one, other blocks at the end)."""
    layout = locate(text)
    edits: list[tuple[int, int, str]] = []
    kept: set[str] = set()
    appended: list[Entry] = []
    for entry in entries:
        origin = origins.get(entry.key, entry.key)
        old = loaded.get(origin)
        span = layout.entries.get(origin)
        if old is None or span is None:
            appended.append(entry)
            continue
        kept.add(origin)
        if entry != old or entry.key != old.key or entry.bare != old.bare:
            edits += _entry_edits(text, span, old, entry)
    for key, span in layout.entries.items():
        if key in loaded and key not in kept:
            edits.append(_cut(text, span))
    strings = [x for x in new_extras if x.kind == "string"]
    if strings:
        at = layout.string_ends[-1] if layout.string_ends else _first_entry(layout, len(text))
        block = "".join(f"\n{x.text}" for x in strings)
        edits.append((at, at, block if layout.string_ends else block.lstrip("\n") + "\n\n"))
    out = text
    for start, end, replacement in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        out = out[:start] + replacement + out[end:]
    tail = [x.text for x in new_extras if x.kind != "string"] + [format_entry(e) for e in appended]
    if not tail:
        return out
    blocks = "\n\n".join(tail) + "\n"
    return f"{out.rstrip(chr(10))}\n\n{blocks}" if out.strip() else blocks


def _cut(text: str, span: EntrySpan) -> tuple[int, int, str]:
    """A removed entry's block, its line break and the blank lines that set it apart."""
    start = text.rfind("\n", 0, span.start) + 1
    while start > 0 and text[text.rfind("\n", 0, start - 1) + 1 : start].strip() == "":
        start = text.rfind("\n", 0, start - 1) + 1
    end = span.close + 1
    if text[end : end + 1] == "\n":
        end += 1
    return (start, end, "")


def _first_entry(layout: Layout, default: int) -> int:
    return min((s.start for s in layout.entries.values()), default=default)
