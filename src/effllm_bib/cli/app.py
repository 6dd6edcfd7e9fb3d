"""The click group, the shared state and error handling of every command."""

from __future__ import annotations

import gc
import importlib
import inspect
import os
import sys
from collections.abc import Callable, Iterable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar, cast

import click

from .. import __version__

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from ..database import Database
    from ..enrich.http import Clock

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
    def __init__(self, db: str | None = None, clock: Clock | None = None) -> None:
        self.db = db
        self.clock = clock  # what the outside services' waits are spent on; None: the real one
        self.strings: tuple[Path, ...] = ()  # --strings: definitions read before the database

    def load(self, create: bool = False, strict: bool = True) -> Database:
        """Read-only: no lock is taken and nothing is written. ``strict=False`` reads a file
        with a repeated key or field as BibTeX does, and says so on stderr, line by line."""
        from ..database import Database

        db = Database.load(self.db, create=create, strict=strict, strings_from=self.strings)
        # The database lives until the command ends: frozen, it is left out of the collections
        # that the command's own allocations trigger (README, Benchmarks: what it saves).
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


class Command(NamedTuple):
    module: str  # the module under cli/ that defines the command
    summary: str  # its short help in the command list, and the first paragraph of its --help


# Every command, with the one copy of its summary. A command's module is imported only when that
# command runs, so `--help` and each command pay for their own imports only.
COMMANDS: dict[str, Command] = {
    "accept": Command(
        "review",
        "Accept a checked warning for one entry (e.g. missing-doi for a venue that registered none).",
    ),
    "add": Command(
        "enriching", "Add a paper by arXiv id, DOI, or a URL of either; complete entry in one step."
    ),
    "categories": Command(
        "output", "Print the taxonomy tree with the number of entries under each node."
    ),
    "check": Command(
        "review", "Validate the database; exit 1 when it has errors (warnings do not fail)."
    ),
    "diff": Command("output", "Compare the database with an outside list."),
    "distinct": Command(
        "review",
        "Record that two entries are different papers, so check stops reporting them as "
        "duplicates.",
    ),
    "enrich": Command(
        "enriching",
        "Fill in missing metadata from Crossref, arXiv, DBLP and OpenReview (safe to interrupt).",
    ),
    "export": Command(
        "exporting",
        "Export a category (and its descendants), or everything, in a citing tool's format.",
    ),
    "format": Command(
        "review",
        "Rewrite the .bib in canonical form (sorted, reformatted); --check for CI.",
    ),
    "import": Command("building", "Create or update the database from an outside list."),
    "init": Command(
        "building",
        "Create a new database in DIRECTORY: an empty .bib and a commented taxonomy template.",
    ),
    "keys": Command("building", "Citation keys: assign final keys, rename explicitly."),
    "merge": Command(
        "building",
        "Merge a .bib or CSL-JSON file into the database (fill missing fields, report conflicts).",
    ),
    "refs": Command(
        "output",
        "A formatted reference list; --style survey --to markdown rebuilds the survey's lists.",
    ),
    "site": Command(
        "output",
        "Build a static website: search, filters, category pages, BibTeX and COinS per paper.",
    ),
    "stats": Command(
        "output",
        "Coverage per category: papers, with authors, with DOI, published or preprint; by year.",
    ),
}


class LazyGroup(click.Group):
    """A group whose commands are registered by their modules (:func:`command`, :func:`group`),
    imported the first time a command is looked up; the command list in ``--help`` comes from
    :data:`COMMANDS` without importing any of them."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            importlib.import_module(f"{__package__}.{COMMANDS[cmd_name].module}")
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # The summaries are given to the commands as short_help, which click prints whole.
        rows = [(name, COMMANDS[name].summary) for name in sorted(COMMANDS)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    envvar="EFFLLM_BIB_DB",
    metavar="PATH",
    help="Database directory (or its .bib file). Default: $EFFLLM_BIB_DB, else the packaged refs/.",
)
@click.option(
    "--strings",
    "strings",
    multiple=True,
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    help="@string definitions from another .bib, read before the database as BibTeX reads "
    "\\bibliography{abbrev,papers} (repeatable; never written to).",
)
@click.version_option(__version__, prog_name="effllm-bib")
@click.pass_context
def cli(ctx: click.Context, db: str | None, strings: tuple[Path, ...]) -> None:
    """The bibliography of 'Efficient Large Language Models: A Survey', as one checked database."""
    # A caller may hand in its own State (``cli.main(obj=State(clock=...))``): options fill it in.
    state = ctx.ensure_object(State)
    state.db, state.strings = db, strings


def _help(name: str, func: Callable[..., Any]) -> dict[str, str]:
    """click's help texts of command ``name``: the table's summary, then the function's docstring,
    which says only what the summary does not."""
    summary = COMMANDS[name].summary
    more = inspect.getdoc(func)
    return {"short_help": summary, "help": f"{summary}\n\n{more}" if more else summary}


def command(name: str) -> Callable[[Callable[..., Any]], click.Command]:
    """Declare the top-level command ``name`` of :data:`COMMANDS`."""

    def register(func: Callable[..., Any]) -> click.Command:
        return cli.command(name, **_help(name, func))(func)

    return register


def group(name: str) -> Callable[[Callable[..., Any]], click.Group]:
    """Declare the top-level group of subcommands ``name`` of :data:`COMMANDS`."""

    def register(func: Callable[..., Any]) -> click.Group:
        return cli.group(name, **_help(name, func))(func)

    return register


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
