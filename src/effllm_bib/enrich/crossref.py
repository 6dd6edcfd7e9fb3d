"""The Crossref source: the only module that imports habanero.

habanero builds the requests (paths, field queries, the User-Agent with ``mailto``); the
transport underneath is our :class:`HttpClient`, so every call is cached, rate-limited and
retried. habanero reaches the network through ``httpx2.get``; for the duration of a call its
module-level ``httpx2`` name points at a shim over our client (restored afterwards). That is
the one way to see response headers (rate limits) and to cache below habanero.
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

import httpx2
from habanero import Crossref
from habanero import request as hb_request
from habanero import request_class as hb_request_class
from habanero.exceptions import RequestError

from .. import __version__
from ..model import Entry
from ..names import from_parts, literal
from ..normalize import ARXIV_DOI_PREFIX, normalize_doi, normalize_pages, protect_title
from .http import HttpClient, NotCached, RateLimiter, ServiceError

DEFAULT_URL = "https://api.crossref.org"
SERVICE = "Crossref"
_ROUTE_LOCK = threading.Lock()

_TYPES = {
    "proceedings-article": "inproceedings",
    "journal-article": "article",
    "book-chapter": "incollection",
    "posted-content": "misc",
    "report": "techreport",
    "dissertation": "phdthesis",
}


class _HttpxShim:
    """Stands in for the ``httpx2`` module inside habanero: ``get`` goes through our client."""

    def __init__(self, client: HttpClient) -> None:
        self._client = client

    def get(self, url: str, params: Any = None, headers: Any = None, timeout: Any = None, **_: Any):  # type: ignore[no-untyped-def]
        return self._client.get(url, params=params, headers=headers, timeout=timeout)

    def __getattr__(self, name: str) -> Any:
        return getattr(httpx2, name)


@contextmanager
def _routed(client: HttpClient) -> Iterator[None]:
    shim = _HttpxShim(client)
    with _ROUTE_LOCK:
        saved = hb_request.httpx2, hb_request_class.httpx2
        hb_request.httpx2 = hb_request_class.httpx2 = shim  # type: ignore[assignment]
        try:
            yield
        finally:
            hb_request.httpx2, hb_request_class.httpx2 = saved


def is_arxiv_doi(doi: str) -> bool:
    """arXiv DOIs are registered with DataCite; Crossref answers 404 for them."""
    return doi.lower().startswith(ARXIV_DOI_PREFIX)


class CrossrefSource:
    """Look up works by DOI and search by bibliographic query."""

    name = "crossref"

    def __init__(
        self, client: HttpClient, base_url: str = DEFAULT_URL, mailto: str | None = None
    ) -> None:
        self.client = client
        self.base_url = base_url.rstrip("/")
        self.mailto = mailto
        if client.limiter is None:
            # The pools' documented limits until responses announce their own.
            client.limiter = RateLimiter(limit=10.0 if mailto else 5.0)
        self._cr = Crossref(
            base_url=self.base_url,
            mailto=mailto,
            ua_string=f"effllm-bib/{__version__}",
            timeout=int(client.timeout),
        )

    def lookup_doi(self, doi: str) -> dict[str, Any] | None:
        """The Crossref ``message`` for a DOI, or None when Crossref does not know it (404)."""
        if is_arxiv_doi(doi):
            raise ValueError(f"{doi} is an arXiv (DataCite) DOI; it is never sent to Crossref")
        # habanero puts the DOI into the path as it is: encode '/' and the rest first.
        payload = self._call(lambda: self._cr.works(ids=quote(doi, safe="")), what=doi)
        if payload is None:
            return None
        return _message(payload, doi)

    def search(
        self, title: str, first_author: str = "", year: str = "", rows: int = 5
    ) -> list[dict[str, Any]]:
        """Candidate works for a ``query.bibliographic`` search (title, first author, year)."""
        query = " ".join(x for x in (title, first_author, year) if x)
        payload = self._call(
            lambda: self._cr.works(query_bibliographic=query, limit=rows), what=f"search {title!r}"
        )
        if payload is None:
            return []
        message = _message(payload, "search")
        items = message.get("items")
        if not isinstance(items, list):
            raise ServiceError(SERVICE, "search answer has no 'items' list; malformed response.")
        return [i for i in items if isinstance(i, dict)]

    def _call(self, fn: Any, what: str) -> Any:
        """Run a habanero call; map every exception type it raises to ours. 404 -> None."""
        try:
            with _routed(self.client):
                return fn()
        except NotCached:
            raise
        except httpx2.HTTPStatusError as exc:  # DOI look-ups: raw httpx2 errors
            if exc.response.status_code == 404:
                return None
            raise ServiceError(
                SERVICE, f"HTTP {exc.response.status_code} for {what}; try again later.",
                exc.response.status_code,
            ) from None  # fmt: skip
        except RequestError as exc:  # searches: habanero's own error with the status code
            if exc.status_code == 404:
                return None
            raise ServiceError(
                SERVICE, f"HTTP {exc.status_code} for {what}: {exc.error}", exc.status_code
            ) from None
        except RuntimeError as exc:  # searches: transport failures wrapped by habanero
            raise ServiceError(SERVICE, f"request failed for {what} ({exc})") from None
        except (ValueError, KeyError, TypeError) as exc:  # JSON that does not parse or fit
            raise ServiceError(
                SERVICE, f"malformed JSON for {what} ({exc.__class__.__name__})."
            ) from None


def _message(payload: Any, what: str) -> dict[str, Any]:
    if not isinstance(payload, dict) or not isinstance(payload.get("message"), dict):
        raise ServiceError(
            SERVICE, f"answer for {what} has no 'message' object; malformed response."
        )
    return payload["message"]


# --- Crossref JSON -> Entry --------------------------------------------------------------------

_TAG = re.compile(r"<[^>]+>")


def clean_text(value: str) -> str:
    """Crossref text without JATS/HTML tags and entities, single-spaced."""
    return re.sub(r"\s+", " ", html.unescape(_TAG.sub("", value))).strip()


def _first(value: Any) -> str:
    if isinstance(value, list):
        return clean_text(str(value[0])) if value else ""
    return clean_text(str(value)) if value else ""


def _year(message: dict[str, Any]) -> str:
    for name in ("published-print", "published-online", "published", "issued", "created"):
        parts = (message.get(name) or {}).get("date-parts")
        if parts and parts[0] and parts[0][0]:
            return str(parts[0][0])
    return ""


def _authors(message: dict[str, Any]) -> str:
    names = []
    for person in message.get("author") or []:
        if not isinstance(person, dict):
            continue
        family, given = clean_text(person.get("family", "")), clean_text(person.get("given", ""))
        if family:
            names.append(from_parts(family, given, suffix=clean_text(person.get("suffix", ""))))
        elif person.get("name"):
            names.append(literal(clean_text(person["name"])))
    return " and ".join(names)


def work_to_entry(message: dict[str, Any]) -> Entry:
    """A Crossref work as an entry: cleaned, escaped, capitalised words protected."""
    entry_type = _TYPES.get(str(message.get("type", "")), "misc")
    title = _first(message.get("title"))
    subtitle = _first(message.get("subtitle"))
    if subtitle and subtitle.lower() not in title.lower():
        title = f"{title}: {subtitle}"
    values = {
        "title": protect_title(title) if title else "",
        "author": _authors(message),
        "year": _year(message),
        "volume": _first(message.get("volume")),
        "number": _first(message.get("issue")),
        "pages": normalize_pages(_first(message.get("page"))),
        "publisher": protect_title(_first(message.get("publisher"))),
        "doi": normalize_doi(str(message.get("DOI", ""))) or "",
    }
    container = _first(message.get("container-title"))
    if container:
        values["journal" if entry_type == "article" else "booktitle"] = protect_title(container)
    return Entry.make(values["doi"] or "crossref", entry_type, values)
