"""The command line: each command parses options, calls the library, and prints.

Exit codes: 0 success; 1 the data has errors (check) or an operation failed; 2 bad usage
(unknown category or key, bad option); 130 interrupted.
"""

from __future__ import annotations

import difflib
import json
import os
import sys
from collections.abc import Callable, Iterable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .export import BACKENDS, FORMATS, STYLES

F = TypeVar("F", bound=Callable[..., Any])


def _fail(message: str, code: int) -> None:
    click.echo(f"effllm-bib: error: {message}", err=True)
    sys.exit(code)


def friendly_errors(func: F) -> F:
    """Turn the library's errors into one line on stderr and an exit code; never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from .errors import EffllmBibError

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


class State:
    def __init__(self, db: str | None) -> None:
        self.db = db

    def load(self, create: bool = False, strict: bool = True):  # type: ignore[no-untyped-def]
        """Read-only: no lock is taken and nothing is written. ``strict=False`` reads a file
        with a repeated key or field as BibTeX does, and says so on stderr, line by line."""
        from .database import Database

        db = Database.load(self.db, create=create, strict=strict)
        for p in db.read_errors:
            click.echo(f"effllm-bib: warning: {p.where}: {p.message} [{p.code}]", err=True)
        return db

    def update(self, create: bool = False, dry_run: bool = False):  # type: ignore[no-untyped-def]
        """The database for a change, under its lock (a dry run reads it without the lock)."""
        from contextlib import nullcontext

        from .database import open_for_update

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
    from .model import Severity

    for p in problems:
        if p.severity is Severity.INFO and not verbose:
            continue
        click.echo(str(p))


def _show_or_save(db: Any, before: str, dry_run: bool) -> None:
    after = db.text()
    if dry_run:
        diff = difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=f"{db.bib_path} (now)",
            tofile=f"{db.bib_path} (after)",
        )
        sys.stdout.writelines(diff)
        click.echo("dry run: nothing written.")
    elif after != before:
        db.save()
        click.echo(f"wrote {db.bib_path}")
    else:
        click.echo("no change.")


# --- init ------------------------------------------------------------------------------------


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@friendly_errors
def init(directory: Path) -> None:
    """Create a new database in DIRECTORY: an empty .bib and a commented taxonomy template."""
    from .database import init_database

    bib_path, tax_path = init_database(directory)
    click.echo(f"created {bib_path} and {tax_path}; edit the categories, then use --db {directory}")


# --- import ----------------------------------------------------------------------------------


@cli.group("import")
def import_group() -> None:
    """Create or update the database from an outside list."""


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
    from .importers.survey import import_survey

    with state.update(create=True, dry_run=dry_run) as db:
        before = db.text() if db.bib_path.exists() else ""
        report = import_survey(db, path, prune=prune)
        _print_problems(report.problems, verbose)
        click.echo(f"survey import: {report.summary()}")
        _show_or_save(db, before, dry_run)


# --- merge -----------------------------------------------------------------------------------


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show the change as a diff; write nothing.")
@click.option("--overwrite", "overwrite", multiple=True, metavar="FIELD",
              help="Let the file's value replace the database's for FIELD (repeatable).")  # fmt: skip
@click.option("--add-new", is_flag=True, help="Add entries that match nothing (default: report).")
@click.option("--by-key", is_flag=True,
              help="Match entries by citation key first (look-up files written for this database).")  # fmt: skip
@click.option("--category", "categories", multiple=True, metavar="SLUG",
              help="Keyword(s) to give the merged entries.")  # fmt: skip
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
    """Merge a .bib or CSL-JSON file into the database (fill missing fields, report conflicts)."""
    from .merge import merge_file

    with state.update(dry_run=dry_run) as db:
        before = db.text()
        report = merge_file(db, file, overwrite={f.lower() for f in overwrite}, add_new=add_new,
                            categories=categories, by_key=by_key)  # fmt: skip
        _print_problems(report.problems, verbose)
        for change in report.changes:
            if change.kind == "conflict" or verbose:
                click.echo(f"{change.kind}: {change}")
        for old, new in report.renamed:
            click.echo(f"key: {old} -> {new}")
        click.echo(f"merge: {report.summary()}")
        _show_or_save(db, before, dry_run)


# --- keys ------------------------------------------------------------------------------------


@cli.group("keys")
def keys_group() -> None:
    """Citation keys: assign final keys, rename explicitly."""


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


# --- enrichment ------------------------------------------------------------------------------


def source_options(func: F) -> F:
    """Options shared by the commands that talk to Crossref and arXiv."""
    options = [
        click.option("--mailto", envvar="EFFLLM_BIB_MAILTO", metavar="EMAIL",
                     help="Your e-mail for Crossref's polite pool (or $EFFLLM_BIB_MAILTO)."),
        click.option("--crossref-url", envvar="EFFLLM_BIB_CROSSREF_URL", metavar="URL",
                     help="Crossref API base URL (or $EFFLLM_BIB_CROSSREF_URL)."),
        click.option("--arxiv-url", envvar="EFFLLM_BIB_ARXIV_URL", metavar="URL",
                     help="arXiv API query URL (or $EFFLLM_BIB_ARXIV_URL)."),
        click.option("--dblp-url", envvar="EFFLLM_BIB_DBLP_URL", metavar="URL",
                     help="DBLP base URL (or $EFFLLM_BIB_DBLP_URL)."),
        click.option("--offline", is_flag=True, help="Answer from the cache alone; send nothing."),
        click.option("--no-cache", is_flag=True, help="Neither read nor write the response cache."),
        click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path),
                     envvar="EFFLLM_BIB_CACHE_DIR",
                     help="Response cache (default: the user cache directory)."),
        click.option("--cache-days", type=float, default=30.0, show_default=True,
                     help="Cached responses older than this are fetched again."),
        click.option("--no-crossref", is_flag=True, help="Do not ask Crossref."),
        click.option("--no-arxiv", is_flag=True, help="Do not ask arXiv."),
        click.option("--no-dblp", is_flag=True, help="Do not ask DBLP (asked about preprints)."),
    ]  # fmt: skip
    for option in reversed(options):
        func = option(func)
    return func


def _sources(opts: dict[str, Any]):  # type: ignore[no-untyped-def]
    from .enrich.sources import make_sources

    if not opts["mailto"] and not opts["no_crossref"] and not opts["offline"]:
        click.echo(
            "note: no --mailto/EFFLLM_BIB_MAILTO; Crossref's public pool is slower.", err=True
        )
    return make_sources(
        crossref=not opts["no_crossref"], arxiv=not opts["no_arxiv"],
        crossref_url=opts["crossref_url"], arxiv_url=opts["arxiv_url"], mailto=opts["mailto"],
        cache_dir=opts["cache_dir"], cache_days=opts["cache_days"],
        use_cache=not opts["no_cache"], offline=opts["offline"],
    )  # fmt: skip


def _source_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    names = ("mailto", "crossref_url", "arxiv_url", "offline", "no_cache", "cache_dir",
             "cache_days", "no_crossref", "no_arxiv", "dblp_url", "no_dblp")  # fmt: skip
    return {n: kwargs.pop(n) for n in names}


def _dblp(opts: dict[str, Any]):  # type: ignore[no-untyped-def]
    from .enrich.sources import make_dblp

    if opts["no_dblp"]:
        return None
    return make_dblp(dblp_url=opts["dblp_url"], mailto=opts["mailto"], cache_dir=opts["cache_dir"],
                     cache_days=opts["cache_days"], use_cache=not opts["no_cache"],
                     offline=opts["offline"])  # fmt: skip


def _close(*sources: Any) -> None:
    for source in sources:
        if source is not None:
            source.client.close()


def _requests_line(*sources: Any) -> str:
    parts = []
    for source in sources:
        if source is not None:
            st = source.client.stats
            parts.append(f"{source.client.service}: {st.sent} requests, {st.cache_hits} from cache,"
                         f" {st.retries} retries, {st.seconds:.1f} s")  # fmt: skip
    return "; ".join(parts)


@cli.command()
@click.option("-c", "--category", "categories", multiple=True, metavar="SLUG",
              help="Only entries in these categories.")  # fmt: skip
@click.option("-k", "--keys", "keys", multiple=True, metavar="KEY", help="Only these entries.")
@click.option("--overwrite", "overwrite", multiple=True, metavar="FIELD",
              help="Let the sources replace FIELD (repeatable).")  # fmt: skip
@click.option("--upgrade-preprints", is_flag=True,
              help="Cite the published version of preprints (arXiv id and key kept).")  # fmt: skip
@click.option("--dry-run", is_flag=True, help="Show the changes as a diff; write nothing.")
@click.option("-v", "--verbose", is_flag=True, help="Also list every field change.")
@source_options
@pass_state
@friendly_errors
def enrich(state: State, /, categories: tuple[str, ...], keys: tuple[str, ...],
           overwrite: tuple[str, ...], upgrade_preprints: bool, dry_run: bool, verbose: bool,
           **kwargs: Any) -> None:  # fmt: skip
    """Fill in missing metadata from Crossref, arXiv and DBLP (safe to interrupt; resumes)."""
    from .enrich.engine import Enricher, select_keys
    from .enrich.engine import enrich as run_enrich

    opts = _source_kwargs(kwargs)
    with state.update(dry_run=dry_run) as db:
        chosen = select_keys(db, categories, keys)
        crossref, arxiv = _sources(opts)
        enricher = Enricher(db, crossref, arxiv, dblp=_dblp(opts),
                            overwrite={f.lower() for f in overwrite},
                            upgrade_preprints=upgrade_preprints)  # fmt: skip
        before = db.text()
        report = _run_enrich(db, enricher, chosen, dry_run, run_enrich)
        _print_problems(report.problems, verbose)
        for change in report.changes:
            if change.kind in ("conflict", "complete") or verbose:
                click.echo(f"{change.kind}: {change}")
        if not verbose:
            for p in report.problems:
                if p.code == "key-assigned":
                    click.echo(f"key: {p.message}")
        if report.aborted:
            click.echo(f"stopped: {report.aborted}", err=True)
        click.echo(f"enrich: {len(chosen)} entries: {report.summary()}")
        click.echo(_requests_line(*enricher.sources))
        _show_or_save(db, before, dry_run)
    if report.aborted:
        sys.exit(1)


def _run_enrich(db: Any, enricher: Any, chosen: list[str], dry_run: bool, run: Any) -> Any:
    """Run with a progress bar; on Ctrl-C or a crash, save what was done (not in a dry run)."""
    checkpoint = None if dry_run else db.save
    try:
        with click.progressbar(length=len(chosen), label="enrich", file=sys.stderr,
                               show_pos=True) as bar:  # fmt: skip
            return run(enricher, chosen, progress=lambda _key: bar.update(1), checkpoint=checkpoint)
    except KeyboardInterrupt:
        if not dry_run:
            db.save()
        _fail("interrupted; the entries enriched so far are saved. Run again to resume.", 130)
    except BaseException:
        if not dry_run:
            db.save()  # a crash keeps the work done so far (each entry is replaced whole)
        raise
    finally:
        _close(*enricher.sources)


@cli.command()
@click.argument("identifier")
@click.option("-c", "--category", "categories", multiple=True, metavar="SLUG",
              help="Category of the paper (repeatable; required when the database has a "
                   "taxonomy).")  # fmt: skip
@source_options
@pass_state
@friendly_errors
def add(state: State, /, identifier: str, categories: tuple[str, ...], **kwargs: Any) -> None:
    """Add a paper by arXiv id, DOI, or a URL of either; complete entry in one step."""
    from .enrich.add import add_paper
    from .enrich.engine import Enricher

    opts = _source_kwargs(kwargs)
    with state.update() as db:
        if not categories and db.has_taxonomy:
            raise click.UsageError("give the paper's category with -c SLUG (repeatable).")
        crossref, arxiv = _sources(opts)
        enricher = Enricher(db, crossref, arxiv, dblp=_dblp(opts))
        try:
            result = add_paper(enricher, identifier, categories)
        finally:
            _close(*enricher.sources)
        if result.changes:
            db.save()
        click.echo(result.message)


# --- export and browse -----------------------------------------------------------------------


@cli.command()
@click.option(
    "-c",
    "--category",
    "categories",
    multiple=True,
    metavar="SLUG",
    help="Category slug or alias (repeatable: union). Default: every entry.",
)
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
    help="Add the taxonomy as JabRef groups: Zotero and JabRef import them as nested collections.",
)
@click.option("--year", metavar="YEAR[-YEAR]", help="Only these years (2023, or 2022-2024).")
@click.option("--since", type=int, metavar="YEAR", help="Only this year and later.")
@click.option("--venue", metavar="NAME", help="Only this venue (NeurIPS, ICLR, ACL, or any text).")
@click.option("--published-only", is_flag=True, help="Drop arXiv-only preprints and web pages.")
@click.option("-k", "--keys", "keys", multiple=True, metavar="KEY", help="Only these keys.")
@click.option(
    "--keys-from",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Only the keys cited in a LaTeX .aux file (or listed one per line).",
)
@pass_state
@friendly_errors
def export(state: State, categories: tuple[str, ...], fmt: str, keyword_mode: str,
           output: Path | None, all_categories: bool, collections: bool, year: str | None,
           since: int | None, venue: str | None, published_only: bool, keys: tuple[str, ...],
           keys_from: Path | None) -> None:  # fmt: skip
    """Export a category (and its descendants), or everything, in a citing tool's format."""
    from .bibio import write_atomic
    from .export import EXTENSIONS, renderer, with_tags
    from .export.filters import Filters, keys_from_file, parse_years

    db = state.load(strict=False)
    wanted = set(keys) | (keys_from_file(keys_from) if keys_from else set())
    unknown = sorted(k for k in wanted if k not in db.entries)
    if unknown and not keys_from:
        db.get(unknown[0])  # an unknown key typed by hand is an error
    first, last = parse_years(year, since)
    filters = Filters(first, last, venue or "", published_only, frozenset(wanted))
    taxonomy = db.taxonomy if keyword_mode == "path" else db.taxonomy_or_none
    chosen = filters.apply(db.select(categories))
    if fmt in ("csl-json", "ris"):
        chosen = db.resolved(chosen)  # text formats: macros expanded, crossref inherited
    entries = with_tags(chosen, taxonomy, keyword_mode)

    def render(some: list[Any], header: str) -> str:
        if fmt in ("csl-json", "ris"):
            return renderer(fmt)(some, header)
        # .bib formats keep macros and crossref: with the @string definitions and targets used
        complete, strings = db.with_dependencies(some)
        text = renderer(fmt, strings)(complete, header)
        if collections:
            from .export.groups import with_groups

            within = db.taxonomy.subtree(list(categories)) if categories else None
            text = with_groups(text, db.taxonomy, chosen, within)
        return text

    if collections and (fmt not in ("bibtex", "biblatex") or all_categories):
        raise click.UsageError("--collections goes with --format bibtex or biblatex, "
                               "into one file (not --all-categories).")  # fmt: skip
    if all_categories:
        from .export.tree import write_tree

        if output is None:
            raise click.UsageError("--all-categories needs -o DIR.")
        written = write_tree(output, db.taxonomy, entries, EXTENSIONS[fmt], render)
        click.echo(f"wrote {len(written)} files under {output}", err=True)
        return
    scope = ", ".join(db.taxonomy.resolve(c) for c in categories) or "all categories"
    text = render(entries, f"% effllm-bib export: {len(entries)} entries ({scope})")
    if unknown:
        click.echo(f"note: {len(unknown)} cited keys are not in the database: "
                   f"{', '.join(unknown[:5])}", err=True)  # fmt: skip
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomic(output, text)
        click.echo(f"wrote {len(entries)} entries to {output}", err=True)


@cli.command()
@click.option(
    "-c",
    "--category",
    "categories",
    multiple=True,
    metavar="SLUG",
    help="Category slug or alias (repeatable). Default: every entry.",
)
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
@click.option("--no-cache", is_flag=True, help="Format every entry afresh (no on-disk cache).")
@pass_state
@friendly_errors
def refs(state: State, categories: tuple[str, ...], style: str, backend: str,
         output: Path | None, no_cache: bool) -> None:  # fmt: skip
    """A formatted reference list; --style survey --to markdown rebuilds the survey's lists."""
    from .bibio import write_atomic
    from .export.formatted import default_directory, render_entries, survey_markdown, write_list

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
        text = write_list(render_entries(entries, style, backend, cache, notes), backend)
        for note in notes:
            click.echo(f"note: {note}", err=True)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomic(output, text)
        click.echo(f"wrote {len(entries)} references to {output}", err=True)


@cli.group("diff")
def diff_group() -> None:
    """Compare the database with an outside list."""


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

    from .importers.survey import parse_survey
    from .importers.survey_diff import apply_to_readme, compare_survey

    db = state.load()
    if apply_:
        rewrites = apply_to_readme(db, path)
        for r in rewrites:
            click.echo(f"line {r.line}: {r.key} ({', '.join(r.kinds)})\n- {r.old}\n+ {r.new}")
        click.echo(f"diff: rewrote {len(rewrites)} bullets of {path}")
        return
    differences = compare_survey(db, parse_survey(path, db.taxonomy))
    for d in differences:
        click.echo(str(d))
    counts = Counter(d.kind for d in differences)
    summary = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())) or "none"
    click.echo(f"diff: {len(differences)} differences ({summary})")


@cli.command()
@pass_state
@friendly_errors
def categories(state: State) -> None:
    """Print the taxonomy tree with the number of entries under each node."""
    db = state.load(strict=False)
    counts = db.count_by_category()
    for slug in db.taxonomy.walk():
        node = db.taxonomy.get(slug)
        indent = "  " * db.taxonomy.depth(slug)
        aliases = f"  (aliases: {', '.join(node.aliases)})" if node.aliases else ""
        click.echo(f"{indent}{slug}: {node.name} [{counts[slug]}]{aliases}")


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="json: one object with every finding, for CI.")  # fmt: skip
@click.option("--fix", is_flag=True,
              help="Apply the safe normalisations first, showing the diff (see README).")  # fmt: skip
@click.option("--dry-run", is_flag=True, help="With --fix: show the diff, write nothing.")
@click.option(
    "-v", "--verbose", is_flag=True, help="Also list informational findings and accepted warnings."
)
@pass_state
@friendly_errors
def check(state: State, fmt: str, fix: bool, dry_run: bool, verbose: bool) -> None:
    """Validate the database; exit 1 when it has errors (warnings do not fail).

    Exit codes: 0 no errors, 1 errors found (or the database cannot be read), 2 bad usage.
    """
    from .check import check_database
    from .database import resolve_location

    if fix:
        from .fix import fix_entry

        with state.update(dry_run=dry_run) as db:
            before = db.text()
            for entry in list(db.entries.values()):
                db.put(fix_entry(entry))
            after = db.text()
            sys.stdout.writelines(difflib.unified_diff(
                before.splitlines(keepends=True), after.splitlines(keepends=True),
                fromfile=f"{db.bib_path} (now)", tofile=f"{db.bib_path} (fixed)"))  # fmt: skip
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


@cli.command()
@click.option("-o", "--output", "outdir", required=True, metavar="DIR",
              type=click.Path(file_okay=False, path_type=Path),
              help="Directory for the site (new, empty, or a site built before).")  # fmt: skip
@pass_state
@friendly_errors
def site(state: State, outdir: Path) -> None:
    """Build a static website: search, filters, category pages, BibTeX and COinS per paper."""
    from .site import build_site

    summary = build_site(state.load(), outdir)
    click.echo(f"wrote {summary.pages} pages ({summary.files} files, {summary.papers} papers, "
               f"{summary.categories} categories) to {summary.outdir}", err=True)  # fmt: skip


@cli.command()
@click.option("--depth", type=int, default=1, show_default=True, help="Taxonomy levels to list.")
@click.option("--plot", type=click.Path(dir_okay=False, path_type=Path),
              help="Also draw papers per year per top-level group into this PNG file.")  # fmt: skip
@pass_state
@friendly_errors
def stats(state: State, depth: int, plot: Path | None) -> None:
    """Coverage per category: papers, with authors, with DOI, published or preprint; by year."""
    from .stats import coverage, format_table, plot_years

    db = state.load(strict=False)
    figures = coverage(db)
    click.echo(format_table(db, figures, depth), nl=False)
    if plot is not None:
        try:
            plot_years(db, figures, plot)
        except ImportError:
            _fail("--plot needs matplotlib: pip install 'effllm-bib[plot]'.", 1)
        click.echo(f"wrote {plot}", err=True)


@cli.command()
@click.argument("first")
@click.argument("second")
@click.option("--reason", required=True, help="Why they are different papers (kept in the file).")
@pass_state
@friendly_errors
def distinct(state: State, first: str, second: str, reason: str) -> None:
    """Record that two entries are different papers, so check stops reporting them as duplicates."""
    from .decisions import record_distinct

    with state.update() as db:
        db.get(first), db.get(second)
        path = record_distinct(db.bib_path, first, second, reason)
    click.echo(f"recorded in {path}: {first} and {second} are different papers")


@cli.command()
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
    """Accept a checked warning for one entry (e.g. missing-doi for a venue that registered none).

    It is recorded in accepted.toml beside the database; check stops reporting it and reports
    the acceptance instead if the warning ever goes away. Only a warning check currently gives
    for KEY can be accepted.
    """
    from .check import accept_warning
    from .database import resolve_location
    from .decisions import Acceptance

    bib_path, tax_path = resolve_location(state.db)
    with state.update():
        path = accept_warning(bib_path, tax_path, Acceptance(rule_id, key, reason, source))
    click.echo(f"recorded in {path}: '{rule_id}' accepted for {key}")


def main() -> None:
    cli(prog_name="effllm-bib")
