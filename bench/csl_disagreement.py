"""What counts as agreement between our CSL-JSON and pandoc's, field by field, and the class of
each disagreement (bench/csl_vs_pandoc.py runs both sides and counts).

Formatting that is not text is set aside before comparing: pandoc's ``<span class="nocase">``,
``<i>``, Unicode normal form, runs of white space, non-breaking spaces.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

FIELDS = ("authors", "title", "type", "container-title", "issued")
PARTICLES = {
    "de",
    "da",
    "van",
    "von",
    "der",
    "den",
    "di",
    "du",
    "del",
    "della",
    "la",
    "le",
    "dos",
    "das",
    "do",
    "ten",
    "ter",
    "al",
    "el",
    "bin",
    "ibn",
    "abu",
    "zu",
    "des",
    "las",
    "los",
}


# --- normal forms ---------------------------------------------------------------------------


def text(value: Any) -> str:
    value = re.sub(r"</?(span|i|b|sup|sub|sc)\b[^>]*>", "", str(value or ""))
    value = unicodedata.normalize("NFC", value).replace("\u00a0", " ")
    return " ".join(value.split())


def person(p: dict[str, Any]) -> str:
    if "literal" in p:
        return f"{{{text(p['literal'])}}}"
    particles = " ".join(
        text(p.get(k)) for k in ("dropping-particle", "non-dropping-particle") if p.get(k)
    )
    family = " ".join(x for x in (particles, text(p.get("family"))) if x)
    return " | ".join(x for x in (family, text(p.get("given")), text(p.get("suffix"))) if x)


def issued(item: dict[str, Any]) -> str:
    date = item.get("issued") or {}
    if "date-parts" in date:
        return "/".join("-".join(str(int(x)) for x in part) for part in date["date-parts"])
    return text(date.get("literal") or date.get("raw") or "")


def values(item: dict[str, Any]) -> dict[str, str]:
    return {
        "authors": "; ".join(person(p) for p in item.get("author") or []),
        "title": text(item.get("title")),
        "type": str(item.get("type") or ""),
        "container-title": text(item.get("container-title")),
        "issued": issued(item),
    }


# --- disagreement classes ---------------------------------------------------------------------


def _spaced_initials(name: str) -> str:
    return re.sub(r"(?<=\b\w\.)(?=\w\.)", " ", name)


def _authors_class(ours: str, theirs: str, raw: str) -> str:
    if theirs.endswith("{others}") and theirs[: -len("{others}")].rstrip("; ") == ours:
        return "pandoc writes 'and others' as an author named 'others'"
    if _spaced_initials(ours) == theirs:
        return "pandoc puts a space between initials (A.M. -> A. M.)"
    if "\u0131\u0301" in theirs:
        return "pandoc writes \\'\\i as dotless i + accent, not í"
    o, t = ours.split("; "), theirs.split("; ")
    if len(o) == len(t):
        for a, b in zip(o, t, strict=True):
            if a == b or _spaced_initials(a) == b:
                continue
            fam, given = (a.split(" | ") + [""])[:2]
            words = fam.split()
            if len(words) > 1 and words[0].lower() in PARTICLES and words[0][0].isupper():
                return "project rule: capitalised particle kept in the family name (De Sa)"
            if given.split()[-1:] and given.split()[-1].lower() in PARTICLES:
                return (
                    "pandoc takes lower-case words after the given name as particles; "
                    "BibTeX and biber keep them in the given name"
                )
            if a.startswith("{") != b.startswith("{"):
                return "corporate name (literal) vs split name"
            if a.replace(" | ", " ") == b.replace(" | ", " ") or sorted(a.split()) == sorted(
                b.split()
            ):
                return "same words, other split into family/given/suffix"
            return "name text differs (LaTeX conversion)"
    if "=" in raw:
        return "biblatex extended name format"
    return "different number of names"


def _text_class(ours: str, theirs: str, raw: str) -> str:
    if ours.lower() == theirs.lower() or _sentence_case(ours) == theirs:
        return "letter case only: pandoc turns English titles into sentence case"
    if not ours:
        return "missing on our side"
    if not theirs:
        return "pandoc gives none"
    ours_words, their_words = re.findall(r"\w+", ours.lower()), re.findall(r"\w+", theirs.lower())
    strange = set(their_words) - set(ours_words)  # pandoc's leftovers such as "to-.15em"
    if "\\" in raw and len(their_words) < len(ours_words) and len(strange) <= 2:
        return "pandoc drops a LaTeX command it does not know, and the word it prints"
    if "$" in raw:
        return "pandoc keeps math as TeX source (\\infty); we give Unicode text (∞)"
    if "\\" in theirs:
        return "pandoc keeps a LaTeX command as raw text"
    if re.search("[\u2014\u2013]", ours) and re.sub(r"[\s\u2014\u2013]", "", ours) == re.sub(
        r"\s", "", theirs
    ):
        return "pandoc drops a dash command (\\emdash, \\dash) and glues the words"
    if re.sub(r"\W", "", ours.lower()) == re.sub(r"\W", "", theirs.lower()):
        return "punctuation or spacing"
    if re.search(r"\\[a-zA-Z]+", raw):
        return "macro rendered differently"
    return "other"


def _sentence_case(text_: str) -> str:
    return text_[:1] + text_[1:].lower()


def same(name: str, ours: str, theirs: str) -> bool:
    """Equal; for titles, equal but for letter case (pandoc sentence-cases English titles)."""
    if name in ("title", "container-title"):
        return ours.lower() == theirs.lower()
    return ours == theirs


def classify(name: str, ours: str, theirs: str, raw: str) -> str:
    if name == "authors":
        return _authors_class(ours, theirs, raw)
    if name == "type":
        if not theirs:
            return f"pandoc gives no type (CSL requires one): @{raw}, we say {ours}"
        return f"@{raw}: we {ours or '(none)'}, pandoc {theirs}"
    if name == "issued":
        if ours.split("-")[0] == theirs.split("-")[0]:
            return "same year, month or day differs"
        if not ours:
            return "missing on our side"
        if not theirs:
            return "pandoc drops a year that is not a number; we keep it as a literal"
        return "year differs"
    return _text_class(ours, theirs, raw)
