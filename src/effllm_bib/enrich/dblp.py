"""The DBLP source: publication search (``/search/publ/api``) and a record's BibTeX.

DBLP's JSON, as it is: ``result.hits.hit`` is a list of hits (absent when nothing matched);
each hit's ``info`` holds ``authors.author`` (a list of ``{"@pid", "text"}`` objects, or one
such object when the paper has one author), a ``title`` that ends in a period, and ``venue``,
``year``, ``type``, ``key``, ``ee``, ``doi``, ``pages``, ``volume`` where known (``venue`` and
``ee`` may be lists). Person names carry homonym numbers (``Zhenyu Zhang 0015``). arXiv
preprints are records of the journal ``CoRR`` with ``volume: abs/<arXiv id>``.

Manners: DBLP asks for restraint, so at most one request a second; 429 with ``Retry-After`` is
honoured and 5xx retried (by :class:`HttpClient`), and every answer is cached.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from ..compare import clean_text
from ..identifiers import normalize_arxiv_id, normalize_doi, normalize_pages
from ..latex import latex_to_plain
from ..model import Entry
from ..tex_escape import protect_title
from .dblp_venues import DblpVenue, find_dblp_venue, is_corr
from .http import HttpClient, RateLimiter, ServiceError

DEFAULT_URL = "https://dblp.org"
SERVICE = "DBLP"
HITS = 10
_HOMONYM = re.compile(r"\s+\d{4}$")


@dataclass(frozen=True)
class DblpRecord:
    """One DBLP publication record, read from a search hit."""

    key: str
    title: str  # without DBLP's closing period
    authors: tuple[str, ...]  # "First Last", homonym numbers stripped
    venue: str
    year: str
    type: str  # DBLP's: "Conference and Workshop Papers", "Journal Articles", ...
    volume: str = ""
    number: str = ""
    pages: str = ""
    doi: str = ""
    ee: tuple[str, ...] = ()

    @property
    def is_corr(self) -> bool:
        return is_corr(self.venue)

    @property
    def arxiv_id(self) -> str | None:
        """The arXiv id of a CoRR record (``volume: abs/2306.03078``)."""
        if not self.is_corr:
            return None
        return normalize_arxiv_id(self.volume.removeprefix("abs/")) if self.volume else None

    @property
    def url(self) -> str:
        return f"https://dblp.org/rec/{self.key}"

    def venue_row(self) -> DblpVenue | None:
        m = re.search(r"\d{4}", self.year)
        return find_dblp_venue(self.venue, int(m.group(0))) if m and not self.is_corr else None

    def to_entry(self) -> Entry:
        """The record as an entry. A venue the table knows gets its full name, type and volume;
        a CoRR record is a preprint (@misc with its arXiv id); any other venue stays @misc with
        DBLP's short name in ``howpublished`` (reported by the caller, never cited as it is)."""
        values = {
            "title": protect_title(self.title),
            "author": " and ".join(self.authors),
            "year": self.year,
            "doi": self.doi,
            "sources": " ".join([self.url, *(u for u in self.ee if u.startswith("http"))]),
        }
        row = self.venue_row()
        if row is not None:
            values |= {"pages": normalize_pages(self.pages)} | row.fields(int(self.year[:4]))
            return Entry.make(self.key, row.entry_type, values)
        if self.is_corr and self.arxiv_id:
            values |= {"eprint": self.arxiv_id, "archiveprefix": "arXiv"}
            return Entry.make(self.key, "misc", values)
        return Entry.make(self.key, "misc", values | {"howpublished": self.venue})


class DblpSource:
    """Search DBLP's publications; fetch a record's BibTeX."""

    name = "dblp"

    def __init__(self, client: HttpClient, base_url: str = DEFAULT_URL) -> None:
        self.client = client
        self.base_url = base_url.rstrip("/")
        if client.limiter is None:
            # DBLP asks API users for restraint: one request a second at most.
            client.limiter = RateLimiter(1.0, 1.0, ceiling=1.0, clock=client.clock)

    def search(self, title: str, hits: int = HITS) -> list[DblpRecord]:
        """Records whose title matches ``title`` (DBLP's own ranking, best first)."""
        query = search_terms(title)
        if not query:
            return []
        params = {"q": query, "format": "json", "h": str(hits), "c": "0"}
        response = self.client.get(f"{self.base_url}/search/publ/api", params=params)
        if response.status_code == 404:
            return []
        if response.status_code != 200:
            raise ServiceError(
                SERVICE,
                f"HTTP {response.status_code} for search {title!r}; try again later.",
                response.status_code,
            )
        return parse_search(response.text, f"search {title!r}")

    def bibtex(self, key: str) -> str | None:
        """The record's BibTeX as DBLP writes it (``/rec/KEY.bib``), or None (404)."""
        url = f"{self.base_url}/rec/{quote(key, safe='/')}.bib"
        response = self.client.get(url)
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise ServiceError(
                SERVICE,
                f"HTTP {response.status_code} for {url}; try again later.",
                response.status_code,
            )
        return response.text


def venue_from_bibtex(text: str) -> str:
    """The booktitle or journal of a record's BibTeX as DBLP writes it, in plain text ('' when
    the text holds no entry)."""
    from ..bibio import parse_bib

    parsed = parse_bib(text, "DBLP BibTeX")
    for entry in parsed.entries:
        name = entry.get("booktitle") or entry.get("journal")
        if name:
            return clean_text(latex_to_plain(name))
    return ""


def search_terms(title: str) -> str:
    """A title as DBLP query words: plain text, no operators (``|``, ``-``, ``$``, ``:``...)."""
    words = re.sub(r"[^\w\s]", " ", latex_to_plain(title)).split()
    return " ".join(words)


# --- DBLP JSON -> records --------------------------------------------------------------------


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value: Any) -> str:
    """A string field that DBLP may also give as a list (``venue``) or an object."""
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return _text(value.get("text", ""))
    return clean_text(str(value)) if value is not None else ""


def person_name(value: Any) -> str:
    """An author object's name without DBLP's homonym number."""
    return _HOMONYM.sub("", _text(value))


def parse_search(text: str, what: str = "search") -> list[DblpRecord]:
    """The records of a search answer; anything that is not DBLP's JSON is a ServiceError."""
    try:
        payload = json.loads(text)
        result = payload["result"]
        hits = result["hits"]
        status = str((result.get("status") or {}).get("@code", "200"))
    except (ValueError, KeyError, TypeError, AttributeError):
        raise ServiceError(SERVICE, f"malformed JSON for {what}; try again later.") from None
    if status != "200":
        raise ServiceError(SERVICE, f"the API reports status {status} for {what}.")
    records = []
    for hit in _as_list(hits.get("hit") if isinstance(hits, dict) else None):
        info = hit.get("info") if isinstance(hit, dict) else None
        if isinstance(info, dict) and info.get("title"):
            records.append(_record(info))
    return records


def _record(info: dict[str, Any]) -> DblpRecord:
    authors = (info.get("authors") or {}).get("author")
    title = _text(info.get("title"))
    return DblpRecord(
        key=_text(info.get("key")),
        title=title[:-1] if title.endswith(".") else title,
        authors=tuple(n for n in (person_name(a) for a in _as_list(authors)) if n),
        venue=_text(info.get("venue")),
        year=_text(info.get("year")),
        type=_text(info.get("type")),
        volume=_text(info.get("volume")),
        number=_text(info.get("number")),
        pages=_text(info.get("pages")),
        doi=(normalize_doi(_text(info.get("doi"))) or "").lower(),
        ee=tuple(_text(e) for e in _as_list(info.get("ee"))),
    )
