"""The command line: each command parses options, calls the library, and prints.

Exit codes: 0 success; 1 the data has errors (check) or an operation failed; 2 bad usage
(unknown category or key, bad option); 130 interrupted.
"""

from __future__ import annotations

from . import build, enrich, output, review  # noqa: F401  (each module registers its commands)
from .app import cli

__all__ = ["cli", "main"]


def main() -> None:
    cli(prog_name="effllm-bib")
