"""Commands that build and change the database: init, import, merge, keys."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..wording import plural
from .app import (
    State,
    _print_problems,
    _show_or_save,
    category_option,
    command,
    friendly_errors,
    group,
    pass_state,
)

# --- init ------------------------------------------------------------------------------------


@command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@friendly_errors
def init(directory: Path) -> None:
    from ..location import init_database

    bib_path, tax_path = init_database(directory)
    click.echo(f"created {bib_path} and {tax_path}; edit the categories, then use --db {directory}")


# --- import ----------------------------------------------------------------------------------


@group("import")
def import_group() -> None:
    pass


@import_group.command("survey")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--prune", is_flag=True, help="Remove entries the list no longer has (default: keep)."
)
@click.option("--dry-run", is_flag=True, help="Show the change as a diff; write nothing.")
@click.option("-v", "--verbose", is_flag=True, help="Also list normalisations (venue typos...).")
@pass_state
@friendly_errors
def import_survey_cmd(state: State, path: Path, prune: bool, dry_run: bool, verbose: bool) -> None:
    """Import the survey's Markdown paper list (its README.md)."""
    from ..importers.survey import import_survey

    with state.update(create=True, dry_run=dry_run) as db:
        before = db.text() if db.bib_path.exists() else ""
        report = import_survey(db, path, prune=prune)
        _print_problems(report.problems, verbose)
        click.echo(f"survey import: {report.summary()}")
        _show_or_save(db, before, dry_run)


# --- merge -----------------------------------------------------------------------------------


@command("merge")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path, allow_dash=True))
@click.option("--dry-run", is_flag=True, help="Show the change as a diff; write nothing.")
@click.option(
    "--overwrite",
    "overwrite",
    multiple=True,
    metavar="FIELD",
    help="Let the file's value replace the database's for FIELD (repeatable).",
)
@click.option("--add-new", is_flag=True, help="Add entries that match nothing (default: report).")
@click.option(
    "--by-key",
    is_flag=True,
    help="Match entries by citation key first (look-up files written for this database).",
)
@category_option("Category to give the merged entries (repeatable).")
@click.option("-v", "--verbose", is_flag=True, help="Also list every field change.")
@pass_state
@friendly_errors
def merge(
    state: State,
    file: Path,
    dry_run: bool,
    overwrite: tuple[str, ...],
    add_new: bool,
    by_key: bool,
    categories: tuple[str, ...],
    verbose: bool,
) -> None:
    """FILE is a .bib or CSL-JSON file, or - for standard input."""
    from ..incoming import STDIN
    from ..merge import merge_file

    text = sys.stdin.read() if str(file) == "-" else None
    with state.update(dry_run=dry_run) as db:
        before = db.text()
        report = merge_file(
            db,
            STDIN if text is not None else file,
            overwrite={f.lower() for f in overwrite},
            add_new=add_new,
            categories=categories,
            by_key=by_key,
            text=text,
        )
        _print_problems(report.problems, verbose)
        for change in report.changes:
            if change.kind == "conflict" or verbose:
                click.echo(f"{change.kind}: {change}")
        for old, new in report.renamed:
            click.echo(f"key: {old} -> {new}")
        click.echo(f"merge: {report.summary()}")
        if report.unmatched and not add_new:
            click.echo(
                f"merge: {plural(len(report.unmatched), 'entry', 'entries')} of the file "
                f"{'matches' if len(report.unmatched) == 1 else 'match'} nothing in the database "
                "and stayed out; run again with --add-new to add them."
            )
        _show_or_save(db, before, dry_run)


# --- keys ------------------------------------------------------------------------------------


@group("keys")
def keys_group() -> None:
    pass


@keys_group.command("assign")
@pass_state
@friendly_errors
def keys_assign(state: State) -> None:
    """Give every entry that has authors but a provisional key its final key."""
    with state.update() as db:
        renamed = db.assign_keys()
        for old, new in renamed:
            click.echo(f"{old} -> {new}")
        if renamed:
            db.save()
        click.echo(f"{len(renamed)} keys assigned")


@keys_group.command("rename")
@click.argument("old")
@click.argument("new", required=False)
@pass_state
@friendly_errors
def keys_rename(state: State, old: str, new: str | None) -> None:
    """Rename OLD to NEW; without NEW, apply the key rules afresh to OLD. Prints old -> new."""
    with state.update() as db:
        if new is None:
            new = db.regenerate_key(old)
        else:
            db.rename(old, new)
        db.save()
        click.echo(f"{old} -> {new}")
