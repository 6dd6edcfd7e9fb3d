"""Text conversions for export targets: LaTeX to plain text, Unicode to LaTeX."""

from __future__ import annotations

import re
import unicodedata

from ..model import Entry

# latex.py and names.py are imported by the functions that use them: the .bib exports need
# neither, and they cost start-up.

# Fields that hold identifiers or addresses: never converted.
IDENTIFIERS = frozenset({"url", "doi", "eprint", "archiveprefix", "primaryclass", "code",
                         "keywords", "eprinttype", "eprintclass", "date"})  # fmt: skip


def plain(value: str) -> str:
    """What a reader sees: braces and LaTeX commands resolved (``{\\"o}`` -> ``ö``), logos and
    math kept as text (``\\TeX`` -> ``TeX``, ``$\\infty$`` -> ``∞``)."""
    from ..latex import to_text

    return to_text(value)


def ascii_latex(value: str) -> str:
    """Non-ASCII characters as LaTeX commands (``ö`` -> ``{\\"o}``, ``∞`` -> ``\\ensuremath``)."""
    if value.isascii():
        return value
    import logging

    from pylatexenc.latexencode import unicode_to_latex

    # pylatexenc logs every character it cannot encode; unknown characters are kept as they are.
    logging.getLogger("pylatexenc").setLevel(logging.ERROR)
    encoded: str = unicode_to_latex(value, non_ascii_only=True, unknown_char_policy="keep",
                                    replacement_latex_protection="braces-all")  # fmt: skip
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


# --- symbols pdflatex typesets only in math mode ------------------------------------------------

_GREEK = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
          "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi",
          "omega")  # fmt: skip
# Capitals that look like Latin letters (Alpha, Beta, ...) have no LaTeX command.
_GREEK_CAPITALS = ("gamma", "delta", "theta", "lambda", "xi", "pi", "sigma", "upsilon", "phi",
                   "psi", "omega")  # fmt: skip


def _greek(case: str, name: str) -> str:
    return unicodedata.lookup(f"GREEK {case} LETTER {name.replace('lambda', 'lamda')}")


MATH_SYMBOLS: dict[str, str] = {
    "∞": r"\infty", "∗": r"\ast", "×": r"\times", "≤": r"\leq", "≥": r"\geq",
    "→": r"\rightarrow", "←": r"\leftarrow", "≈": r"\approx", "±": r"\pm", "√": r"\surd",
    **{_greek("SMALL", n): f"\\{n}" for n in _GREEK},
    **{_greek("CAPITAL", n): f"\\{n.title()}" for n in _GREEK_CAPITALS},
}  # fmt: skip


def math_symbols(value: str) -> str:
    """A LaTeX value with the symbols of :data:`MATH_SYMBOLS` written as math (``∞`` ->
    ``$\\infty$``), the form every BibTeX reader and pdflatex accept."""
    if value.isascii():
        return value
    return "".join(f"${MATH_SYMBOLS[c]}$" if c in MATH_SYMBOLS else c for c in value)


# Plain text <-> LaTeX for text kept as written (the survey's own record of a paper): every
# character that BibTeX or LaTeX would read as markup gets a form that reads back exactly.
_TEXT_ESCAPES: dict[str, str] = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "%": r"\%",
    "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    **{c: f"${cmd}$" for c, cmd in MATH_SYMBOLS.items()},
}  # fmt: skip
_TEXT_UNESCAPES = {latex: c for c, latex in _TEXT_ESCAPES.items()}
_UNESCAPE = re.compile(
    "|".join(re.escape(k) for k in sorted(_TEXT_UNESCAPES, key=len, reverse=True))
)


def latex_from_text(text: str) -> str:
    """Plain text as a LaTeX value that reads back exactly with :func:`text_from_latex`."""
    return "".join(_TEXT_ESCAPES.get(c, c) for c in text)


def text_from_latex(value: str) -> str:
    """The inverse of :func:`latex_from_text`."""
    return _UNESCAPE.sub(lambda m: _TEXT_UNESCAPES[m.group(0)], value)


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
            hint = f"${MATH_SYMBOLS[c]}$" if c in MATH_SYMBOLS else "a LaTeX command"
            found.append(f"'{c}' (U+{ord(c):04X}) stops pdflatex; write it as {hint}")
    if in_math:
        found.append("a '$' opens math mode that never closes; write \\$ for a dollar sign")
    return found


def entry_pdflatex_problems(entry: Entry) -> list[tuple[str, str]]:
    """(field, message) for every field of an entry that pdflatex would reject."""
    return [(name, message) for name, value in entry.fields
            if name not in VERBATIM_FIELDS and name not in entry.bare
            for message in pdflatex_problems(value)]  # fmt: skip


def people(value: str) -> list[dict[str, str]]:
    """A name list (author, editor) as CSL name objects."""
    from ..names import csl_names

    return csl_names(value)


def page_range(entry: Entry) -> tuple[str, str]:
    first, _, last = entry.get("pages").partition("--")
    return first.strip(), last.strip()
