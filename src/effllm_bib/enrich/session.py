"""An enrichment run that keeps its work: saved every few entries, and on Ctrl-C or a crash.

Each entry is replaced whole in the database, so saving at any moment writes every entry either
as it was or as enriched, never half of one; a run started again resumes from the cache.
"""

from __future__ import annotations

from collections.abc import Callable

from ..errors import EffllmBibError
from .batch import enrich
from .engine import Enricher, EnrichReport

SAVED = "interrupted; the entries enriched so far are saved. Run again to resume."
NOT_SAVED = "interrupted; nothing was written (dry run)."


class EnrichInterrupted(EffllmBibError):
    """Ctrl-C during a run; ``saved`` tells whether the work done so far was written."""

    exit_code = 130

    def __init__(self, saved: bool) -> None:
        self.saved = saved
        super().__init__(SAVED if saved else NOT_SAVED)


def run_enrichment(
    enricher: Enricher,
    keys: list[str],
    *,
    save: bool,
    progress: Callable[[str], None] | None = None,
    checkpoint_every: int = 25,
) -> EnrichReport:
    """Enrich ``keys``; with ``save``, the database is saved every ``checkpoint_every`` entries.

    On Ctrl-C the work done so far is saved (with ``save``) and :class:`EnrichInterrupted`
    raised; on any other exception it is saved and the exception goes on. Saving happens only
    when an entry changed since the last save, so a run that changes nothing leaves the file
    byte for byte as it was. The sources' connections are closed in every case. The caller
    saves the finished run itself (it may show a diff instead).
    """
    saved = [enricher.db.text()]  # the text last written, or as read

    def save_if_changed() -> None:
        text = enricher.db.text()
        if text != saved[0]:
            enricher.db.save()
            saved[0] = text

    try:
        return enrich(
            enricher,
            keys,
            progress=progress,
            checkpoint=save_if_changed if save else None,
            checkpoint_every=checkpoint_every,
        )
    except KeyboardInterrupt:
        if save:
            save_if_changed()
        raise EnrichInterrupted(save) from None
    except BaseException:
        if save:
            save_if_changed()  # a crash keeps the work done so far
        raise
    finally:
        close_sources(enricher)


def close_sources(enricher: Enricher) -> None:
    """Close the HTTP connections of every source the enricher asks."""
    for source in enricher.sources:
        source.client.close()
