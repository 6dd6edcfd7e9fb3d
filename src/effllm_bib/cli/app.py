"""The click group, the shared state and error handling of every command."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

import click

from .. import __version__

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

    return wrapper  # type: ignore[return-value]


def category_option(
    help: str = "Category slug or alias, with its descendants (repeatable: union). "
    "Default: every entry.",
) -> Callable[[F], F]:
    """``-c/--category SLUG``, declared once for every command that takes categories."""
    return click.option("-c", "--category", "categories", multiple=True, metavar="SLUG", help=help)


class State:
    def __init__(self, db: str | None) -> None:
        self.db = db

    def load(self, create: bool = False, strict: bool = True):  # type: ignore[no-untyped-def]
        """Read-only: no lock is taken and nothing is written. ``strict=False`` reads a file
        with a repeated key or field as BibTeX does, and says so on stderr, line by line."""
        from ..database import Database

        db = Database.load(self.db, create=create, strict=strict)
        for p in db.read_errors:
            click.echo(f"effllm-bib: warning: {p.where}: {p.message} [{p.code}]", err=True)
        return db

    def update(self, create: bool = False, dry_run: bool = False):  # type: ignore[no-untyped-def]
        """The database for a change, under its lock (a dry run reads it without the lock)."""
        from contextlib import nullcontext

        from ..database import open_for_update

        if dry_run:
            return nullcontext(self.load(create=create))
        return open_for_update(self.db, create=create)


pass_state = click.make_pass_decorator(State)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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


