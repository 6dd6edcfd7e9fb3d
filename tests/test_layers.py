"""The layer map: every module has a place, and imports point one way (STYLE.md: cli -> rooms ->
database -> BibTeX reading and writing -> model). Read from the source's syntax tree, so an import
inside a function counts as much as one at the top. Also: no import cycle, no module name used
twice, no module over 400 lines, and the README's Layout names every module."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from pathlib import Path

import pytest

import effllm_bib

PACKAGE = Path(effllm_bib.__file__).resolve().parent
REPO = PACKAGE.parent.parent
BENCH = REPO / "bench"

# Lowest layer first. A module may import from its own room or from any room of a lower layer;
# rooms of one layer are siblings and do not import each other.
LAYERS: list[tuple[str, dict[str, list[str]]]] = [
    (
        "model",
        {
            "model": [
                "effllm_bib",  # the package itself: __version__
                "errors",
                "model",
                "changes",
                "identifiers",
                "vocab",
                "latex",
                "tex_escape",
                "compare",
                "files",
                "wording",
                "writer_lock",
                "cache",
                "evidence",
            ]
        },
    ),
    (
        "knowledge",
        {"knowledge": ["names", "venues", "resolve", "taxonomy", "location", "decisions"]},
    ),
    (
        "bibtex",
        {
            "bibtex": [
                "parsed",
                "bib_syntax",
                "reader_findings",
                "bibio",
                "parse_cache",
                "canonical",
                "bib_patch",
                "keys",
                "csl_read",
            ]
        },
    ),
    (
        "database",
        {
            "database": [
                "database",
                "survey_record",
                "identify",
                "incoming",
                "fix",
                "merge",
                "stats",
            ]
        },
    ),
    (
        "rooms",
        {
            "importers": ["importers"],
            "enrich": ["enrich"],
            "export": ["export"],
            "check": ["check"],
        },
    ),
    ("site", {"site": ["site"]}),
    ("cli", {"cli": ["cli", "__main__"]}),
]

# (importing module, imported module) pairs that cross between sibling rooms on purpose.
ALLOWED = {
    # The survey's list format is defined once, as the survey style (a pybtex plugin): 'diff
    # survey' compares the list with what the style writes and rewrites bullets with it.
    ("effllm_bib.importers.survey_diff", "effllm_bib.export.survey_style"),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def is_module(package: str, name: str) -> bool:
    """Whether ``name`` in ``from package import name`` is one of our modules (not a function)."""
    return f"{package}.{name}" in MODULES


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, absolute; ``from . import x`` counts as ``package.x``, and
    as the package itself only when it also takes a name that is not a module."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            parts = package.split(".")
            base = parts[: len(parts) - node.level + 1] if node.level else []
            absolute = ".".join([*base, *([node.module] if node.module else [])])
            submodules = {f"{absolute}.{a.name}" for a in node.names if is_module(absolute, a.name)}
            found.update(submodules)
            if len(submodules) < len(node.names):
                found.add(absolute)
    return found


def graph() -> dict[str, set[str]]:
    """Our module -> our modules it imports."""
    return {
        name: {m for m in imported_modules(path) if m in MODULES and m != name}
        for name, path in MODULES.items()
    }


def full_name(prefix: str) -> str:
    """A prefix of LAYERS as a module name (``effllm_bib`` is the package itself)."""
    return prefix if prefix == "effllm_bib" else f"effllm_bib.{prefix}"


def short_name(module: str) -> str:
    """What a reader sees of a module: its file's name, or its package's for ``__init__``."""
    path = MODULES[module]
    return module.rpartition(".")[2] if path.name in ("__init__.py", "__main__.py") else path.stem


def room_of(module: str) -> tuple[int, str]:
    """(layer index, room name) of a module; the longest prefix listed wins."""
    best: tuple[int, int, str] | None = None
    for index, (_, rooms) in enumerate(LAYERS):
        for room, prefixes in rooms.items():
            for prefix in prefixes:
                full = full_name(prefix)
                inside = prefix != "effllm_bib" and module.startswith(f"{full}.")
                if (module == full or inside) and (best is None or len(full) > best[0]):
                    best = (len(full), index, room)
    assert best is not None, f"{module} has no place in LAYERS; add it to its layer"
    return best[1], best[2]


def test_imported_modules_resolves_relative_imports():
    here = PACKAGE / "importers" / "survey_diff.py"
    assert {"effllm_bib.database", "effllm_bib.importers.survey", "re"} <= imported_modules(here)


def test_from_package_import_submodule_is_not_an_import_of_the_package():
    runner = imported_modules(PACKAGE / "check" / "runner.py")
    assert "effllm_bib.check.general" in runner and "effllm_bib.check" not in runner


@pytest.mark.parametrize("module", sorted(MODULES))
def test_every_module_has_one_place_in_the_map(module: str):
    places = [
        (layer, room)
        for layer, rooms in LAYERS
        for room, prefixes in rooms.items()
        for prefix in prefixes
        if module == full_name(prefix)
    ]
    assert len(places) <= 1
    room_of(module)


def upward_imports(edges: dict[str, set[str]]) -> set[tuple[str, str]]:
    """(module, imported) for each import of a higher layer or of a sibling room."""
    wrong = set()
    for module, imported in edges.items():
        layer, room = room_of(module)
        for target in imported:
            target_layer, target_room = room_of(target)
            if target_layer > layer or (target_layer == layer and target_room != room):
                wrong.add((module, target))
    return wrong


def test_no_import_runs_up_a_layer_or_across_rooms():
    assert upward_imports(graph()) - ALLOWED == set()


def test_the_allowed_crossings_are_still_needed():
    assert upward_imports(graph()) >= ALLOWED


def test_the_layer_check_can_fail():
    fake = {"effllm_bib.model": {"effllm_bib.database"}, "effllm_bib.enrich.engine": set()}
    fake["effllm_bib.export.bibtex"] = {"effllm_bib.enrich.engine"}
    assert upward_imports(fake) == {
        ("effllm_bib.model", "effllm_bib.database"),
        ("effllm_bib.export.bibtex", "effllm_bib.enrich.engine"),
    }


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle():
    assert cycles(graph()) == []


def test_the_cycle_check_can_fail():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_name_is_used_twice():
    """A reader who sees a module's name knows which one it is: no two modules, and no module
    and package, share a name."""
    names: dict[str, list[str]] = {}
    for name in MODULES:
        names.setdefault(short_name(name), []).append(name)
    assert {n: where for n, where in names.items() if len(where) > 1} == {}


def _sizes(paths: Iterable[Path], root: Path) -> dict[str, int]:
    return {
        str(p.relative_to(root)): len(p.read_text(encoding="utf-8").splitlines()) for p in paths
    }


def test_no_module_is_over_400_lines():
    """Small rooms: a module that grows past 400 lines is split by job."""
    sizes = _sizes(MODULES.values(), PACKAGE) | _sizes(BENCH.glob("*.py"), REPO)
    assert {name: n for name, n in sizes.items() if n > 400} == {}


def layout_paths() -> set[str]:
    """The module paths the README's Layout names (``cli/app.py``, ``bench/export_bench.py``)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```\n(.*?)```", section, re.S)
    return {p for block in blocks for p in re.findall(r"[\w/]+\.py\b", block)}


def test_the_readme_layout_names_every_module():
    ours = {str(p.relative_to(PACKAGE)) for p in MODULES.values()}
    ours = {p for p in ours if not p.endswith("/__init__.py")}  # a package's own: the package
    bench = {f"bench/{p.name}" for p in BENCH.glob("*.py")}
    named = layout_paths()
    assert {"missing": sorted((ours | bench) - named), "gone": sorted(named - ours - bench)} == {
        "missing": [],
        "gone": [],
    }
