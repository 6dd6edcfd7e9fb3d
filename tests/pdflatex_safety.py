"""What would stop pdflatex in a field value, found before a consumer does: the tests hold the
database and the escaping functions to it (the consumer tests then run pdflatex for real)."""

from __future__ import annotations

from effllm_bib.model import Entry
from effllm_bib.tex_escape import MATH_SYMBOLS, pdflatex_safe
from effllm_bib.vocab import IDENTIFIERS

# Fields whose value is copied verbatim (addresses, identifiers), never typeset as LaTeX text.
VERBATIM_FIELDS = IDENTIFIERS | {"surveyurl", "sources", "file"}


def pdflatex_problems(value: str) -> list[str]:
    """What stops pdflatex (or any BibTeX reader that parses LaTeX) in a field value.

    A ``$`` that is not escaped opens math mode, and one left open swallows the rest of the
    value (citation-js then reads no entry at all); a character that is neither ASCII nor a
    Latin letter or common punctuation has no definition in pdflatex's ``utf8`` input encoding,
    outside math as inside. Returns one message per problem, naming the character.
    """
    found: list[str] = []
    in_math = False
    escaped = False
    for c in value:
        if escaped:
            escaped = False
        elif c == "\\":
            escaped = True
        elif c == "$":
            in_math = not in_math
        elif not pdflatex_safe(c) or (in_math and not c.isascii()):
            hint = f"${MATH_SYMBOLS[c]}$" if c in MATH_SYMBOLS else "a LaTeX command"
            found.append(f"'{c}' (U+{ord(c):04X}) stops pdflatex; write it as {hint}")
    if in_math:
        found.append("a '$' opens math mode that never closes; write \\$ for a dollar sign")
    return found


def entry_pdflatex_problems(entry: Entry) -> list[tuple[str, str]]:
    """(field, message) for every field of an entry that pdflatex would reject."""
    return [
        (name, message)
        for name, value in entry.fields
        if name not in VERBATIM_FIELDS and name not in entry.bare
        for message in pdflatex_problems(value)
    ]
