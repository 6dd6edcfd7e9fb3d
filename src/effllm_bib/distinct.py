"""Pairs of entries a person confirmed as different papers (``distinct.toml`` beside the .bib)."""

from __future__ import annotations

import json
from pathlib import Path

from .bibio import write_atomic
from .check import DISTINCT_NAME, load_distinct

HEADER = (
    "# Pairs of entries a person confirmed as different papers; `effllm-bib check` does not\n"
    "# report them as duplicates. Add pairs with `effllm-bib distinct KEY KEY --reason ...`.\n"
)


def record_distinct(bib_path: Path, first: str, second: str, reason: str) -> Path:
    path = bib_path.with_name(DISTINCT_NAME)
    pairs = load_distinct(path)
    if frozenset((first, second)) in pairs:
        return path
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    # json.dumps gives TOML-compatible basic strings (escaped quotes and backslashes)
    text += f"\n[[pair]]\nkeys = [{json.dumps(first)}, {json.dumps(second)}]\nreason = {json.dumps(reason)}\n"
    write_atomic(path, text)
    return path
