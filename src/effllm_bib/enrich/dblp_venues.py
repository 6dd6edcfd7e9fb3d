"""DBLP's venue names -> the full names the database cites (a data table, one row per venue).

DBLP names a venue by its short stream name (``ICLR``, ``NeurIPS``, ``ACL (Findings)``) or,
for journals, by its ISO abbreviation (``Trans. Mach. Learn. Res.``). The database writes the
full name as the proceedings print it, with the volume where the series has one: ICLR 2024 is
"The Twelfth International Conference on Learning Representations", NeurIPS 2023 is "Advances
in Neural Information Processing Systems" volume 36, ICML 2024 is "Proceedings of the 41st
International Conference on Machine Learning", PMLR volume 235.

A name template may use ``{year}``, ``{n}`` (year - base), ``{nth}`` (41st) and ``{Nth}``
(Twelfth). A row holds from ``since`` to ``until``; outside them the venue is unknown, and a
record there is reported, never guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from ..venues import venue_lookup_key

_WORDS = ("First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth",
          "Tenth", "Eleventh", "Twelfth", "Thirteenth", "Fourteenth", "Fifteenth", "Sixteenth",
          "Seventeenth", "Eighteenth", "Nineteenth", "Twentieth")  # fmt: skip


def ordinal(n: int) -> str:
    """41 -> '41st', 12 -> '12th', 62 -> '62nd'."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def ordinal_word(n: int) -> str:
    """12 -> 'Twelfth'; numbers past the table are written as digits ('21st')."""
    return _WORDS[n - 1] if 1 <= n <= len(_WORDS) else ordinal(n)


@dataclass(frozen=True)
class DblpVenue:
    """One row: how a DBLP venue is cited in a given span of years."""

    dblp: tuple[str, ...]  # DBLP's venue strings for this row
    short: str  # the venue table's short name (data/venues.toml)
    kind: Literal["conference", "journal"]
    name: str  # template of the booktitle or journal
    base: int = 0  # {n} = year - base
    since: int = 1900
    until: int = 9999
    volume: str = ""  # template, or a key of ``volumes``
    volumes: Mapping[int, str] = field(default_factory=dict)  # volume by year
    publisher: str = ""

    def fields(self, year: int) -> dict[str, str]:
        """booktitle/journal, volume and publisher of a paper of ``year`` at this venue."""
        n = year - self.base
        values = {"year": str(year), "n": str(n), "nth": ordinal(n), "Nth": ordinal_word(n)}
        out = {("journal" if self.kind == "journal" else "booktitle"): self.name.format(**values)}
        volume = self.volumes.get(year) or (self.volume.format(**values) if self.volume else "")
        if volume:
            out["volume"] = volume
        if self.publisher:
            out["publisher"] = self.publisher
        return out

    @property
    def entry_type(self) -> str:
        return "article" if self.kind == "journal" else "inproceedings"


_ACL = "Annual Meeting of the Association for Computational Linguistics"
_FINDINGS = "Findings of the Association for Computational Linguistics"
_NAACL = "Chapter of the Association for Computational Linguistics: Human Language Technologies"

# PMLR volume numbers of ICML's proceedings.
ICML_PMLR = {
    2019: "97",
    2020: "119",
    2021: "139",
    2022: "162",
    2023: "202",
    2024: "235",
    2025: "267",
}

DBLP_VENUES: tuple[DblpVenue, ...] = (
    DblpVenue(("ICLR",), "ICLR", "conference",
              "The {Nth} International Conference on Learning Representations",
              base=2012, since=2020),
    DblpVenue(("NeurIPS",), "NeurIPS", "conference",
              "Advances in Neural Information Processing Systems", base=1987, since=2018,
              volume="{n}"),
    DblpVenue(("NIPS",), "NeurIPS", "conference",
              "Advances in Neural Information Processing Systems", base=1987, since=2000,
              until=2017, volume="{n}"),
    DblpVenue(("ICML",), "ICML", "conference",
              "Proceedings of the {nth} International Conference on Machine Learning",
              base=1983, since=2019, volumes=ICML_PMLR, publisher="PMLR"),
    DblpVenue(("MLSys",), "MLSys", "conference", "Proceedings of Machine Learning and Systems",
              base=2018, since=2020, volume="{n}"),
    DblpVenue(("COLM",), "COLM", "conference", "{Nth} Conference on Language Modeling",
              base=2023, since=2024),
    DblpVenue(("Trans. Mach. Learn. Res.",), "TMLR", "journal",
              "Transactions on Machine Learning Research", since=2022),
    DblpVenue(("Trans. Assoc. Comput. Linguistics",), "TACL", "journal",
              "Transactions of the Association for Computational Linguistics"),
    DblpVenue(("J. Mach. Learn. Res.",), "JMLR", "journal", "Journal of Machine Learning Research"),
    DblpVenue(("ACL (1)",), "ACL", "conference",
              f"Proceedings of the {{nth}} {_ACL} (Volume 1: Long Papers)", base=1962, since=2022),
    DblpVenue(("ACL (2)",), "ACL", "conference",
              f"Proceedings of the {{nth}} {_ACL} (Volume 2: Short Papers)", base=1962, since=2022),
    DblpVenue(("ACL (Findings)", "Findings of ACL"), "Findings of ACL", "conference",
              f"{_FINDINGS}: ACL {{year}}", since=2022),
    DblpVenue(("EMNLP",), "EMNLP", "conference",
              "Proceedings of the {year} Conference on Empirical Methods in Natural Language "
              "Processing", since=2021),
    DblpVenue(("EMNLP (Findings)",), "Findings of EMNLP", "conference",
              f"{_FINDINGS}: EMNLP {{year}}", since=2020),
    DblpVenue(("NAACL-HLT",), "NAACL", "conference",
              f"Proceedings of the {{year}} Conference of the North American {_NAACL}",
              since=2022, until=2022),
    DblpVenue(("NAACL-HLT (1)", "NAACL (1)"), "NAACL", "conference",
              f"Proceedings of the {{year}} Conference of the North American {_NAACL} "
              "(Volume 1: Long Papers)", since=2024, until=2024),
    DblpVenue(("NAACL (1)", "NAACL-HLT (1)", "NAACL (Long Papers)"), "NAACL", "conference",
              f"Proceedings of the {{year}} Conference of the Nations of the Americas {_NAACL} "
              "(Volume 1: Long Papers)", since=2025),
    DblpVenue(("NAACL-HLT (Findings)", "NAACL (Findings)"), "Findings of NAACL", "conference",
              f"{_FINDINGS}: NAACL {{year}}", since=2022),
)  # fmt: skip

CORR = "corr"


def _key(name: str) -> str:
    return venue_lookup_key(name)


def find_dblp_venue(venue: str, year: int) -> DblpVenue | None:
    """The row for a DBLP venue string in a year, or None (unknown venue, or a year the row
    does not cover)."""
    key = _key(venue)
    return next(
        (
            row
            for row in DBLP_VENUES
            if key in {_key(d) for d in row.dblp} and row.since <= year <= row.until
        ),
        None,
    )


def is_corr(venue: str) -> bool:
    """DBLP files arXiv preprints under the journal 'CoRR'."""
    return _key(venue) == CORR
