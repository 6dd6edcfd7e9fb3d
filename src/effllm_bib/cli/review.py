"""Commands that check the data and record a person's decisions: check, distinct, accept."""

from __future__ import annotations

import json
import sys

import click

from .app import State, _print_problems, command, friendly_errors, pass_state


@command("check")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: one object with every finding, for CI.",
)
@click.option(
    "--fix",
    is_flag=True,
    help="Apply the safe normalisations first, showing the diff (see README).",
)
@click.option("--dry-run", is_flag=True, help="With --fix: show the diff, write nothing.")
@click.option(
    "-v", "--verbose", is_flag=True, help="Also list informational findings and accepted warnings."
)
@pass_state
@friendly_errors
def check(state: State, fmt: str, fix: bool, dry_run: bool, verbose: bool) -> None:
    """Exit codes: 0 no errors, 1 errors found (or the database cannot be read), 2 bad usage."""
    from ..check import check_database
    from ..location import resolve_location

    if fix:
        from .. import files
        from ..fix import fix_entry

        with state.update(dry_run=dry_run) as db:
            before = db.text()
            for entry in list(db.entries.values()):
                db.put(fix_entry(entry))
            after = db.text()
            if after != before:  # the diff is from the file itself: the write rewrites it whole
                sys.stdout.writelines(files.diff_to(db.bib_path, after, "fixed"))
                if files.read_text(db.bib_path) != before:
                    click.echo(
                        "note: the file was not in canonical form; the diff also shows it "
                        "sorted and reformatted as effllm-bib writes every file."
                    )
            if after == before:
                click.echo("--fix: nothing to change.")
            elif dry_run:
                click.echo("dry run: nothing written.")
            else:
                db.save()
                click.echo(f"fixed and wrote {db.bib_path}")
    bib_path, tax_path = resolve_location(state.db)
    result = check_database(bib_path, tax_path)
    if fmt == "json":
        click.echo(json.dumps(result.as_json(), indent=2))
    else:
        _print_problems(result.problems, verbose)
        if verbose:
            for p, a in result.accepted:
                click.echo(f"accepted: {p.where}: {a.reason} [{p.code}]")
        click.echo(result.summary())
    if result.errors:
        sys.exit(1)


@command("distinct")
@click.argument("first")
@click.argument("second")
@click.option("--reason", required=True, help="Why they are different papers (kept in the file).")
@pass_state
@friendly_errors
def distinct(state: State, first: str, second: str, reason: str) -> None:
    from ..decisions import record_distinct

    with state.update() as db:
        db.get(first), db.get(second)
        path = record_distinct(db.bib_path, first, second, reason)
    click.echo(f"recorded in {path}: {first} and {second} are different papers")


@command("accept")
@click.argument("key")
@click.argument("rule_id", metavar="RULE")
@click.option(
    "--reason", required=True, help="Why the warning is right to ignore (kept in the file)."
)
@click.option(
    "--source", default="", help="URL of the page that shows it (e.g. a venue page without a DOI)."
)
@pass_state
@friendly_errors
def accept(state: State, key: str, rule_id: str, reason: str, source: str) -> None:
    """It is recorded in accepted.toml beside the database; check stops reporting it and reports
    the acceptance instead if the warning ever goes away. Only a warning check currently gives
    for KEY can be accepted.
    """
    from ..check import accept_warning
    from ..decisions import Acceptance
    from ..location import resolve_location

    bib_path, tax_path = resolve_location(state.db)
    with state.update():
        path = accept_warning(bib_path, tax_path, Acceptance(rule_id, key, reason, source))
    click.echo(f"recorded in {path}: '{rule_id}' accepted for {key}")
