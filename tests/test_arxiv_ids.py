"""export --arxiv: a published paper is cited as published (no arXiv note, DOI or link) unless
asked for; preprints keep their arXiv id. The exports of the whole database are read back by
pybtex and json, not by our reader."""

from __future__ import annotations

import json
from typing import get_args

import pybtex.database
import pytest
from click.testing import CliRunner

from effllm_bib.cli import cli
from effllm_bib.export import ARXIV_POLICIES
from effllm_bib.export.arxiv_ids import ArxivPolicy, cite_arxiv
from effllm_bib.model import Entry

from .conftest import REFS

PUBLISHED = Entry.make(
    "p",
    "inproceedings",
    {
        "title": "T",
        "booktitle": "B",
        "doi": "10.48550/arXiv.2301.00774",
        "url": "https://arxiv.org/abs/2301.00774",
        "eprint": "2301.00774",
        "archiveprefix": "arXiv",
        "eprinttype": "arxiv",
    },
)
PREPRINT = Entry.make("q", "misc", {"title": "T", "eprint": "2301.00774", "archiveprefix": "arXiv"})
# Where an export could name the arXiv version (``code`` is the survey's code link, which for
# some papers is the arXiv page itself).
ARXIV_FIELDS = ("note", "doi", "url", "eprint", "howpublished", "archiveprefix", "eprinttype")
VENUE = PUBLISHED.with_fields(doi="10.18653/v1/2023.acl-long.1", url="https://aclanthology.org/x")


def test_the_policies_of_the_cli_are_the_policies_of_the_library():
    assert get_args(ArxivPolicy) == ARXIV_POLICIES


@pytest.mark.parametrize(
    "entry, policy, keep_eprint, dropped",
    [
        pytest.param(
            PUBLISHED,
            "preprints",
            False,
            {"doi", "url", "eprint", "archiveprefix", "eprinttype"},
            id="published-bibtex",
        ),
        pytest.param(PUBLISHED, "preprints", True, {"doi", "url"}, id="published-biblatex"),
        pytest.param(
            PUBLISHED,
            "none",
            True,
            {"doi", "url", "eprint", "archiveprefix", "eprinttype"},
            id="published-biblatex-none",
        ),
        pytest.param(PUBLISHED, "all", False, set(), id="published-all"),
        pytest.param(VENUE, "preprints", True, set(), id="venue-doi-and-page-kept"),
        pytest.param(PREPRINT, "preprints", False, set(), id="preprint"),
        pytest.param(PREPRINT, "none", False, set(), id="preprint-none"),
    ],
)
def test_cite_arxiv(
    entry: Entry, policy: ArxivPolicy, keep_eprint: bool, dropped: set[str]
) -> None:
    out = cite_arxiv(entry, policy, keep_eprint)
    assert {name for name, _ in entry.fields} - {name for name, _ in out.fields} == dropped


def _export(*args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", str(REFS), "export", *args])
    assert result.exit_code == 0, result.output
    output: str = result.output
    return output


def _published(data: pybtex.database.BibliographyData) -> dict[str, dict[str, str]]:
    return {
        key: {name.lower(): value for name, value in e.fields.items()}
        for key, e in data.entries.items()
        if e.type in ("inproceedings", "article")
    }


def test_by_default_no_published_entry_carries_an_arxiv_note_doi_or_link():
    data = pybtex.database.parse_string(_export(), "bibtex")
    published = _published(data)
    assert len(published) > 300
    residue = {
        key: [name for name in ARXIV_FIELDS if "arxiv" in fields.get(name, "").lower()]
        for key, fields in published.items()
    }
    assert {key: names for key, names in residue.items() if names} == {}
    preprints = [e for e in data.entries.values() if e.type == "misc" and "eprint" in e.fields]
    assert len(preprints) > 50
    assert all("arXiv" in e.fields["howpublished"] for e in preprints)


def test_arxiv_all_gives_published_entries_their_note():
    published = _published(pybtex.database.parse_string(_export("--arxiv", "all"), "bibtex"))
    with_note = [key for key, f in published.items() if f.get("note", "").startswith("arXiv:")]
    assert len(with_note) > 300


def test_biblatex_keeps_eprint_unless_none():
    kept = _published(pybtex.database.parse_string(_export("-f", "biblatex"), "bibtex"))
    assert sum("eprint" in f for f in kept.values()) > 300
    assert not [k for k, f in kept.items() if f.get("doi", "").lower().startswith("10.48550")]
    gone = _published(
        pybtex.database.parse_string(_export("-f", "biblatex", "--arxiv", "none"), "bibtex")
    )
    assert sum("eprint" in f for f in gone.values()) == 0


def test_csl_json_gives_published_papers_no_arxiv_link():
    items = json.loads(_export("-f", "csl-json"))
    published = [i for i in items if i["type"] == "paper-conference"]
    assert len(published) > 300
    assert [i["id"] for i in published if "arxiv" in json.dumps(i).lower()] == []
