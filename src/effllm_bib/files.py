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
        wide = wide_encoding(data)
        if wide:
            raise InputFileError(path, f"is {wide} text; {_convert_hint(path, wide)}")
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise InputFileError(path, "contains a NUL byte; is this a text file?", line)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        # no guess at the encoding: a wrong one (latin1 for a GBK file) garbles the text for good
        hint = _convert_hint(path, "<its encoding>")
        raise InputFileError(path, f"is not valid UTF-8; {hint}", line) from None


def wide_encoding(data: bytes) -> str:
    """The UTF-16 or UTF-32 encoding of text in one (by its byte-order mark, or by the NUL
    bytes ASCII text has beside every character in it); '' for anything else."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    sample = data[:4000]
    if len(sample) >= 8 and sample[1::4].count(0) + sample[2::4].count(0) >= len(sample) // 2:
        return "UTF-32"
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if len(sample) < 4 or max(even, odd) < len(sample) // 2 * 0.9:
        return ""
    return "UTF-16LE" if odd > even else "UTF-16BE"  # without a byte-order mark, say which


def _convert_hint(path: Path, encoding: str) -> str:
    import shlex  # only on these error paths

    name = shlex.quote(str(path))
    return (
        f"convert it to UTF-8 and read the copy: iconv -f {encoding} -t utf-8 {name} > "
        f"{shlex.quote(str(path) + '.utf8')}"
    )


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
