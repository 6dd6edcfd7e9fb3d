"""What the website shows of one entry: plain text, links, its BibTeX and its COinS; what the
search box matches, and the orders the papers can be sorted in."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from ..export.bibtex import export_bibtex
from ..latex import plain
from ..model import Entry
from ..names import Name, parse_names
from ..taxonomy import Taxonomy
from ..venues import short_venue
from ..vocab import PUBLISHED_TYPES, is_preprint
from .coins import coins
from .links import Link, links_of

Status = Literal["published", "preprint", "other"]
STATUS_LABELS: dict[Status, str] = {
    "published": "Published",
    "preprint": "Preprint (arXiv only)",
    "other": "Software and web pages",
}
WEB_VENUES = {"Blog": "Blog", "Website": "Web page"}

# Other names a paper is known by, searched with its title: the survey's own wording keeps the
# name people know ('LLM.int8()') where the proceedings print another ('GPT3.int8()').
KNOWN_AS_FIELDS = ("surveytitle",)


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
    nodes: tuple[str, ...]  # its categories and their ancestors: the tree rows it counts in
    bibtex: str
    coins: str
    search: str  # folded text that the search box matches
    first_author: str  # folded 'von Last First' of the first author, '' without authors
    sort_title: str  # the title folded, as the orders compare it

    @property
    def year_number(self) -> int:
        return int(self.year) if self.year.isdigit() else 0


_NOT_A_WORD = re.compile(r"[\W_]+")
_JOINED = re.compile(r"\w+(?:[^\w\s]+\w+)+")


def fold_search(text: str) -> str:
    """Lower case words without accents or punctuation, so ``Ustun`` finds ``Üstün`` and
    ``kv-cache`` finds ``KV Cache``; the page's script folds a query the same way."""
    if not text.isascii():  # most text is: skip the decomposition, a tenth of a build's time
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
    return " ".join(_NOT_A_WORD.sub(" ", text.lower()).split())


def joined_forms(text: str) -> list[str]:
    """Names written with inner punctuation, also as one word ('LLM.int8()' -> 'llmint8'), so a
    query typed without it finds them."""
    return [fold_search(m.group()).replace(" ", "") for m in _JOINED.finditer(text)]


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


def author_names(people: list[Name]) -> tuple[str, ...]:
    """'Given von Family, Jr' for people, organisations as written; 'others' becomes 'et al.'."""
    names = []
    for name in people:
        if name.others:
            names.append("et al.")
            continue
        person = " ".join(p for p in (name.first, name.von, name.last) if p)
        names.append(plain(f"{person}, {name.jr}" if name.jr else person))
    return tuple(names)


def first_author_key(people: list[Name]) -> str:
    """The first author as BibTeX's styles sort names: von and family name, then given names."""
    first = next(iter(people), None)
    if first is None or first.others:
        return ""
    return fold_search(plain(" ".join(p for p in (first.von, first.last, first.first) if p)))


def search_text(entry: Entry, title: str, names: Iterable[str]) -> str:
    """What the search box matches: the key, the title and the names the paper is known by,
    authors, venue and categories (``names``), folded."""
    known = [plain(entry.get(f)) for f in KNOWN_AS_FIELDS if entry.get(f)]
    texts = [entry.key, title, *known, *names]
    joined = [w for t in (title, *known) for w in joined_forms(t)]
    return fold_search(" ".join([*texts, *joined]))


def paper_of(entry: Entry, taxonomy: Taxonomy) -> Paper:
    """The view of one entry; ``taxonomy`` names its categories."""
    venue, venue_full = venue_of(entry)
    cats = tuple((slug, taxonomy.get(slug).name) for slug in entry.keywords if slug in taxonomy)
    people = parse_names(entry.get("author"))
    authors = author_names(people)
    title = plain(entry.get("title")) or entry.key
    nodes = tuple(sorted(taxonomy.nodes_of(entry.keywords)))
    names = [*authors, venue, venue_full, *(taxonomy.get(s).name for s in nodes)]
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
        nodes=nodes,
        bibtex=export_bibtex([entry]).strip(),
        coins=coins(entry),
        search=search_text(entry, title, names),
        first_author=first_author_key(people),
        sort_title=fold_search(title),
    )


# --- orders --------------------------------------------------------------------------------------

STATUS_ORDER = {"published": 0, "preprint": 1, "other": 2}
SortKey = Callable[[Paper], tuple[object, ...]]
SORTS: dict[str, tuple[str, SortKey]] = {
    # name in ?sort=: (label, key); the first is the order the pages are written in
    "year": ("Newest first", lambda p: (-p.year_number, p.sort_title, p.key)),
    "title": ("Title", lambda p: (p.sort_title, -p.year_number, p.key)),
    "venue": (
        "Venue",
        lambda p: (
            STATUS_ORDER[p.status],
            p.venue.casefold(),
            -p.year_number,
            p.sort_title,
            p.key,
        ),
    ),
    "author": (
        "First author",
        lambda p: (not p.first_author, p.first_author, p.year_number, p.sort_title, p.key),
    ),
}
DEFAULT_SORT = next(iter(SORTS))


def sort_ranks(papers: Iterable[Paper]) -> dict[str, dict[str, int]]:
    """For each order of :data:`SORTS`, every paper's place in it (key -> rank)."""
    chosen = list(papers)
    return {
        name: {p.key: rank for rank, p in enumerate(sorted(chosen, key=key))}
        for name, (_, key) in SORTS.items()
    }


def papers_of(entries: Iterable[Entry], taxonomy: Taxonomy) -> list[Paper]:
    """In the default order: newest first, then by title."""
    return sorted((paper_of(e, taxonomy) for e in entries), key=SORTS[DEFAULT_SORT][1])
