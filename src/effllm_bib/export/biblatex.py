"""biblatex export: biblatex's types and field names. Latin letters stay Unicode (biber reads
UTF-8); symbols such as ``∞`` become LaTeX so that pdflatex typesets them too."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..canonical import PROVENANCE_FIELDS, format_bib
from ..model import Entry, Extra
from ..tex_escape import latin_latex
from ..vocab import IDENTIFIERS, arxiv_id
from .arxiv_ids import ArxivPolicy, cite_arxiv

RENAMED = {"journal": "journaltitle", "primaryclass": "eprintclass"}
# An ISO 8601-2 (EDTF) date or range as biber reads it in `date`: 2020, 2020-05, 2020-05-07,
# 2020~ (qualified), 1989/1990, 2020/ (open). biber warns "Invalid format" for anything else
# (1989/90, 1988-1989, `in press`, xampl.bib's \noopsort years) and drops it: those stay `year`.
_DAY = r"\d{4}(?:-\d{2}(?:-\d{2})?)?[?~%]?"
_BIBER_DATE = re.compile(rf"(?:{_DAY})?/(?:{_DAY})?|{_DAY}")


def biber_date(value: str) -> bool:
    return value not in ("", "/") and bool(_BIBER_DATE.fullmatch(value))


def for_biblatex(entry: Entry) -> Entry:
    out = entry.with_fields(**{name: "" for name in PROVENANCE_FIELDS})
    values = {RENAMED.get(k, k): v for k, v in out.fields}
    if arxiv_id(out):  # also an arXiv id in eprint without archiveprefix
        values.pop("archiveprefix", None)
        values["eprinttype"] = "arxiv"
    if "year" in values and "date" not in values and biber_date(values["year"]):
        values["date"] = values.pop("year")
    entry_type = out.type
    if (
        entry_type == "misc"
        and values.get("howpublished") in ("Blog", "Website")
        and values.get("url")
    ):
        entry_type = "online"
        values.pop("howpublished")
    for name, value in list(values.items()):
        if name not in IDENTIFIERS and name not in out.bare and not value.isascii():
            values[name] = latin_latex(value)
    bare = {RENAMED.get(b, b) for b in out.bare}
    return Entry(out.key, entry_type, tuple(values.items()), frozenset(bare))


def export_biblatex(
    entries: Iterable[Entry],
    header: str = "",
    strings: Iterable[Extra] = (),
    arxiv: ArxivPolicy = "preprints",
) -> str:
    extras = [Extra("comment", header)] if header else []
    extras += list(strings)
    converted = [for_biblatex(cite_arxiv(e, arxiv, keep_eprint=True)) for e in entries]
    return format_bib(converted, extras)
