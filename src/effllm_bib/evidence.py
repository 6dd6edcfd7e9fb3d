"""Which pages are primary evidence for an entry's metadata, and which are secondary.

A primary page is one the paper's authors or its publisher control: the arXiv record, the DOI
resolver, the venue's proceedings, DBLP, the software's own repository, or the entry's own
``url`` (the publisher's page, such as a blog post). Everything else (aggregators, summaries,
mirrors) is secondary. The table below is the one place that says so; check's
``secondary-sources`` rule uses it.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .model import Entry

# Hosts (and all their subdomains) whose pages are primary evidence.
PRIMARY_HOSTS: tuple[str, ...] = (
    "arxiv.org",  # abs, pdf, html, and mirrors under arxiv.org such as export.arxiv.org
    "doi.org",
    "dx.doi.org",
    "openreview.net",
    "dblp.org",
    "dblp.uni-trier.de",
    "aclanthology.org",
    "dl.acm.org",
    "ieeexplore.ieee.org",
    "proceedings.neurips.cc",
    "nips.cc",  # NeurIPS's former domain (papers.nips.cc, nips.cc/Conferences/...)
    "neurips.cc",
    "proceedings.mlr.press",
    "iclr.cc",
    "icml.cc",
    "mlsys.org",
    "proceedings.mlsys.org",
    "usenix.org",
    "ojs.aaai.org",
    "aaai.org",
    "link.springer.com",
    "jmlr.org",
    "openaccess.thecvf.com",
    "vldb.org",
    "colmweb.org",
)
# Fields that may name the entry's own code repository (software) or page.
OWN_PAGE_FIELDS = ("url", "code")
_URL = re.compile(r"https?://[^\s,;{}<>\"]+", re.I)


def host(url: str) -> str:
    """The lower-case host of a URL without ``www.``; empty when it has none."""
    try:
        name = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    return name.lower().rstrip(".").removeprefix("www.")


def _on(name: str, domain: str) -> bool:
    return name == domain or name.endswith("." + domain)


def github_repository(url: str) -> str:
    """``owner/name`` of a github.com URL (lower case), or empty."""
    if host(url) != "github.com":
        return ""
    parts = [p for p in urlsplit(url.strip()).path.split("/") if p]
    return "/".join(parts[:2]).lower().removesuffix(".git") if len(parts) >= 2 else ""


def source_urls(value: str) -> list[str]:
    """The URLs a ``sources`` field lists (separated by spaces, commas or semicolons)."""
    return _URL.findall(value)


def is_primary(url: str, entry: Entry) -> bool:
    """Whether ``url`` is primary evidence for ``entry`` (see the module docstring)."""
    name = host(url)
    if not name:
        return False
    if any(_on(name, domain) for domain in PRIMARY_HOSTS):
        return True
    own = [entry.get(f) for f in OWN_PAGE_FIELDS if entry.get(f)]
    if name == "github.com":
        repo = github_repository(url)
        return bool(repo) and repo in {github_repository(u) for u in own}
    return any(host(u) == name for u in own if host(u) != "github.com")


def has_primary_source(entry: Entry) -> bool:
    """Whether one of the entry's ``sources`` is primary evidence for it."""
    return any(is_primary(u, entry) for u in source_urls(entry.get("sources")))


def only_secondary(entry: Entry) -> list[str]:
    """The entry's ``sources`` when every one of them is secondary; empty otherwise."""
    urls = source_urls(entry.get("sources"))
    if not urls or any(is_primary(u, entry) for u in urls):
        return []
    return urls
