"""The canonical database: a directory with ``effllm.bib`` and ``taxonomy.toml``, or any .bib file.

A .bib file alone is a database too: without a ``taxonomy.toml`` beside it, everything but the
categories works (``db.taxonomy`` is None; commands that need categories say how to add one).

Load, select, change in memory, save atomically. No HTTP and no command-line concerns here.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path

from . import canonical, files
from .canonical import reader_fields
from .errors import BibParseError, DatabaseError, TaxonomyMissingError, UnknownKeyError
from .location import (
    HEADER,
    TAXONOMY_NAME,
    no_database,
    packaged_refs,
    parse_cache_dir,
    resolve_location,
)
from .model import Entry, Extra, Problem, Severity
from .parse_cache import read_bib_cached, read_strings
from .taxonomy import Taxonomy, load_taxonomy

LOCK_TIMEOUT = 30.0
# Findings a read-only command may pass over, reading the file as BibTeX does: a repeated key
# (the first entry counts) or a repeated field (its first value counts).
RECOVERABLE = frozenset({"duplicate-key", "duplicate-field"})


@contextmanager
def open_for_update(
    db: str | os.PathLike[str] | None = None, create: bool = False, timeout: float | None = None
) -> Iterator[Database]:
    """Load a database while holding its lock, so that one writer at a time changes it.

    A second writer waits up to ``timeout`` seconds (``$EFFLLM_BIB_LOCK_TIMEOUT``, default 30),
    then fails with a clear error; the caller saves inside the ``with`` block. The lock file
    (``FILE.lock``) is gone again when the block ends.
    """
    from .writer_lock import LockTimeout, hold

    bib_path, _ = resolve_location(db)
    if timeout is None:
        timeout = float(os.environ.get("EFFLLM_BIB_LOCK_TIMEOUT", LOCK_TIMEOUT))
    if create:
        bib_path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = bib_path.with_name(f"{bib_path.name}.lock")
    with ExitStack() as stack:
        try:
            stack.enter_context(hold(lock_path, timeout))
        except LockTimeout:
            raise DatabaseError(
                f"{bib_path}: another effllm-bib run is changing this database (lock "
                f"{lock_path}); try again when it has finished."
            ) from None
        except PermissionError as exc:
            raise DatabaseError(f"{bib_path}: cannot take the lock ({exc.strerror}).") from None
        yield Database.load(db, create=create)


class Database:
    """Entries by key, the blocks kept verbatim, and the taxonomy that gives keywords meaning."""

    def __init__(
        self,
        bib_path: Path,
        taxonomy: Taxonomy | None,
        entries: Iterable[Entry] = (),
        extras: Iterable[Extra] = (),
        taxonomy_path: Path | None = None,
        strings: Mapping[str, str] | None = None,
    ) -> None:
        self.bib_path = bib_path
        self.taxonomy_path = taxonomy_path or bib_path.with_name(TAXONOMY_NAME)
        self._taxonomy = taxonomy
        self.entries: dict[str, Entry] = {}
        for e in entries:
            self.entries[e.key] = e
        self.extras = list(extras)
        self.strings: dict[str, str] = dict(strings or {})
        self.problems: list[Problem] = []  # blocks a lenient load could not read
        self.borrowed: list[Extra] = []  # @string blocks of --strings files: used, never written
        self._resolved: tuple[dict[str, Entry], dict[str, Entry]] | None = None
        # What the file held when loaded: a file not in canonical form is written as a patch of
        # itself (bib_patch), so each key remembers the key it was loaded under.
        self._loaded: dict[str, Entry] = dict(self.entries)
        self._loaded_extras = list(self.extras)
        self._origins: dict[str, str] = {}
        self._on_disk: str | None = None
        self._patching: bool | None = None

    @property
    def taxonomy(self) -> Taxonomy:
        """The category tree; a one-line error when the database has none."""
        if self._taxonomy is None:
            raise TaxonomyMissingError(self.bib_path)
        return self._taxonomy

    @property
    def has_taxonomy(self) -> bool:
        return self._taxonomy is not None

    @property
    def taxonomy_or_none(self) -> Taxonomy | None:
        return self._taxonomy

    @classmethod
    def load(
        cls,
        db: str | os.PathLike[str] | None = None,
        create: bool = False,
        strict: bool = True,
        strings_from: Sequence[Path] = (),
    ) -> Database:
        """Open a database. With ``create``, a missing one is started in memory; :meth:`save`
        writes it, with a copy of the packaged taxonomy if the directory has none.

        A .bib file with blocks that cannot be parsed is refused (saving it would lose them),
        unless ``strict`` is false: a read-only command then gets the entries that could be read
        and the findings in ``problems``. Without a taxonomy.toml beside the .bib file the
        database has no categories. ``strings_from``: .bib files whose @string definitions are
        read first, as BibTeX reads ``\\bibliography{abbrev,papers}`` (never written to).
        """
        bib_path, tax_path = resolve_location(db)
        if not bib_path.exists():
            if not create:
                raise DatabaseError(
                    no_database(bib_path)
                    or f"{bib_path}: no database here; run 'effllm-bib import survey README.md' "
                    "to create one, or point --db at an existing one."
                )
            source = tax_path if tax_path.exists() else packaged_refs() / TAXONOMY_NAME
            return cls(
                bib_path,
                load_taxonomy(source),
                extras=[Extra("comment", HEADER)],
                taxonomy_path=tax_path,
            )
        cache_dir = parse_cache_dir()
        taxonomy = load_taxonomy(tax_path, cache_dir) if tax_path.exists() else None
        parsed = read_bib_cached(bib_path, cache_dir)
        readable = all(p.code in RECOVERABLE for p in parsed.errors)
        if parsed.errors and (strict or not readable):
            first = parsed.errors[0]
            more = f" (and {len(parsed.errors) - 1} more)" if len(parsed.errors) > 1 else ""
            raise BibParseError(
                bib_path,
                f"{first.message}{more} Run 'effllm-bib check' for the full list.",
                first.line,
            )
        borrowed = read_strings(strings_from, cache_dir)
        strings = {**{n: v for _, n, v in borrowed}, **parsed.strings}
        out = cls(bib_path, taxonomy, parsed.entries, parsed.extras, tax_path, strings)
        out.borrowed = [x for x, _, _ in borrowed]
        out.problems = list(parsed.problems)
        return out

    @property
    def read_errors(self) -> list[Problem]:
        """Errors of the file that a lenient read passed over (a repeated key or field)."""
        return [p for p in self.problems if p.severity is Severity.ERROR]

    # --- reading ----------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.entries)

    def resolved(self, entries: Iterable[Entry] | None = None) -> list[Entry]:
        """Entries with every field as text: macros expanded, ``#`` joined, ``crossref`` and
        ``xdata`` inherited (see :mod:`effllm_bib.resolve`). Default: every entry, sorted by key.

        The whole database is resolved once per object (until it changes); entries that are
        not the database's own objects (changed copies) are resolved against it one by one.
        """
        from .resolve import key_index, resolve_entries

        raw = self.entries
        if self._resolved is None or self._resolved[0] != raw:
            done = resolve_entries(list(raw.values()), self.strings)
            self._resolved = (dict(raw), {e.key: e for e in done})
        cache = self._resolved[1]
        chosen = sorted(raw.values(), key=canonical.entry_sort_key) if entries is None else entries
        out = []
        index: dict[str, Entry] = {}  # keys and ids aliases, made for the first changed copy
        for e in chosen:
            if raw.get(e.key) is e:
                out.append(cache[e.key])
                continue
            index = index or key_index(raw.values())
            parents = [
                index[k.lower()] for k in canonical.crossref_targets(e) if k.lower() in index
            ]
            out.append(resolve_entries([e, *parents], self.strings)[0])
        return out

    def get(self, key: str) -> Entry:
        try:
            return self.entries[key]
        except KeyError:
            raise UnknownKeyError(key) from None

    def with_dependencies(self, entries: Iterable[Entry]) -> tuple[list[Entry], list[Extra]]:
        """What a .bib export of ``entries`` needs to be read alone: the entries, then the
        ``crossref``/``xdata`` targets they reach (transitively, by key or ``ids`` alias), and
        the ``@string`` definitions all of these use (with the ones those definitions use), in
        file order."""
        out = list(entries)
        seen = {e.key.lower() for e in out}
        by_lower: dict[str, Entry] = {}  # keys and ids aliases, made for the first target
        i = 0
        while i < len(out):
            for target in canonical.crossref_targets(out[i]):
                if not by_lower:
                    from .resolve import key_index  # here: most exports have no crossref

                    by_lower = key_index(self.entries.values())
                parent = by_lower.get(target.lower())
                if parent is not None and parent.key.lower() not in seen:
                    seen.add(parent.key.lower())
                    out.append(parent)
            i += 1
        kept = [*self.borrowed, *self.extras]
        if not any(x.kind == "string" for x in kept):
            return out, []  # no @string definitions to bring along
        from . import bibio
        from .resolve import uses_macros

        definitions = {
            name: (x, body) for x in kept for name, body in [bibio.string_definition(x)] if name
        }
        wanted: set[str] = set()
        todo = [m for e in out for n in e.bare for m in uses_macros(e.get(n))]
        while todo:
            name = todo.pop()
            if name in wanted or name not in definitions:
                continue
            wanted.add(name)
            todo.extend(uses_macros(definitions[name][1]))
        strings = [x for x in kept if bibio.string_definition(x)[0] in wanted]
        return out, strings

    def select(self, categories: Iterable[str] = ()) -> list[Entry]:
        """Entries in any of the categories (slugs or aliases) or their descendants, sorted by key.

        No categories selects everything.
        """
        wanted = list(categories)
        chosen: Iterable[Entry] = self.entries.values()
        if wanted:
            if self._taxonomy is None:
                raise TaxonomyMissingError(self.bib_path, "--category options")
            slugs = self.taxonomy.subtree(wanted)
            chosen = [e for e in chosen if not slugs.isdisjoint(e.keywords)]
        return sorted(chosen, key=canonical.entry_sort_key)

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
        if not canonical.is_valid_key(new):
            raise DatabaseError(
                f"'{new}' is not a usable citation key; leave out spaces and , {{ }} ( ) \" # % = \\ ~."
            )
        if new.lower() in {k.lower() for k in self.entries if k != old}:  # BibTeX ignores case
            raise DatabaseError(
                f"key '{new}' is already taken (BibTeX ignores case); choose another."
            )
        del self.entries[old]
        self.entries[new] = entry.with_key(new)
        self._origins[new] = self._origins.pop(old, old)
        from .keys import follow_renames

        for key, other in self.entries.items():  # crossref, xdata, xref follow the new key
            self.entries[key] = follow_renames(other, {old: new})

    def assign_keys(self) -> list[tuple[str, str]]:
        """Replace provisional keys of entries that now have authors. Returns (old, new) pairs."""
        renamed = []
        from . import keys

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
        from . import keys

        new = keys.final_key(entry, taken) or keys.provisional_key(entry, taken)
        self.rename(key, new)
        return new

    # --- writing ----------------------------------------------------------------------------------

    def keeps_layout(self) -> bool:
        """Whether a write patches the file as its author laid it out (changed entries edited
        in place, new ones appended) rather than writing the canonical form: true for a file
        that is not in canonical form. ``effllm-bib format`` writes the canonical form."""
        if self._patching is None:
            if self._on_disk is None and self.bib_path.exists():
                self._on_disk = files.read_text(self.bib_path)
            canonical_text = canonical.format_bib(
                self._for_readers(self._loaded.values()), self._loaded_extras
            )
            self._patching = self._on_disk is not None and self._on_disk != canonical_text
        return self._patching

    def _for_readers(self, entries: Iterable[Entry]) -> list[Entry]:
        if self.has_taxonomy:
            return [reader_fields(e) for e in entries]
        return list(entries)

    def written_entries(self, canonical_form: bool = False) -> list[Entry]:
        """The entries as the file holds them. A categorised database (one with a taxonomy) in
        canonical form is written for every reader (:func:`reader_fields`); a lone .bib, or a
        file kept in its author's layout, keeps its fields as given."""
        if canonical_form or not self.keeps_layout():
            return self._for_readers(self.entries.values())
        return list(self.entries.values())

    def text(self, canonical_form: bool = False) -> str:
        """The text a save writes: the canonical form, or (for a file not in it, unless
        ``canonical_form``) the file on disk with the changes patched in."""
        if canonical_form or not self.keeps_layout():
            return canonical.format_bib(self.written_entries(canonical_form), self.extras)
        from . import bib_patch

        assert self._on_disk is not None  # keeps_layout read it
        new_extras = [x for x in self.extras if x not in self._loaded_extras]
        try:
            return bib_patch.patch_text(
                self._on_disk, self._loaded, self.entries.values(), self._origins, new_extras
            )
        except ValueError as exc:
            raise DatabaseError(
                f"{self.bib_path}: cannot edit this file in place ({exc}); run 'effllm-bib "
                "format' to rewrite it in canonical form, then try again."
            ) from None

    def save(self, canonical_form: bool = False) -> None:
        """Write atomically, after checking that the text reads back as the same entries (else
        :class:`WriteVerificationError` and the old file stays). Temporary files of writers that
        were killed are removed first (callers hold the lock, so none of them is being written)."""
        if self.read_errors:
            first = self.read_errors[0]
            raise BibParseError(
                self.bib_path,
                f"{first.message} Fix it before effllm-bib "
                "rewrites the file, or the repeated block would be lost.",
                first.line,
            )
        for stale in self.bib_path.parent.glob(f".{self.bib_path.name}.*.tmp"):
            stale.unlink(missing_ok=True)
        written = self.written_entries(canonical_form)
        text = self.text(canonical_form)
        canonical.verify_text(text, written, self.bib_path)
        if self._taxonomy is not None and not self.taxonomy_path.exists():
            tax = (packaged_refs() / TAXONOMY_NAME).read_text(encoding="utf-8")
            files.write_atomic(self.taxonomy_path, tax)
        files.write_atomic(self.bib_path, text)
        self._loaded, self._loaded_extras, self._origins = dict(self.entries), list(self.extras), {}
        self._on_disk, self._patching = text, None
