"""The canonical database: a directory with ``effllm.bib`` and ``taxonomy.toml``.

Load, select, change in memory, save atomically. No HTTP and no command-line concerns here.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from . import bibio, keys
from .errors import BibParseError, DatabaseError, UnknownKeyError
from .model import Entry, Extra
from .taxonomy import Taxonomy, load_taxonomy

BIB_NAME = "effllm.bib"
TAXONOMY_NAME = "taxonomy.toml"
ENV_VAR = "EFFLLM_BIB_DB"
HEADER = (
    "% effllm-bib: the bibliography of 'Efficient Large Language Models: A Survey'.\n"
    "% Written by effllm-bib in canonical form; edit freely, then run 'effllm-bib check'."
)


def packaged_refs() -> Path:
    """The database shipped with the package (wheel), or the repository's ``refs/`` (editable)."""
    shipped = resources.files("effllm_bib") / "_refs"
    if shipped.is_dir():
        return Path(str(shipped))
    return Path(__file__).resolve().parents[2] / "refs"


def parse_cache_dir() -> Path | None:
    """Where parsed databases are cached (``$EFFLLM_BIB_CACHE_DIR`` or the user cache)."""
    from .cache import cache_root

    try:
        return cache_root() / "parsed"
    except Exception:  # no usable cache directory: parse every time
        return None


def resolve_location(db: str | os.PathLike[str] | None) -> tuple[Path, Path]:
    """(bib file, taxonomy file) for ``--db``, ``$EFFLLM_BIB_DB`` or the packaged database.

    ``--db`` may name the directory or the .bib file; the taxonomy sits beside the .bib file.
    """
    raw = db if db is not None else os.environ.get(ENV_VAR) or None
    base = Path(raw) if raw is not None else packaged_refs()
    if base.suffix == ".bib":
        return base, base.with_name(TAXONOMY_NAME)
    return base / BIB_NAME, base / TAXONOMY_NAME


def reader_fields(entry: Entry) -> Entry:
    """An entry with the standard fields readers of the canonical file need from it alone.

    - ``eprinttype = {arxiv}`` beside ``archiveprefix``: Zotero's BibTeX import (translator
      ``BibTeX.js``) takes an arXiv id only from ``eprint`` together with ``eprinttype``, and
      biblatex prefers it; BibTeX styles ignore both.
    - ``key`` (the title) for an entry without author or editor: BibTeX sorts and labels by it,
      and warns "to sort, need author or key" without it. Dropped once authors arrive.
    Idempotent, so a database read and written unchanged keeps its bytes.
    """
    values: dict[str, str] = {}
    arxiv = entry.get("eprint") and entry.get("archiveprefix").lower() == "arxiv"
    if arxiv and not entry.get("eprinttype"):
        values["eprinttype"] = "arxiv"
    sort_key = re.sub(r"[{}]", "", entry.get("title")).strip()
    named = entry.get("author") or entry.get("editor")
    if not named and not entry.get("key") and sort_key:
        values["key"] = sort_key
    elif named and entry.get("key") == sort_key:
        values["key"] = ""  # written here while the entry had no author; authors now sort it
    return entry.with_fields(**values) if values else entry


LOCK_TIMEOUT = 30.0


@contextmanager
def open_for_update(
    db: str | os.PathLike[str] | None = None, create: bool = False, timeout: float | None = None
) -> Iterator[Database]:
    """Load a database while holding its lock, so that one writer at a time changes it.

    A second writer waits up to ``timeout`` seconds (``$EFFLLM_BIB_LOCK_TIMEOUT``, default 30),
    then fails with a clear error; the caller saves inside the ``with`` block.
    """
    from filelock import FileLock, Timeout

    bib_path, _ = resolve_location(db)
    if timeout is None:
        timeout = float(os.environ.get("EFFLLM_BIB_LOCK_TIMEOUT", LOCK_TIMEOUT))
    if create:
        bib_path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = f"{bib_path}.lock"
    lock = FileLock(lock_path, timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise DatabaseError(
            f"{bib_path}: another effllm-bib run is changing this database (lock {lock_path}); "
            "try again when it has finished."
        ) from None
    except OSError as exc:
        raise DatabaseError(f"{bib_path}: cannot take the lock ({exc.strerror}).") from None
    try:
        yield Database.load(db, create=create)
    finally:
        lock.release()


class Database:
    """Entries by key, the blocks kept verbatim, and the taxonomy that gives keywords meaning."""

    def __init__(
        self,
        bib_path: Path,
        taxonomy: Taxonomy,
        entries: Iterable[Entry] = (),
        extras: Iterable[Extra] = (),
        taxonomy_path: Path | None = None,
    ) -> None:
        self.bib_path = bib_path
        self.taxonomy_path = taxonomy_path or bib_path.with_name(TAXONOMY_NAME)
        self.taxonomy = taxonomy
        self.entries: dict[str, Entry] = {}
        for e in entries:
            self.entries[e.key] = e
        self.extras = list(extras)

    @classmethod
    def load(cls, db: str | os.PathLike[str] | None = None, create: bool = False) -> Database:
        """Open a database. With ``create``, a missing one is started in memory; :meth:`save`
        writes it, with a copy of the packaged taxonomy if the directory has none.

        A .bib file with blocks that cannot be parsed is refused: saving it would lose them.
        """
        bib_path, tax_path = resolve_location(db)
        if not bib_path.exists():
            if not create:
                raise DatabaseError(
                    f"{bib_path}: no database here; run 'effllm-bib import survey README.md' "
                    "to create one, or point --db at an existing one."
                )
            source = tax_path if tax_path.exists() else packaged_refs() / TAXONOMY_NAME
            return cls(
                bib_path,
                load_taxonomy(source),
                extras=[Extra("comment", HEADER)],
                taxonomy_path=tax_path,
            )
        taxonomy = load_taxonomy(tax_path)
        parsed = bibio.read_bib_cached(bib_path, parse_cache_dir())
        if parsed.errors:
            first = parsed.errors[0]
            more = f" (and {len(parsed.errors) - 1} more)" if len(parsed.errors) > 1 else ""
            raise BibParseError(
                bib_path,
                f"{first.message}{more} Run 'effllm-bib check' for the full list.",
                first.line,
            )
        return cls(bib_path, taxonomy, parsed.entries, parsed.extras, tax_path)

    # --- reading ----------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, key: str) -> Entry:
        try:
            return self.entries[key]
        except KeyError:
            raise UnknownKeyError(key) from None

    def select(self, categories: Iterable[str] = ()) -> list[Entry]:
        """Entries in any of the categories (slugs or aliases) or their descendants, sorted by key.

        No categories selects everything.
        """
        wanted = list(categories)
        ordered = sorted(self.entries.values(), key=bibio.entry_sort_key)
        if not wanted:
            return ordered
        slugs = self.taxonomy.subtree(wanted)
        return [e for e in ordered if slugs.intersection(e.keywords)]

    def count_by_category(self) -> dict[str, int]:
        """Papers under each node, descendants included (each entry counted once per node)."""
        counts = {slug: 0 for slug in self.taxonomy.walk()}
        for entry in self.entries.values():
            for slug in self.taxonomy.nodes_of(entry.keywords):
                counts[slug] += 1
        return counts

    # --- changing ---------------------------------------------------------------------------------

    def put(self, entry: Entry) -> None:
        self.entries[entry.key] = entry

    def remove(self, key: str) -> Entry:
        return self.entries.pop(self.get(key).key)

    def rename(self, old: str, new: str) -> None:
        """Give an entry a new citation key (explicit renames only)."""
        entry = self.get(old)
        if new == old:
            return
        if not bibio.is_valid_key(new):
            raise DatabaseError(
                f"'{new}' is not a usable citation key; use letters, digits and - _ : . only."
            )
        if new in self.entries:
            raise DatabaseError(f"key '{new}' is already taken; choose another.")
        del self.entries[old]
        self.entries[new] = entry.with_key(new)

    def assign_keys(self) -> list[tuple[str, str]]:
        """Replace provisional keys of entries that now have authors. Returns (old, new) pairs."""
        renamed = []
        for key in sorted(k for k in self.entries if keys.is_pending(k)):
            taken = set(self.entries)
            new = keys.final_key(self.entries[key], taken)
            if new is not None:
                self.rename(key, new)
                renamed.append((key, new))
        return renamed

    def regenerate_key(self, key: str) -> str:
        """The key rules applied afresh to one entry (an explicit rename). Returns the new key."""
        entry = self.get(key)
        taken = set(self.entries) - {key}
        new = keys.final_key(entry, taken) or keys.provisional_key(entry, taken)
        self.rename(key, new)
        return new

    # --- writing ----------------------------------------------------------------------------------

    def text(self) -> str:
        return bibio.format_bib(map(reader_fields, self.entries.values()), self.extras)

    def save(self) -> None:
        """Write atomically. Temporary files of writers that were killed are removed first
        (callers hold the lock, so none of them is being written)."""
        for stale in self.bib_path.parent.glob(f".{self.bib_path.name}.*.tmp"):
            stale.unlink(missing_ok=True)
        if not self.taxonomy_path.exists():
            text = (packaged_refs() / TAXONOMY_NAME).read_text(encoding="utf-8")
            bibio.write_atomic(self.taxonomy_path, text)
        bibio.write_atomic(self.bib_path, self.text())
