"""RIS export: the tagged format reference managers (Zotero, EndNote, Mendeley) import."""

from __future__ import annotations

from collections.abc import Iterable

from ..model import Entry
from .text import page_range, people, plain

TYPES = {"inproceedings": "CPAPER", "article": "JOUR", "software": "COMP", "incollection": "CHAP",
         "book": "BOOK", "phdthesis": "THES", "techreport": "RPRT"}  # fmt: skip


def ris_record(entry: Entry) -> list[str]:
    aid = entry.get("eprint") if entry.get("archiveprefix", "").lower() == "arxiv" else ""
    kind = TYPES.get(
        entry.type, "ELEC" if entry.get("howpublished") in ("Blog", "Website") else "GEN"
    )
    lines = [f"TY  - {kind}", f"ID  - {entry.key}"]
    for person in people(entry.get("author")):
        name = person.get("literal") or ", ".join(
            x for x in (person.get("family"), person.get("given")) if x
        )
        lines.append(f"AU  - {name}")
    lines.append(f"TI  - {plain(entry.get('title'))}")
    if entry.get("booktitle"):
        lines.append(f"T2  - {plain(entry.get('booktitle'))}")
    if entry.get("journal"):
        lines.append(f"JO  - {plain(entry.get('journal'))}")
    if entry.get("year"):
        lines.append(f"PY  - {entry.get('year')}")
    first, last = page_range(entry)
    if first:
        lines.append(f"SP  - {first}")
    if last:
        lines.append(f"EP  - {last}")
    for tag, name in (("VL", "volume"), ("IS", "number"), ("PB", "publisher"), ("DO", "doi")):
        if entry.get(name):
            lines.append(f"{tag}  - {plain(entry.get(name))}")
    url = entry.get("url") or (f"https://arxiv.org/abs/{aid}" if aid else "")
    if url:
        lines.append(f"UR  - {url}")
    if aid:
        lines.append(f"N1  - arXiv:{aid}")
    lines += [f"KW  - {kw}" for kw in entry.keywords]
    lines.append("ER  - ")
    return lines


def export_ris(entries: Iterable[Entry]) -> str:
    return "".join("\n".join(ris_record(e)) + "\n\n" for e in entries)
