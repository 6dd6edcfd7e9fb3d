"""Classic BibTeX export: what ``bibtex`` with the standard styles reads without complaint.

Standard entry types only, no internal fields, and non-ASCII text written as LaTeX commands so
that ``bibtex`` (8-bit) and ``pdflatex`` need nothing special.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..canonical import PROVENANCE_FIELDS, format_bib
from ..model import Entry, Extra
from ..tex_escape import ascii_latex
from ..vocab import IDENTIFIERS, arxiv_id
from .arxiv_ids import ArxivPolicy, cite_arxiv


def for_bibtex(entry: Entry, arxiv_note: bool = True, ascii_only: bool = True) -> Entry:
    """An entry as classic BibTeX expects it.

    ``@software`` becomes ``@misc``; an arXiv-only paper gets ``howpublished`` naming its id and
    a published one a ``note``, because the standard styles ignore ``eprint``; non-ASCII
    characters become LaTeX; an entry without authors gets ``key`` for sorting.
    """
    out = entry.with_fields(**{name: "" for name in PROVENANCE_FIELDS})
    if out.type == "software":
        out = out.with_type("misc").with_fields(howpublished=out.get("howpublished") or "Software")
    if out.type not in (
        "article",
        "inproceedings",
        "incollection",
        "book",
        "misc",
        "phdthesis",
        "mastersthesis",
        "techreport",
        "manual",
        "unpublished",
        "proceedings",
        "booklet",
        "inbook",
    ):
        out = out.with_type("misc")
    aid = arxiv_id(out) or ""
    if out.type == "misc" and aid and not out.get("howpublished"):
        out = out.with_fields(howpublished=f"arXiv preprint arXiv:{aid}")
    if aid and not out.get("url"):
        out = out.with_fields(url=f"https://arxiv.org/abs/{aid}")
    if arxiv_note and aid and out.type != "misc" and not out.get("note"):
        # The standard styles ignore eprint; a note keeps the arXiv id in the printed reference.
        out = out.with_fields(note=f"arXiv:{aid}")
    if not out.get("author") and not out.get("editor") and not out.get("key"):
        # BibTeX sorts and labels by author; without one, the standard `key` field stands in.
        out = out.with_fields(key=re.sub(r"[{}]", "", out.get("title")) or out.key)
    if not ascii_only:
        return out
    converted = {
        name: ascii_latex(value)
        for name, value in out.fields
        if name not in IDENTIFIERS and name not in out.bare and not value.isascii()
    }
    return out.with_fields(**converted) if converted else out


def export_bibtex(
    entries: Iterable[Entry],
    header: str = "",
    arxiv_note: bool = True,
    ascii_only: bool = True,
    strings: Iterable[Extra] = (),
    arxiv: ArxivPolicy = "preprints",
) -> str:
    """Entries in their order (``crossref`` targets moved after the entries that refer to them),
    after the ``@string`` definitions given; ``arxiv`` says which entries keep their arXiv id."""
    extras = [Extra("comment", header)] if header else []
    extras += list(strings)
    converted = [for_bibtex(cite_arxiv(e, arxiv), arxiv_note, ascii_only) for e in entries]
    return format_bib(converted, extras, sort=False)
