"""LaTeX field values as the text a reader sees, through pylatexenc's LaTeX-to-text conversion.

pylatexenc drops macros it does not know, so a title such as ``The \\TeX book`` or ``\\mbox{A}``
would lose words. Here the TeX logos are written as their names, boxes give their content, and
any other unknown macro gives its own name, so that no text vanishes.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

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
    "PiCTeX": "PiCTeX", "TUB": "TUGboat", "TUG": "TUG", "Dash": "—", "slash": "/", "bs": "\\",
    "thinspace": "\u2009", "dash": "\u2014", "emdash": "\u2014", "endash": "\u2013", "negthinspace": "", "enspace": "\u2002", "emspace": "\u2003",
}  # fmt: skip
# Macros whose one argument is the text (boxes, fonts, links).
TEXT_ARG = ("mbox", "hbox", "fbox", "text", "textnormal", "url", "path", "nolinkurl", "acro",
            "textsc", "textrm", "textsf", "texttt", "textup", "textmd", "uppercase", "lowercase",
            "MakeUppercase", "MakeLowercase", "NoCaseChange", "protect", "rlap", "llap", "raisebox",
            "mkbibemph", "mkbibitalic", "mkbibbold", "textnohyphenation", "bibstring",
            "mathrm", "mathit", "mathbf", "mathsf", "mathtt", "mathcal", "mathbb", "mathfrak")  # fmt: skip
# Old font switches that pylatexenc does not know: they change the look, not the text.
SWITCHES = ("sc", "bf", "it", "sl", "rm", "sf", "tt", "em", "scshape", "bfseries", "itshape",
            "slshape", "upshape", "mdseries", "rmfamily", "sffamily", "ttfamily", "normalfont",
            "tiny", "small", "footnotesize", "large", "Large", "huge", "relax", "/", "-",
            "ignorespaces", "unskip", "null", "nobreak", "cal", "mit", "boldmath", "unboldmath",
            # TUGboat's font switches (its bibliographies use them in titles)
            "smc", "SMC", "slc", "acrosl", "ssf", "eightrm", "ninesmc", "nine", "manual", "sevenrm", "tensmc")  # fmt: skip
# Kerns and skips by a dimension (``\\kern-.15em``): spacing, not text.
_GLUE = re.compile(r"\\(?:kern|mkern|hskip|vskip|mskip|raise|lower)\s*-?\s*[\d.]+\s*"
                   r"(?:em|ex|pt|mu|cm|mm|in|sp|bp|dd|pc)(?:\s*(?:plus|minus)\s*-?[\d.]+\s*[a-z]{2})*\s?")  # fmt: skip
# Ligatures and quotes of text mode, as LaTeX (and pandoc) typeset them; longest first.
_LIGATURES = (("---", "\u2014"), ("--", "\u2013"), ("``", "\u201c"), ("''", "\u201d"),
              ("`", "\u2018"), ("'", "\u2019"))  # fmt: skip


def _unknown_macro(node: Any, *_: object, **__: object) -> str:
    """A macro pylatexenc does not know: followed by a group (``\\rlap{Lutz}``), the group is the
    text; alone (``\\NTG``, a logo), its name is."""
    source, end = node.parsing_state.s, node.pos + node.len
    takes_group = source[end : end + 1] == "{" and source[end : end + 2] != "{}"
    return "" if takes_group else str(node.macroname)


@lru_cache(maxsize=1)
def _converter() -> LatexNodes2Text:
    from pylatexenc import latexwalker
    from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
    from pylatexenc.macrospec import MacroSpec, std_macro

    walker_db = latexwalker.get_default_latex_context_db()
    walker_db.add_context_category(
        "effllm-args", prepend=True,
        macros=[MacroSpec(name, "") for name in (*LOGOS, *SWITCHES)] + [std_macro(name, False, 1) for name in (*TEXT_ARG, "noopsort", "mkbibquote")],
    )  # fmt: skip
    text_db = get_default_latex_context_db()
    text_db.add_context_category(
        "effllm-text", prepend=True,
        macros=[MacroTextSpec(name, simplify_repl=text) for name, text in LOGOS.items()]
        + [MacroTextSpec(name, discard=False) for name in TEXT_ARG]
        + [MacroTextSpec(name, discard=True) for name in (*SWITCHES, "noopsort")]
        + [MacroTextSpec("mkbibquote", simplify_repl="\u201c%s\u201d")],
    )  # fmt: skip
    text_db.set_unknown_macro_spec(MacroTextSpec("", simplify_repl=_unknown_macro))

    class Converter(LatexNodes2Text):  # type: ignore[misc]  # pylatexenc ships no type hints
        def latex_to_text(self, latex: str, **parse_flags: object) -> str:
            walker = latexwalker.LatexWalker(latex, latex_context=walker_db, tolerant_parsing=True)
            nodes, _, _ = walker.get_latex_nodes()
            return str(self.nodelist_to_text(nodes))

    return Converter(latex_context=text_db, math_mode="text", strict_latex_spaces=True)


@lru_cache(maxsize=65536)
def to_text(value: str) -> str:
    """``The \\TeX book`` -> ``The TeXbook`` (TeX eats the space after a control word);
    ``{\\"o}`` -> ``ö``; ``$\\infty$`` -> ``∞``; ``--`` -> an en dash, ``'`` -> ``’`` (what
    LaTeX typesets). White space collapsed."""
    if not any(c in value for c in "\\{}$~-`'"):
        return " ".join(value.split())
    value = value.replace("\\^{}", "^").replace("\\~{}", "~")
    value = _GLUE.sub("", value)
    if any(c in value for c in "\\$~"):
        value = _converter().latex_to_text(value)
    elif "{" in value or "}" in value:
        value = value.replace("{", "").replace("}", "")  # groups alone: their text, as pylatexenc gives
    for tex, char in _LIGATURES:
        value = value.replace(tex, char)
    return re.sub(r"[ \t\n\r\f\v]+", " ", value).strip(" ")
