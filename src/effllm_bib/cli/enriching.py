"""Commands that ask Crossref, arXiv, DBLP and OpenReview: enrich, add."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..wording import plural
from .app import (
    F,
    State,
    _print_problems,
    _show_or_save,
    category_option,
    command,
    friendly_errors,
    pass_state,
)

if TYPE_CHECKING:
    from ..enrich.sources import Sources

# --- enrichment ------------------------------------------------------------------------------

FAILURE_CODES = ("not-cached", "service-error")  # the problems of an entry whose outcome is failed


def source_options(func: F) -> F:
    """Options shared by the commands that talk to Crossref and arXiv."""
    options = [
        click.option(
            "--mailto",
            envvar="EFFLLM_BIB_MAILTO",
            metavar="EMAIL",
            help="Your e-mail for Crossref's polite pool (or $EFFLLM_BIB_MAILTO).",
        ),
        click.option(
            "--crossref-url",
            envvar="EFFLLM_BIB_CROSSREF_URL",
            metavar="URL",
            help="Crossref API base URL (or $EFFLLM_BIB_CROSSREF_URL).",
        ),
        click.option(
            "--arxiv-url",
            envvar="EFFLLM_BIB_ARXIV_URL",
            metavar="URL",
            help="arXiv API query URL (or $EFFLLM_BIB_ARXIV_URL).",
        ),
        click.option(
            "--dblp-url",
            envvar="EFFLLM_BIB_DBLP_URL",
            metavar="URL",
            help="DBLP base URL (or $EFFLLM_BIB_DBLP_URL).",
        ),
        click.option(
            "--openreview-url",
            envvar="EFFLLM_BIB_OPENREVIEW_URL",
            metavar="URL",
            help="OpenReview API 2 base URL (or $EFFLLM_BIB_OPENREVIEW_URL).",
        ),
        click.option("--offline", is_flag=True, help="Answer from the cache alone; send nothing."),
        click.option("--no-cache", is_flag=True, help="Neither read nor write the response cache."),
        click.option(
            "--cache-dir",
            type=click.Path(file_okay=False, path_type=Path),
            envvar="EFFLLM_BIB_CACHE_DIR",
            help="Response cache (default: the user cache directory).",
        ),
        click.option(
            "--cache-days",
            type=float,
            default=30.0,
            show_default=True,
            help="Cached responses older than this are fetched again.",
        ),
        click.option("--no-crossref", is_flag=True, help="Do not ask Crossref."),
        click.option("--no-arxiv", is_flag=True, help="Do not ask arXiv."),
        click.option("--no-dblp", is_flag=True, help="Do not ask DBLP (asked about preprints)."),
        click.option(
            "--no-openreview", is_flag=True, help="Do not ask OpenReview (asked about preprints)."
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _sources(state: State, opts: dict[str, Any]) -> Sources:
    from ..enrich.http import REAL_CLOCK
    from ..enrich.sources import make_sources

    if not opts["mailto"] and not opts["no_crossref"] and not opts["offline"]:
        click.echo(
            "note: no --mailto/EFFLLM_BIB_MAILTO; Crossref's public pool is slower.", err=True
        )
    return make_sources(
        crossref=not opts["no_crossref"],
        arxiv=not opts["no_arxiv"],
        dblp=not opts["no_dblp"],
        openreview=not opts["no_openreview"],
        crossref_url=opts["crossref_url"],
        arxiv_url=opts["arxiv_url"],
        dblp_url=opts["dblp_url"],
        openreview_url=opts["openreview_url"],
        mailto=opts["mailto"],
        cache_dir=opts["cache_dir"],
        cache_days=opts["cache_days"],
        use_cache=not opts["no_cache"],
        offline=opts["offline"],
        clock=state.clock or REAL_CLOCK,
    )


def _source_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    names = (
        "mailto",
        "crossref_url",
        "arxiv_url",
        "offline",
        "no_cache",
        "cache_dir",
        "cache_days",
        "no_crossref",
        "no_arxiv",
        "dblp_url",
        "no_dblp",
        "openreview_url",
        "no_openreview",
    )
    return {n: kwargs.pop(n) for n in names}


def _requests_line(*sources: Any) -> str:
    parts = []
    for source in sources:
        if source is not None:
            st = source.client.stats
            parts.append(
                f"{source.client.service}: {plural(st.sent, 'request')}, {st.cache_hits} from "
                f"cache, {plural(st.retries, 'retry', 'retries')}, {st.seconds:.1f} s"
            )
    return "; ".join(parts)


@command("enrich")
@category_option("Only entries in these categories (repeatable).")
@click.option("-k", "--keys", "keys", multiple=True, metavar="KEY", help="Only these entries.")
@click.option(
    "--overwrite",
    "overwrite",
    multiple=True,
    metavar="FIELD",
    help="Let the sources replace FIELD (repeatable).",
)
@click.option(
    "--upgrade-preprints",
    is_flag=True,
    help="Cite the published version of preprints (arXiv id and key kept).",
)
@click.option("--dry-run", is_flag=True, help="Show the changes as a diff; write nothing.")
@click.option("-v", "--verbose", is_flag=True, help="Also list every field change.")
@source_options
@pass_state
@friendly_errors
def enrich(
    state: State,
    /,
    categories: tuple[str, ...],
    keys: tuple[str, ...],
    overwrite: tuple[str, ...],
    upgrade_preprints: bool,
    dry_run: bool,
    verbose: bool,
    **kwargs: Any,
) -> None:
    from ..enrich.batch import select_keys
    from ..enrich.engine import Enricher
    from ..enrich.session import run_enrichment

    opts = _source_kwargs(kwargs)
    with state.update(dry_run=dry_run) as db:
        chosen = select_keys(db, categories, keys)
        crossref, arxiv, dblp, openreview = _sources(state, opts)
        enricher = Enricher(
            db,
            crossref,
            arxiv,
            dblp=dblp,
            openreview=openreview,
            overwrite={f.lower() for f in overwrite},
            upgrade_preprints=upgrade_preprints,
        )
        before = db.text()
        with click.progressbar(
            length=len(chosen), label="enrich", file=sys.stderr, show_pos=True
        ) as bar:
            report = run_enrichment(
                enricher, chosen, save=not dry_run, progress=lambda _key: bar.update(1)
            )
        uncached = [p for p in report.problems if p.code == "not-cached"]
        shown = report.problems if verbose else [p for p in report.problems if p not in uncached]
        _print_problems(shown, verbose)
        if uncached and not verbose:  # one line, not one per entry (-v lists them)
            click.echo(
                f"offline: {plural(len(uncached), 'entry', 'entries')} not in the cache, "
                f"e.g. {uncached[0].key}; run without --offline to ask the services "
                "(-v lists them)."
            )
        for change in report.changes:
            if change.kind in ("conflict", "complete") or verbose:
                click.echo(f"{change.kind}: {change}")
        if not verbose:
            for p in report.problems:
                if p.code == "key-assigned":
                    click.echo(f"key: {p.message}")
        if report.aborted:
            click.echo(f"stopped: {report.aborted}", err=True)
        click.echo(f"enrich: {plural(len(chosen), 'entry', 'entries')}: {report.summary()}")
        click.echo(_requests_line(*enricher.sources))
        _show_or_save(db, before, dry_run)
    failed = report.count("failed")
    if chosen and failed == len(chosen) and not report.aborted:
        first = next((p.message for p in report.problems if p.code in FAILURE_CODES), "")
        click.echo(f"error: all {failed} entries failed; the first said: {first}", err=True)
    if report.aborted or (chosen and failed == len(chosen)):
        sys.exit(1)


@command("add")
@click.argument("identifier")
@category_option("Category of the paper (repeatable; required when the database has a taxonomy).")
@source_options
@pass_state
@friendly_errors
def add(state: State, /, identifier: str, categories: tuple[str, ...], **kwargs: Any) -> None:
    from ..enrich.add import add_paper
    from ..enrich.engine import Enricher
    from ..enrich.session import close_sources

    opts = _source_kwargs(kwargs)
    with state.update() as db:
        if not categories and db.has_taxonomy:
            raise click.UsageError("give the paper's category with -c SLUG (repeatable).")
        crossref, arxiv, dblp, openreview = _sources(state, opts)
        enricher = Enricher(db, crossref, arxiv, dblp=dblp, openreview=openreview)
        try:
            result = add_paper(enricher, identifier, categories)
        finally:
            close_sources(enricher)
        if result.changes:
            db.save()
        click.echo(result.message)
