"""RIS export: the tagged format reference managers (Zotero, EndNote, Mendeley) import.

Entries arrive resolved (macros expanded, crossref inherited).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..latex import plain
from ..model import Entry
from ..names import Name, parse_names
from ..vocab import arxiv_id, arxiv_url
from .arxiv_ids import ArxivPolicy, cite_arxiv
from .csljson import issued, page_range

TYPES = {
    "article": "JOUR", "periodical": "JFULL", "inproceedings": "CPAPER", "conference": "CPAPER",
    "proceedings": "CONF", "mvproceedings": "CONF", "book": "BOOK", "mvbook": "BOOK",
    "collection": "EDBOOK", "mvcollection": "EDBOOK", "reference": "BOOK",
    "inbook": "CHAP", "incollection": "CHAP", "bookinbook": "CHAP", "suppbook": "CHAP",
    "inreference": "ENCYC", "phdthesis": "THES", "mastersthesis": "THES", "thesis": "THES",
    "techreport": "RPRT", "report": "RPRT", "manual": "RPRT", "booklet": "PAMP",
    "unpublished": "UNPB", "online": "ELEC", "www": "ELEC", "electronic": "ELEC",
    "software": "COMP", "dataset": "DATA", "patent": "PAT", "standard": "STAND",
    "artwork": "ART", "image": "ART", "audio": "SOUND", "music": "MUSIC", "video": "VIDEO",
    "movie": "MPCT", "letter": "PCOMM", "legislation": "STAT", "jurisdiction": "CASE",
}  # fmt: skip
# Single-valued text tags: RIS tag <- the first BibTeX field that has a value.
TEXT_TAGS = (("VL", ("volume",)), ("IS", ("number", "issue")), ("ET", ("edition",)),
             ("T3", ("series",)), ("CY", ("address", "location")),
             ("PB", ("publisher", "school", "institution", "organization")),
             ("SN", ("isbn", "issn")), ("DO", ("doi",)), ("N1", ("note",)),
             ("AB", ("abstract",)), ("LA", ("language", "langid")))  # fmt: skip


def ris_name(name: Name) -> str:
    """``Last, First, Suffix`` with particles in the family name; a corporate name as it is."""
    if name.literal:
        return plain(name.last)
    parts = [plain(name.family), plain(name.first), plain(name.jr)]
    while parts and not parts[-1]:
        parts.pop()
    return ", ".join(parts)


def ris_record(entry: Entry) -> list[str]:
    aid = arxiv_id(entry)
    kind = TYPES.get(
        entry.type, "ELEC" if entry.get("howpublished") in ("Blog", "Website") else "GEN"
    )
    lines = [f"TY  - {kind}", f"ID  - {entry.key}"]
    for tag, field in (("AU", "author"), ("ED", "editor"), ("A4", "translator")):
        lines += [f"{tag}  - {ris_name(n)}" for n in parse_names(entry.get(field)) if not n.others]
    title = plain(entry.get("title"))
    if entry.get("subtitle"):
        title = f"{title}: {plain(entry.get('subtitle'))}"
    lines.append(f"TI  - {title}")
    if entry.get("booktitle"):
        lines.append(f"T2  - {plain(entry.get('booktitle'))}")
    journal = entry.get("journal") or entry.get("journaltitle")
    if journal:
        lines.append(f"JO  - {plain(journal)}")
    date = issued(entry)
    parts = date["date-parts"][0] if date and "date-parts" in date else []
    if parts:
        lines.append(f"PY  - {parts[0]}")
        if len(parts) > 1:  # RIS dates are YYYY/MM/DD/other
            month, day = (f"{p:02d}" for p in (*parts[1:3], 0)[:2])
            lines.append(f"DA  - {parts[0]}/{month}/{'' if day == '00' else day}/")
    elif date:
        lines.append(f"PY  - {date['literal']}")
    first, last = page_range(entry)
    if first:
        lines.append(f"SP  - {first}")
    if last:
        lines.append(f"EP  - {last}")
    for tag, names in TEXT_TAGS:
        value = next((entry.get(n) for n in names if entry.get(n)), "")
        if value:
            lines.append(f"{tag}  - {value if tag == 'DO' else plain(value)}")
    url = entry.get("url") or (arxiv_url(aid) if aid else "")
    if url:
        lines.append(f"UR  - {url}")
    if aid:
        lines.append(f"N1  - arXiv:{aid}")
    lines += [f"KW  - {kw}" for kw in entry.keywords]
    lines.append("ER  - ")
    return lines


def export_ris(entries: Iterable[Entry], arxiv: ArxivPolicy = "preprints") -> str:
    return "".join("\n".join(ris_record(cite_arxiv(e, arxiv))) + "\n\n" for e in entries)
