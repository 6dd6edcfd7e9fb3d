"""The export command: a category, or everything, in a citing tool's format."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..export import ARXIV_POLICIES, FORMATS
from ..wording import plural
from .app import State, category_option, command, friendly_errors, pass_state

if TYPE_CHECKING:
    from ..export.arxiv_ids import ArxivPolicy
    from ..export.select import Format, KeywordMode


@command("export")
@category_option()
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="bibtex",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--keywords",
    "keyword_mode",
    type=click.Choice(["leaf", "path"]),
    default="leaf",
    show_default=True,
    help="Keywords as leaf slugs, or as full paths of ancestors.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Write to this file (or directory, with --all-categories) instead of stdout.",
)
@click.option(
    "--all-categories",
    is_flag=True,
    help="One file per category under -o DIR, in folders mirroring the taxonomy.",
)
@click.option(
    "--collections",
    is_flag=True,
    help="Add the taxonomy as nested collections (Zotero RDF), or as JabRef groups (bibtex, "
    "biblatex), which Zotero and JabRef import as nested collections.",
)
@click.option("--year", metavar="YEAR[-YEAR]", help="Only these years (2023, or 2022-2024).")
@click.option("--since", type=int, metavar="YEAR", help="Only this year and later.")
@click.option("--venue", metavar="NAME", help="Only this venue (NeurIPS, ICLR, ACL, or any text).")
@click.option("--published-only", is_flag=True, help="Drop arXiv-only preprints and web pages.")
@click.option(
    "--arxiv",
    type=click.Choice(ARXIV_POLICIES),
    default="preprints",
    show_default=True,
    help="Which entries carry their arXiv id: preprints only (published papers are cited as "
    "published; biblatex keeps eprint, which styles can hide), all, or none.",
)
@click.option("-k", "--keys", "keys", multiple=True, metavar="KEY", help="Only these keys.")
@click.option(
    "--keys-from",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Only the keys cited in a LaTeX .aux file (or listed one per line).",
)
@pass_state
@friendly_errors
def export(
    state: State,
    categories: tuple[str, ...],
    fmt: Format,
    keyword_mode: KeywordMode,
    output: Path | None,
    all_categories: bool,
    collections: bool,
    year: str | None,
    since: int | None,
    venue: str | None,
    published_only: bool,
    arxiv: ArxivPolicy,
    keys: tuple[str, ...],
    keys_from: Path | None,
) -> None:
    from ..export import EXTENSIONS
    from ..export.select import COLLECTION_FORMATS, ExportRequest, select_export
    from ..files import write_atomic

    if collections and (fmt not in COLLECTION_FORMATS or all_categories):
        raise click.UsageError(
            "--collections goes with --format bibtex, biblatex or zotero-rdf, "
            "into one file (not --all-categories)."
        )
    if all_categories and output is None:
        raise click.UsageError("--all-categories needs -o DIR.")
    db = state.load(strict=False)
    request = ExportRequest(
        categories,
        fmt,
        keyword_mode,
        collections,
        year,
        since,
        venue or "",
        published_only,
        keys,
        keys_from,
        arxiv,
    )
    selection = select_export(db, request)
    if all_categories and output is not None:
        from ..export.tree import write_tree

        written = write_tree(
            output, db.taxonomy, selection.entries, EXTENSIONS[fmt], selection.render
        )
        click.echo(f"wrote {len(written)} files under {output}", err=True)
        return
    text = selection.text()
    if selection.missing_keys:
        click.echo(
            f"note: {len(selection.missing_keys)} cited keys are not in the database: "
            f"{', '.join(selection.missing_keys[:5])}",
            err=True,
        )
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomic(output, text)
        click.echo(
            f"wrote {plural(len(selection.entries), 'entry', 'entries')} to {output}", err=True
        )
