"""Text conversions for export targets: Unicode to LaTeX, what pdflatex rejects, CSL names and
page ranges. LaTeX to plain text and the survey's text kept as LaTeX are :mod:`effllm_bib.latex`."""

from __future__ import annotations

from ..model import Entry

# latex.py and names.py are imported by the functions that use them: the .bib exports need
# neither (ascii_latex converts through pylatexenc), and they cost start-up.

# Fields that hold identifiers or addresses: never converted.
IDENTIFIERS = frozenset(
    {
        "url",
        "doi",
        "eprint",
        "archiveprefix",
        "primaryclass",
        "code",
        "keywords",
        "eprinttype",
        "eprintclass",
        "date",
    }
)


def ascii_latex(value: str) -> str:
    """Non-ASCII characters as LaTeX commands (``ö`` -> ``{\\"o}``, ``∞`` -> ``\\ensuremath``)."""
    if value.isascii():
        return value
    import logging

    from pylatexenc.latexencode import unicode_to_latex

    # pylatexenc logs every character it cannot encode; unknown characters are kept as they are.
    logging.getLogger("pylatexenc").setLevel(logging.ERROR)
    encoded: str = unicode_to_latex(
        value,
        non_ascii_only=True,
        unknown_char_policy="keep",
        replacement_latex_protection="braces-all",
    )
    return encoded


_SAFE_PUNCTUATION = set("’‘“”–—…«»¡¿§°·")


def _pdflatex_safe(c: str) -> bool:
    import unicodedata

    return c.isascii() or c in _SAFE_PUNCTUATION or "LATIN" in unicodedata.name(c, "")


def latin_latex(value: str) -> str:
    """Keep Latin letters and common punctuation (``utf8`` inputenc knows them); write other
    characters (``∞``, ``π``, ``Σ``) as LaTeX, so pdflatex, xelatex and lualatex all typeset it."""
    if all(_pdflatex_safe(c) for c in value):
        return value
    return "".join(c if _pdflatex_safe(c) else ascii_latex(c) for c in value)


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
        elif not _pdflatex_safe(c) or (in_math and not c.isascii()):
            from ..tex_escape import MATH_SYMBOLS

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


def people(value: str) -> list[dict[str, str]]:
    """A name list (author, editor) as CSL name objects."""
    from ..names import csl_names

    return csl_names(value)


def page_range(entry: Entry) -> tuple[str, str]:
    first, _, last = entry.get("pages").partition("--")
    return first.strip(), last.strip()
