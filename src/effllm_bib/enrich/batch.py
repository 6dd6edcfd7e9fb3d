"""Enrich many entries: the arXiv ids in one batch, then each entry in turn through the
:class:`~.engine.Enricher`, with service failures counted and partial work checkpointed."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..changes import FieldChange
from ..database import Database
from ..model import Problem, Severity
from ..vocab import arxiv_id, is_preprint
from .arxiv import ArxivRecord
from .engine import Enricher, EnrichReport
from .http import NotCached, ServiceError, Unreachable
from .provenance import APPLIED

MAX_CONSECUTIVE_FAILURES = 5


def select_keys(
    db: Database, categories: Iterable[str] = (), keys: Iterable[str] = ()
) -> list[str]:
    wanted = list(keys)
    for k in wanted:
        db.get(k)  # unknown keys fail early, with the project's error
    chosen = [e.key for e in db.select(categories)] if (categories or not wanted) else []
    chosen += [k for k in wanted if k not in chosen]
    return [k for k in chosen if db.entries[k].type != "software"]


def enrich(
    enricher: Enricher,
    keys: list[str],
    progress: Callable[[str], None] | None = None,
    checkpoint: Callable[[], None] | None = None,
    checkpoint_every: int = 25,
) -> EnrichReport:
    """Enrich the entries named by ``keys``; ``checkpoint`` is called to save partial work."""
    db = enricher.db
    report = EnrichReport()
    records: dict[str, ArxivRecord | None] = {}
    if enricher.arxiv is not None:
        ids = {arxiv_id(db.entries[k]) for k in keys}
        try:
            records = enricher.arxiv.fetch(i for i in ids if i)
        except ServiceError as exc:
            report.problems.append(Problem(Severity.WARNING, "arxiv-failed", str(exc)))
    failures = 0
    for n, key in enumerate(keys, 1):
        changes: list[FieldChange] = []
        outcome = ""
        try:
            aid = arxiv_id(db.entries[key])
            record = records.get(aid) if aid else None
            if aid and enricher.arxiv is not None and aid in records and record is None:
                report.problems.append(
                    Problem(
                        Severity.WARNING,
                        "arxiv-missing",
                        f"arXiv returned nothing for {aid}; check the id",
                        key=key,
                    )
                )
            if record is not None:
                changes += enricher.from_arxiv(key, record, report)
            if is_preprint(db.entries[key]):
                more, outcome = enricher.preprint(key, record, report)
                changes += more
            elif enricher.crossref is not None:
                more, outcome = enricher.from_crossref(key, report)
                changes += more
            if record is not None and outcome == "not found":
                outcome = ""  # arXiv knows the paper; Crossref not having it is no failure
            failures = 0
        except NotCached as exc:
            report.outcomes[key] = "failed"
            report.problems.append(Problem(Severity.WARNING, "not-cached", str(exc), key=key))
            continue
        except Unreachable as exc:  # no network: every other entry would fail the same way
            report.outcomes[key] = "failed"
            report.aborted = f"{exc} Stopped at {key}."
            break
        except ServiceError as exc:
            report.outcomes[key] = "failed"
            report.problems.append(Problem(Severity.WARNING, "service-error", str(exc), key=key))
            failures += 1
            if failures >= MAX_CONSECUTIVE_FAILURES:
                report.aborted = f"{failures} failures in a row (last: {exc}); stopped early"
                break
            continue
        finally:
            if progress is not None:
                progress(key)
            if checkpoint is not None and n % checkpoint_every == 0:
                checkpoint()
        report.outcomes[key] = _outcome(changes, outcome)
    for old, new in db.assign_keys():
        report.outcomes[new] = report.outcomes.pop(old, "unchanged")
        report.problems.append(Problem(Severity.INFO, "key-assigned", f"{old} -> {new}", key=new))
    return report


def _outcome(changes: list[FieldChange], fallback: str) -> str:
    if any(c.kind == "conflict" for c in changes):
        return "conflicts"
    if any(c.kind in APPLIED for c in changes):
        return "filled"
    return fallback or "unchanged"
