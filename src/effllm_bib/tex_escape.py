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


def needs_protection(token: str) -> bool:
    """A token BibTeX styles would damage by lower-casing: an upper-case letter after the first."""
    return any(c.isupper() for c in token[1:])


# A word of a title as BibTeX styles see it: parts joined by '-' or '.', each a run of letters and
# digits or a group of them in braces, with an optional '()' (``LLM-Pruner``, ``{KV}-Runahead``,
# ``GPT3.int8()``). Not inside a word, a control sequence (``\LaTeX``) or just after a group.
_PART = r"(?:\{[A-Za-z0-9]+\}|[A-Za-z0-9]+)"
_WORD = re.compile(
    rf"(?<![A-Za-z0-9}}\\]){_PART}(?:[-.]{_PART})*(?:\(\))?(?![A-Za-z0-9{{]|\.[A-Za-z0-9])"
)
_SPLIT = re.compile(r"([-.])")


def _word_parts(word: str) -> list[tuple[str, bool]]:
    """(text, braced) of each part of a word matched by :data:`_WORD`."""
    core = word.removesuffix("()")
    return [(p.strip("{}"), p.startswith("{")) for p in _SPLIT.split(core)[::2]]


def _needs_whole_word_braces(word: str) -> bool:
    """Whether BibTeX would lower-case a capital of ``word`` that its author wrote on purpose.

    A single part is damaged when it has an inner capital (``LoRA``). A word of several parts is
    a name (``LLM-Pruner``, ``DeepSpeed-Inference``, ``GPT3.int8()``) when one part is braced or
    has an inner capital; styles lower-case every other capital of it (``LLM-pruner``), so the
    whole word is braced."""
    parts = _word_parts(word)
    if len(parts) == 1:
        text, braced = parts[0]
        return not braced and needs_protection(text)
    named = any(braced or needs_protection(text) for text, braced in parts)
    lowered = any(not braced and any(c.isupper() for c in text) for text, braced in parts)
    return named and lowered


def _outside_groups_and_math(title: str) -> list[bool]:
    """For each character: whether it is at brace depth 0 and outside ``$...$``."""
    free = [False] * len(title)
    depth, math, i = 0, False, 0
    while i < len(title):
        c = title[i]
        if c == "\\":
            i += 2  # an escaped character (\$, \{) is no delimiter
            continue
        if c == "$" and depth == 0:
            math = not math
        elif c == "{":
            depth += 1
        elif c == "}":
            depth = max(depth - 1, 0)
        free[i] = depth == 0 and not math and c != "$"
        if c == "{" and depth == 1 and not math:
            free[i] = True  # the opening brace of a group at depth 0
        i += 1
    return free


def unprotected_words(title: str) -> list[str]:
    """The words of a title (LaTeX) whose capitals BibTeX styles would lower-case: a part with an
    inner capital outside braces, or a name of several parts only partly braced."""
    free = _outside_groups_and_math(title)
    return [
        m.group(0)
        for m in _WORD.finditer(title)
        if free[m.start()] and _needs_whole_word_braces(m.group(0))
    ]


def protect_words(title: str) -> str:
    """Brace each word :func:`unprotected_words` finds, whole (``{LLM}-Pruner`` becomes
    ``{LLM-Pruner}``); braced parts, control sequences (``\\TeX``, ``\\mbox{...}``) and math
    (``$...$``) stay as they are."""
    free = _outside_groups_and_math(title)

    def brace(m: re.Match[str]) -> str:
        word = m.group(0)
        if not free[m.start()] or not _needs_whole_word_braces(word):
            return word
        return "{" + word.replace("{", "").replace("}", "") + "}"

    return _WORD.sub(brace, title)


def protect_title(title: str) -> str:
    """Escape specials and brace the words styles would damage: ``GPTQ``, ``LoRA``, ``LLMs``,
    ``4K``, and names of several parts whole (``{LLM-Pruner}``, ``{GPT3.int8()}``).

    A title that already has braces is taken as curated and only escaped.
    """
    title = escape_latex(title)
    if "{" in title.replace("\\^{}", "").replace("\\~{}", ""):
        return title
    return protect_words(title)


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
