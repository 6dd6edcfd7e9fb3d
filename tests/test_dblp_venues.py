"""DBLP's venue names, mapped to the full names the database cites (enrich/dblp_venues.py):
each row checked against the venue table, and a venue the table does not know is never guessed."""

from __future__ import annotations

import pytest

from effllm_bib.enrich.dblp_venues import DBLP_VENUES, DblpVenue, find_dblp_venue
from effllm_bib.venues import match_venue


@pytest.mark.parametrize(
    "venue, year, fields",
    [
        pytest.param(
            "ICLR",
            2024,
            {"booktitle": "The Twelfth International Conference on Learning Representations"},
            id="iclr-2024",
        ),
        pytest.param(
            "ICLR",
            2025,
            {"booktitle": "The Thirteenth International Conference on Learning Representations"},
            id="iclr-2025",
        ),
        pytest.param(
            "NeurIPS",
            2023,
            {"booktitle": "Advances in Neural Information Processing Systems", "volume": "36"},
            id="neurips-2023",
        ),
        pytest.param(
            "ICML",
            2024,
            {
                "booktitle": "Proceedings of the 41st International Conference on Machine Learning",
                "volume": "235",
                "publisher": "PMLR",
            },
            id="icml-2024",
        ),
        pytest.param(
            "ICML",
            2023,
            {
                "booktitle": "Proceedings of the 40th International Conference on Machine Learning",
                "volume": "202",
                "publisher": "PMLR",
            },
            id="icml-2023",
        ),
        pytest.param(
            "MLSys",
            2024,
            {"booktitle": "Proceedings of Machine Learning and Systems", "volume": "6"},
            id="mlsys-2024",
        ),
        pytest.param(
            "COLM", 2024, {"booktitle": "First Conference on Language Modeling"}, id="colm-2024"
        ),
        pytest.param(
            "Trans. Mach. Learn. Res.",
            2024,
            {"journal": "Transactions on Machine Learning Research"},
            id="tmlr",
        ),
        pytest.param(
            "ACL (1)",
            2023,
            {
                "booktitle": "Proceedings of the 61st Annual Meeting of "
                "the Association for Computational Linguistics (Volume 1: Long Papers)"
            },
            id="acl-2023-long",
        ),
        pytest.param(
            "ACL (Findings)",
            2024,
            {"booktitle": "Findings of the Association for Computational Linguistics: ACL 2024"},
            id="acl-2024-findings",
        ),
        pytest.param(
            "EMNLP",
            2023,
            {
                "booktitle": "Proceedings of the 2023 Conference on "
                "Empirical Methods in Natural Language Processing"
            },
            id="emnlp-2023",
        ),
        pytest.param(
            "EMNLP (Findings)",
            2023,
            {"booktitle": "Findings of the Association for Computational Linguistics: EMNLP 2023"},
            id="emnlp-2023-findings",
        ),
        pytest.param(
            "NAACL-HLT (1)",
            2024,
            {
                "booktitle": "Proceedings of the 2024 Conference of "
                "the North American Chapter of the Association for Computational "
                "Linguistics: Human Language Technologies (Volume 1: Long Papers)"
            },
            id="naacl-2024",
        ),
        pytest.param(
            "NAACL (1)",
            2025,
            {
                "booktitle": "Proceedings of the 2025 Conference of "
                "the Nations of the Americas Chapter of the Association for Computational "
                "Linguistics: Human Language Technologies (Volume 1: Long Papers)"
            },
            id="naacl-2025",
        ),
        pytest.param(
            "NAACL (Findings)",
            2024,
            {"booktitle": "Findings of the Association for Computational Linguistics: NAACL 2024"},
            id="naacl-2024-findings",
        ),
    ],
)
def test_dblp_venues_get_the_names_the_database_cites(venue, year, fields):
    row = find_dblp_venue(venue, year)
    assert row is not None and row.fields(year) == fields


@pytest.mark.parametrize(
    "venue, year",
    [
        pytest.param("ICLR", 2019, id="before-the-row"),
        pytest.param("AAAI", 2024, id="not-in-the-table"),
        pytest.param("CoRR", 2024, id="corr-is-no-venue"),
    ],
)
def test_unknown_venues_are_not_guessed(venue, year):
    assert find_dblp_venue(venue, year) is None


def a_year_of(row: DblpVenue) -> int:
    """The row's first year, or 2024 for a row with no first year (``since`` left at 1900)."""
    return row.since if row.since > 1900 else 2024


@pytest.mark.parametrize("row", [pytest.param(r, id=r.dblp[0]) for r in DBLP_VENUES])
def test_every_row_names_a_venue_of_the_venue_table(row):
    name = next(iter(row.fields(a_year_of(row)).values()))
    venue = match_venue(name)
    assert venue is not None and venue.short == row.short
