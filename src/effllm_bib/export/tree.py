"""Export of every category at once: one file per node, in folders that mirror the taxonomy."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import EffllmBibError
from ..files import write_atomic
from ..model import Entry
from ..taxonomy import Taxonomy


def category_path(outdir: Path, taxonomy: Taxonomy, slug: str, extension: str) -> Path:
    """``outdir/model-centric/model-compression/quantization.bib``; never outside ``outdir``."""
    parts = [*reversed(taxonomy.ancestors(slug)), slug]
    path = outdir.joinpath(*parts[:-1], parts[-1] + extension)
    root = outdir.resolve()
    if not path.resolve().is_relative_to(root):  # slugs are validated; this guards the guarantee
        raise EffllmBibError(f"category '{slug}' would be written outside {outdir}; refused.")
    return path


def write_tree(
    outdir: Path,
    taxonomy: Taxonomy,
    entries: list[Entry],
    extension: str,
    render: Callable[[list[Entry], str], str],
) -> list[tuple[Path, int]]:
    """Write the entries of every non-empty category (descendants included). Returns (path, n)."""
    written = []
    for slug in taxonomy.walk():
        nodes = set(taxonomy.walk(slug))
        chosen = [e for e in entries if nodes.intersection(e.keywords)]
        if not chosen:
            continue
        path = category_path(outdir, taxonomy, slug, extension)
        header = f"% effllm-bib export: {len(chosen)} entries ({slug})"
        write_atomic(path, render(chosen, header))
        written.append((path, len(chosen)))
    return written
