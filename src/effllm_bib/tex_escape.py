"""Text to LaTeX field values (the other direction is :mod:`effllm_bib.latex`).

Titles escaped and protected from BibTeX's lower-casing (:func:`protect_title`), symbols
pdflatex typesets only in math mode (:func:`math_symbols`), text kept exactly as written
(:func:`latex_from_text` and its inverse :func:`text_from_latex`), and the exports' Unicode as
LaTeX (:func:`ascii_latex` for classic BibTeX, :func:`latin_latex` for biblatex).
"""

from __future__ import annotations

import re
import unicodedata

# --- titles as BibTeX values -------------------------------------------------------------------

_LATEX_SPECIALS = re.compile(r"(?<!\\)([&%$#_])")
_CARET_TILDE = re.compile(r"(?<!\\)([\^~])(?!\{\})")


def escape_latex(text: str) -> str:
    """Escape the LaTeX specials ``& % $ # _ ^ ~`` that are not escaped yet."""
    text = _LATEX_SPECIALS.sub(r"\\\1", text)
    return _CARET_TILDE.sub(r"\\\1{}", text)


_TOKEN = re.compile(r"[A-Za-z0-9]+")


def needs_protection(token: str) -> bool:
    """A token BibTeX styles would damage by lower-casing: an upper-case letter after the first."""
    return any(c.isupper() for c in token[1:])


def protect_title(title: str) -> str:
    """Escape specials and brace tokens such as ``GPTQ``, ``LoRA``, ``LLMs`` or ``4K``.

    A title that already has braces is taken as curated and only escaped.
    """
    title = escape_latex(title)
    if "{" in title.replace("\\^{}", "").replace("\\~{}", ""):
        return title
    return _TOKEN.sub(
        lambda m: f"{{{m.group(0)}}}" if needs_protection(m.group(0)) else m.group(0), title
    )


# --- symbols pdflatex typesets only in math mode ------------------------------------------------

_GREEK = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
          "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi",
          "omega")  # fmt: skip
# Capitals that look like Latin letters (Alpha, Beta, ...) have no LaTeX command.
_GREEK_CAPITALS = (
    "gamma",
    "delta",
    "theta",
    "lambda",
    "xi",
    "pi",
    "sigma",
    "upsilon",
    "phi",
    "psi",
    "omega",
)


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


# --- Unicode as LaTeX, for the exports ------------------------------------------------------


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


def pdflatex_safe(c: str) -> bool:
    """A character pdflatex's ``utf8`` input encoding defines: ASCII, a Latin letter, or common
    punctuation."""
    return c.isascii() or c in _SAFE_PUNCTUATION or "LATIN" in unicodedata.name(c, "")


def latin_latex(value: str) -> str:
    """Keep Latin letters and common punctuation (``utf8`` inputenc knows them); write other
    characters (``∞``, ``π``, ``Σ``) as LaTeX, so pdflatex, xelatex and lualatex all typeset it."""
    if all(pdflatex_safe(c) for c in value):
        return value
    return "".join(c if pdflatex_safe(c) else ascii_latex(c) for c in value)
