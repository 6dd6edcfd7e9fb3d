"""Start-up: each command imports what it needs and nothing more (bench/startup_bench.py times
it). The commands' modules load lazily; the command list in --help comes from a table in
cli/app.py, which must agree with the commands themselves."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from effllm_bib.cli import app

from .conftest import REPO

# The modules a fresh interpreter loads to run the command line with some arguments (those it
# had loaded before, e.g. by a .pth file of the environment, do not count).
PROBE = """
import sys
before = set(sys.modules)
from effllm_bib.cli import cli
try:
    cli.main(sys.argv[2:], prog_name="effllm-bib")
except SystemExit:
    pass
with open(sys.argv[1], "w") as out:
    out.write("\\n".join(sorted(set(sys.modules) - before)))
"""

COMMAND_MODULES = [
    f"effllm_bib.cli.{m}" for m in ("building", "enriching", "exporting", "output", "review")
]
# Heavy modules no read-only command on a warm parse cache needs: parsers, HTTP, formatting.
HEAVY = [
    "bibtexparser",
    "pybtex",
    "habanero",
    "requests",
    "pylatexenc",
    "rapidfuzz",
    "tomllib",
    "platformdirs",
    "hashlib",
    "json",
    "tempfile",
    "difflib",
    "effllm_bib.bibio",
    "effllm_bib.names",
    "effllm_bib.latex",
    "effllm_bib.resolve",
    "effllm_bib.enrich",
]

CASES = [
    pytest.param([], ["effllm_bib.database", "effllm_bib.model", *COMMAND_MODULES, *HEAVY],
                 id="import-only"),
    pytest.param(["--help"], ["effllm_bib.database", "effllm_bib.model", *COMMAND_MODULES,
                              *HEAVY], id="help"),
    pytest.param(["--version"], ["effllm_bib.database", "effllm_bib.model", *COMMAND_MODULES, *HEAVY], id="version"),
    pytest.param(["export", "--help"], ["effllm_bib.database", "effllm_bib.cli.building",
                                        "effllm_bib.cli.enriching", *HEAVY], id="export-help"),
    pytest.param(["export", "--category", "pruning"],
                 ["effllm_bib.cli.building", "effllm_bib.cli.enriching", "effllm_bib.cli.review",
                  "effllm_bib.cli.output", *HEAVY], id="export-bibtex"),
    pytest.param(["export", "--category", "quantization", "--format", "biblatex"],
                 ["effllm_bib.cli.building", "effllm_bib.cli.enriching", *HEAVY], id="export-biblatex"),
    pytest.param(["categories"], ["effllm_bib.cli.building", "effllm_bib.cli.exporting",
                                  "effllm_bib.export.bibtex", *HEAVY], id="categories"),
]  # fmt: skip


def _loaded(tmp_path: Path, args: list[str]) -> set[str]:
    out = tmp_path / "modules.txt"
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    env.pop("EFFLLM_BIB_DB", None)  # the packaged database
    command = [sys.executable, "-c", PROBE, str(out), *args]
    subprocess.run(command, env=env, check=True, capture_output=True)  # warms the parse cache
    subprocess.run(command, env=env, check=True, capture_output=True)
    return set(out.read_text().split())


@pytest.mark.parametrize("args, not_loaded", CASES)
def test_a_command_loads_only_what_it_needs(tmp_path: Path, args: list[str], not_loaded: list[str]):
    loaded = _loaded(tmp_path, args)
    assert sorted(loaded.intersection(not_loaded)) == []


def test_the_probe_sees_what_a_command_loads(tmp_path: Path):
    """The guard above can fail: a command that needs a module shows it."""
    loaded = _loaded(tmp_path, ["export", "--category", "pruning", "--format", "csl-json"])
    assert {"effllm_bib.cli.exporting", "effllm_bib.database", "effllm_bib.names"} <= loaded


@pytest.mark.parametrize("name", sorted(app.COMMANDS))
def test_the_table_names_the_module_that_defines_the_command(name: str):
    """Looking a command up imports the module the table names, and that module defines it."""
    importlib.import_module(f"effllm_bib.cli.{app.COMMANDS[name].module}")
    command = app.cli.commands[name]
    assert command.callback is not None
    assert command.callback.__module__ == f"effllm_bib.cli.{app.COMMANDS[name].module}"


def test_a_command_help_starts_with_its_summary():
    """The table is the one copy of a summary: --help prints it, then the docstring."""
    result = CliRunner().invoke(app.cli, ["accept", "--help"], terminal_width=200)
    assert result.exit_code == 0
    paragraphs = [" ".join(p.split()) for p in result.output.split("\n\n")]
    assert paragraphs[1] == app.COMMANDS["accept"].summary
    assert paragraphs[2].startswith("It is recorded in accepted.toml beside the database;")


def test_every_command_is_in_the_table():
    _all_commands_loaded()
    assert sorted(app.cli.commands) == sorted(app.COMMANDS)


def _all_commands_loaded() -> None:
    for module in {c.module for c in app.COMMANDS.values()}:
        importlib.import_module(f"effllm_bib.cli.{module}")


@pytest.mark.parametrize("width", [60, 80, 120])
def test_help_lists_the_commands_as_click_would(width: int):
    """The listing from the table (a group with no command loaded) is click's own listing
    of the loaded commands, at any terminal width."""
    _all_commands_loaded()

    def listing(group: click.Group, format_commands: Callable[..., None]) -> str:
        ctx = click.Context(group, info_name="effllm-bib", terminal_width=width)
        formatter = ctx.make_formatter()
        format_commands(group, ctx, formatter)
        return formatter.getvalue()

    from_table = listing(app.LazyGroup(), app.LazyGroup.format_commands)
    assert from_table == listing(app.cli, click.Group.format_commands)
    assert [line.split()[0] for line in from_table.splitlines()[1:] if line[2] != " "] == sorted(
        app.COMMANDS
    )


def test_help_runs_through_the_command_line():
    result = CliRunner().invoke(app.cli, ["--help"])
    assert result.exit_code == 0
    assert all(f"  {name} " in result.output for name in app.COMMANDS)
