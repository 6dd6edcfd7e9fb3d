"""A built site's pages read back as HTML: what test_site.py and test_site_view.py look at."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path


class Page(HTMLParser):
    """Papers (their attributes, links and link kinds), tree counts, COinS, asset addresses,
    select options, the page's title and heading, and its text outside <pre>."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.papers: list[dict[str, str]] = []
        self.tree: dict[str, int] = {}
        self.tree_rows: dict[str, str] = {}  # slug -> the class of its row
        self.coins: dict[str, str] = {}
        self.assets: list[str] = []
        self.links: list[str] = []
        self.paper_links: dict[str, list[str]] = {}
        self.link_kinds: dict[str, list[tuple[str, str]]] = {}  # key -> (data-kind, href)
        self.ids: list[str] = []
        self.options: dict[str, list[str]] = {}  # select id -> option values
        self.text: list[str] = []
        self.heading = ""
        self.title = ""
        self._skip = 0  # inside <pre> (BibTeX, LaTeX on purpose), <script> or <style>
        self._slug = ""
        self._row = ""
        self._select = ""
        self._in: str = ""  # "n", "h1" or "title": the element whose text comes next
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        href = a.get("href", "")
        if "id" in a:
            self.ids.append(a["id"])
        if "data-key" in a:
            self.papers.append(a)
        if tag in ("pre", "script", "style"):
            self._skip += 1
        if tag == "span" and a.get("class") == "Z3988":
            self.coins[self.papers[-1]["data-key"]] = a["title"]
        if tag == "span" and a.get("class") == "n":
            self._in = "n"
        if tag in ("h1", "title"):
            self._in = tag
        if tag == "div" and "row" in a.get("class", "").split():
            self._row = a["class"]
        if tag == "a" and re.search(r"c/[a-z0-9-]+\.html$", href):
            self._slug = href.rsplit("/", 1)[-1].removesuffix(".html")
            self.tree_rows.setdefault(self._slug, self._row)
        if tag == "a":
            self.links.append(href)
        if tag == "a" and self.papers and "://" in href:
            key = self.papers[-1]["data-key"]
            self.paper_links.setdefault(key, []).append(href)
            self.link_kinds.setdefault(key, []).append((a.get("data-kind", ""), href))
        if tag == "select":
            self._select = a["id"]
            self.options[self._select] = []
        if tag == "option":
            self.options[self._select].append(a.get("value", ""))
        for name in ("src", "srcset", "poster", "data"):
            if name in a:
                self.assets.append(a[name])
        if tag == "link":
            self.assets.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("pre", "script", "style"):
            self._skip -= 1
        if tag == "div":
            self._row = ""
        if tag in ("span", "h1", "title"):
            self._in = ""

    def handle_data(self, data: str) -> None:
        if self._in == "n":
            self.tree[self._slug] = int(data)
        if self._in == "h1":
            self.heading += data
        if self._in == "title":
            self.title += data
        if not self._skip:
            self.text.append(data)

    @property
    def keys(self) -> list[str]:
        return [p["data-key"] for p in self.papers]


def page(path: Path) -> Page:
    return Page(path.read_text(encoding="utf-8"))
