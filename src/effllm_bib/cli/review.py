"""Commands that check the data, record a person's decisions, and format the file: check,
distinct, accept, format."""

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
    "--select",
    multiple=True,
    metavar="RULE,...",
    help="Only these rules (ids, or the sets general and survey; repeatable).",
)
@click.option("--ignore", multiple=True, metavar="RULE,...", help="Leave out these rules.")
@click.option(
    "--statistics", is_flag=True, help="A count per rule instead of the findings, most first."
)
@click.option(
    "-v", "--verbose", is_flag=True, help="Also list informational findings and accepted warnings."
)
@pass_state
@friendly_errors
def check(
    state: State,
    fmt: str,
    fix: bool,
    dry_run: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    statistics: bool,
    verbose: bool,
) -> None:
    """--select, --ignore and --statistics work as in ruff; the exit code counts the selected
    rules only. Exit codes: 0 no errors, 1 errors found (or the database cannot be read), 2
    bad usage (an unknown rule among them)."""
    from ..check import RULES_BY_ID, check_database, selected_rules
    from ..location import resolve_location

    chosen = selected_rules(select, ignore)
    if fix:
        from .. import files
        from ..fix import fix_entry

        fixes = {RULES_BY_ID[rule].fix for rule in chosen if RULES_BY_ID[rule].fix}
        with state.update(dry_run=dry_run) as db:
            before = db.text()
            for entry in list(db.entries.values()):
                db.put(fix_entry(entry, fixes))
            after = db.text()
            if after != before:  # a patch of the file: only the fixed values change
                sys.stdout.writelines(files.diff_to(db.bib_path, after, "fixed"))
            if after == before:
                click.echo("--fix: nothing to change.")
            elif dry_run:
                click.echo("dry run: nothing written.")
            else:
                db.save()
                click.echo(f"fixed and wrote {db.bib_path}")
    bib_path, tax_path = resolve_location(state.db)
    result = check_database(bib_path, tax_path, state.strings).only(chosen)
    if statistics:
        for count, rule in result.statistics():
            click.echo(f"{count:6d}  {rule.severity.value:<7}  {rule.id:<24} {rule.summary}")
        click.echo(result.summary())
    elif fmt == "json":
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


@command("format")
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="Write nothing; exit 1 if the file is not in canonical form (for CI).",
)
@click.option("--diff", "show_diff", is_flag=True, help="Show the change as a diff; write nothing.")
@pass_state
@friendly_errors
def format_command(state: State, check_only: bool, show_diff: bool) -> None:
    """Every other command that writes keeps a file's own layout and edits only what it changes;
    this one rewrites it: entries sorted by key (crossref targets after their children), fields
    in a fixed order, two-space indent, braces, kept blocks first. Exit codes: 0 formatted (or
    already in canonical form), 1 with --check when it is not."""
    from .. import files

    with state.update(dry_run=check_only or show_diff) as db:
        before = files.read_text(db.bib_path) if db.bib_path.exists() else ""
        after = db.text(canonical_form=True)
        if after == before:
            click.echo(f"{db.bib_path}: already in canonical form")
            return
        if show_diff:
            sys.stdout.writelines(files.diff_to(db.bib_path, after, "formatted"))
        if check_only or show_diff:
            click.echo(f"would reformat {db.bib_path}")
            if check_only:
                sys.exit(1)
            return
        db.save(canonical_form=True)
    click.echo(f"reformatted {db.bib_path}")
