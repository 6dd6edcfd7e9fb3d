"""CSL-JSON export: what Zotero, pandoc and citeproc read.

Entries arrive resolved (macros expanded, crossref inherited). Types follow pandoc's biblatex
reader and citation-js where they agree; where they differ the choice is noted in ``TYPES``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from json.encoder import encode_basestring
from typing import Any

from ..latex import plain
from ..model import Entry
from ..names import csl_names, uses_prefix
from ..vocab import MONTH_NAMES, arxiv_id, arxiv_url
from .arxiv_ids import ArxivPolicy, cite_arxiv

TYPES = {
    "article": "article-journal", "periodical": "article-journal", "suppperiodical": "article-journal",
    "inproceedings": "paper-conference", "conference": "paper-conference",
    "book": "book", "mvbook": "book", "collection": "book", "mvcollection": "book",
    "proceedings": "book", "mvproceedings": "book", "reference": "book", "mvreference": "book",
    "inbook": "chapter", "incollection": "chapter", "bookinbook": "chapter", "suppbook": "chapter",
    "suppcollection": "chapter", "inreference": "entry-encyclopedia",
    "phdthesis": "thesis", "mastersthesis": "thesis", "thesis": "thesis",
    "techreport": "report", "report": "report",
    "manual": "report",  # citation-js and the issue; pandoc 2.17 says book
    "booklet": "pamphlet", "unpublished": "manuscript", "online": "webpage", "www": "webpage",
    "electronic": "webpage", "software": "software", "dataset": "dataset", "patent": "patent",
    "artwork": "graphic", "image": "graphic", "audio": "song", "music": "song",
    "video": "motion_picture", "movie": "motion_picture", "letter": "personal_communication",
    "jurisdiction": "legal_case", "legislation": "legislation", "standard": "standard",
    "review": "review", "misc": "document",  # citation-js; pandoc 2.17 leaves the type empty
}  # fmt: skip
# Types an arXiv id turns into a preprint (CSL "article"); @online and published types keep theirs.
PREPRINT_TYPES = frozenset({"misc", "unpublished"})
THESIS_GENRE = {"phdthesis": "PhD thesis", "mastersthesis": "Master's thesis"}
MONTH_NUMBERS = {m[:3]: i for i, m in enumerate(MONTH_NAMES, 1)}
# Text fields carried as they are (after LaTeX-to-text): CSL name <- BibTeX field names.
TEXT_FIELDS = (("volume", ("volume",)), ("edition", ("edition",)),
               ("publisher-place", ("address", "location")), ("note", ("note",)),
               ("ISBN", ("isbn",)), ("ISSN", ("issn",)), ("chapter-number", ("chapter",)),
               ("collection-title", ("series",)), ("abstract", ("abstract",)),
               ("version", ("version",)), ("language", ("language", "langid")))  # fmt: skip
PUBLISHER_FIELDS = ("publisher", "school", "institution", "organization")
NAME_FIELDS = (("author", "author"), ("editor", "editor"), ("translator", "translator"))


def month_number(value: str) -> int | None:
    """``mar``, ``March``, ``3`` or ``03`` -> 3; None for anything else (``jun # "-" # aug``)."""
    value = plain(value).strip().rstrip(".").lower()
    if value.isdigit():
        return int(value) if 1 <= int(value) <= 12 else None
    number = MONTH_NUMBERS.get(value[:3])
    if number and value.isalpha() and MONTH_NAMES[number - 1].startswith(value):
        return number
    return None


_ISO_DATE = re.compile(r"(-?\d{1,4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?(?:T[\d:.]+(?:Z|[+-][\d:]+)?)?")
_YEAR = re.compile(r"\d{1,4}")


def _date_parts(text: str) -> list[int] | None:
    """An ISO 8601 date (biblatex's ``date``) as CSL date parts. ISO counts a year 0 (1 BC);
    CSL does not, so ``-0380`` (381 BC) is -381. A time of day (biblatex allows one) is left out."""
    m = _ISO_DATE.fullmatch(text.strip())
    if not m:
        return None
    parts = [int(p) for p in m.groups() if p]
    if parts[0] <= 0:
        parts[0] -= 1
    return parts


def issued(entry: Entry) -> dict[str, Any] | None:
    """``date`` (biblatex, ISO 8601, a ``/`` range) or ``year`` + ``month`` as CSL date parts;
    text that is not a date is kept as ``literal``."""
    date = entry.get("date").strip()
    if date:
        ranges = [_date_parts(part) for part in date.split("/")]
        if all(ranges) and ranges:
            return {"date-parts": ranges}
        return {"literal": plain(date)}
    year = plain(entry.get("year")).strip()
    if not year:
        return None
    if not _YEAR.fullmatch(year):
        return {"literal": year}
    parts = [int(year)]
    month = month_number(entry.get("month")) if entry.get("month") else None
    if month:
        parts.append(month)
        day = plain(entry.get("day")).strip()
        if day.isdigit() and 1 <= int(day) <= 31:
            parts.append(int(day))
    return {"date-parts": [parts]}


def csl_type(entry: Entry, aid: str | None) -> str:
    how = entry.get("howpublished")
    if entry.type == "misc" and how in ("Blog", "Website"):
        return "post-weblog" if how == "Blog" else "webpage"
    if aid and entry.type in PREPRINT_TYPES:
        return "article"  # CSL's type for preprints
    return TYPES.get(entry.type, "document")


# Where the container title is: an article's journal first (an @article with a crossref to a
# proceedings inherits a booktitle it is not in, and pandoc gives the journal), else booktitle.
_CONTAINERS = {
    "article": ("journal", "journaltitle", "booktitle"),
    "periodical": ("journal", "journaltitle", "booktitle"),
    "*": ("booktitle", "journal", "journaltitle"),
}


def csl_item(entry: Entry) -> dict[str, Any]:
    fields = entry.field_map
    aid = arxiv_id(entry)
    kind = csl_type(entry, aid)
    title = plain(fields.get("title", ""))
    subtitle = fields.get("subtitle")
    if subtitle:
        title = f"{title}: {plain(subtitle)}" if title else plain(subtitle)
    # citation-key (CSL 1.0.2): Zotero's CSL JSON import keeps it as the item's Citation Key
    item: dict[str, Any] = {
        "id": entry.key,
        "citation-key": entry.key,
        "type": kind,
        "title": title,
    }
    prefixed = uses_prefix(fields.get("options", ""), fields.get("useprefix", ""))
    for csl, name in NAME_FIELDS:
        value = fields.get(name)
        persons = csl_names(value, prefixed) if value is not None else []
        if persons:
            item[csl] = persons
    date = issued(entry)
    if date:
        item["issued"] = date
    container = entry.first(*_CONTAINERS.get(entry.type, _CONTAINERS["*"]))
    if container:
        item["container-title"] = plain(container)
    first_page, last_page = page_range(entry)
    if first_page:
        item["page"] = f"{first_page}-{last_page}" if last_page else first_page
    for csl, sources in TEXT_FIELDS:
        value = entry.first(*sources)
        if value:
            item[csl] = plain(value)
    publisher = entry.first(*PUBLISHER_FIELDS)
    if publisher:
        # a blog post's publisher is the blog: CSL's container-title (Zotero's Blog Title)
        slot = "container-title" if kind == "post-weblog" else "publisher"
        item.setdefault(slot, plain(publisher))
    number = plain(fields.get("number") or fields.get("issue") or "")
    if number:
        slot = (
            "collection-number"
            if fields.get("series") and entry.type != "article"
            else ("issue" if kind.startswith("article") else "number")
        )
        item[slot] = number
    if entry.type in THESIS_GENRE or fields.get("type"):
        item["genre"] = plain(fields.get("type", "")) or THESIS_GENRE[entry.type]
    doi = fields.get("doi")
    if doi:
        item["DOI"] = doi
    if aid and kind == "article":
        item.setdefault("publisher", "arXiv")
        item.setdefault("number", f"arXiv:{aid}")
    url = fields.get("url") or (arxiv_url(aid) if aid else "")
    if url:
        item["URL"] = url
    keywords = entry.keywords
    if keywords:
        item["keyword"] = ", ".join(keywords)
    return item


def indented_json(value: Any, indent: str = "") -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2)``, byte for byte, with strings written
    by the C encoder (the standard library indents in pure Python, at half the speed)."""
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if kind is int:
        return int.__repr__(value)  # as json writes an int (not a bool: that is a subclass)
    inner = indent + "  "
    sep = ",\n" + inner
    if kind is list and value:
        parts = [encode_basestring(v) if type(v) is str else indented_json(v, inner) for v in value]
        return f"[\n{inner}{sep.join(parts)}\n{indent}]"
    if kind is dict and value and all(type(k) is str for k in value):
        parts = [
            encode_basestring(k)
            + ": "
            + (encode_basestring(v) if type(v) is str else indented_json(v, inner))
            for k, v in value.items()
        ]
        return f"{{\n{inner}{sep.join(parts)}\n{indent}}}"
    # floats, true, false, null, empty containers and anything else: as json writes them
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + indent)


def export_csl_json(entries: Iterable[Entry], arxiv: ArxivPolicy = "preprints") -> str:
    return indented_json([csl_item(cite_arxiv(e, arxiv)) for e in entries]) + "\n"


def page_range(entry: Entry) -> tuple[str, str]:
    """The first and last page of ``pages`` (``12--34``), each stripped; the last may be empty."""
    first, _, last = entry.get("pages").partition("--")
    return first.strip(), last.strip()
