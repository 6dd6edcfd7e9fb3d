"""The OpenReview source: API 2's note search (``GET /notes/search``), for the venues whose
decisions appear there months before DBLP has them: ICLR, NeurIPS, COLM and TMLR.

API 2 notes wrap every content value: ``{"title": {"value": "..."}, "authors": {"value": [...]},
"venue": {"value": "ICLR 2024 poster"}, "venueid": {"value": "ICLR.cc/2024/Conference"}}``.
A note counts as published only by its venue fields: ``venueid`` names the venue itself (a
rejected or withdrawn paper's names ``.../Rejected_Submission``, one under review the venue's
``Submission``), and ``venue`` is not a submission's (``Submitted to ICLR 2025``). The venue's
full name, type and volume come from the DBLP venue table, so both sources cite a venue alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..compare import clean_text
from ..model import Entry
from ..tex_escape import protect_title
from .dblp import search_terms
from .dblp_venues import DblpVenue, find_dblp_venue
from .http import HttpClient, RateLimiter, ServiceError

SERVICE = "OpenReview"
DEFAULT_URL = "https://api2.openreview.net"
HITS = 10
FORUM_URL = "https://openreview.net/forum?id="

# venueid -> (the venue's name in the DBLP venue table, whether the year is in the id)
_VENUE_IDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"ICLR\.cc/(\d{4})/Conference"), "ICLR"),
    (re.compile(r"NeurIPS\.cc/(\d{4})/Conference"), "NeurIPS"),
    (re.compile(r"colmweb\.org/COLM/(\d{4})/Conference"), "COLM"),
    (re.compile(r"TMLR"), "Trans. Mach. Learn. Res."),
)
_SUBMITTED = re.compile(r"^\s*(submitted to|under review)\b", re.I)


def _value(content: dict[str, Any], name: str) -> Any:
    """A content value of an API 2 note (``{"value": ...}``), or None."""
    field = content.get(name)
    return field.get("value") if isinstance(field, dict) else None


@dataclass(frozen=True)
class OpenReviewNote:
    """One forum note of a search, as the fields this project reads."""

    forum: str
    title: str
    authors: tuple[str, ...]  # "First Last", as the camera-ready lists them
    venue: str  # "ICLR 2024 poster", "NeurIPS 2023 oral", "Accepted by TMLR"
    venueid: str  # "ICLR.cc/2024/Conference", "TMLR", ".../Rejected_Submission"
    published_ms: int | None = None  # pdate: when the venue published it (ms since 1970)

    @property
    def url(self) -> str:
        return f"{FORUM_URL}{self.forum}"

    def published_at(self) -> tuple[DblpVenue, int] | None:
        """The venue row and year the note is published at, or None (a submission, a rejected
        or withdrawn paper, or a venue outside the table)."""
        if _SUBMITTED.match(self.venue):
            return None
        for pattern, dblp_name in _VENUE_IDS:
            m = pattern.fullmatch(self.venueid)
            if m is None:
                continue
            year = int(m.group(1)) if m.groups() else self._year_published()
            row = find_dblp_venue(dblp_name, year) if year else None
            return (row, year) if row is not None and year is not None else None
        return None

    def _year_published(self) -> int | None:
        """A journal's year (TMLR's venueid has none): the year of its publication date."""
        if self.published_ms is None:
            return None
        import datetime as dt

        return dt.datetime.fromtimestamp(self.published_ms / 1000, dt.UTC).year

    def to_entry(self) -> Entry:
        """The published version as an entry (the venue's full name, type, volume, its forum page
        as ``url``); a note not published at a known venue is a ``@misc`` naming its venue."""
        values = {
            "title": protect_title(self.title),
            "author": " and ".join(self.authors),
            "url": self.url,
            "sources": self.url,
        }
        at = self.published_at()
        if at is None:
            return Entry.make(self.forum, "misc", values | {"howpublished": self.venue})
        row, year = at
        return Entry.make(
            self.forum, row.entry_type, values | {"year": str(year)} | row.fields(year)
        )


def parse_notes(data: Any, what: str) -> list[OpenReviewNote]:
    """The forum notes of an API 2 answer (``{"notes": [...], "count": n}``)."""
    if not isinstance(data, dict) or not isinstance(data.get("notes"), list):
        raise ServiceError(SERVICE, f"unexpected answer for {what}: no 'notes' list; try again.")
    out = []
    for note in data["notes"]:
        content = note.get("content") if isinstance(note, dict) else None
        if not isinstance(content, dict):
            continue
        title = _value(content, "title")
        forum = note.get("forum") or note.get("id")
        if (
            not isinstance(title, str)
            or not forum
            or note.get("forum", forum) != note.get("id", forum)
        ):
            continue  # a reply (review, comment), not the paper's own note
        authors = _value(content, "authors")
        pdate = note.get("pdate")
        out.append(
            OpenReviewNote(
                forum=str(forum),
                title=clean_text(title),
                authors=tuple(clean_text(a) for a in authors if isinstance(a, str))
                if isinstance(authors, list)
                else (),
                venue=str(_value(content, "venue") or ""),
                venueid=str(_value(content, "venueid") or ""),
                published_ms=pdate if isinstance(pdate, int) else None,
            )
        )
    return out


class OpenReviewSource:
    """Search OpenReview's forum notes by title."""

    name = "openreview"

    def __init__(self, client: HttpClient, base_url: str = DEFAULT_URL) -> None:
        self.client = client
        self.base_url = base_url.rstrip("/")
        if client.limiter is None:
            # OpenReview limits anonymous clients and answers 429 beyond; one a second is polite.
            client.limiter = RateLimiter(1.0, 1.0, ceiling=1.0, clock=client.clock)

    def search(self, title: str, hits: int = HITS) -> list[OpenReviewNote]:
        """Forum notes whose text matches ``title`` (OpenReview's ranking, best first)."""
        query = search_terms(title)
        if not query:
            return []
        params = {"term": query, "content": "all", "group": "all", "source": "forum"}
        params["limit"] = str(hits)
        response = self.client.get(f"{self.base_url}/notes/search", params=params)
        if response.status_code != 200:
            raise ServiceError(
                SERVICE,
                f"HTTP {response.status_code} for search {title!r}; try again later.",
                response.status_code,
            )
        try:
            data = response.json()
        except ValueError:
            raise ServiceError(
                SERVICE, f"answer for search {title!r} is not JSON; try again later."
            ) from None
        return parse_notes(data, f"search {title!r}")
