"""The toolchain is locked: the README's test command is the one CI runs, it installs from a lock
that pins every package exactly and agrees with pyproject.toml's ranges, and the environment the
tests run in is that lock."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from .toolchain import LOCK, REPO, drift, installed, read_lock


def readme_test_command() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)\n```", readme, re.S)
    command: str = next(b for b in blocks if "requirements/test.txt" in b and "pytest" in b)
    return command


def test_ci_runs_the_readme_test_command_as_written():
    """.ci/run keeps the command's status so that the non-gating check can follow it."""
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert f"{readme_test_command()} || status=$?" in ci


def test_the_test_command_installs_from_the_lock_only():
    """Every install step of the command is the lock, or the project without its dependencies."""
    steps = [s.strip() for s in readme_test_command().split("&&")]
    installs = [s for s in steps if " install " in f" {s} "]
    assert installs == [
        "pip install -r requirements/test.txt",
        "pip install --no-deps --no-build-isolation -e .",
    ]


@pytest.mark.parametrize(
    "line, expected",
    [
        pytest.param("click==8.5.1\n", {"click": "8.5.1"}, id="pin"),
        pytest.param("Jinja2==3.1.6\n    # via x\n", {"jinja2": "3.1.6"}, id="name-normalised"),
        pytest.param("colorama==0.4.6 ; sys_platform == 'nonesuch'\n", {}, id="marker-false"),
        pytest.param(
            "typing-extensions==4.16.0 ; python_full_version >= '3.0'\n",
            {"typing-extensions": "4.16.0"},
            id="marker-true",
        ),
    ],
)
def test_read_lock(tmp_path: Path, line: str, expected: dict[str, str]):
    lock = tmp_path / "lock.txt"
    lock.write_text("# header\n" + line, encoding="utf-8")
    assert read_lock(lock) == expected


@pytest.mark.parametrize("line", ["click>=8.1\n", "click\n", "-e .\n", "click~=8.5\n"])
def test_a_lock_line_that_is_not_an_exact_pin_is_an_error(tmp_path: Path, line: str):
    lock = tmp_path / "lock.txt"
    lock.write_text(line, encoding="utf-8")
    with pytest.raises(ValueError, match=r"lock.txt:1: not an exact pin"):
        read_lock(lock)


def test_drift_names_each_difference():
    lock = {"click": "8.5.1", "mypy": "2.4.1", "ruff": "0.17.6"}
    have = {"click": "8.6.0", "ruff": "0.17.6", "pip": "23.2.1", "extra": "1.0"}
    assert drift(lock, have) == [
        "click: locked 8.5.1, installed 8.6.0",
        "extra 1.0: installed, not in the lock",
        "mypy: locked at 2.4.1, not installed",
    ]


def _declared() -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    build = [
        line.strip()
        for line in (REPO / "requirements" / "build.in").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    declared = project["dependencies"] + project["optional-dependencies"]["test"] + build
    return [Requirement(r) for r in declared]


@pytest.mark.parametrize("requirement", _declared(), ids=str)
def test_the_lock_pins_each_declared_requirement_inside_its_range(requirement: Requirement):
    pinned = read_lock().get(canonicalize_name(requirement.name))
    assert pinned is not None, f"{requirement.name} is not in {LOCK.name}; refresh the lock"
    assert requirement.specifier.contains(pinned, prereleases=True)


@pytest.mark.skipif(
    os.environ.get("EFFLLM_BIB_UNLOCKED") == "1",
    reason="EFFLLM_BIB_UNLOCKED=1: a deliberate run with other versions (.ci/latest)",
)
def test_the_tests_run_in_the_locked_environment():
    """The tests judge the code with the locked tools; set EFFLLM_BIB_UNLOCKED=1 to run them
    in another environment on purpose."""
    assert drift(read_lock(), installed()) == []
