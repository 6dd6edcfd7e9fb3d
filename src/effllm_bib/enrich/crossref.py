"""The Crossref source: the only module that imports habanero.

habanero builds and sends the requests (paths, field queries, the User-Agent with ``mailto``);
each call goes through :meth:`HttpClient.through`, so it is cached, rate-limited and retried,
and habanero's module globals are left alone. habanero hands back parsed JSON only, so the
``x-rate-limit-*`` headers of a successful answer cannot be read without patching it: the
limiter keeps to Crossref's documented limits instead (polite pool, with ``mailto``: 10
requests a second; public pool: 5), and follows the headers of error answers, which habanero
does expose.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx2
from habanero import Crossref
from habanero.exceptions import RequestError

from .. import __version__
from ..identifiers import normalize_doi, normalize_pages
from ..model import Entry
from ..names import from_parts, literal
from ..tex_escape import protect_title
from ..vocab import ARXIV_DOI_PREFIX
from .http import HttpClient, RateLimiter, ServiceError

DEFAULT_URL = "https://api.crossref.org"
SERVICE = "Crossref"
POLITE_LIMIT, PUBLIC_LIMIT = 10.0, 5.0  # requests a second, as Crossref documents its pools

_TYPES = {
    "proceedings-article": "inproceedings",
    "journal-article": "article",
    "book-chapter": "incollection",
    "posted-content": "misc",
    "report": "techreport",
    "dissertation": "phdthesis",
}


def is_arxiv_doi(doi: str) -> bool:
    """arXiv DOIs are registered with DataCite; Crossref answers 404 for them."""
    return doi.lower().startswith(ARXIV_DOI_PREFIX)


def _answer(call: Callable[[], Any], url: str) -> httpx2.Response:
    """Run a habanero call and give its outcome as a response (what ``through`` expects)."""
    request = httpx2.Request("GET", url)
    try:
        payload = call()
    except httpx2.HTTPStatusError as exc:  # DOI look-ups, and searches answered with non-JSON
        return exc.response
    except RequestError as exc:  # searches: habanero's own error with the status code
        return httpx2.Response(int(exc.status_code), text=str(exc.error), request=request)
    except RuntimeError as exc:  # searches: transport failures wrapped by habanero
        cause = exc.__cause__
        if isinstance(cause, httpx2.TransportError):
            raise cause from None
        raise httpx2.TransportError(str(exc)) from None
    except (ValueError, KeyError, TypeError) as exc:  # JSON that does not parse
        raise ServiceError(
            SERVICE, f"malformed JSON for {url} ({exc.__class__.__name__})."
        ) from None
    return httpx2.Response(200, json=payload, request=request)


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
            limit = POLITE_LIMIT if mailto else PUBLIC_LIMIT
            client.limiter = RateLimiter(limit, clock=client.clock)
        self._cr = Crossref(
            base_url=self.base_url, mailto=mailto, ua_string=f"effllm-bib/{__version__}"
        )
        self._cr.timeout = client.timeout  # an attribute of this instance, not a global

    def _doi_url(self, doi: str) -> str:
        return f"{self.base_url}/works/{quote(doi.lower(), safe='')}"

    def lookup_doi(self, doi: str) -> dict[str, Any] | None:
        """The Crossref ``message`` for a DOI, or None when Crossref does not know it (404)."""
        if is_arxiv_doi(doi):
            raise ValueError(f"{doi} is an arXiv (DataCite) DOI; it is never sent to Crossref")
        url = self._doi_url(doi)
        # habanero puts the DOI into the path as it is: encode '/' and the rest first.
        response = self.client.through(
            url, None, lambda: _answer(lambda: self._cr.works(ids=quote(doi, safe="")), url)
        )
        if response.status_code == 404:
            return None
        return _message(_json(response, doi), doi)

    def search(
        self, title: str, first_author: str = "", year: str = "", rows: int = 5
    ) -> list[dict[str, Any]]:
        """Candidate works for a ``query.bibliographic`` search (title, first author, year).

        Each found work is also cached under its DOI look-up, so that a DOI the search gave
        is not fetched again on the next run.
        """
        query = " ".join(x for x in (title, first_author, year) if x)
        url, params = f"{self.base_url}/works", {"query.bibliographic": query, "rows": str(rows)}
        response = self.client.through(
            url,
            params,
            lambda: _answer(lambda: self._cr.works(query_bibliographic=query, limit=rows), url),
        )
        if response.status_code == 404:
            return []
        message = _message(_json(response, f"search {title!r}"), "search")
        items = message.get("items")
        if not isinstance(items, list):
            raise ServiceError(SERVICE, "search answer has no 'items' list; malformed response.")
        found = [i for i in items if isinstance(i, dict)]
        for item in found:
            doi = normalize_doi(str(item.get("DOI", "")))
            if doi and not is_arxiv_doi(doi):
                body = json.dumps({"status": "ok", "message-type": "work", "message": item})
                self.client.remember(self._doi_url(doi), None, body)
        return found


def _json(response: httpx2.Response, what: str) -> Any:
    if response.status_code != 200:
        raise ServiceError(
            SERVICE,
            f"HTTP {response.status_code} for {what}: "
            f"{response.text[:200].strip()}; try again later.",
            response.status_code,
        )
    try:
        return response.json()
    except ValueError:
        raise ServiceError(SERVICE, f"malformed JSON for {what}.") from None


def _message(payload: Any, what: str) -> dict[str, Any]:
    if not isinstance(payload, dict) or not isinstance(payload.get("message"), dict):
        raise ServiceError(
            SERVICE, f"answer for {what} has no 'message' object; malformed response."
        )
    message: dict[str, Any] = payload["message"]
    return message


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
