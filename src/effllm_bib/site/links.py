"""Which links a paper shows: the venue's own page named by where it goes, arXiv, DOI and code.

Every link is an http(s) address without tracking parameters. A published paper links its page
at the venue (its ``url``, else the first venue page among its ``sources``) and its publisher's
DOI; an address that only repeats the DOI is shown once, as the DOI.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote, urlsplit

from ..identifiers import normalize_doi
from ..model import Entry
from ..vocab import PUBLISHED_TYPES, arxiv_id, arxiv_url
from .coins import web_address

LinkKind = Literal["venue", "doi", "arxiv", "code", "page"]

# Hosts of venues' pages for a paper, and the name a link to them shows.
VENUE_HOSTS = {
    "proceedings.mlr.press": "PMLR",
    "aclanthology.org": "ACL Anthology",
    "openreview.net": "OpenReview",
    "proceedings.neurips.cc": "NeurIPS Proceedings",
    "papers.nips.cc": "NeurIPS Proceedings",
    "papers.neurips.cc": "NeurIPS Proceedings",
    "nips.cc": "NeurIPS",
    "neurips.cc": "NeurIPS",
    "iclr.cc": "ICLR",
    "icml.cc": "ICML",
    "proceedings.mlsys.org": "MLSys Proceedings",
    "jmlr.org": "JMLR",
    "ojs.aaai.org": "AAAI",
    "ijcai.org": "IJCAI Proceedings",
    "dl.acm.org": "ACM Digital Library",
    "usenix.org": "USENIX",
    "ieeexplore.ieee.org": "IEEE Xplore",
    "vldb.org": "PVLDB",
    "link.springer.com": "Springer",
    "sciencedirect.com": "ScienceDirect",
    "doi.org": "DOI",
}
SUBMISSION_HOSTS = {"openreview.net"}


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    kind: LinkKind = "page"


def host_of(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def venue_label(url: str) -> str:
    """The name a venue page's link shows ('PMLR'); '' for a host that is not a venue's."""
    return VENUE_HOSTS.get(host_of(url), "")


def is_arxiv(url: str) -> bool:
    return host_of(url).endswith("arxiv.org")


def venue_page(entry: Entry) -> str:
    """A published entry's page at its venue: its ``url`` unless that is arXiv's, else the first
    ``sources`` page on a venue's host (a publisher's before OpenReview's); '' when it has
    neither (or is not published)."""
    if entry.type not in PUBLISHED_TYPES:
        return ""
    url = web_address(entry.get("url"))
    if url and not is_arxiv(url):
        return url
    pages = [web_address(s) for s in entry.get("sources").split()]
    found = [p for p in pages if venue_label(p) and venue_label(p) != "DOI"]
    # OpenReview holds the submissions of many venues, rejected ones too: a publisher's page first
    return min(found, key=lambda p: host_of(p) in SUBMISSION_HOSTS, default="")


def doi_url(doi: str) -> str:
    return f"https://doi.org/{quote(doi, safe='/()._;:-')}"


def links_of(entry: Entry) -> tuple[Link, ...]:
    """The venue's page (or the entry's own page), arXiv, DOI and code, each when it has one."""
    arxiv = arxiv_id(entry) or ""
    doi = entry.get("doi").strip()
    code = web_address(entry.get("code"))
    out = []
    venue = venue_page(entry)
    own = web_address(entry.get("url"))
    if venue and not (doi and normalize_doi(venue) == doi and venue_label(venue) == "DOI"):
        out.append(Link(venue_label(venue) or "Paper", venue, "venue"))
    elif not venue and own and not is_arxiv(own):
        software = entry.type in ("software", "misc") and not arxiv
        out.append(Link("Homepage" if software else "Paper", own, "page"))
    if arxiv:
        out.append(Link("arXiv", arxiv_url(quote(arxiv, safe="/.")), "arxiv"))
    if doi:
        out.append(Link("DOI", doi_url(doi), "doi"))
    if code:
        out.append(Link("Code", code, "code"))
    return tuple(out)
