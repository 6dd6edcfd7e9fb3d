"""What the website shows of one entry: plain text, links, its BibTeX and its COinS."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote

from ..export.bibtex import export_bibtex
from ..latex import plain
from ..model import Entry
from ..names import parse_names
from ..taxonomy import Taxonomy
from ..venues import short_venue
from ..vocab import PUBLISHED_TYPES, arxiv_id, arxiv_url, is_preprint
from .coins import coins, web_address

Status = Literal["published", "preprint", "other"]
STATUS_LABELS: dict[Status, str] = {
    "published": "Published",
    "preprint": "Preprint (arXiv only)",
    "other": "Software and web pages",
}
WEB_VENUES = {"Blog": "Blog", "Website": "Web page"}


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Paper:
    """One entry as the site shows it: every text already LaTeX-free."""

    key: str
    title: str
    authors: tuple[str, ...]
    venue: str  # short name, the venue filter's value
    venue_full: str
    year: str
    status: Status
    links: tuple[Link, ...]
    categories: tuple[tuple[str, str], ...]  # (slug, name) of the entry's own categories
    bibtex: str
    coins: str
    search: str  # folded text that the search box matches

    @property
    def year_number(self) -> int:
        return int(self.year) if self.year.isdigit() else 0


def fold_search(text: str) -> str:
    """Lower case without accents, so ``Ustun`` finds ``Üstün``; the page's script does the same."""
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def status_of(entry: Entry) -> Status:
    if entry.type in PUBLISHED_TYPES:
        return "published"
    return "preprint" if is_preprint(entry) else "other"


def venue_of(entry: Entry) -> tuple[str, str]:
    """(short name, full name) of where the entry appeared."""
    where = plain(entry.get("booktitle") or entry.get("journal"))
    if where:
        return short_venue(where), where
    if entry.type == "software":
        return "Software", "Software"
    howpublished = plain(entry.get("howpublished"))
    if howpublished in WEB_VENUES:
        return WEB_VENUES[howpublished], WEB_VENUES[howpublished]
    if status_of(entry) == "preprint":
        return "arXiv", "arXiv preprint"
    return (howpublished, howpublished) if howpublished else ("Other", "")


def author_names(entry: Entry) -> tuple[str, ...]:
    """'Given von Family, Jr' for people, organisations as written; 'others' becomes 'et al.'."""
    names = []
    for name in parse_names(entry.get("author")):
        if name.others:
            names.append("et al.")
            continue
        person = " ".join(p for p in (name.first, name.von, name.last) if p)
        names.append(plain(f"{person}, {name.jr}" if name.jr else person))
    return tuple(names)


def links_of(entry: Entry) -> tuple[Link, ...]:
    """Paper (or homepage), arXiv, DOI and code, each only when the entry has it."""
    arxiv = arxiv_id(entry) or ""
    url = web_address(entry.get("url"))
    code = web_address(entry.get("code"))
    out = []
    if url and "arxiv.org/" not in url:
        out.append(
            Link("Homepage" if entry.type in ("software", "misc") and not arxiv else "Paper", url)
        )
    if arxiv:
        out.append(Link("arXiv", arxiv_url(quote(arxiv, safe="/."))))
    if entry.get("doi"):
        out.append(Link("DOI", f"https://doi.org/{quote(entry.get('doi'), safe='/()._;:-')}"))
    if code:
        out.append(Link("Code", code))
    return tuple(out)


def paper_of(entry: Entry, taxonomy: Taxonomy) -> Paper:
    """The view of one entry; ``taxonomy`` names its categories."""
    venue, venue_full = venue_of(entry)
    cats = tuple((slug, taxonomy.get(slug).name) for slug in entry.keywords if slug in taxonomy)
    authors = author_names(entry)
    title = plain(entry.get("title")) or entry.key
    nodes = sorted(taxonomy.nodes_of(entry.keywords))
    words = [title, *authors, venue, venue_full, *(taxonomy.get(s).name for s in nodes)]
    return Paper(
        key=entry.key,
        title=title,
        authors=authors,
        venue=venue,
        venue_full=venue_full,
        year=entry.get("year"),
        status=status_of(entry),
        links=links_of(entry),
        categories=cats,
        bibtex=export_bibtex([entry]).strip(),
        coins=coins(entry),
        search=fold_search(" ".join(words)),
    )


def papers_of(entries: Iterable[Entry], taxonomy: Taxonomy) -> list[Paper]:
    """Newest first, then by title."""
    papers = [paper_of(e, taxonomy) for e in entries]
    return sorted(papers, key=lambda p: (-p.year_number, fold_search(p.title), p.key))
