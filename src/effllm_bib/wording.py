"""How messages say a count: ``1 error``, ``2 errors``, ``1 entry``, ``3 entries``."""

from __future__ import annotations


def plural(count: int, noun: str, many: str = "") -> str:
    """``count`` and ``noun``, plural where it is not 1; ``many``: a plural that is not
    noun + s (``entries``, ``retries``)."""
    return f"{count} {noun if count == 1 else (many or noun + 's')}"
