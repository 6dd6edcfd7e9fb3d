"""The suite's own rules: tests that can fail.

- A function named ``test_*`` has no branch (``if``, conditional expression, ``match``): one of
  its paths could pass without asserting what the others do. Helpers and fixtures may branch.
- ``pytest.raises(Exception)`` passes on any bug that raises: name the real exception class.
- A ``# type: ignore[...]`` in the tests says why in a second comment on the same line.

``check_dir`` takes any tests directory, so the guard also reads another checkout's tests:
``python3 -c "import sys, pathlib; from tests.test_test_style import check_dir;
print(*check_dir(pathlib.Path(sys.argv[1])), sep=chr(10))" /path/to/tests``.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent

# (file name, test function, kind of branch) a test may keep, each with a comment saying why.
# There is none: keep it that way unless a test truly cannot be written without one.
ALLOWED: frozenset[tuple[str, str, str]] = frozenset()

BRANCHES: dict[type[ast.AST], str] = {
    ast.If: "if",
    ast.IfExp: "conditional expression",
    ast.Match: "match",
}

# a comment that is "type: ignore" or "type: ignore[code, ...]", then maybe "  # the reason"
IGNORE = re.compile(r"^#\s*type:\s*ignore\b(?:\[[^\]]*\])?(?P<rest>.*)$")


def _catch_all(node: ast.AST) -> str | None:
    """``Exception`` for ``pytest.raises(Exception, ...)`` (or ``BaseException``), else None."""
    if not (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "raises"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "pytest"
        and node.args
        and isinstance(node.args[0], ast.Name)
    ):
        return None
    name = node.args[0].id
    return name if name in {"Exception", "BaseException"} else None


def _branches(test: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> list[str]:
    found = []
    for node in ast.walk(test):
        if isinstance(node, ast.If | ast.IfExp | ast.Match):
            kind = BRANCHES[type(node)]
            if (name, test.name, kind) not in ALLOWED:
                found.append(f"{name}:{node.lineno}: {test.name}: {kind}")
    return found


def _bare_ignores(source: str, name: str) -> list[str]:
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        match = IGNORE.match(token.string) if token.type == tokenize.COMMENT else None
        if match and not re.match(r"\s*#\s*\S", match["rest"]):
            found.append(f"{name}:{token.start[0]}: type: ignore without a reason")
    return found


def violations(source: str, name: str) -> list[str]:
    """Every rule broken in ``source`` (the text of the file ``name``), as ``name:line: what``."""
    tree = ast.parse(source, filename=name)
    found = []
    for node in ast.walk(tree):
        caught = _catch_all(node)
        if caught and isinstance(node, ast.Call):
            found.append(f"{name}:{node.lineno}: pytest.raises({caught}) names no real error")
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
            "test_"
        ):
            found += _branches(node, name)
    return sorted(set(found + _bare_ignores(source, name)), key=lambda v: int(v.split(":")[1]))


def check_dir(tests_dir: Path) -> list[str]:
    """The violations of every ``test_*.py`` in ``tests_dir``."""
    return [
        v
        for path in sorted(tests_dir.glob("test_*.py"))
        for v in violations(path.read_text(encoding="utf-8"), path.name)
    ]


def test_no_test_branches_catch_all_raises_or_bare_ignores() -> None:
    found = check_dir(HERE)
    assert found == [], "\n".join(found)


SAMPLES = [
    pytest.param("def test_a(x):\n    if x:\n        return\n    assert x\n",
                 ["t.py:2: test_a: if"], id="if-in-test"),
    pytest.param("def test_a(x):\n    assert (1 if x else 2) == 1\n",
                 ["t.py:2: test_a: conditional expression"], id="ifexp-in-test"),
    pytest.param("def test_a(x):\n    match x:\n        case 1:\n            assert x\n",
                 ["t.py:2: test_a: match"], id="match-in-test"),
    pytest.param("async def test_a(x):\n    if x:\n        assert x\n",
                 ["t.py:2: test_a: if"], id="if-in-async-test"),
    pytest.param("class TestA:\n    def test_a(self, x):\n        if x:\n            assert x\n",
                 ["t.py:3: test_a: if"], id="if-in-test-method"),
    pytest.param("def test_a(x):\n    def inner(y):\n        return 1 if y else 2\n    assert inner(x)\n",
                 ["t.py:3: test_a: conditional expression"], id="ifexp-in-function-inside-test"),
    pytest.param("def test_a(x):\n    assert [y for y in x if y] == x\n",
                 [], id="comprehension-filter-is-no-branch"),
    pytest.param("def test_a():\n    with pytest.raises(Exception):\n        f()\n",
                 ["t.py:2: pytest.raises(Exception) names no real error"], id="raises-exception"),
    pytest.param("def test_a():\n    with pytest.raises(BaseException, match='x'):\n        f()\n",
                 ["t.py:2: pytest.raises(BaseException) names no real error"], id="raises-base-exception"),
    pytest.param("def test_a():\n    with pytest.raises(ValueError):\n        f()\n", [], id="raises-named"),
    pytest.param("def helper(x):\n    return 1 if x else 2\n\ndef test_a():\n    assert helper(1) == 1\n",
                 [], id="helper-may-branch"),
    pytest.param("import pytest\n\n@pytest.fixture\ndef db(x):\n    if x:\n        yield 1\n",
                 [], id="fixture-may-branch"),
    pytest.param("x = f()  # type: ignore[arg-type]\n",
                 ["t.py:1: type: ignore without a reason"], id="ignore-without-reason"),
    pytest.param("x = f()  # type: ignore\n",
                 ["t.py:1: type: ignore without a reason"], id="bare-ignore"),
    pytest.param("x = f()  # type: ignore[arg-type]  # a stand-in\n", [], id="ignore-with-reason"),
    pytest.param("x = '# type: ignore'\n", [], id="ignore-inside-a-string"),
]  # fmt: skip


@pytest.mark.parametrize(("source", "expected"), SAMPLES)
def test_the_guard_finds_what_it_should(source: str, expected: list[str]) -> None:
    assert violations(source, "t.py") == expected
