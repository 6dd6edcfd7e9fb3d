"""Commands that read the database and write something for people: refs, diff, categories,
site, stats (export has its own module, cli/exporting.py: the command run most, it imports
no other command's options)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..export import ARXIV_POLICIES, BACKENDS, STYLES
from ..wording import plural
from .app import State, _fail, category_option, command, friendly_errors, group, pass_state

if TYPE_CHECKING:
    from ..export.arxiv_ids import ArxivPolicy


@command("refs")
@category_option()
@click.option(
    "--style",
    type=click.Choice(STYLES),
    default="plain",
    show_default=True,
    help="pybtex formatting style.",
)
@click.option(
    "--to",
    "backend",
    type=click.Choice(BACKENDS),
    default="text",
    show_default=True,
    help="pybtex output backend.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of stdout.",
)
@click.option(
    "--arxiv",
    type=click.Choice(ARXIV_POLICIES),
    default="preprints",
    show_default=True,
    help="Which entries the list gives with their arXiv id (as export --arxiv; the survey "
    "style links every one).",
)
@click.option("--no-cache", is_flag=True, help="Format every entry afresh (no on-disk cache).")
@pass_state
@friendly_errors
def refs(
    state: State,
    categories: tuple[str, ...],
    style: str,
    backend: str,
    output: Path | None,
    arxiv: ArxivPolicy,
    no_cache: bool,
) -> None:
    from ..export.formatted import default_directory, render_entries, survey_markdown, write_list
    from ..files import write_atomic

    db = state.load(strict=False)
    cache = None if no_cache else default_directory()
    entries = db.resolved(db.select(categories))
    if style == "survey" and backend == "markdown":
        if len(categories) > 1:
            raise click.UsageError("--style survey --to markdown takes at most one --category.")
        top = db.taxonomy.resolve(categories[0]) if categories else None
        text = survey_markdown(entries, db.taxonomy, cache, top)
    else:
        notes: list[str] = []
        rendered = render_entries(entries, style, backend, cache, notes, db.bib_path, arxiv)
        text = write_list(rendered, backend)
        for note in notes:
            click.echo(f"note: {note}", err=True)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomic(output, text)
        click.echo(f"wrote {len(entries)} references to {output}", err=True)


@group("diff")
def diff_group() -> None:
    pass


@diff_group.command("survey")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--apply",
    "apply_",
    is_flag=True,
    help="Rewrite the corrected bullets of PATH in place, in the list's own Markdown.",
)
@pass_state
@friendly_errors
def diff_survey(state: State, path: Path, apply_: bool) -> None:
    """How the database differs from the survey's list: corrections and normalisations."""
    from collections import Counter

    from ..importers.survey import parse_survey
    from ..importers.survey_diff import apply_to_readme, compare_survey

    db = state.load()
    if apply_:
        rewrites = apply_to_readme(db, path)
        for r in rewrites:
            click.echo(f"line {r.line}: {r.key} ({', '.join(r.kinds)})\n- {r.old}\n+ {r.new}")
        click.echo(f"diff: rewrote {plural(len(rewrites), 'bullet')} of {path}")
        return
    differences = compare_survey(db, parse_survey(path, db.taxonomy))
    for d in differences:
        click.echo(str(d))
    counts = Counter(d.kind for d in differences)
    summary = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())) or "none"
    click.echo(f"diff: {len(differences)} differences ({summary})")


@command("categories")
@pass_state
@friendly_errors
def categories(state: State) -> None:
    db = state.load(strict=False)
    counts = db.count_by_category()
    for slug in db.taxonomy.walk():
        node = db.taxonomy.get(slug)
        indent = "  " * db.taxonomy.depth(slug)
        aliases = f"  (aliases: {', '.join(node.aliases)})" if node.aliases else ""
        click.echo(f"{indent}{slug}: {node.name} [{counts[slug]}]{aliases}")


@command("site")
@click.option(
    "-o",
    "--output",
    "outdir",
    required=True,
    metavar="DIR",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory for the site (new, empty, or a site built before).",
)
@click.option(
    "--title",
    metavar="TEXT",
    help="The site's title and heading [default: the title in taxonomy.toml, else Bibliography].",
)
@pass_state
@friendly_errors
def site(state: State, outdir: Path, title: str | None) -> None:
    from ..site import build_site

    summary = build_site(state.load(), outdir, title)
    click.echo(
        f"wrote {summary.pages} pages ({summary.files} files, {summary.papers} papers, "
        f"{summary.categories} categories) to {summary.outdir}",
        err=True,
    )


@command("stats")
@click.option("--depth", type=int, default=1, show_default=True, help="Taxonomy levels to list.")
@click.option(
    "--plot",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also draw papers per year per top-level group into this PNG file.",
)
@pass_state
@friendly_errors
def stats(state: State, depth: int, plot: Path | None) -> None:
    from ..stats import coverage, format_table, plot_years

    db = state.load(strict=False)
    figures = coverage(db)
    click.echo(format_table(db, figures, depth), nl=False)
    if plot is not None:
        try:
            plot_years(db, figures, plot)
        except ImportError:
            _fail("--plot needs matplotlib: pip install 'effllm-bib[plot]'.", 1)
        click.echo(f"wrote {plot}", err=True)
