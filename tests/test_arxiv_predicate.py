"""One arXiv predicate (``vocab.arxiv_id``) behind every place that asks "is this an arXiv
preprint?": the website's paper card and links, COinS for Zotero's connector, the reader fields
of the canonical file, ``check --fix`` and the merge's matching.

Each case is an entry written one way real files write an eprint; each site lists what it makes
of every case, so a site that reads the fields its own way fails here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from effllm_bib.canonical import reader_fields
from effllm_bib.database import Database
from effllm_bib.fix import fix_eprint
from effllm_bib.identify import MatchIndex, find_match
from effllm_bib.model import Entry
from effllm_bib.site.coins import coins_pairs
from effllm_bib.site.links import links_of
from effllm_bib.site.papers import status_of, venue_of

BASE = {"title": "Sparse Models", "author": "Lovelace, Ada", "year": "2023"}
EPRINTS: dict[str, dict[str, str]] = {
    "archiveprefix-arxiv": {"eprint": "2301.00774v2", "archiveprefix": "arXiv"},
    "no-archive-arxiv-id": {"eprint": "2301.00774v2"},
    "no-archive-old-arxiv-id": {"eprint": "hep-th/9901001v1"},
    "no-archive-pmc-id": {"eprint": "PMC12345"},
    "eprinttype-arxiv": {"eprint": "2301.00774v2", "eprinttype": "arxiv"},
    "archiveprefix-hal": {"eprint": "hal-01234567", "archiveprefix": "HAL"},
    "eprinttype-hal-arxiv-shaped": {"eprint": "2301.00774v2", "eprinttype": "HAL"},
}


def entry(case: str) -> Entry:
    return Entry.make("lovelace2023sparse", "misc", {**BASE, **EPRINTS[case]})


def cases(expected: dict[str, Any]) -> list[Any]:
    """One param per case of ``EPRINTS`` (all of them, so no site skips one): (case, expected)."""
    assert expected.keys() == EPRINTS.keys()
    return [pytest.param(case, value, id=case) for case, value in expected.items()]


ABS = "https://arxiv.org/abs/"


@pytest.mark.parametrize(
    "case, expected",
    cases(
        {
            "archiveprefix-arxiv": ("preprint", "arXiv", [ABS + "2301.00774"]),
            "no-archive-arxiv-id": ("preprint", "arXiv", [ABS + "2301.00774"]),
            "no-archive-old-arxiv-id": ("preprint", "arXiv", [ABS + "hep-th/9901001"]),
            "no-archive-pmc-id": ("other", "Other", []),
            "eprinttype-arxiv": ("preprint", "arXiv", [ABS + "2301.00774"]),
            "archiveprefix-hal": ("other", "Other", []),
            "eprinttype-hal-arxiv-shaped": ("other", "Other", []),
        }
    ),
)
def test_website_paper_card(case: str, expected: tuple[str, str, list[str]]) -> None:
    e = entry(case)
    arxiv_links = [link.url for link in links_of(e) if link.label == "arXiv"]
    assert (status_of(e), venue_of(e)[0], arxiv_links) == expected


@pytest.mark.parametrize(
    "case, expected",
    cases(
        {
            "archiveprefix-arxiv": ("preprint", "arXiv", ABS + "2301.00774"),
            "no-archive-arxiv-id": ("preprint", "arXiv", ABS + "2301.00774"),
            "no-archive-old-arxiv-id": ("preprint", "arXiv", ABS + "hep-th/9901001"),
            "no-archive-pmc-id": ("webpage", "", ""),
            "eprinttype-arxiv": ("preprint", "arXiv", ABS + "2301.00774"),
            "archiveprefix-hal": ("webpage", "", ""),
            "eprinttype-hal-arxiv-shaped": ("webpage", "", ""),
        }
    ),
)
def test_coins(case: str, expected: tuple[str, str, str]) -> None:
    pairs = dict(coins_pairs(entry(case)))
    assert (pairs["rft.type"], pairs.get("rft.publisher", ""), pairs.get("rft_id", "")) == expected


@pytest.mark.parametrize(
    "case, expected",
    cases(
        {
            "archiveprefix-arxiv": "arxiv",
            "no-archive-arxiv-id": "arxiv",
            "no-archive-old-arxiv-id": "arxiv",
            "no-archive-pmc-id": "",
            "eprinttype-arxiv": "arxiv",  # kept as written
            "archiveprefix-hal": "",
            "eprinttype-hal-arxiv-shaped": "HAL",  # kept as written
        }
    ),
)
def test_canonical_reader_fields_for_zotero(case: str, expected: str) -> None:
    """Zotero's BibTeX import takes an arXiv id only with ``eprinttype``."""
    assert reader_fields(entry(case)).get("eprinttype") == expected


@pytest.mark.parametrize(
    "case, expected",
    cases(
        {
            "archiveprefix-arxiv": "2301.00774",
            "no-archive-arxiv-id": "2301.00774",
            "no-archive-old-arxiv-id": "hep-th/9901001",
            "no-archive-pmc-id": "PMC12345",
            "eprinttype-arxiv": "2301.00774",
            "archiveprefix-hal": "hal-01234567",
            "eprinttype-hal-arxiv-shaped": "2301.00774v2",  # another archive's id is left alone
        }
    ),
)
def test_fix_drops_only_arxiv_versions(case: str, expected: str) -> None:
    assert fix_eprint(entry(case)).get("eprint") == expected


@pytest.mark.parametrize(
    "case, expected",
    cases(
        {
            "archiveprefix-arxiv": ({"2301.00774": ["lovelace2023sparse"]}, "arxiv and authors"),
            "no-archive-arxiv-id": ({"2301.00774": ["lovelace2023sparse"]}, "arxiv and authors"),
            "no-archive-old-arxiv-id": (
                {"hep-th/9901001": ["lovelace2023sparse"]},
                "arxiv and authors",
            ),
            "no-archive-pmc-id": ({}, ""),
            "eprinttype-arxiv": ({"2301.00774": ["lovelace2023sparse"]}, "arxiv and authors"),
            "archiveprefix-hal": ({}, ""),
            "eprinttype-hal-arxiv-shaped": ({}, ""),
        }
    ),
)
def test_match_by_arxiv_id(
    case: str, expected: tuple[dict[str, list[str]], str], tmp_path: Path
) -> None:
    """The database side (the index) and the incoming side read the id alike: a retitled
    record with the same eprint and authors is the same paper exactly when the eprint is arXiv."""
    db = Database(tmp_path / "x.bib", None, [entry(case)])
    index = MatchIndex(db)
    retitled = entry(case).with_fields(title="Published Under Another Name")
    _, how, _ = find_match(db, retitled, index)
    assert (dict(index.by_arxiv), how) == expected


@pytest.mark.parametrize(
    "fields, expected",
    [
        pytest.param({"doi": "10.48550/arXiv.2301.00774"}, {"2301.00774": ["a"]}, id="arxiv-doi"),
        pytest.param(
            {"doi": "https://doi.org/10.48550/arXiv.2301.00774"},
            {"2301.00774": ["a"]},
            id="arxiv-doi-as-link",
        ),
        pytest.param({"doi": "10.1145/3600006.3613165"}, {}, id="other-doi"),
        pytest.param(
            {"url": "https://arxiv.org/pdf/2301.00774v3"}, {"2301.00774": ["a"]}, id="arxiv-url"
        ),
        pytest.param({"url": "https://example.org/2301.00774"}, {}, id="other-url"),
        pytest.param(
            {
                "eprint": "hal-01234567",
                "archiveprefix": "HAL",
                "url": "https://arxiv.org/abs/2301.00774",
            },
            {"2301.00774": ["a"]},
            id="hal-eprint-arxiv-url",
        ),
    ],
)
def test_match_reads_arxiv_links(fields: dict[str, str], expected: dict[str, list[str]]) -> None:
    """The merge also matches on an arXiv DOI or URL (``arxiv_id(..., links=True)``)."""
    db = Database(Path("x.bib"), None, [Entry.make("a", "misc", {**BASE, **fields})])
    assert MatchIndex(db).by_arxiv == expected


@pytest.mark.parametrize(
    "case, expected",
    cases(
        {
            "archiveprefix-arxiv": (True, False),
            "no-archive-arxiv-id": (True, False),
            "no-archive-old-arxiv-id": (True, False),
            "no-archive-pmc-id": (False, False),  # PubMed Central is no preprint server
            "eprinttype-arxiv": (True, False),
            "archiveprefix-hal": (False, False),
            "eprinttype-hal-arxiv-shaped": (False, False),
        }
    ),
)
def test_enrichment_upgrades_arxiv_preprints_only(case: str, expected: tuple[bool, bool]) -> None:
    """What enrichment treats as a preprint to upgrade (a @misc, and the same paper as an
    @inproceedings): the website's "preprint" status, one predicate (``vocab.is_preprint``)."""
    from effllm_bib import vocab

    published = entry(case).with_type("inproceedings")
    assert (vocab.is_preprint(entry(case)), vocab.is_preprint(published)) == expected


@pytest.mark.parametrize(
    "case, expected",
    cases(
        {
            "archiveprefix-arxiv": True,
            "no-archive-arxiv-id": False,  # no archive named: maybe not meant as arXiv, not judged
            "no-archive-old-arxiv-id": False,
            "no-archive-pmc-id": False,
            "eprinttype-arxiv": True,
            "archiveprefix-hal": False,
            "eprinttype-hal-arxiv-shaped": False,
        }
    ),
)
def test_check_judges_only_eprints_meant_as_arxiv(case: str, expected: bool) -> None:
    """A malformed eprint is a ``bad-arxiv-id`` only where an archive says arXiv."""
    from effllm_bib.check import check_entries

    bad = entry(case).with_fields(eprint=entry(case).get("eprint") + "x")
    assert ("bad-arxiv-id" in {p.code for p in check_entries([bad], None)}) is expected


class RecordingArxiv:
    """Stands in for the arXiv source: notes the ids it is asked for and knows none of them."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def fetch(self, ids: Any) -> dict[str, Any]:
        self.asked += sorted(ids)
        return {}


@pytest.mark.parametrize(
    "case, expected",
    cases(
        {
            "archiveprefix-arxiv": (["2301.00774"], "10.48550/arXiv.2301.00774"),
            "no-archive-arxiv-id": (["2301.00774"], "10.48550/arXiv.2301.00774"),
            "no-archive-old-arxiv-id": (["hep-th/9901001"], "10.48550/arXiv.hep-th/9901001"),
            "no-archive-pmc-id": ([], ""),
            "eprinttype-arxiv": (["2301.00774"], "10.48550/arXiv.2301.00774"),
            "archiveprefix-hal": ([], ""),
            "eprinttype-hal-arxiv-shaped": ([], ""),
        }
    ),
)
def test_enrichment_asks_arxiv_and_derives_its_doi(
    case: str, expected: tuple[list[str], str], tmp_path: Path
) -> None:
    from effllm_bib.enrich.batch import enrich
    from effllm_bib.enrich.engine import Enricher

    db = Database(tmp_path / "x.bib", None, [entry(case)])
    arxiv = RecordingArxiv()
    enrich(Enricher(db, None, arxiv, today="2026-01-01"), [entry(case).key])  # type: ignore[arg-type]  # a recording stand-in for ArxivSource
    assert (arxiv.asked, db.entries[entry(case).key].get("doi")) == expected
