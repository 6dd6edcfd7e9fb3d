"""The command line: each command parses options, calls the library, and prints.

Exit codes: 0 success; 1 the data has errors (check) or an operation failed; 2 bad usage
(unknown category or key, bad option); 130 interrupted.
"""

from __future__ import annotations

import gc

from .app import cli  # each command's module is imported when the command runs (app.COMMANDS)

__all__ = ["cli", "main"]


def main() -> None:
    try:
        cli(prog_name="effllm-bib")
    finally:
        # Everything the command made lives until the process ends: frozen, it is left out of
        # the collection the interpreter runs at exit (README, Benchmarks: what it saves).
        # Files are closed and output flushed as ever; objects are still freed as they die.
        gc.freeze()
