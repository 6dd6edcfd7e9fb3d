"""The ``survey`` formatting style, a pybtex plugin: an entry as the survey's README lists it.

    Title, <ins>Venue, Year</ins> [[Paper](link)] [[Code](link)]

Registered under ``pybtex.style.formatting`` (see pyproject.toml), so
``find_plugin("pybtex.style.formatting", "survey")`` finds it like pybtex's own styles.

The README writes plain Markdown: no backslash escapes (``I-LLM``, ``LLM.int8()``), ``&`` as is.
:class:`ReadmeMarkdown` is pybtex's Markdown backend with those conventions, and
:func:`bullet_text` writes one bullet the same way for ``diff survey --apply``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pybtex.backends.markdown import Backend as MarkdownBackend
from pybtex.richtext import HRef, Tag, Text
from pybtex.style import FormattedEntry
from pybtex.style.formatting import BaseStyle

from ..latex import plain
from ..model import Entry
from ..venues import short_venue
from ..vocab import arxiv_url, is_arxiv
from .bibtex import for_bibtex


def bullet_text(title: str, venue: str, links: Sequence[tuple[str, str]]) -> str:
    """``Title, <ins>Venue, Year</ins> [[Paper](url)] [[Code](url)]``, as the README writes it."""
    return " ".join([f"{title}, <ins>{venue}</ins>", *(f"[[{t}]({url})]" for t, url in links)])


class ReadmeMarkdown(MarkdownBackend):  # type: ignore[misc]  # pybtex ships no type hints
    """pybtex's Markdown backend, writing text as the survey's README does: unescaped."""

    def format_str(self, text: str) -> str:
        return text


def venue_and_year(fields: dict[str, str], entry_type: str) -> str:
    year = fields.get("year", "")
    how = fields.get("howpublished", "")
    if entry_type == "misc" and how in ("Blog", "Blog post", "Website", "Web page"):
        venue = "Blog" if how.startswith("Blog") else "Website"
    elif entry_type == "misc" and (is_arxiv(_Fields(fields)) or how.startswith("arXiv")):
        venue = "arXiv"
    elif entry_type == "misc" and how == "Software":
        venue = "Software"
    else:
        venue = short_venue(
            str(Text.from_latex(fields.get("booktitle") or fields.get("journal") or ""))
        )
    return f"{venue}, {year}" if year else venue


def rendered_venue(entry: Entry) -> str:
    """``Venue, Year`` as the survey's list writes it for this entry."""
    return venue_and_year(dict(for_bibtex(entry, links_printed=True).fields), entry.type)


def paper_link(fields: dict[str, str]) -> str:
    """The paper's link: its arXiv page when it is an arXiv paper whose ``url`` is empty or on
    arXiv, else its ``url``."""
    url = fields.get("url", "")
    if is_arxiv(_Fields(fields)) and (not url or "arxiv.org" in url):
        return arxiv_url(fields["eprint"].strip())
    return url


class _Fields:
    """A field dict seen through vocab's ``get(name, default)``, so the arXiv rule is vocab's."""

    def __init__(self, fields: dict[str, str]) -> None:
        self._fields = fields

    def get(self, name: str, default: str = "") -> str:
        return self._fields.get(name, default)


class Style(BaseStyle):  # type: ignore[misc]  # pybtex ships no type information
    default_sorting_style = "none"  # the caller orders entries (newest first, as the survey does)

    def format_entry(self, label: str, entry: Any, bib_data: Any = None) -> FormattedEntry:
        fields = {k.lower(): str(v) for k, v in entry.fields.items()}
        parts = [
            Text(plain(fields.get("title", ""))),
            ", ",
            Tag("ins", Text(venue_and_year(fields, entry.type))),
        ]
        paper = paper_link(fields)
        if paper:
            parts += [" [", HRef(paper, "Paper"), "]"]
        if fields.get("code"):
            parts += [" [", HRef(fields["code"], "Code"), "]"]
        return FormattedEntry(entry.key, Text(*parts), label)
