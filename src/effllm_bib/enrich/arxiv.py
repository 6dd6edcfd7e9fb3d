"""The arXiv API source: batch look-ups by id (``id_list`` with many ids per request)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass

from ..compare import clean_text
from ..identifiers import normalize_arxiv_id, normalize_doi
from ..model import Entry
from ..tex_escape import protect_title
from .http import HttpClient, RateLimiter, ServiceError

DEFAULT_URL = "https://export.arxiv.org/api/query"
SERVICE = "arXiv"
BATCH = 100
_NS = {"a": "http://www.w3.org/2005/Atom", "arxiv": "http://arxiv.org/schemas/atom"}


@dataclass(frozen=True)
class ArxivRecord:
    """What the arXiv API says about one paper."""

    arxiv_id: str
    version: str
    entry: Entry  # title, author, year, eprint, archiveprefix, primaryclass, doi
    journal_ref: str = ""


class ArxivSource:
    name = "arxiv"

    def __init__(self, client: HttpClient, base_url: str = DEFAULT_URL) -> None:
        self.client = client
        self.base_url = base_url
        if client.limiter is None:
            # arXiv asks API users for no more than one request every three seconds.
            client.limiter = RateLimiter(1.0, 3.0, ceiling=1 / 3, clock=client.clock)

    def fetch(self, ids: Iterable[str]) -> dict[str, ArxivRecord | None]:
        """Records by id; ``None`` for ids arXiv does not return. Batches of up to 100 ids."""
        wanted = sorted({i for i in ids if i})
        out: dict[str, ArxivRecord | None] = {}
        for start in range(0, len(wanted), BATCH):
            batch = wanted[start : start + BATCH]
            params = {"id_list": ",".join(batch), "start": "0", "max_results": str(len(batch))}
            response = self.client.get(self.base_url, params=params)
            records = parse_feed(response.text, response.status_code)
            found = {r.arxiv_id: r for r in records}
            for arxiv_id in batch:
                out[arxiv_id] = found.get(arxiv_id)
        return out


def parse_feed(text: str, status: int = 200) -> list[ArxivRecord]:
    """Records of an Atom feed. The API's error feed (and HTTP errors) become ServiceError."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise ServiceError(
            SERVICE, f"malformed Atom feed (HTTP {status}): {exc}.", status
        ) from None
    records = []
    for node in root.findall("a:entry", _NS):
        entry_id = node.findtext("a:id", "", _NS)
        if "/api/errors" in entry_id or node.findtext("a:title", "", _NS).strip() == "Error":
            summary = clean_text(node.findtext("a:summary", "", _NS))
            raise ServiceError(SERVICE, f"the API reports an error: {summary}.", status)
        records.append(_record(node, entry_id))
    if status >= 400:
        raise ServiceError(SERVICE, f"HTTP {status}; try again later.", status)
    return records


def _record(node: ET.Element, entry_id: str) -> ArxivRecord:
    m = re.search(r"abs/(.+?)(v\d+)?$", entry_id)
    raw_id = m.group(1) if m else entry_id
    arxiv_id = normalize_arxiv_id(raw_id) or raw_id
    version = m.group(2) or "" if m else ""
    authors = [clean_text(a.findtext("a:name", "", _NS)) for a in node.findall("a:author", _NS)]
    published = node.findtext("a:published", "", _NS)
    primary = node.find("arxiv:primary_category", _NS)
    values = {
        "title": protect_title(clean_text(node.findtext("a:title", "", _NS))),
        "author": " and ".join(a for a in authors if a),
        "year": published[:4],
        "eprint": arxiv_id,
        "archiveprefix": "arXiv",
        "primaryclass": primary.get("term", "") if primary is not None else "",
        "doi": normalize_doi(node.findtext("arxiv:doi", "", _NS)) or "",
    }
    return ArxivRecord(
        arxiv_id=arxiv_id,
        version=version,
        entry=Entry.make(arxiv_id, "misc", values),
        journal_ref=clean_text(node.findtext("arxiv:journal_ref", "", _NS)),
    )
