"""Imports point one way (STYLE.md: cli -> importers | enrich | export -> database -> bibio/model):
a lower room never imports from a higher one. Read from the source's syntax tree, so an import
inside a function counts as much as one at the top."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import effllm_bib

PACKAGE = Path(effllm_bib.__file__).resolve().parent

# (importing module, imported module) pairs that cross a layer on purpose, each with its reason.
ALLOWED = {
    # The survey's list format is defined once, as the survey style (a pybtex plugin): 'diff
    # survey' compares the list with what the style writes and rewrites bullets with it.
    ("effllm_bib.importers.survey_diff", "effllm_bib.export.survey_style"),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, absolute; ``from . import x`` counts as ``package.x``."""
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
            found.add(absolute)
            found.update(f"{absolute}.{a.name}" for a in node.names if is_module(absolute, a.name))
    return found


def is_module(package: str, name: str) -> bool:
    """Whether ``name`` in ``from package import name`` is one of our modules (not a function)."""
    where = PACKAGE.parent.joinpath(*package.split("."), name)
    return package.startswith("effllm_bib") and (
        where.is_dir() or where.with_suffix(".py").is_file()
    )


def crossings(modules: list[Path], higher: tuple[str, ...]) -> set[tuple[str, str]]:
    """(module, imported) for each import of ``modules`` from a package in ``higher``."""
    return {
        (module_name(path), imported)
        for path in modules
        for imported in imported_modules(path)
        if any(imported == h or imported.startswith(f"{h}.") for h in higher)
    }


def test_imported_modules_resolves_relative_imports():
    here = PACKAGE / "importers" / "survey_diff.py"
    assert {"effllm_bib.database", "effllm_bib.importers.survey", "re"} <= imported_modules(here)


def rooms(*names: str) -> tuple[str, ...]:
    return tuple(f"effllm_bib.{name}" for name in names)


SMALL_ROOMS = [
    PACKAGE / f"{name}.py"
    for name in ("changes", "identifiers", "latex", "tex_escape", "text", "venues", "vocab")
]


@pytest.mark.parametrize(
    "modules, higher",
    [
        pytest.param(
            sorted((PACKAGE / "importers").glob("*.py")),
            rooms("cli", "site", "export"),
            id="importers-below-export-site-cli",
        ),
        pytest.param(
            sorted((PACKAGE / "export").glob("*.py")),
            rooms("cli", "site", "importers"),
            id="export-below-site-cli",
        ),
        pytest.param(
            [
                PACKAGE / f"{name}.py"
                for name in ("merge", "match", "fix", "incoming", "survey_record", "csl_read")
            ],
            rooms("cli", "site", "export", "importers", "enrich", "check"),
            id="library-operations-below-the-rooms-that-use-them",
        ),
        pytest.param(
            SMALL_ROOMS,
            rooms("cli", "site", "export", "importers", "enrich", "check", "database", "bibio"),
            id="small-rooms-below-everything",
        ),
    ],
)
def test_no_import_from_a_higher_room(modules, higher):
    assert modules
    assert crossings(modules, higher) - ALLOWED == set()


def test_the_allowed_crossings_are_still_needed():
    importers = sorted((PACKAGE / "importers").glob("*.py"))
    assert crossings(importers, ("effllm_bib.export",)) == ALLOWED


def test_no_module_is_over_400_lines():
    """Small rooms (issue 12): a module that grows past 400 lines is split by job."""
    sizes = {
        str(p.relative_to(PACKAGE)): len(p.read_text(encoding="utf-8").splitlines())
        for p in PACKAGE.rglob("*.py")
    }
    assert {name: n for name, n in sizes.items() if n > 400} == {}
