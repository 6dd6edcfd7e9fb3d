"""Comparing text: the fold that titles, venues and names are compared by, white space, title
repairs and similar-string pairs. LaTeX in and out is :mod:`effllm_bib.latex`'s job."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from .latex import latex_to_plain


def fold(value: str) -> str:
    """Lower-case ASCII letters and digits only, single-spaced: the key for comparing titles."""
    value = re.sub(r"['’‘`]", "", latex_to_plain(value))  # "Don’t" and "Dont" fold alike
    value = unicodedata.normalize("NFKD", value)
    value = "".join(c for c in value if not unicodedata.combining(c))
    value = re.sub(r"[^a-z0-9]+", " ", value.lower())
    return value.strip()


def clean_text(value: str) -> str:
    """Collapse white space and strip."""
    return re.sub(r"\s+", " ", value).strip()


def fix_doubled_prefix(title: str) -> str:
    """``OmniQuant: OmniQuant: Omnidirectionally ...`` -> ``OmniQuant: Omnidirectionally ...``."""
    m = re.match(r"^\s*([^:]{1,40}):\s*\1:\s*", title)
    if m:
        return f"{m.group(1)}: {title[m.end() :]}"
    return title


def similar_pairs(strings: list[str], cutoff: float) -> list[tuple[int, int, float]]:
    """Index pairs (i < j) whose rapidfuzz ratio is at least ``cutoff``.

    Built on ``process.extract``, not ``process.cdist``: cdist needs numpy, which is not one of
    rapidfuzz's (or our) dependencies.
    """
    from rapidfuzz import fuzz, process

    pairs = []
    for i, s in enumerate(strings):
        for _, score, j in process.extract(
            s, strings, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
        ):
            if j > i:
                pairs.append((i, j, score))
    return sorted(pairs)


def similar_names(name: str, choices: Sequence[str], limit: int = 3) -> list[str]:
    """The choices closest to a mistyped name, best first (for 'did you mean')."""
    from rapidfuzz import fuzz, process

    found = process.extract(name, list(choices), scorer=fuzz.ratio, limit=limit)
    return [choice for choice, score, _ in found if score >= 60]
