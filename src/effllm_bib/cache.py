"""Where effllm-bib keeps caches (HTTP responses, parsed databases, formatted entries), and the
store for data derived from a file, keyed by that file's bytes.

Start-up matters here: this module imports nothing beyond the interpreter's built-in modules
(``marshal``, ``zlib``), so reading a cached parse costs less than importing a parser.
"""

from __future__ import annotations

import marshal
import os
import sys
import zlib
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path
from typing import Any

CACHE_FORMAT = "effllm-bib cache 3"
# Files kept per kind of derived data: a file edited again and again (every merge or enrich
# run writes a new version) would otherwise leave one cache file per version, for ever.
KEEP_PER_KIND = 16


def cache_root() -> Path:
    """``$EFFLLM_BIB_CACHE_DIR``, else the user cache directory of effllm-bib as platformdirs
    gives it. On Linux and the BSDs that is ``$XDG_CACHE_HOME/effllm-bib`` (when absolute, as
    the XDG spec asks) or ``~/.cache/effllm-bib``: worked out here without importing
    platformdirs, which costs start-up."""
    override = os.environ.get("EFFLLM_BIB_CACHE_DIR")
    if override:
        return Path(override)
    if sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        base = xdg if os.path.isabs(xdg) else os.path.expanduser("~/.cache")
        if os.path.isabs(base):
            return Path(base) / "effllm-bib"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("effllm-bib"))


def installed_versions(*dists: str) -> list[str]:
    """The installed version of each distribution ("?" if not found), read from the names of
    the ``NAME-VERSION.dist-info`` directories pip writes on ``sys.path`` (importlib.metadata
    would cost more start-up than a cached parse saves)."""
    prefixes = {d: d.replace("-", "_").lower() + "-" for d in dists}
    found: dict[str, str] = {}
    for entry in sys.path:
        if len(found) == len(dists):
            break
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if not name.endswith(".dist-info"):
                continue
            lower = name.lower()
            for dist, prefix in prefixes.items():
                if dist not in found and lower.startswith(prefix):
                    found[dist] = name[len(prefix) : -len(".dist-info")]
    return [found.get(d, "?") for d in dists]


def code_stamp(paths: Iterable[Path]) -> str:
    """The size and modification time of each source file a cached value was derived by: a
    changed reader (an edited checkout, another build) misses the cache even when the package
    version stays the same. Costs one ``stat`` per file."""
    parts = []
    for path in paths:
        try:
            st = path.stat()
        except OSError:
            parts.append(f"{path.name}:?")
            continue
        parts.append(f"{path.name}:{st.st_size}:{st.st_mtime_ns}")
    return " ".join(parts)


def _salted(kind: str, salt: str) -> bytes:
    from . import __version__

    python = f"{sys.version_info[0]}.{sys.version_info[1]}"
    return f"{CACHE_FORMAT} {kind} effllm-bib {__version__} python {python} {salt}".encode()


def _slot(directory: Path, kind: str, key: bytes, source: bytes) -> Path:
    # The name only spreads the files; a hit is decided by comparing the stored key and bytes.
    return directory / f"{kind}-{zlib.crc32(source, zlib.crc32(key)):08x}-{len(source):x}.marshal"


def load_derived(directory: Path, kind: str, source: bytes, salt: str = "") -> Any | None:
    """The data stored for exactly these ``source`` bytes (and ``kind`` and ``salt``: the
    versions the data depends on), or None: missing, damaged, or made from other bytes.

    The store holds plain values in ``marshal`` format (tuples, lists, str, int, None), never
    code, and the bytes it was made from: a hit is an exact match of file and versions.
    """
    key = _salted(kind, salt)
    slot = _slot(directory, kind, key, source)
    try:
        stored = marshal.loads(slot.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None  # missing or damaged: rebuilt by the caller
    if not (isinstance(stored, tuple) and len(stored) == 3):
        return None
    stored_key, stored_source, data = stored
    if stored_key != key or stored_source != source:
        return None
    with suppress(OSError):
        os.utime(slot)  # used now: the last to be pruned
    return data


def store_derived(directory: Path, kind: str, source: bytes, data: Any, salt: str = "") -> None:
    """Keep ``data`` (plain values only) for :func:`load_derived`. Written atomically; a cache
    that cannot be written only costs speed, so errors are swallowed."""
    import tempfile

    key = _salted(kind, salt)
    try:
        blob = marshal.dumps((key, source, data))
    except ValueError:
        return  # not plain data: nothing to keep
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(blob)
            os.replace(tmp, _slot(directory, kind, key, source))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _prune(directory, kind)
    except OSError:
        pass


def _prune(directory: Path, kind: str, keep: int = KEEP_PER_KIND) -> None:
    """Remove all but the ``keep`` files of ``kind`` used last (read or written)."""
    files = []
    for path in directory.glob(f"{kind}-*.marshal"):
        try:
            files.append((path.stat().st_mtime_ns, path))
        except OSError:
            continue  # removed meanwhile by another process
    for _, path in sorted(files, reverse=True)[keep:]:
        path.unlink(missing_ok=True)
