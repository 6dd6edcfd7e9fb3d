"""The locked test environment: what ``requirements/test.txt`` pins, and how the installed
packages differ from it.

``python -m tests.toolchain`` prints each installed package whose version is not the pinned one
(``.ci/latest`` uses it to say what a run of the newest allowed versions changed)."""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

from packaging.markers import Marker
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parent.parent
LOCK = REPO / "requirements" / "test.txt"
# What a virtual environment brings with it, and the project itself: not installed from the lock.
NOT_LOCKED = frozenset({"pip", "setuptools", "effllm-bib"})

_PIN = re.compile(
    r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;]+)\s*(?:;(?P<marker>.*))?$"
)


def read_lock(path: Path = LOCK) -> dict[str, str]:
    """Package name -> pinned version, for the pins whose marker holds on this interpreter.

    A line that is neither a comment nor an exact pin is an error: the lock pins, it never
    ranges."""
    pins: dict[str, str] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _PIN.match(line)
        if match is None:
            raise ValueError(f"{path}:{number}: not an exact pin: {line!r}")
        marker = match.group("marker")
        if marker and not Marker(marker.strip()).evaluate():
            continue
        pins[canonicalize_name(match.group("name"))] = match.group("version")
    return pins


def installed() -> dict[str, str]:
    """Package name -> version of every distribution this interpreter sees."""
    return {
        canonicalize_name(d.metadata["Name"]): d.version
        for d in metadata.distributions()
        if d.metadata["Name"]
    }


def drift(lock: dict[str, str], have: dict[str, str]) -> list[str]:
    """One line per package that differs from the lock: another version, missing, or unlocked."""
    lines = []
    for name in sorted(set(lock) | set(have) - NOT_LOCKED):
        pinned, version = lock.get(name), have.get(name)
        if pinned == version:
            continue
        if pinned is None:
            lines.append(f"{name} {version}: installed, not in the lock")
        elif version is None:
            lines.append(f"{name}: locked at {pinned}, not installed")
        else:
            lines.append(f"{name}: locked {pinned}, installed {version}")
    return lines


def main() -> int:
    lines = drift(read_lock(), installed())
    print("\n".join(lines) if lines else f"every package is the version {LOCK.name} pins")
    return 0


if __name__ == "__main__":
    sys.exit(main())
