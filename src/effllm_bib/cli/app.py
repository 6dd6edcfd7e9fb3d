"""The click group, the shared state and error handling of every command."""

from __future__ import annotations

import gc
import importlib
import os
import sys
from collections.abc import Callable, Iterable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from .. import __version__

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from ..database import Database

F = TypeVar("F", bound=Callable[..., Any])


def _fail(message: str, code: int) -> None:
    click.echo(f"effllm-bib: error: {message}", err=True)
    sys.exit(code)


def friendly_errors(func: F) -> F:
    """Turn the library's errors into one line on stderr and an exit code; never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from ..errors import EffllmBibError

        try:
            return func(*args, **kwargs)
        except EffllmBibError as exc:
            _fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            _fail("interrupted; nothing was written.", 130)
        except BrokenPipeError:
            # The reader (e.g. `| head`) went away: stop quietly, as Unix tools do.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            _fail(f"{where}{exc.strerror or exc}; nothing was written.", 1)

    return cast(F, wrapper)


def category_option(
    help: str = "Category slug or alias, with its descendants (repeatable: union). "
    "Default: every entry.",
) -> Callable[[F], F]:
    """``-c/--category SLUG``, declared once for every command that takes categories."""
    return click.option("-c", "--category", "categories", multiple=True, metavar="SLUG", help=help)


class State:
    def __init__(self, db: str | None) -> None:
        self.db = db

    def load(self, create: bool = False, strict: bool = True) -> Database:
        """Read-only: no lock is taken and nothing is written. ``strict=False`` reads a file
        with a repeated key or field as BibTeX does, and says so on stderr, line by line."""
        from ..database import Database

        db = Database.load(self.db, create=create, strict=strict)
        # The database lives until the command ends: frozen, it is left out of the collections
        # that the command's own allocations trigger (a fifth of the time of a CSL export).
        gc.freeze()
        for p in db.read_errors:
            click.echo(f"effllm-bib: warning: {p.where}: {p.message} [{p.code}]", err=True)
        return db

    def update(
        self, create: bool = False, dry_run: bool = False
    ) -> AbstractContextManager[Database]:
        """The database for a change, under its lock (a dry run reads it without the lock)."""
        from contextlib import nullcontext

        from ..database import open_for_update

        if dry_run:
            return nullcontext(self.load(create=create))
        return open_for_update(self.db, create=create)


pass_state = click.make_pass_decorator(State)

# Every command: the module that defines it and its short help (the first paragraph of its
# docstring). A command's module is imported only when that command runs, so `--help` and each
# command pay for their own imports only; tests/test_startup.py checks this table against the
# commands themselves.
COMMANDS: dict[str, tuple[str, str]] = {
    "accept": ("review", "Accept a checked warning for one entry (e.g. missing-doi for a venue "
                         "that registered none)."),
    "add": ("enrich", "Add a paper by arXiv id, DOI, or a URL of either; complete entry in one "
                      "step."),
    "categories": ("output", "Print the taxonomy tree with the number of entries under each "
                             "node."),
    "check": ("review", "Validate the database; exit 1 when it has errors (warnings do not "
                        "fail)."),
    "diff": ("output", "Compare the database with an outside list."),
    "distinct": ("review", "Record that two entries are different papers, so check stops "
                           "reporting them as duplicates."),
    "enrich": ("enrich", "Fill in missing metadata from Crossref, arXiv and DBLP (safe to "
                         "interrupt; resumes)."),
    "export": ("exporting", "Export a category (and its descendants), or everything, in a "
                            "citing tool's format."),
    "import": ("build", "Create or update the database from an outside list."),
    "init": ("build", "Create a new database in DIRECTORY: an empty .bib and a commented "
                      "taxonomy template."),
    "keys": ("build", "Citation keys: assign final keys, rename explicitly."),
    "merge": ("build", "Merge a .bib or CSL-JSON file into the database (fill missing fields, "
                       "report conflicts)."),
    "refs": ("output", "A formatted reference list; --style survey --to markdown rebuilds the "
                       "survey's lists."),
    "site": ("output", "Build a static website: search, filters, category pages, BibTeX and "
                       "COinS per paper."),
    "stats": ("output", "Coverage per category: papers, with authors, with DOI, published or "
                        "preprint; by year."),
}  # fmt: skip


class LazyGroup(click.Group):
    """A group whose commands are registered by their modules (``@cli.command()``), imported
    the first time a command is looked up; the command list in ``--help`` comes from
    :data:`COMMANDS` without importing any of them."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            importlib.import_module(f"{__package__}.{COMMANDS[cmd_name][0]}")
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(n) for n in names)
        rows = []
        for name in names:
            cmd = self.commands.get(name)
            if cmd is None:
                rows.append((name, click.utils.make_default_short_help(COMMANDS[name][1], limit)))
            elif not cmd.hidden:
                rows.append((name, cmd.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    envvar="EFFLLM_BIB_DB",
    metavar="PATH",
    help="Database directory (or its .bib file). Default: $EFFLLM_BIB_DB, else the packaged refs/.",
)
@click.version_option(__version__, prog_name="effllm-bib")
@click.pass_context
def cli(ctx: click.Context, db: str | None) -> None:
    """The bibliography of 'Efficient Large Language Models: A Survey', as one checked database."""
    ctx.obj = State(db)


def _print_problems(problems: Iterable[Any], verbose: bool) -> None:
    from ..model import Severity

    for p in problems:
        if p.severity is Severity.INFO and not verbose:
            continue
        click.echo(str(p))


def _show_or_save(db: Any, before: str, dry_run: bool) -> None:
    after = db.text()
    if dry_run:
        from ..files import diff_to

        if after != before:  # from the file itself: a real run rewrites it whole
            sys.stdout.writelines(diff_to(db.bib_path, after, "after"))
        click.echo("dry run: nothing written.")
    elif after != before:
        db.save()
        click.echo(f"wrote {db.bib_path}")
    else:
        click.echo("no change.")


