"""File helpers: read a text file with a clear error, write one atomically, diff one."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from .errors import InputFileError


def read_text(path: Path) -> str:
    """The text of a file as UTF-8; a clear error for other encodings and NUL bytes."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputFileError(path, "no such file; check the path.") from None
    except OSError as exc:
        raise InputFileError(path, f"cannot read the file ({exc.strerror}).") from None
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise InputFileError(path, "contains a NUL byte; is this a text file?", line)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        # no guess at the encoding: a wrong one (latin1 for a GBK file) garbles the text for good
        import shlex  # only on this error path

        name = shlex.quote(str(path))
        raise InputFileError(
            path,
            f"is not valid UTF-8; convert it from the encoding it was saved in: iconv -f "
            f"<its encoding> -t utf-8 {name} > {shlex.quote(str(path) + '.utf8')}",
            line,
        ) from None


# A type such as @COMMENTED: bibtexparser takes it for @comment; BibTeX and biber read an entry.


def write_atomic(path: Path, text: str) -> None:
    """Write a file so that readers see the old or the new content, never a part of it."""
    import tempfile  # imported here: commands that only read start faster

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _lines(text: str) -> list[str]:
    """Lines as ``diff`` sees them: split at newlines only (not at form feeds or U+2028, as
    ``str.splitlines`` does), each keeping its newline; a last line may have none."""
    parts = text.split("\n")
    return [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def diff_to(path: Path, text: str, label: str) -> Iterator[str]:
    """A unified diff from the file at ``path`` as it is on disk (bytes as written, a missing
    file empty) to ``text``: the change ``diff -u`` of the two files shows, lines split as it
    splits them (difflib may cut the hunks differently)."""
    import difflib  # only commands that print a diff need it: the others start faster

    old = path.read_bytes().decode("utf-8", errors="replace") if path.exists() else ""
    for line in difflib.unified_diff(
        _lines(old), _lines(text), fromfile=f"{path} (now)", tofile=f"{path} ({label})"
    ):
        yield line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
