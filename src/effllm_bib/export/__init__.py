"""Exporters: the database, or a slice of it, in the formats citing tools read.

Every format carries the taxonomy keywords (Zotero's BibTeX, RIS and RDF imports turn them into
tags; its CSL JSON import reads no keywords), either as the leaf slugs stored in the database or
as full paths of ancestors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the command line reads FORMATS & co. at start-up: keep this module light
    from ..model import Entry, Extra
    from ..taxonomy import Taxonomy
    from .arxiv_ids import ArxivPolicy

FORMATS = ("bibtex", "biblatex", "csl-json", "ris", "zotero-rdf")
STYLES = ("plain", "unsrt", "alpha", "unsrtalpha", "survey")  # pybtex styles, survey is ours
BACKENDS = ("text", "markdown", "html", "latex")  # pybtex backends
ARXIV_POLICIES = ("preprints", "all", "none")  # export --arxiv: see arxiv_ids.py
EXTENSIONS = {
    "bibtex": ".bib",
    "biblatex": ".bib",
    "csl-json": ".json",
    "ris": ".ris",
    "zotero-rdf": ".rdf",
}


def keyword_tags(entry: Entry, taxonomy: Taxonomy, mode: str = "leaf") -> list[str]:
    """``leaf``: the slugs as stored; ``path``: ``model-centric/model-compression/...`` each."""
    if mode == "leaf":
        return list(entry.keywords)
    tags = []
    for kw in entry.keywords:
        chain = [*reversed(taxonomy.ancestors(kw)), kw] if kw in taxonomy else [kw]
        tags.append("/".join(chain))
    return tags


def with_tags(entries: Iterable[Entry], taxonomy: Taxonomy | None, mode: str) -> list[Entry]:
    if mode == "leaf" or taxonomy is None:
        return list(entries)
    return [e.with_fields(keywords=", ".join(keyword_tags(e, taxonomy, mode))) for e in entries]


def renderer(
    fmt: str, strings: Sequence[Extra] = (), arxiv: ArxivPolicy = "preprints"
) -> Callable[[list[Entry], str], str]:
    """The function that writes entries in ``fmt`` (header comment where the format has one);
    .bib formats write the ``@string`` definitions given before the entries; ``arxiv`` says
    which entries keep their arXiv id (:mod:`.arxiv_ids`)."""
    if fmt == "bibtex":
        from .bibtex import export_bibtex

        return lambda entries, header: export_bibtex(entries, header, strings=strings, arxiv=arxiv)
    if fmt == "biblatex":
        from .biblatex import export_biblatex

        return lambda entries, header: export_biblatex(entries, header, strings, arxiv)
    if fmt == "csl-json":
        from .csljson import export_csl_json

        return lambda entries, header: export_csl_json(entries, arxiv)
    if fmt == "ris":
        from .ris import export_ris

        return lambda entries, header: export_ris(entries, arxiv)
    if fmt == "zotero-rdf":
        from .zotero_rdf import export_zotero_rdf

        return lambda entries, header: export_zotero_rdf(entries, arxiv)
    raise ValueError(f"unknown format {fmt!r}")
