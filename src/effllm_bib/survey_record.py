"""What the survey's list says of a paper, as entry fields: derived from the survey's own
record (surveytitle, surveyvenue, surveyurl), so merge and the importer can tell a value that
only the survey asserts from one a person or a source put there."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .compare import clean_text, fix_doubled_prefix
from .identifiers import arxiv_id_from_url, normalize_doi
from .model import Entry
from .tex_escape import math_symbols, protect_title, text_from_latex
from .venues import lookup_venue

SIMILAR_TITLE = 90  # rapidfuzz ratio (0-100) above which two folded titles name the same paper

# Fields the importer derives from a bullet; the survey record itself is kept in survey* fields.
DERIVED_FIELDS = (
    "title",
    "year",
    "booktitle",
    "journal",
    "howpublished",
    "eprint",
    "archiveprefix",
    "doi",
    "url",
)


# --- deriving entry fields --------------------------------------------------------------------


@dataclass(frozen=True)
class Derived:
    type: str
    fields: dict[str, str]
    notes: tuple[str, ...] = ()


_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")


def split_venue(venue: str) -> tuple[list[str], str]:
    """(venue names, year) from ``'NeurlPS, 2022'``, ``'ICLR 2023'`` or ``'arXiv, ICML'``."""
    years = _YEAR.findall(venue)
    rest = _YEAR.sub(" ", venue)
    names = [clean_text(n) for n in re.split(r"[,，]", rest) if clean_text(n)]
    return names, years[0] if years else ""


def derive(title: str, venue: str, paper_url: str, with_arxiv: bool = True) -> Derived:
    """The bibliographic fields a survey record implies. Pure: same record, same fields."""
    notes: list[str] = []
    fixed = fix_doubled_prefix(clean_text(title))
    if fixed != clean_text(title):
        notes.append(f"title repeats its prefix; read as '{fixed}'")
    values: dict[str, str] = {"title": math_symbols(protect_title(fixed))}
    names, year = split_venue(venue)
    if year:
        values["year"] = year
    else:
        notes.append(f"no year in '{venue}'")
    known = [(n, lookup_venue(n)) for n in names]
    chosen = next((v for _, v in known if v and v.kind != "preprint"), None)
    chosen = chosen or next((v for _, v in known if v), None)
    for raw, v in known:
        if v is None:
            notes.append(f"venue '{raw}' is not in the venue table")
        elif raw != v.short and raw.replace("-", " ") != v.short:
            notes.append(f"venue '{raw}' read as {v.short}")
    if len([v for _, v in known if v]) > 1:
        notes.append(f"several venues '{venue}'; used {chosen.short if chosen else '?'}")
    entry_type = "misc"
    if chosen is not None:
        entry_type = chosen.entry_type
        if chosen.venue_field:
            values[chosen.venue_field] = chosen.full
        elif chosen.kind in ("blog", "website"):
            values["howpublished"] = chosen.short
    elif names:
        entry_type = "inproceedings"
        values["booktitle"] = names[0]
    arxiv_id = arxiv_id_from_url(paper_url) if paper_url else None
    if arxiv_id:
        if with_arxiv:
            values["eprint"] = arxiv_id
            values["archiveprefix"] = "arXiv"
    elif paper_url:
        values["url"] = paper_url
        doi = normalize_doi(paper_url) if "doi" in paper_url else None
        if doi and not doi.startswith("10.5555/"):  # 10.5555 is ACM's placeholder, not a DOI
            values["doi"] = doi
    return Derived(entry_type, values, tuple(notes))


def derive_from_entry(entry: Entry) -> Derived | None:
    """What the last survey import derived for this entry (None if it never came from the survey)."""
    if "surveytitle" not in entry:
        return None
    title, venue = survey_title(entry), text_from_latex(entry.get("surveyvenue"))
    return derive(title, venue, entry.get("surveyurl"))


def survey_title(entry: Entry) -> str:
    """The title as the survey writes it (``surveytitle`` holds it escaped as LaTeX)."""
    return text_from_latex(entry.get("surveytitle"))


def survey_derived(entry: Entry, name: str) -> bool:
    """True when a field still holds exactly the value the survey import derived for it."""
    derived = derive_from_entry(entry)
    if derived is None:
        return False
    if name == "type":
        return entry.type == derived.type
    return entry.get(name) != "" and entry.get(name) == derived.fields.get(name)
