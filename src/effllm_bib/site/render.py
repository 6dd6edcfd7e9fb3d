"""Render the site: Jinja2 templates (autoescaped) and static files shipped in this package."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from ..database import Database
from ..errors import EffllmBibError, TaxonomyError
from ..export.bibtex import export_bibtex
from ..model import Entry
from .papers import DEFAULT_SORT, SORTS, STATUS_LABELS, Paper, papers_of, sort_ranks

if TYPE_CHECKING:
    from jinja2 import Environment

GENERATOR = "effllm-bib"
BIB_NAME = "effllm.bib"
ASSETS = ("site.css", "site.js")
DEFAULT_TITLE = "Bibliography"


@dataclass(frozen=True)
class TreeNode:
    slug: str
    name: str
    count: int
    children: tuple[TreeNode, ...]


@dataclass(frozen=True)
class SiteSummary:
    """What a build wrote: where, how many pages and files, how many papers."""

    outdir: Path
    pages: int
    files: int
    papers: int
    categories: int


class SiteError(EffllmBibError):
    """The site cannot be written where asked."""


def _environment() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=PackageLoader("effllm_bib.site", "templates"),
        autoescape=select_autoescape(["html"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["status_labels"] = STATUS_LABELS
    env.globals["sorts"] = {name: label for name, (label, _) in SORTS.items()}
    env.globals["default_sort"] = DEFAULT_SORT
    return env


def collection_title(path: Path) -> str:
    """The ``title = "..."`` a taxonomy file gives its collection, before its first table; ''
    when it gives none or there is no such file."""
    import tomllib

    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ""
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TaxonomyError(path, f"cannot read the title ({exc}).") from None
    title = doc.get("title", "")
    if not isinstance(title, str):
        raise TaxonomyError(path, 'title must be text: title = "...", before the first table.')
    return " ".join(title.split())


def site_title(db: Database, title: str | None = None) -> str:
    """The site's title and heading: ``title`` when given, else the one the taxonomy file gives
    its collection, else a plain 'Bibliography' (a site never takes another database's name)."""
    named = " ".join((title or "").split()) or collection_title(db.taxonomy_path)
    return named or DEFAULT_TITLE


def category_tree(db: Database, start: str | None, counts: dict[str, int]) -> tuple[TreeNode, ...]:
    """The children of ``start`` (the roots for None), each with its subtree and paper count."""

    def node(slug: str) -> TreeNode:
        kids = tuple(node(child) for child in db.taxonomy.children(slug))
        return TreeNode(slug, db.taxonomy.get(slug).name, counts[slug], kids)

    return tuple(node(slug) for slug in db.taxonomy.children(start))


def filter_choices(papers: list[Paper]) -> dict[str, object]:
    """The venues (with counts), years and statuses the papers of one page have."""
    venues = Counter(p.venue for p in papers)
    years = sorted({p.year_number for p in papers if p.year_number})
    statuses = [s for s in STATUS_LABELS if any(p.status == s for p in papers)]
    return {
        "venues": sorted(venues.items(), key=lambda kv: kv[0].casefold()),
        "years": years,
        "statuses": statuses,
    }


def _is_previous_site(outdir: Path) -> bool:
    index = outdir / "index.html"
    return index.is_file() and f'name="generator" content="{GENERATOR}"' in index.read_text(
        encoding="utf-8", errors="replace"
    )


def build_site(db: Database, outdir: Path, title: str | None = None) -> SiteSummary:
    """Write the site into ``outdir``: ``index.html``, ``c/SLUG.html`` and ``c/SLUG.bib`` per
    category, the whole ``effllm.bib``, and the assets. ``title`` names the site (see
    :func:`site_title`).

    The site is built in a temporary directory beside ``outdir`` and moved into place at the
    end, so a failure leaves the previous site whole. An existing ``outdir`` is replaced only
    when it is empty or a site this function wrote; anything else is refused.
    """
    outdir = Path(outdir)
    if outdir.exists() and not outdir.is_dir():
        raise SiteError(f"{outdir}: is a file; give a directory for the site.")
    if outdir.is_dir() and any(outdir.iterdir()) and not _is_previous_site(outdir):
        raise SiteError(
            f"{outdir}: not empty and not a site effllm-bib built; give a new or empty directory."
        )
    outdir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.", suffix=".tmp", dir=outdir.parent))
    try:
        summary = _write(db, staging, site_title(db, title))
        _replace(staging, outdir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return SiteSummary(outdir, summary.pages, summary.files, summary.papers, summary.categories)


def _replace(staging: Path, outdir: Path) -> None:
    os.chmod(staging, 0o755)
    if not outdir.exists():
        os.replace(staging, outdir)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.old.", dir=outdir.parent))
    old.rmdir()
    os.replace(outdir, old)
    os.replace(staging, outdir)
    shutil.rmtree(old, ignore_errors=True)


def _write(db: Database, out: Path, title: str) -> SiteSummary:
    env = _environment()
    taxonomy = db.taxonomy
    counts = db.count_by_category()
    entries = db.select()
    papers = {p.key: p for p in papers_of(entries, taxonomy)}
    ordered = list(papers.values())
    ranks = sort_ranks(ordered)
    files: list[Path] = []

    def write(relative: str, text: str) -> None:
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        files.append(path)

    def bib(chosen: list[Entry], scope: str) -> str:
        return export_bibtex(chosen, f"% effllm-bib export: {len(chosen)} entries ({scope})")

    for name in ASSETS:
        write(f"assets/{name}", (resources.files(__package__) / "static" / name).read_text("utf-8"))
    write(BIB_NAME, bib(entries, "all categories"))
    common = {
        "generator": GENERATOR,
        "total": len(ordered),
        "bib_name": BIB_NAME,
        "title": title,
        "ranks": ranks,
    }
    tree = category_tree(db, None, counts)
    # A paper's card is the same on every page at one depth: made once per depth, not per page.
    card = env.get_template("macros.html").module.paper  # type: ignore[attr-defined]  # a macro
    cards = {root: {p.key: card(p, root, ranks) for p in ordered} for root in ("", "../")}
    write(
        "index.html",
        env.get_template("index.html").render(
            root="",
            papers=ordered,
            tree=tree,
            choices=filter_choices(ordered),
            view_bib=BIB_NAME,
            cards=cards[""],
            **common,
        ),
    )
    under = {p.key: set(p.nodes) for p in ordered}  # an entry's keywords and their ancestors
    for slug in taxonomy.walk():
        chosen = [e for e in entries if slug in under[e.key]]
        shown = [p for p in ordered if slug in under[p.key]]
        crumbs = [(s, taxonomy.get(s).name) for s in reversed(taxonomy.ancestors(slug))]
        write(f"c/{slug}.bib", bib(chosen, slug))
        write(
            f"c/{slug}.html",
            env.get_template("category.html").render(
                root="../",
                papers=shown,
                category=taxonomy.get(slug),
                count=counts[slug],
                crumbs=crumbs,
                path={s for s, _ in crumbs},
                tree=tree,
                view_bib=f"{slug}.bib",
                cards=cards["../"],
                subcategories=bool(taxonomy.children(slug)),
                choices=filter_choices(shown),
                **common,
            ),
        )
    pages = sum(1 for f in files if f.suffix == ".html")
    return SiteSummary(out, pages, len(files), len(ordered), len(taxonomy))
