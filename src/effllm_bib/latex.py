"""LaTeX field values to text (the other direction is :mod:`effllm_bib.tex_escape`).

LaTeX to text (:func:`to_text`, :func:`plain`) goes through pylatexenc's conversion.
pylatexenc drops macros it does not know, so a title such as ``The \\TeX book`` or ``\\mbox{A}``
would lose words. Here the TeX logos are written as their names, boxes give their content, and
any other unknown macro gives its own name, so that no text vanishes. :func:`latex_to_plain` is a
light conversion for comparing values.
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
_GLUE = re.compile(
    r"\\(?:kern|mkern|hskip|vskip|mskip|raise|lower)\s*-?\s*[\d.]+\s*"
    r"(?:em|ex|pt|mu|cm|mm|in|sp|bp|dd|pc)(?:\s*(?:plus|minus)\s*-?[\d.]+\s*[a-z]{2})*\s?"
)
# Ligatures and quotes of text mode, as LaTeX (and pandoc) typeset them; longest first.
_LIGATURES = (
    ("---", "\u2014"),
    ("--", "\u2013"),
    ("``", "\u201c"),
    ("''", "\u201d"),
    ("`", "\u2018"),
    ("'", "\u2019"),
)


def _unknown_macro(node: Any, *_: object, **__: object) -> str:
    """A macro pylatexenc does not know: followed by a group (``\\rlap{Lutz}``), the group is the
    text; alone (``\\NTG``, a logo), its name is."""
    source, end = node.parsing_state.s, node.pos + node.len
    takes_group = source[end : end + 1] == "{" and source[end : end + 2] != "{}"
    return "" if takes_group else str(node.macroname)


_CALLER_CHOICE = object()  # get_token's include_brace_chars when a caller passed none


def _run_reading_walker(latexwalker: Any, walker_db: Any) -> type:
    """pylatexenc's LatexWalker, reading a run of ordinary characters as one token where its
    node reader would only join their one-character tokens into the same text.

    pylatexenc 2 reads text one character at a time, and asks every special of its context
    (``--``, ``~``, ``''``, ...) whether it starts there: a title costs a millisecond. The parse is
    unchanged: a character is ordinary when ``get_token`` would give it as a plain ``char`` token
    (not a space, a brace, ``\\``, ``%``, ``$``, ``[``/``]`` or the first character of any special
    of the context), and a run is ordinary characters with white space before and between them
    (paragraph breaks too: their tokens are characters as well), which the node reader (the
    only caller that passes ``include_brace_chars`` and keeps ``environments``) concatenates, as
    it does the spaces before a one-character token. Macro arguments (``\\'e``, ``\\v s``) and
    star or bracket tests still read one character, since those callers pass
    ``environments=False`` or no ``include_brace_chars`` (pylatexenc 2.11). A brace right at the
    position is made its token here too, as ``get_token`` makes it for every caller.
    """
    firsts = {spec.specials_chars[0] for spec in walker_db.iter_specials_specs()}
    ordinary = "".join(re.escape(c) for c in sorted(firsts | set("\\%{}$[]")))
    run = re.compile(rf"(\s*)([^\s{ordinary}]+(?:\s+[^\s{ordinary}]+)*)")
    single = re.compile(rf"[^\s{ordinary}]")
    token = latexwalker.LatexToken

    class RunReadingWalker(latexwalker.LatexWalker):  # type: ignore[misc]  # no type hints
        def get_token(
            self,
            pos: int,
            include_brace_chars: Any = _CALLER_CHOICE,
            environments: bool = True,
            keep_inline_math: Any = None,
            parsing_state: Any = None,
            **kwargs: Any,
        ) -> Any:
            ours = parsing_state is None or parsing_state.latex_context is walker_db
            if ours and not kwargs and include_brace_chars in (None, _CALLER_CHOICE):
                if environments and include_brace_chars is None:
                    found = run.match(self.s, pos)
                    if found:
                        start = found.start(2)
                        return token(
                            tok="char",
                            arg=found.group(2),
                            pos=start,
                            len=found.end() - start,
                            pre_space=found.group(1),
                        )
                elif single.match(self.s, pos):
                    return token(tok="char", arg=self.s[pos], pos=pos, len=1, pre_space="")
                brace = self.s[pos : pos + 1]
                if brace in ("{", "}"):
                    kind = "brace_open" if brace == "{" else "brace_close"
                    return token(tok=kind, arg=brace, pos=pos, len=1, pre_space="")
            if include_brace_chars is _CALLER_CHOICE:
                include_brace_chars = None
            return super().get_token(
                pos, include_brace_chars, environments, keep_inline_math, parsing_state, **kwargs
            )

    return RunReadingWalker


@lru_cache(maxsize=1)
def _walking() -> tuple[Any, type]:
    """The parsing context (pylatexenc's, with the macros above) and the walker to parse with."""
    from pylatexenc import latexwalker
    from pylatexenc.macrospec import MacroSpec, std_macro

    walker_db = latexwalker.get_default_latex_context_db()
    walker_db.add_context_category(
        "effllm-args",
        prepend=True,
        macros=[MacroSpec(name, "") for name in (*LOGOS, *SWITCHES)]
        + [std_macro(name, False, 1) for name in (*TEXT_ARG, "noopsort", "mkbibquote")],
    )
    return walker_db, _run_reading_walker(latexwalker, walker_db)


@lru_cache(maxsize=1)
def _converter() -> LatexNodes2Text:
    from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

    walker_db, walker_class = _walking()
    text_db = get_default_latex_context_db()
    text_db.add_context_category(
        "effllm-text",
        prepend=True,
        macros=[MacroTextSpec(name, simplify_repl=text) for name, text in LOGOS.items()]
        + [MacroTextSpec(name, discard=False) for name in TEXT_ARG]
        + [MacroTextSpec(name, discard=True) for name in (*SWITCHES, "noopsort")]
        + [MacroTextSpec("mkbibquote", simplify_repl="\u201c%s\u201d")],
    )
    text_db.set_unknown_macro_spec(MacroTextSpec("", simplify_repl=_unknown_macro))

    class Converter(LatexNodes2Text):  # type: ignore[misc]  # pylatexenc ships no type hints
        def latex_to_text(self, latex: str, **parse_flags: object) -> str:
            return _in_parts(latex)

        def parsed_text(self, latex: str) -> str:
            """The text of ``latex`` as pylatexenc gives it, from one parse of the whole."""
            walker = walker_class(latex, latex_context=walker_db, tolerant_parsing=True)
            nodes, _, _ = walker.get_latex_nodes()
            return str(self.nodelist_to_text(nodes))

    return Converter(latex_context=text_db, math_mode="text", strict_latex_spaces=True)


# --- the text of a value from the texts of its parts -----------------------------------------
# A title is mostly plain words and a few parts that recur ({\TeX}, {\"a}, \acro{TUG}):
# pylatexenc's text of a value is the concatenation of the texts of its top-level parts when these
# are plain text (one character node, written as it is with strict_latex_spaces), balanced groups
# (their nodes' text), a logo or font switch of this module or a macro no context knows, with the
# white space after it (it takes no argument, and eats that space as TeX does; for the unknown
# macro, no group may follow), a control symbol that takes no argument (``\,``, ``\ ``, ``\&``:
# it eats no space), or a one-argument macro of this module with its braced argument. Each part
# is converted once; plain text with specials (``--``, ``~``, ``''``) through the specials' own
# texts (:func:`_specials`). Anything else at the top level (another macro, whose arguments and
# spacing depend on what follows; math; a comment; \verb or an environment, which hide braces; a
# bracket beside a macro, whose optional argument can swallow a brace) makes the value parsed
# whole.

# a brace, or a backslash with the character it escapes (\{) or that starts a control word
_GROUPING = re.compile(r"\\.?|[{}]", re.S)
_CONTROL_WORD = re.compile(r"\\([A-Za-z]+)\s*")
_BARE_MACROS = frozenset((*LOGOS, *SWITCHES))
# Control symbols without an argument whose text does not depend on what follows (not ``\@``:
# pylatexenc does not know it, and an unknown macro before a group gives no text).
_PLAIN_SYMBOLS = frozenset("\\" + c for c in ",:; !/-&#_{}")


def _parts(latex: str) -> list[str] | None:
    """``latex`` cut into its top-level parts (see above); None when it is not only those."""
    if (
        "$" in latex
        or "%" in latex
        or "\\verb" in latex
        or "\\begin" in latex
        or ("[" in latex and "\\" in latex)
    ):
        return None
    parts: list[str] = []
    depth = start = pos = 0
    argument = False  # the next group is the argument of the macro that starts the part
    while (m := _GROUPING.search(latex, pos)) is not None:
        c, i, pos = m.group(), m.start(), m.end()
        if c[0] == "\\":
            if depth:
                continue
            if c in _PLAIN_SYMBOLS:
                if i > start:
                    parts.append(latex[start:i])
                parts.append(c)
                start = pos
                continue
            word = _CONTROL_WORD.match(latex, i)
            if word is None or latex[word.end(1) : word.end(1) + 1].isalpha():
                return None  # another control symbol, or a name that goes on in non-ASCII letters
            if i > start:
                parts.append(latex[start:i])
            start = pos = word.end()
            if word.group(1) in _BARE_MACROS or (
                latex[pos : pos + 1] != "{" and _unknown(word.group(1))
            ):
                parts.append(latex[i:pos])
            elif word.group(1) in TEXT_ARG and latex.startswith("{", pos):
                start, argument = i, True
            else:
                return None
        elif c == "{":
            if depth == 0 and i > start and not argument:
                parts.append(latex[start:i])
                start = i
            argument = False
            depth += 1
        else:
            depth -= 1
            if depth < 0:
                return None
            if depth == 0:
                parts.append(latex[start : i + 1])
                start = i + 1
    if depth:
        return None
    if start < len(latex):
        parts.append(latex[start:])
    return parts


def _in_parts(latex: str) -> str:
    parts = _parts(latex)
    if parts is None:
        return str(_converter().parsed_text(latex))
    return "".join(_part_text(part) for part in parts)


@lru_cache(maxsize=16384)
def _part_text(part: str) -> str:
    """The text of one top-level part: a group (``{...}``), a macro part or plain text."""
    if part[0] == "{":
        inner = _parts(part[1:-1])
        if inner is None:
            return str(_converter().parsed_text(part))  # the group whole: its end bounds it
        return "".join(_part_text(p) for p in inner)
    if part[0] == "\\":
        return str(_converter().parsed_text(part))
    pattern, texts = _specials()  # ``--``, ``~``, ``''``
    return pattern.sub(lambda m: texts[m.group()], part)


@lru_cache(maxsize=1024)
def _unknown(name: str) -> bool:
    """A macro neither parsing context knows: it takes no argument, and its text is its name
    unless a group follows (:func:`_unknown_macro`)."""
    text_db = _converter().latex_context
    return bool(
        _walking()[0].get_macro_spec(name) is None
        and text_db.get_macro_spec(name) is text_db.unknown_macro_spec
    )


@lru_cache(maxsize=1)
def _specials() -> tuple[re.Pattern[str], dict[str, str]]:
    """Every special of the parsing context (``--``, ``~``, ...) and its text as pylatexenc
    gives it. In plain text (no macro, brace, math or comment), pylatexenc reads the longest
    special at each position, left to right, as this pattern does, and writes the rest as it
    is: converting plain text is replacing its specials."""
    chars = [spec.specials_chars for spec in _walking()[0].iter_specials_specs()]
    texts = {s: str(_converter().parsed_text(s)) for s in chars}
    alternation = "|".join(re.escape(s) for s in sorted(texts, key=len, reverse=True))
    return re.compile(alternation), texts


# Sub- and superscripts in math whose every character has a Unicode form (D$_2$O, $n^{-1}$):
# that form, as a reader sees them typeset; others stay as pylatexenc writes them (W_int).
_SUB = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")
_SUP = str.maketrans("0123456789+-=()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾")
_MATH = re.compile(r"\$([^$]*)\$")
_SCRIPT = re.compile(r"([_^])(?:\{([0-9+\-=()]+)\}|([0-9+\-=()]))")


def _script(m: re.Match[str]) -> str:
    chars = m.group(2) or m.group(3)
    table = _SUB if m.group(1) == "_" else _SUP
    return chars.translate(table) if all(ord(c) in table for c in chars) else m.group()


def _math_scripts(value: str) -> str:
    return _MATH.sub(lambda m: "$" + _SCRIPT.sub(_script, m.group(1)) + "$", value)


_MARKUP = re.compile(r"[\\{}$~\-`']")  # what makes a value more than its words
_TEXT_MARKUP = re.compile(r"[\\$~]")  # what needs pylatexenc (braces alone do not)
_WHITE = re.compile(r"[ \t\n\r\f\v]+")


@lru_cache(maxsize=65536)
def to_text(value: str) -> str:
    """What a reader sees: braces and LaTeX commands resolved. ``The \\TeX book`` -> ``The
    TeXbook`` (TeX eats the space after a control word); ``{\\"o}`` -> ``ö``; ``$\\infty$`` ->
    ``∞``; ``--`` -> an en dash, ``'`` -> ``’`` (what LaTeX typesets). White space collapsed."""
    if _MARKUP.search(value) is None:
        return " ".join(value.split())
    value = value.replace("\\^{}", "^").replace("\\~{}", "~")
    value = _GLUE.sub("", value)
    if _TEXT_MARKUP.search(value) is not None:
        if "$" in value:
            value = _math_scripts(value)
        value = _converter().latex_to_text(value)
    elif "{" in value or "}" in value:
        value = value.replace("{", "").replace(
            "}", ""
        )  # groups alone: their text, as pylatexenc gives
    for tex, char in _LIGATURES:
        if tex in value:
            value = value.replace(tex, char)
    return _WHITE.sub(" ", value).strip(" ")


plain = to_text  # the name most callers use: the text a reader sees


_LATEX_ESCAPES = {r"\&": "&", r"\%": "%", r"\$": "$", r"\#": "#", r"\_": "_"}


def latex_to_plain(value: str) -> str:
    """A light LaTeX-to-text conversion for comparing values (not for display)."""
    for latex, text in _LATEX_ESCAPES.items():
        value = value.replace(latex, text)
    value = re.sub(r"\\[a-zA-Z]+\s*", "", value)
    return value.replace("{", "").replace("}", "")
