"""What the reader finds wrong in blocks it could read: a missing comma, text that looks like
the tail of a cut-off entry, a ``%`` comment line between fields, a value BibTeX cannot read.
Pure functions from what was read to findings (:class:`~.model.Problem`), each with its file
and line."""

from __future__ import annotations

import re
from collections.abc import Iterable

from . import bib_syntax
from .model import Entry, Problem, Severity

# A value that runs on into "name = {" swallowed the next field: a comma was missing.
_SWALLOWED_FIELD = re.compile(r"\}\s*\n?\s*[a-z]+\s*=\s*[{\"]|^\s*\{[^{}]*\}\s+[a-z]+\s*=\s*\{")
# Implicit comments are free text, but "name = {" there is the tail of a cut-off entry.
_STRAY_FIELDS = re.compile(r"^[\s,]*[a-z]+\s*=\s*[{\"\d]|[},]\s*[a-z]+\s*=\s*[{\"\d]", re.M)


def missing_commas(entry: Entry, source: str, line: int) -> list[Problem]:
    """``missing-comma``: a field whose value swallowed the next field."""
    return [
        Problem(
            Severity.ERROR,
            "missing-comma",
            f"field '{name}' of '{entry.key}' swallows the next field ({value[:30]!r}...); "
            "add the missing comma.",
            source,
            line,
            entry.key,
        )
        for name, value in entry.fields
        if "=" in value and _SWALLOWED_FIELD.search(value)
    ]


def _uncommented(text: str) -> str:
    """Free text without its ``%`` comment lines (which may well say ``key=value``)."""
    if "%" not in text:
        return text
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("%"))


def stray_text(text: str, source: str, line: int) -> list[Problem]:
    """``stray-text``: free text between blocks that reads like fields, left over when a
    closing brace too many cut the entry before it short."""
    if not _STRAY_FIELDS.search(_uncommented(text)):
        return []
    return [
        Problem(
            Severity.ERROR,
            "stray-text",
            f"text outside any entry looks like fields ({text[:30]!r}); a closing brace too "
            "many cut the entry before it short.",
            source,
            line,
        )
    ]


def stray_at(text: str, source: str, line: int) -> list[Problem]:
    """``parse-error``: an ``@`` in free text between blocks, outside ``%`` comments, that
    starts no entry: BibTeX stops there with an error."""
    if not bib_syntax.stray_at(text):
        return []
    return [
        Problem(
            Severity.ERROR,
            "parse-error",
            f"an @ outside entries ({text[:30]!r}) starts an entry for BibTeX, which stops "
            "there with an error (biber too where a ( or { follows); put the text in a % "
            "comment line, or remove the @.",
            source,
            line,
        )
    ]


def comments_in_entries(
    blanked: Iterable[int], entries: Iterable[Entry], source: str
) -> list[Problem]:
    """``comment-in-entry``: one warning per ``%`` line blanked inside an entry, naming the
    entry that starts last before it."""
    starts = sorted((e.line, e.key) for e in entries if e.line)
    return [
        Problem(
            Severity.WARNING,
            "comment-in-entry",
            "a % comment between the fields of an entry: biber skips it, BibTeX stops "
            "reading the entry there; it is dropped on rewrite. Delete it or move it "
            "out of the entry.",
            source,
            line,
            next((key for start, key in reversed(starts) if start <= line), ""),
        )
        for line in blanked
    ]


def quotes_ended(lines: Iterable[int], source: str) -> list[Problem]:
    """``parse-error``: one per ``\\"`` that ends a quoted value. BibTeX and biber know no
    ``\\"`` escape there: the value ends, and the rest of the entry cannot be read."""
    return [
        Problem(
            Severity.ERROR,
            "parse-error",
            '\\" ends this quoted value for BibTeX and biber (a " ends it at brace depth 0, '
            'a backslash before it or not); write {\\"u} or brace the whole value.',
            source,
            line,
        )
        for line in lines
    ]


def unreadable_value(key: str, name: str, source: str, line: int) -> Problem:
    """``parse-error``: a value BibTeX and biber stop reading at, so the entry (or ``@string``)
    is not read: braces that do not balance inside quotes, or text after a part that is no
    ``#`` and no next field."""
    return Problem(
        Severity.ERROR,
        "parse-error",
        f"BibTeX and biber cannot read the value of {name} in '{key}' and stop there: braces "
        'must balance (\\{ and \\} count too), a quoted part ends at its first " outside '
        "braces, and parts are joined by #. Brace the whole value, and write "
        "\\textbraceleft{} for a lone brace.",
        source,
        line,
        key,
    )
