"""The reading path against bibtexparser.parse_file alone on tugboat (medians of 5).

PYTHONPATH=src python3 tools/reader_speed.py
"""

import os
import statistics
import tempfile
import time
from pathlib import Path

import bibtexparser

from effllm_bib import bibio
from effllm_bib.database import Database

F = Path("/work/shared/data/realbib/biber/etc_tugboat.bib")
os.environ["EFFLLM_BIB_CACHE_DIR"] = tempfile.mkdtemp()


def t(f):
    s = time.perf_counter()
    f()
    return time.perf_counter() - s


def load_nocache():
    from effllm_bib import bibio as b

    p = b.read_bib(F)
    db = Database(F, None, p.entries, p.extras, strings=p.strings)
    db.resolved()


a, b, c = [], [], []
for _ in range(5):
    a.append(t(lambda: bibtexparser.parse_file(str(F))))
    b.append(t(lambda: bibio.read_bib(F)))
    c.append(t(load_nocache))
ma, mb, mc = map(statistics.median, (a, b, c))
print(
    f"tugboat 3644 entries, medians of 5: parse_file {ma:.2f}s, read_bib {mb:.2f}s ({mb / ma:.2f}x), read+resolve {mc:.2f}s ({mc / ma:.2f}x)"
)
