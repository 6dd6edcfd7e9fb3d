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


def for_bibtex(entry: Entry, links_printed: bool = False, ascii_only: bool = True) -> Entry:
    """An entry as classic BibTeX expects it.

    ``@software`` becomes ``@misc``; an arXiv-only paper gets ``howpublished`` naming its id.
    The standard .bst styles ignore ``eprint`` and ``url``, so a published paper's arXiv id goes
    into ``note`` and a program's address into ``howpublished`` (:func:`software_as_misc`),
    unless ``links_printed``: pybtex's styles print both themselves. Non-ASCII characters become
    LaTeX; an entry without authors gets ``key`` for sorting.
    """
    out = entry.with_fields(**{name: "" for name in PROVENANCE_FIELDS})
    if out.type == "software":
        out = software_as_misc(out, address=not links_printed)
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
    if not links_printed and aid and out.type != "misc" and not out.get("note"):
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


def software_as_misc(entry: Entry, address: bool = True) -> Entry:
    """A program as the standard styles print a ``@misc``: with ``address``,
    ``howpublished = {\\url{...}}`` (the styles ignore ``url``; the document loads the url or
    hyperref package), else ``Software``; its version in ``note``; the year where it has one."""
    out = entry.with_type("misc")
    values: dict[str, str] = {}
    if not out.get("howpublished"):
        url = out.get("url") if address else ""
        values["howpublished"] = f"\\url{{{url}}}" if url else "Software"
    if out.get("version") and not out.get("note"):
        values["note"] = f"Version {out.get('version')}"
    return out.with_fields(**values)


def export_bibtex(
    entries: Iterable[Entry],
    header: str = "",
    links_printed: bool = False,
    ascii_only: bool = True,
    strings: Iterable[Extra] = (),
    arxiv: ArxivPolicy = "preprints",
) -> str:
    """Entries in their order (``crossref`` targets moved after the entries that refer to them),
    after the ``@string`` definitions given; ``arxiv`` says which entries keep their arXiv id."""
    extras = [Extra("comment", header)] if header else []
    extras += list(strings)
    entries = list(entries)
    if any(e.get("crossref") for e in entries):
        from ..resolve import crossref_by_key, key_index  # here: most exports have no crossref

        index = key_index(entries)  # a crossref to an ids alias names the key: BibTeX knows no ids
        entries = [crossref_by_key(e, index) for e in entries]
    converted = [for_bibtex(cite_arxiv(e, arxiv), links_printed, ascii_only) for e in entries]
    return format_bib(converted, extras, sort=False)
