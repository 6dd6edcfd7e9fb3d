"""What an export writes: which entries (categories, citation keys, years, venue, published
only) and in which form (.bib formats keep macros and crossref targets; text formats get them
resolved; keywords as leaf slugs or full paths; optional JabRef groups)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..database import Database
from ..model import Entry
from . import renderer, with_tags
from .arxiv_ids import ArxivPolicy
from .filters import Filters, keys_from_file, parse_years

Format = Literal["bibtex", "biblatex", "csl-json", "ris", "zotero-rdf"]
KeywordMode = Literal["leaf", "path"]
# fields as text: macros expanded, crossref inherited
TEXT_FORMATS = frozenset({"csl-json", "ris", "zotero-rdf"})
# the formats that carry the taxonomy as nested collections (export --collections)
COLLECTION_FORMATS = ("bibtex", "biblatex", "zotero-rdf")


@dataclass(frozen=True)
class ExportRequest:
    """The options of one export. ``keys`` are typed by hand (an unknown one is an error);
    ``keys_from`` names a LaTeX ``.aux`` file or a key list (unknown keys there are reported).
    Giving either limits the export to those keys, even when they are none."""

    categories: tuple[str, ...] = ()
    fmt: Format = "bibtex"
    keyword_mode: KeywordMode = "leaf"
    collections: bool = False
    year: str | None = None
    since: int | None = None
    venue: str = ""
    published_only: bool = False
    keys: tuple[str, ...] = ()
    keys_from: Path | None = None
    arxiv: ArxivPolicy = "preprints"


class Export:
    """The entries an export writes, and how it writes them.

    (A plain class, not a dataclass, as :class:`~effllm_bib.parsed.ParsedBib`: it is a result
    that nothing compares or copies, and building a dataclass costs start-up; see the README's
    Benchmarks.)"""

    def __init__(
        self,
        db: Database,
        request: ExportRequest,
        chosen: list[Entry],
        entries: list[Entry],
        missing_keys: list[str],
        scope: str,
    ) -> None:
        self.db = db
        self.request = request
        self.chosen = chosen  # as selected (keywords as stored), resolved for the text formats
        self.entries = entries  # as written: keywords in the requested form
        self.missing_keys = missing_keys  # keys of ``keys_from`` the database lacks, sorted
        self.scope = scope  # the categories, as slugs, or 'all categories'

    def render(self, entries: list[Entry], header: str) -> str:
        """Some of :attr:`entries` in the requested format (``header``: a comment line where
        the format has comments). A .bib format also gets the ``@string`` definitions and the
        crossref targets they use, and the taxonomy as JabRef groups with ``collections``;
        Zotero RDF gets it as nested collections."""
        request = self.request
        taxonomy = self.db.taxonomy if request.collections else None
        within = None
        if taxonomy is not None and request.categories:
            within = taxonomy.subtree(list(request.categories))
        if request.fmt == "zotero-rdf" and taxonomy is not None:
            from .groups import filed_papers
            from .zotero_rdf import export_zotero_rdf

            filed = filed_papers(taxonomy, self.chosen, within)
            return export_zotero_rdf(entries, request.arxiv, (taxonomy, filed))
        if request.fmt in TEXT_FORMATS:
            return renderer(request.fmt, arxiv=request.arxiv)(entries, header)
        complete, strings = self.db.with_dependencies(entries)
        text = renderer(request.fmt, strings, request.arxiv)(complete, header)
        if taxonomy is not None:
            from .groups import with_groups

            text = with_groups(text, taxonomy, self.chosen, within)
        return text

    def text(self) -> str:
        """The whole export, with its header."""
        header = f"% effllm-bib export: {len(self.entries)} entries ({self.scope})"
        return self.render(self.entries, header)


def select_export(db: Database, request: ExportRequest) -> Export:
    """The entries ``request`` asks for, sorted by key. Unknown categories, a key typed by hand
    that the database lacks, a malformed year, or keyword paths without a taxonomy are errors."""
    index: dict[str, Entry] = {}  # keys and ids aliases: an alias is cited as its entry (biber)
    if request.keys or request.keys_from is not None:
        from ..resolve import key_index  # here: most exports name no keys

        index = key_index(db.entries.values())
    for key in request.keys:
        db.get(index[key.lower()].key if key.lower() in index else key)  # else UnknownKeyError
    cited = keys_from_file(request.keys_from) if request.keys_from is not None else set()
    wanted = {index[k.lower()].key if k.lower() in index else k for k in (*request.keys, *cited)}
    limited = bool(request.keys) or request.keys_from is not None
    first, last = parse_years(request.year, request.since)
    filters = Filters(
        first, last, request.venue, request.published_only, frozenset(wanted) if limited else None
    )
    selected = db.select(request.categories)
    text = request.fmt in TEXT_FORMATS
    if text or filters.reads_text:
        # years and venues are compared as text: a venue written as a @string macro, a year
        # inherited through crossref; the .bib formats still write the entries as stored
        resolved = db.resolved(selected)
        kept = {e.key for e in filters.apply(resolved)}
        chosen = [e for e in (resolved if text else selected) if e.key in kept]
    else:
        chosen = filters.apply(selected)
    taxonomy = db.taxonomy if request.keyword_mode == "path" else db.taxonomy_or_none
    entries = with_tags(chosen, taxonomy, request.keyword_mode)
    scope = ", ".join(db.taxonomy.resolve(c) for c in request.categories) or "all categories"
    missing = sorted(k for k in cited if k.lower() not in index)
    return Export(db, request, chosen, entries, missing, scope)
