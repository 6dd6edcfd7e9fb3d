"""Which exported entries carry their arXiv id (``export --arxiv``).

A published paper is cited as published: by default its export carries no arXiv note, no arXiv
DOI and no arXiv link, in any format, so a reader who follows the reference lands on the venue's
version. biblatex keeps ``eprint``/``eprinttype`` (styles switch it off with ``eprint=false``)
unless ``none`` is asked for. Preprints always keep their arXiv id: it is where they are
published.

- ``preprints`` (default): only preprints carry the arXiv id (biblatex: published ones keep
  ``eprint`` too);
- ``all``: every entry with an arXiv id carries it (classic BibTeX adds ``note = {arXiv:...}`` to
  published entries, the text formats an arXiv link where the entry has no other);
- ``none``: as ``preprints``, and published entries lose ``eprint`` in biblatex as well.
"""

from __future__ import annotations

from typing import Literal

from ..identifiers import arxiv_id_from_url
from ..model import Entry
from ..vocab import PUBLISHED_TYPES, arxiv_id, is_arxiv_doi

ArxivPolicy = Literal["preprints", "all", "none"]  # the choices of export --arxiv
# The fields that name an arXiv id (eprint with its archive), the way each format reads them.
_EPRINT_FIELDS = ("eprint", "archiveprefix", "eprinttype", "eprintclass", "primaryclass")


def cite_arxiv(entry: Entry, policy: ArxivPolicy, keep_eprint: bool = False) -> Entry:
    """``entry`` with the arXiv identifiers ``policy`` leaves on it; ``keep_eprint``: the
    format's styles can hide ``eprint`` themselves (biblatex), so ``preprints`` keeps it."""
    if policy == "all" or entry.type not in PUBLISHED_TYPES:
        return entry
    drop: dict[str, str] = {}
    if is_arxiv_doi(entry.get("doi")):
        drop["doi"] = ""
    if arxiv_id_from_url(entry.get("url")):
        drop["url"] = ""
    if (policy == "none" or not keep_eprint) and arxiv_id(entry) is not None:
        drop.update(dict.fromkeys(_EPRINT_FIELDS, ""))
    return entry.with_fields(**drop) if drop else entry
