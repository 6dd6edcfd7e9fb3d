"""Adding one paper by arXiv id or DOI: a complete entry in one step, its published version
when Crossref or DBLP knows one (and they do not disagree)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..changes import FieldChange
from ..database import Database
from ..errors import EffllmBibError
from ..identifiers import normalize_arxiv_id, normalize_doi
from ..identify import MatchIndex, find_match
from ..keys import final_key, provisional_key
from ..latex import latex_to_plain
from ..model import Entry
from ..vocab import ARXIV_DOI_PREFIX, PUBLISHED_TYPES, arxiv_id
from .arxiv import ArxivRecord
from .candidates import judge
from .crossref import is_arxiv_doi, work_to_entry
from .engine import Enricher
from .provenance import record_provenance
from .upgrade import Candidate, combined, dblp_findings, decide


@dataclass
class AddResult:
    key: str
    changes: list[FieldChange]
    message: str


def parse_identifier(text: str) -> tuple[str, str]:
    """('arxiv', id) or ('doi', doi) for an arXiv id, a DOI, or a URL of either."""
    aid = normalize_arxiv_id(text)
    if aid:
        return "arxiv", aid
    doi = normalize_doi(text)
    if doi:
        if doi.lower().startswith(ARXIV_DOI_PREFIX):
            return "arxiv", doi[len(ARXIV_DOI_PREFIX) :]
        return "doi", doi
    raise EffllmBibError(
        f"'{text}' is neither an arXiv id nor a DOI (nor a URL of one); give e.g. 2406.01721."
    )


def _holding(db: Database, kind: str, value: str) -> str | None:
    """The key of the entry that already carries this arXiv id or DOI, if one does."""
    for key, entry in db.entries.items():
        if kind == "arxiv" and arxiv_id(entry, links=True) == value:
            return key
        if kind == "doi" and (normalize_doi(entry.get("doi")) or "").lower() == value.lower():
            return key
    return None


def _already(enricher: Enricher, key: str, slugs: list[str]) -> AddResult:
    """The paper is in the database as ``key``: give it the categories it lacks."""
    existing = enricher.db.entries[key]
    new = [s for s in slugs if s not in existing.keywords]
    if not new:
        return AddResult(key, [], f"already in the database as {key}; nothing to add")
    enricher.db.put(existing.with_keywords([*existing.keywords, *new]))
    change = FieldChange(key, "keywords", "", ", ".join(new), "keyword")
    return AddResult(key, [change], f"already in the database as {key}; added {', '.join(new)}")


def add_paper(enricher: Enricher, identifier: str, categories: Iterable[str]) -> AddResult:
    db = enricher.db
    slugs = [db.taxonomy.resolve(c) for c in categories]
    kind, value = parse_identifier(identifier)
    known = _holding(db, kind, value)  # the database names it already: no request at all
    if known is not None:
        return _already(enricher, known, slugs)
    entry = _fetch(enricher, kind, value)
    key, _, _ = find_match(db, entry, MatchIndex(db))
    if key is not None:
        return _already(enricher, key, slugs)
    entry = entry.with_keywords(slugs)
    taken = set(db.entries)
    entry = entry.with_key(final_key(entry, taken) or provisional_key(entry, taken))
    entry = record_provenance(
        entry,
        "crossref" if kind == "doi" else "arxiv",
        [FieldChange(entry.key, n, "", v) for n, v in entry.fields if n != "keywords"],
        enricher.today,
    )
    db.put(entry)
    return AddResult(
        entry.key, [FieldChange(entry.key, "", "", "", "add-entry")], f"added {entry.key}"
    )


def _fetch(enricher: Enricher, kind: str, value: str) -> Entry:
    if kind == "doi":
        if enricher.crossref is None:
            raise EffllmBibError("a DOI needs Crossref; do not pass --no-crossref.")
        message = enricher.crossref.lookup_doi(value)
        if message is None:
            raise EffllmBibError(f"Crossref does not know DOI {value}; check it.")
        return work_to_entry(message)
    if enricher.arxiv is None:
        raise EffllmBibError("an arXiv id needs the arXiv source; do not pass --no-arxiv.")
    record = enricher.arxiv.fetch([value]).get(value)
    if record is None:
        raise EffllmBibError(f"arXiv has no paper {value}; check the id.")
    entry = record.entry
    if enricher.crossref is not None:
        published = _published(enricher, record)
        if published is not None:
            entry = published.with_fields(
                eprint=value,
                archiveprefix="arXiv",
                primaryclass=entry.get("primaryclass"),
                author=published.get("author") or entry.get("author"),
            )
    return entry


def _published(enricher: Enricher, record: ArxivRecord) -> Entry | None:
    """The published version Crossref and DBLP agree on (or the one that alone found one)."""
    candidates: list[Candidate] = []
    paper = record.entry
    doi = paper.get("doi")
    if enricher.crossref is not None:
        if doi and not is_arxiv_doi(doi):
            message = enricher.crossref.lookup_doi(doi)
            works = [work_to_entry(message)] if message else []
        else:
            items = enricher.crossref.search(
                latex_to_plain(paper.get("title")), "", paper.get("year")
            )
            verdict = judge(paper, [work_to_entry(i) for i in items])
            works = [verdict.accepted] if verdict.accepted is not None else []
        candidates += [
            Candidate("crossref", w, w.get("doi")) for w in works if w.type in PUBLISHED_TYPES
        ]
    if enricher.dblp is not None:
        hits = enricher.dblp.search(latex_to_plain(paper.get("title")))
        candidates += dblp_findings(paper, hits).candidates
    decision = decide(candidates)
    return combined(decision) if decision.chosen is not None else None
