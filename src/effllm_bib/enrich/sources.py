"""Building the sources from options and environment (base URLs, mailto, cache, offline)."""

from __future__ import annotations

import os
from pathlib import Path

from .. import __version__
from .arxiv import DEFAULT_URL as ARXIV_URL
from .arxiv import ArxivSource
from .crossref import DEFAULT_URL as CROSSREF_URL
from .crossref import CrossrefSource
from .dblp import DEFAULT_URL as DBLP_URL
from .dblp import DblpSource
from .http import DEFAULT_EXPIRY_DAYS, HttpClient, ResponseCache, default_cache_dir

USER_AGENT = f"effllm-bib/{__version__}"


def make_sources(
    *,
    crossref: bool = True,
    arxiv: bool = True,
    crossref_url: str | None = None,
    arxiv_url: str | None = None,
    mailto: str | None = None,
    cache_dir: Path | None = None,
    cache_days: float = DEFAULT_EXPIRY_DAYS,
    use_cache: bool = True,
    offline: bool = False,
    timeout: float = 20.0,
) -> tuple[CrossrefSource | None, ArxivSource | None]:
    """The configured sources. Options win over ``EFFLLM_BIB_*`` variables, which win over defaults."""
    cache = ResponseCache(cache_dir or default_cache_dir(), cache_days) if use_cache else None
    mailto = mailto or os.environ.get("EFFLLM_BIB_MAILTO") or None
    ua = f"{USER_AGENT} (mailto:{mailto})" if mailto else USER_AGENT

    def client(service: str) -> HttpClient:
        return HttpClient(service, ua, timeout=timeout, cache=cache, offline=offline)

    cr = None
    if crossref:
        url = crossref_url or os.environ.get("EFFLLM_BIB_CROSSREF_URL") or CROSSREF_URL
        cr = CrossrefSource(client("Crossref"), url, mailto)
    ax = None
    if arxiv:
        url = arxiv_url or os.environ.get("EFFLLM_BIB_ARXIV_URL") or ARXIV_URL
        ax = ArxivSource(client("arXiv"), url)
    return cr, ax


def make_dblp(
    *,
    dblp_url: str | None = None,
    mailto: str | None = None,
    cache_dir: Path | None = None,
    cache_days: float = DEFAULT_EXPIRY_DAYS,
    use_cache: bool = True,
    offline: bool = False,
    timeout: float = 20.0,
) -> DblpSource:
    """The DBLP source: ``dblp_url``, else ``$EFFLLM_BIB_DBLP_URL``, else dblp.org. One request
    a second at most, a User-Agent that names effllm-bib, answers cached with the others'."""
    cache = ResponseCache(cache_dir or default_cache_dir(), cache_days) if use_cache else None
    mailto = mailto or os.environ.get("EFFLLM_BIB_MAILTO") or None
    ua = f"{USER_AGENT} (mailto:{mailto})" if mailto else USER_AGENT
    url = dblp_url or os.environ.get("EFFLLM_BIB_DBLP_URL") or DBLP_URL
    return DblpSource(HttpClient("DBLP", ua, timeout=timeout, cache=cache, offline=offline), url)
