"""LaTeX field values as the text a reader sees, through pylatexenc's LaTeX-to-text conversion.

pylatexenc drops macros it does not know, so a title such as ``The \\TeX book`` or ``\\mbox{A}``
would lose words. Here the TeX logos are written as their names, boxes give their content, and
any other unknown macro gives its own name, so that no text vanishes.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pylatexenc.latex2text import LatexNodes2Text

# Logos as typeset; each is a macro without arguments.
LOGOS = {
    "TeX": "TeX", "LaTeX": "LaTeX", "LaTeXe": "LaTeX2e", "BibTeX": "BibTeX", "AmS": "AMS",
    "AMS": "AMS", "AmSTeX": "AMS-TeX", "AMSTeX": "AMS-TeX", "AmSLaTeX": "AMS-LaTeX",
    "AMSLaTeX": "AMS-LaTeX", "LAMSTeX": "LAMS-TeX", "METAFONT": "METAFONT", "MF": "METAFONT",
    "METAPOST": "METAPOST", "MP": "METAPOST", "ConTeXt": "ConTeXt", "XeTeX": "XeTeX",
    "XeLaTeX": "XeLaTeX", "LuaTeX": "LuaTeX", "LuaLaTeX": "LuaLaTeX", "pdfTeX": "pdfTeX",
    "pdfLaTeX": "pdfLaTeX", "eTeX": "e-TeX", "ExTeX": "ExTeX", "SliTeX": "SliTeX",
    "PiCTeX": "PiCTeX", "TUB": "TUGboat", "TUG": "TUG", "Dash": "—", "slash": "/",
}  # fmt: skip
# Macros whose one argument is the text (boxes, fonts, links).
TEXT_ARG = ("mbox", "hbox", "fbox", "text", "textnormal", "url", "path", "nolinkurl", "acro",
            "textsc", "textrm", "textsf", "texttt", "textup", "textmd", "uppercase", "lowercase",
            "MakeUppercase", "MakeLowercase", "NoCaseChange", "protect")  # fmt: skip
# Old font switches that pylatexenc does not know: they change the look, not the text.
SWITCHES = ("sc", "bf", "it", "sl", "rm", "sf", "tt", "em", "scshape", "bfseries", "itshape",
            "slshape", "upshape", "mdseries", "rmfamily", "sffamily", "ttfamily", "normalfont",
            "tiny", "small", "footnotesize", "large", "Large", "huge", "relax", "/", "-",
            "ignorespaces", "unskip", "null", "nobreak")  # fmt: skip
# Ligatures of text mode, as LaTeX (and pandoc) typeset them; longest first.
_LIGATURES = (("---", "\u2014"), ("--", "\u2013"), ("``", "\u201c"), ("''", "\u201d"))


def _unknown_macro(node: object, *_: object, **__: object) -> str:
    return str(getattr(node, "macroname", ""))


@lru_cache(maxsize=1)
def _converter() -> LatexNodes2Text:
    from pylatexenc import latexwalker
    from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
    from pylatexenc.macrospec import MacroSpec, std_macro

    walker_db = latexwalker.get_default_latex_context_db()
    walker_db.add_context_category(
        "effllm-args", prepend=True,
        macros=[MacroSpec(name, "") for name in (*LOGOS, *SWITCHES)] + [std_macro(name, False, 1) for name in (*TEXT_ARG, "noopsort")],
    )  # fmt: skip
    text_db = get_default_latex_context_db()
    text_db.add_context_category(
        "effllm-text", prepend=True,
        macros=[MacroTextSpec(name, simplify_repl=text) for name, text in LOGOS.items()]
        + [MacroTextSpec(name, discard=False) for name in TEXT_ARG]
        + [MacroTextSpec(name, discard=True) for name in (*SWITCHES, "noopsort")],
    )  # fmt: skip
    text_db.set_unknown_macro_spec(MacroTextSpec("", simplify_repl=_unknown_macro))

    class Converter(LatexNodes2Text):
        def latex_to_text(self, latex: str, **parse_flags: object) -> str:
            walker = latexwalker.LatexWalker(latex, latex_context=walker_db, tolerant_parsing=True)
            nodes, _, _ = walker.get_latex_nodes()
            return str(self.nodelist_to_text(nodes))

    return Converter(latex_context=text_db, math_mode="text", strict_latex_spaces=True)


@lru_cache(maxsize=65536)
def to_text(value: str) -> str:
    """``The \\TeX book`` -> ``The TeX book``; ``{\\"o}`` -> ``ö``; ``$\\infty$`` -> ``∞``;
    ``--`` -> an en dash. White space collapsed."""
    if not any(c in value for c in "\\{}$~-`'"):
        return " ".join(value.split())
    value = value.replace("\\^{}", "^").replace("\\~{}", "~")
    if any(c in value for c in "\\{}$~"):
        value = _converter().latex_to_text(value)
    for tex, char in _LIGATURES:
        value = value.replace(tex, char)
    return re.sub(r"\s+", " ", value).strip()
