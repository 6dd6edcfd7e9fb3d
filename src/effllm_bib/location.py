"""Where a database is (``--db``, ``$EFFLLM_BIB_DB``, the packaged ``refs/``), what to say when
a folder holds none, and ``init``, which makes a new one."""

from __future__ import annotations

import os
from pathlib import Path

from . import files
from .errors import DatabaseError

BIB_NAME = "effllm.bib"
TAXONOMY_NAME = "taxonomy.toml"
ENV_VAR = "EFFLLM_BIB_DB"
HEADER = (
    "% effllm-bib: the bibliography of 'Efficient Large Language Models: A Survey'.\n"
    "% Written by effllm-bib in canonical form; edit freely, then run 'effllm-bib check'."
)


def packaged_refs() -> Path:
    """The database shipped with the package (wheel), or the repository's ``refs/`` (editable)."""
    here = Path(__file__).resolve().parent
    shipped = here / "_refs"  # installed from a wheel (no importlib.resources: it costs start-up)
    return shipped if shipped.is_dir() else here.parents[1] / "refs"


def parse_cache_dir() -> Path | None:
    """Where parsed databases are cached (``$EFFLLM_BIB_CACHE_DIR`` or the user cache)."""
    from .cache import cache_root

    try:
        return cache_root() / "parsed"
    except Exception:  # no usable cache directory: parse every time
        return None


def resolve_location(db: str | os.PathLike[str] | None) -> tuple[Path, Path]:
    """(bib file, taxonomy file) for ``--db``, ``$EFFLLM_BIB_DB`` or the packaged database.

    ``--db`` may name the directory or the .bib file; the taxonomy sits beside the .bib file
    (it may not exist: a lone .bib file is a database without categories).
    """
    raw = db if db is not None else os.environ.get(ENV_VAR) or None
    base = Path(raw) if raw is not None else packaged_refs()
    if base.suffix == ".bib":
        return base, base.with_name(TAXONOMY_NAME)
    return base / BIB_NAME, base / TAXONOMY_NAME


def no_database(bib_path: Path) -> str | None:
    """What to say when ``--db`` names a folder without ``effllm.bib`` (None for anything else):
    the folder's own .bib files to open instead, or ``init`` to start a database there."""
    folder = bib_path.parent
    if bib_path.name != BIB_NAME or bib_path.exists() or folder == packaged_refs():
        return None
    import shlex  # only on this error path: commands that read start faster

    init = f"run 'effllm-bib init {shlex.quote(str(folder))}' to start a database there"
    if folder.is_file():
        return f"{folder}: --db takes a folder or a file ending in .bib; rename it to end in .bib."
    if not folder.is_dir():
        return f"{folder}: no such folder; check the path, or {init}."
    bibs = sorted(p.name for p in folder.glob("*.bib"))
    if not bibs:
        return f"{folder}: holds no database; {init}, or give --db FILE.bib."
    named = ", ".join(bibs[:3]) + (f" and {len(bibs) - 3} more" if len(bibs) > 3 else "")
    one = shlex.quote(str(folder / bibs[0]))
    return (
        f"{folder}: holds {named} but no database of its own; open one with --db {one}, or {init}."
    )


TAXONOMY_TEMPLATE = """\
# The categories of this bibliography, for effllm-bib (see `effllm-bib categories`).
#
# One [[category]] table per node, parents before children.
#   slug     stable identifier, written in the `keywords` field of the .bib file
#   name     the display name
#   parent   slug of the parent node (absent for top-level nodes)
#   aliases  other names you may type after --category; unique across the file
#
# Give an entry a category with `effllm-bib merge --category SLUG FILE` or by adding the slug to
# its `keywords` field; export one category (and its descendants) with `export -c SLUG`.
# Keywords that are not slugs belong in a field of their own (`tags`).
#
# effllm-bib needs at least one category; rename this one or add your own, for example:
#
#   [[category]]
#   slug = "methods"
#   name = "Methods"
#
#   [[category]]
#   slug = "pruning"
#   name = "Pruning"
#   parent = "methods"
#   aliases = ["sparsity"]

[[category]]
slug = "unsorted"
name = "Unsorted"
"""


def init_database(directory: Path) -> tuple[Path, Path]:
    """Create a new database in ``directory``: an empty ``effllm.bib`` and a commented
    ``taxonomy.toml``. Refuses to replace either file."""
    bib_path, tax_path = directory / BIB_NAME, directory / TAXONOMY_NAME
    existing = [p for p in (bib_path, tax_path) if p.exists()]
    if existing:
        raise DatabaseError(
            f"{existing[0]}: already exists; init creates a new database only, "
            "choose an empty directory."
        )
    directory.mkdir(parents=True, exist_ok=True)
    files.write_atomic(tax_path, TAXONOMY_TEMPLATE)
    files.write_atomic(bib_path, "")
    return bib_path, tax_path
