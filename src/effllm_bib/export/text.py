"""Text conversions for export targets: LaTeX to plain text, Unicode to LaTeX."""

from __future__ import annotations

from ..latex import to_text
from ..model import Entry
from ..names import csl_names

# Fields that hold identifiers or addresses: never converted.
IDENTIFIERS = frozenset({"url", "doi", "eprint", "archiveprefix", "primaryclass", "code",
                         "keywords", "eprinttype", "eprintclass", "date"})  # fmt: skip


def plain(value: str) -> str:
    """What a reader sees: braces and LaTeX commands resolved (``{\\"o}`` -> ``ö``), logos and
    math kept as text (``\\TeX`` -> ``TeX``, ``$\\infty$`` -> ``∞``)."""
    return to_text(value)


def ascii_latex(value: str) -> str:
    """Non-ASCII characters as LaTeX commands (``ö`` -> ``{\\"o}``, ``∞`` -> ``\\ensuremath``)."""
    if value.isascii():
        return value
    import logging

    from pylatexenc.latexencode import unicode_to_latex

    # pylatexenc logs every character it cannot encode; unknown characters are kept as they are.
    logging.getLogger("pylatexenc").setLevel(logging.ERROR)
    return unicode_to_latex(value, non_ascii_only=True, replacement_latex_protection="braces-all",
                            unknown_char_policy="keep")  # fmt: skip


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


def people(value: str) -> list[dict[str, str]]:
    """A name list (author, editor) as CSL name objects."""
    return csl_names(value)


def page_range(entry: Entry) -> tuple[str, str]:
    first, _, last = entry.get("pages").partition("--")
    return first.strip(), last.strip()
