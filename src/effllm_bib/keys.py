"""Citation keys: ``frantar2023sparsegpt`` (first author's family name, year, first title word).

A key, once assigned, never changes by itself. Entries without confirmed authors carry a
provisional ``pending:`` key until their authors arrive; only then is a final key assigned.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

from anyascii import anyascii

from .latex import latex_to_plain
from .model import Entry
from .names import first_family

PENDING_PREFIX = "pending:"

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "on",
        "in",
        "for",
        "to",
        "with",
        "and",
        "or",
        "is",
        "are",
        "be",
        "by",
        "from",
        "at",
        "as",
        "via",
        "into",
        "towards",
        "toward",
        "do",
        "does",
        "can",
        "not",
        "no",
        "your",
        "you",
        "we",
        "our",
        "its",
        "it",
        "this",
        "that",
        "when",
        "what",
        "why",
        "how",
        "all",
    ]
)


def is_pending(key: str) -> bool:
    return key.startswith(PENDING_PREFIX)


def _ascii_word(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", anyascii(latex_to_plain(text)).lower())


def title_word(title: str) -> str:
    """The first significant word of a title, lower-case ASCII (``'A Simple ...'`` -> ``simple``)."""
    for raw in re.split(r"[\s\-:/]+", latex_to_plain(title)):
        word = _ascii_word(raw)
        if word and word not in STOPWORDS:
            return word
    return "untitled"


def first_family_name(author_field: str) -> str:
    return _ascii_word(first_family(author_field))


def disambiguate(base: str, taken: Collection[str]) -> str:
    """``base``, or ``base`` with the first free suffix (b, c, ..., then 2, 3, ...)."""
    return _disambiguate(base, taken)


def usable_key(key: str) -> bool:
    """A key BibTeX and biber read back as it is (see :func:`effllm_bib.canonical.is_valid_key`)."""
    from .canonical import is_valid_key

    return is_valid_key(key)


def _disambiguate(base: str, taken: Collection[str]) -> str:
    if base not in taken:
        return base
    for suffix in "bcdefghijklmnopqrstuvwxyz":
        if base + suffix not in taken:
            return base + suffix
    n = 2
    while f"{base}{n}" in taken:
        n += 1
    return f"{base}{n}"


def final_key(entry: Entry, taken: Collection[str]) -> str | None:
    """The key an entry with authors should get; None while it has no usable author."""
    family = first_family_name(entry.get("author"))
    if not family:
        return None
    year = re.sub(r"\D", "", entry.get("year"))[:4]
    return _disambiguate(f"{family}{year}{title_word(entry.get('title'))}", taken)


def provisional_key(entry: Entry, taken: Collection[str]) -> str:
    year = re.sub(r"\D", "", entry.get("year"))[:4]
    return _disambiguate(f"{PENDING_PREFIX}{title_word(entry.get('title'))}{year}", taken)


def software_key(name: str, taken: Collection[str]) -> str:
    """Frameworks are cited by name: ``TensorRT-LLM`` -> ``tensorrtllm``."""
    return _disambiguate(_ascii_word(name) or "software", taken)


REFERENCE_FIELDS = ("crossref", "xdata", "xref")  # fields whose value names other entries' keys


def follow_renames(entry: Entry, renames: Mapping[str, str]) -> Entry:
    """``entry`` with its ``crossref``, ``xdata`` (a comma-separated list) and ``xref`` values
    pointing at the new keys of renamed entries. ``renames`` maps old keys to new ones; keys are
    compared ignoring case, as BibTeX does."""
    lower = {old.lower(): new for old, new in renames.items()}
    changed: dict[str, str] = {}
    for name in REFERENCE_FIELDS:
        value = entry.get(name)
        if not value or name in entry.bare:  # a macro names no key of its own
            continue
        targets = [t.strip() for t in value.split(",")] if name == "xdata" else [value.strip()]
        if any(t.lower() in lower for t in targets):
            changed[name] = ", ".join(lower.get(t.lower(), t) for t in targets)
    return entry.with_fields(**changed) if changed else entry
