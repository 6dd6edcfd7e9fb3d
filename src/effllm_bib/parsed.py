"""What reading a .bib file yields: :class:`ParsedBib` (the reader is :mod:`.bibio`, its
on-disk cache :mod:`.parse_cache`)."""

from __future__ import annotations

from .model import Entry, Extra, Problem, Severity


class ParsedBib:
    """What a .bib file holds: entries, the blocks kept verbatim, and what could not be read.

    (A plain class, not a dataclass: making a dataclass costs start-up, and nothing compares
    or copies these.)"""

    def __init__(
        self,
        entries: list[Entry] | None = None,
        extras: list[Extra] | None = None,
        problems: list[Problem] | None = None,
        strings: dict[str, str] | None = None,
    ) -> None:
        self.entries: list[Entry] = entries if entries is not None else []
        self.extras: list[Extra] = extras if extras is not None else []
        self.problems: list[Problem] = problems if problems is not None else []
        # every @string macro, lower-cased name -> expanded text, in file order
        self.strings: dict[str, str] = strings if strings is not None else {}

    def __repr__(self) -> str:
        return (
            f"ParsedBib({len(self.entries)} entries, {len(self.extras)} extras, "
            f"{len(self.problems)} problems)"
        )

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]
