"""Person names: the one parser of name lists (author, editor, ...), wrapping pybtex's ``Person``.

BibTeX's rules come from pybtex: ``and`` separates names, braces protect, ``First von Last``,
``von Last, First`` and ``von Last, Jr, First``. On top of that:

- ``and`` is a separator at any white space (a list wrapped over lines), outside braces;
- a wholly braced name (``{Barnes and Noble}``) is one literal, never split;
- biblatex's extended form ``family=..., given=..., prefix=..., suffix=...`` is read;
- the project's own rules for ``First Last`` input: capitalised particles (``Christopher De Sa``)
  belong to the family name, and a trailing ``Jr.``/``III`` is the Jr part.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .compare import fold
from .latex import to_text

_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_CONTROL_SPACE = re.compile(r"(?<!\\)\\(?=\s)")

# Particles that belong to the family name even when capitalised ("Christopher De Sa").
PARTICLES = frozenset({
    "abu", "al", "bin", "da", "das", "de", "degli", "dei", "del", "della", "den", "der", "des",
    "di", "do", "dos", "du", "el", "ibn", "la", "las", "le", "los", "ten", "ter", "van", "von",
    "zu",
})  # fmt: skip
SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
# biblatex's extended name format: the name parts it knows (``given-i`` are initials).
_EXTENDED_KEYS = frozenset(
    {
        "family",
        "given",
        "prefix",
        "suffix",
        "useprefix",
        "family-i",
        "given-i",
        "prefix-i",
        "suffix-i",
    }
)
_EXTENDED = re.compile(r"^\s*([a-z-]+)\s*=", re.IGNORECASE)


@dataclass(frozen=True)
class Name:
    """One person (or a corporate name) of a name list; parts keep their LaTeX."""

    first: str = ""
    von: str = ""
    last: str = ""
    jr: str = ""
    literal: bool = False  # a braced corporate name: ``last`` holds its text without the braces
    others: bool = False  # BibTeX's ``and others``
    option: bool = False  # biblatex's per-list options as a list item (``useprefix=false and ...``)

    @property
    def family(self) -> str:
        """The family name with its particles (``van Beethoven``), as BibTeX sorts it."""
        return " ".join(p for p in (self.von, self.last) if p)


def _top_level(value: str, sep: re.Pattern[str]) -> list[str]:
    """``value`` split at matches of ``sep`` that lie outside braces (``sep`` never matches an
    empty string)."""
    if not sep.search(value):
        return [value]  # one name, the common case
    if "{" not in value and "}" not in value:
        return sep.split(value)  # no braces: every match lies outside them
    parts: list[str] = []
    depth, start, i = 0, 0, 0
    while i < len(value):
        c = value[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth = max(depth - 1, 0)
        elif depth == 0:
            m = sep.match(value, i)
            if m and m.end() > i:
                parts.append(value[start:i])
                i = start = m.end()
                continue
        i += 1
    parts.append(value[start:])
    return parts


def split_names(value: str) -> list[str]:
    """The names of a name list, white space collapsed: ``and`` (any case, any white space
    around it, newlines too) separates names outside braces."""
    value = _SPACE.sub(" ", value).strip()
    if not value:
        return []
    # As in BibTeX, "and" separates only with white space on both sides: "Anders And" is one name.
    parts = _top_level(value, _AND)
    return [p.strip() for p in parts if p.strip()]


def _wholly_braced(text: str) -> bool:
    """``{Barnes and Noble}``, not ``{A} and {B}`` nor a special character ``{\\"O}``."""
    if not (text.startswith("{") and text.endswith("}")) or text.startswith("{\\"):
        return False
    depth = 0
    for i, c in enumerate(text):
        depth += c == "{"
        depth -= c == "}"
        if depth == 0 and i < len(text) - 1:
            return False
    return True


def _unbrace(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1].strip()
    return text[1:-1].strip() if _wholly_braced(text) else text


def _extended(name: str) -> Name | None:
    """biblatex's ``family=Smith, given=John, prefix=van, useprefix=true``, or None. An item of
    options only (``useprefix=false``, ``sortingnamekeytemplatename=x``) is an option."""
    parts = _top_level(name, re.compile(r"\s*,\s*"))
    pairs = [(_EXTENDED.match(p), p) for p in parts]
    keys = [m.group(1).lower() if m else "" for m, _ in pairs]
    if "" in keys:
        return None
    values = {m.group(1).lower(): _unbrace(p[m.end() :]) for m, p in pairs if m}
    if not values.keys() & {"family", "given"}:
        return Name(option=True)
    return Name(
        values.get("given", ""),
        values.get("prefix", ""),
        values.get("family", ""),
        values.get("suffix", ""),
    )


# An accent at the start of a word, unbraced (``\\'{E}ric``, ``\\v Sim``): BibTeX sees the word as
# lower case and makes it a von part. Braced as BibTeX wants (``{\\'E}ric``), it is upper case.
_WORD_ACCENT = re.compile(
    r"(?:(?<=\s)|^)\\(?:(['`^\"~=.])\s*\{?([A-Za-z])\}?"
    r"|([uvHckbdtr])(?:\s+([A-Za-z])|\{([A-Za-z])\}))"
)


def _brace_accents(text: str) -> str:
    def braced(m: re.Match[str]) -> str:
        if m.group(1):
            return f"{{\\{m.group(1)}{m.group(2)}}}"
        return f"{{\\{m.group(3)} {m.group(4) or m.group(5)}}}"

    return _WORD_ACCENT.sub(braced, text)


def _capitalised_particles(first: list[str], last: list[str]) -> tuple[list[str], list[str]]:
    """The project's rule: in ``First Last`` input, particles before the family name belong to
    it, capitalised or not (``Christopher De Sa`` -> family ``De Sa``)."""
    while len(first) > 1 and first[-1].lower() in PARTICLES:
        last = [first.pop(), *last]
    return first, last


@lru_cache(maxsize=8192)
def parse_name(text: str) -> Name:
    """One name (no ``and``) as its parts."""
    from pybtex.database import InvalidNameString, Person

    # "L.\\ Thiele": a control space is a space; kept at a word's end, its backslash would
    # escape the closing brace of the written field.
    text = _SPACE.sub(" ", _CONTROL_SPACE.sub(" ", text)).strip()
    if text.lower() == "others":
        return Name(others=True)
    if _wholly_braced(text):
        return Name(last=text[1:-1].strip(), literal=True)
    extended = _extended(text) if "=" in text else None
    if extended is not None:
        return extended
    try:
        person = Person(_brace_accents(text) if "\\" in text else text)
    except InvalidNameString:  # more than two commas: BibTeX would warn; keep it whole
        return Name(last=text, literal=True)
    first = [*person.first_names, *person.middle_names]
    von, last, jr = list(person.prelast_names), list(person.last_names), list(person.lineage_names)
    if "," not in text:
        if not von:
            first, last = _capitalised_particles(first, last)
        if not jr and len(first) + len(von) + len(last) > 2 and last[-1].lower() in SUFFIXES:
            jr = [last.pop()]
            if not last and first:
                last = [first.pop()]
    return Name(" ".join(first), " ".join(von), " ".join(last), " ".join(jr))


def parse_names(value: str) -> list[Name]:
    """Every name of a name list (``others`` included, as a Name with ``others`` set; biblatex's
    per-list options such as ``useprefix=false`` left out)."""
    return [name for name in map(parse_name, split_names(value)) if not name.option]


def last_first(name: Name) -> str:
    """BibTeX's unambiguous form: ``von Last, Jr, First``; ``{Corporate Name}``; ``others``."""
    if name.others:
        return "others"
    if name.literal:
        return "{" + name.last + "}"
    family = name.family
    if name.jr:
        return f"{family}, {name.jr}, {name.first}"
    return f"{family}, {name.first}" if name.first else family


def normalize_names(value: str) -> str:
    """A name list in canonical form: ``von Last, Jr, First and ...``; braced parts kept whole."""
    return " and ".join(last_first(n) for n in parse_names(value))


@lru_cache(maxsize=16384)
def fold_name(text: str) -> str:
    """Lower-case ASCII words of a name part, single-spaced (for matching, not display):
    ``Rozi{\\`e}re`` and ``Rozière`` fold alike."""
    return fold(to_text(text) if "\\" in text else text)


def family_names(value: str) -> list[str]:
    """Folded family names (with particles) of a name list, in order; ``others`` left out."""
    return [fold_name(n.family) for n in parse_names(value) if not n.others]


def person_keys(value: str) -> list[str]:
    """Each person as the sorted folded words of the whole name, whatever the name order:
    ``Bou Hanna, Emma`` and ``Emma Bou Hanna`` are the same person; ``E. Bou Hanna`` is not."""
    keys = []
    for n in parse_names(value):
        if not n.others:
            words = fold_name(" ".join((n.first, n.von, n.last, n.jr))).split()
            keys.append(" ".join(sorted(words)))
    return keys


def first_family(value: str) -> str:
    """The first person's family name as written (LaTeX kept), or '' (none, or ``others``)."""
    names = parse_names(value)
    return names[0].family if names and not names[0].others else ""


def _text(latex: str) -> str:
    return unicodedata.normalize("NFC", to_text(latex))


def csl_name(name: Name, useprefix: bool = False) -> dict[str, str]:
    """A CSL-JSON name: ``family``, ``given``, the von part as a particle, ``suffix``; or
    ``literal`` for a corporate name (``others`` has no CSL form: callers leave it out).

    The von part is a ``dropping-particle`` (cited as "Beethoven"), as biblatex reads it by
    default and pandoc converts it; with biblatex's ``useprefix=true`` it is a
    ``non-dropping-particle`` ("van Beethoven")."""
    if name.literal:
        return {"literal": _text(name.last)}
    out = {"family": _text(name.last)}
    particle = "non-dropping-particle" if useprefix else "dropping-particle"
    for key, part in (
        ("given", name.first),
        (particle, name.von),
        ("suffix", name.jr),
    ):
        text = _text(part) if part else ""
        if text:
            out[key] = text
    return out


def csl_names(value: str, useprefix: bool = False) -> list[dict[str, str]]:
    """A name list as CSL-JSON names (``others`` left out); ``useprefix``: see :func:`csl_name`."""
    return [csl_name(n, useprefix) for n in parse_names(value) if not n.others]


_USEPREFIX = re.compile(r"(?:^|,)\s*useprefix\s*(?:=\s*(true|false)\s*)?(?:,|$)", re.I)


def uses_prefix(options: str, field: str = "") -> bool:
    """Whether an entry asks biblatex for ``useprefix=true``: its ``useprefix`` field, or its
    ``options`` (``useprefix`` alone means true)."""
    if field.strip():
        return field.strip().lower() == "true"
    m = _USEPREFIX.search(options)
    return m is not None and (m.group(1) or "true").lower() == "true"


def from_parts(family: str, given: str = "", particle: str = "", suffix: str = "") -> str:
    """One name in BibTeX's form from separate parts (CSL, Crossref): ``von Last, Jr, First``."""
    return last_first(Name(given.strip(), particle.strip(), family.strip(), suffix.strip()))


def literal(text: str) -> str:
    """A corporate name, braced so that BibTeX never splits it."""
    return last_first(Name(last=text.strip(), literal=True))
