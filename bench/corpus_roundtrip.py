"""One canonical rewrite of every real .bib file, read again: identical bytes and verified entries.

PYTHONPATH=src python3 tools/corpus_roundtrip.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from corpus_outcomes import REPO, corpus

from effllm_bib import bibio, canonical
from effllm_bib.errors import EffllmBibError


def main() -> None:
    refs = REPO / "refs" / "effllm.bib"
    parsed = bibio.read_bib(refs)
    same = canonical.format_bib(parsed.entries, parsed.extras).encode() == refs.read_bytes()
    print(f"refs/effllm.bib: format_bib(read) == file bytes: {same}")
    counts = dict(files=0, entries=0, unreadable=0, with_errors=0, identical=0, verified=0)
    for path in corpus():
        counts["files"] += 1
        try:
            parsed = bibio.read_bib(path)
        except EffllmBibError as exc:
            counts["unreadable"] += 1
            print(f"  {exc}", file=sys.stderr)
            continue
        counts["entries"] += len(parsed.entries)
        counts["with_errors"] += bool(parsed.errors)
        once = canonical.format_bib(parsed.entries, parsed.extras)
        again = bibio.parse_bib(once)
        counts["identical"] += canonical.format_bib(again.entries, again.extras) == once
        try:
            canonical.verify_text(once, {e.key: e for e in parsed.entries}.values(), path)
            counts["verified"] += 1
        except EffllmBibError as exc:
            print(f"  {exc}", file=sys.stderr)
    print(", ".join(f"{v} {k}" for k, v in counts.items()))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
