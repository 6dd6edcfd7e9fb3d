"""CSL-JSON export: what Zotero, pandoc and citeproc read."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ..model import Entry
from .text import page_range, people, plain

TYPES = {"inproceedings": "paper-conference", "article": "article-journal", "software": "software",
         "incollection": "chapter", "book": "book", "phdthesis": "thesis", "techreport": "report"}  # fmt: skip


def csl_item(entry: Entry) -> dict[str, Any]:
    aid = entry.get("eprint") if entry.get("archiveprefix", "").lower() == "arxiv" else ""
    kind = TYPES.get(entry.type, "article")  # CSL's "article" is the type for preprints
    web = entry.get("howpublished") in ("Blog", "Website")
    if entry.type == "misc" and web:
        kind = "post-weblog" if entry.get("howpublished") == "Blog" else "webpage"
    item: dict[str, Any] = {"id": entry.key, "type": kind, "title": plain(entry.get("title"))}
    authors = people(entry.get("author"))
    if authors:
        item["author"] = authors
    if entry.get("year").isdigit():
        item["issued"] = {"date-parts": [[int(entry.get("year"))]]}
    container = entry.get("booktitle") or entry.get("journal")
    if container:
        item["container-title"] = plain(container)
    first, last = page_range(entry)
    if first:
        item["page"] = f"{first}-{last}" if last else first
    for csl, name in (("volume", "volume"), ("issue", "number"), ("publisher", "publisher")):
        if entry.get(name):
            item[csl] = plain(entry.get(name))
    if entry.get("doi"):
        item["DOI"] = entry.get("doi")
    if aid and entry.type not in TYPES:
        item["publisher"] = "arXiv"
        item["number"] = f"arXiv:{aid}"
    url = entry.get("url") or (f"https://arxiv.org/abs/{aid}" if aid else "")
    if url:
        item["URL"] = url
    if entry.keywords:
        item["keyword"] = ", ".join(entry.keywords)
    return item


def export_csl_json(entries: Iterable[Entry]) -> str:
    return json.dumps([csl_item(e) for e in entries], ensure_ascii=False, indent=2) + "\n"
