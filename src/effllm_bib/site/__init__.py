"""A static website of the bibliography: search, filters, categories, BibTeX and COinS.

It needs no server: every page works from ``file://`` and on any static host.
"""

from __future__ import annotations

from .render import SiteError, SiteSummary, build_site

__all__ = ["SiteError", "SiteSummary", "build_site"]
