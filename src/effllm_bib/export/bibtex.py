"""Classic BibTeX export: what ``bibtex`` with the standard styles reads without complaint."""

from __future__ import annotations

from collections.abc import Iterable

from ..bibio import PROVENANCE_FIELDS, format_bib
from ..model import Entry, Extra


def for_bibtex(entry: Entry) -> Entry:
    """An entry as classic BibTeX expects it: standard types, no internal fields.

    ``@software`` becomes ``@misc``; an arXiv-only paper gets ``howpublished`` naming its id,
    because the standard styles ignore ``eprint``.
    """
    out = entry.with_fields(**{name: "" for name in PROVENANCE_FIELDS})
    if out.type == "software":
        out = out.with_type("misc").with_fields(howpublished=out.get("howpublished") or "Software")
    if (
        out.type == "misc"
        and out.get("eprint")
        and out.get("archiveprefix", "").lower() == "arxiv"
        and not out.get("howpublished")
    ):
        out = out.with_fields(howpublished=f"arXiv preprint arXiv:{out.get('eprint')}")
    if out.get("eprint") and out.get("archiveprefix", "").lower() == "arxiv" and not out.get("url"):
        out = out.with_fields(url=f"https://arxiv.org/abs/{out.get('eprint')}")
    return out


def export_bibtex(entries: Iterable[Entry], header: str = "") -> str:
    extras = [Extra("comment", header)] if header else []
    return format_bib([for_bibtex(e) for e in entries], extras)
