"""The OpenReview source: API 2 notes read from recorded answers (tests/data/http/openreview/,
written from the papers' real forums), a paper counted as published only by its venue fields."""

from __future__ import annotations

import json
from typing import Any

import pytest

from effllm_bib.enrich.http import ServiceError
from effllm_bib.enrich.openreview import OpenReviewNote, parse_notes

from .conftest import DATA

RECORDED = DATA / "http" / "openreview"


def recorded(name: str) -> Any:
    return json.loads((RECORDED / name).read_text(encoding="utf-8"))


def test_a_search_answer_reads_as_forum_notes():
    notes = parse_notes(recorded("search_mamba.json"), "search")
    assert [(n.forum, n.venueid) for n in notes] == [
        ("AL1fq05o7H", "ICLR.cc/2024/Conference/Rejected_Submission"),
        ("tEYskw1VY2", "colmweb.org/COLM/2024/Conference"),
        ("LKEJPySnlt", "colmweb.org/COLM/2024/Conference"),
    ]
    assert notes[0].authors == ("Albert Gu", "Tri Dao")
    assert notes[1].url == "https://openreview.net/forum?id=tEYskw1VY2"


@pytest.mark.parametrize(
    "answer, forum, expected",
    [
        pytest.param(
            "search_mamba.json",
            "AL1fq05o7H",
            ("misc", {"howpublished": "Submitted to ICLR 2024"}),
            id="rejected-submission-is-no-publication",
        ),
        pytest.param(
            "search_mamba.json",
            "tEYskw1VY2",
            (
                "inproceedings",
                {"booktitle": "First Conference on Language Modeling", "year": "2024"},
            ),
            id="colm",
        ),
        pytest.param(
            "search_slicegpt.json",
            "vXxardq6db",
            (
                "inproceedings",
                {
                    "booktitle": "The Twelfth International Conference on Learning Representations",
                    "year": "2024",
                },
            ),
            id="iclr-poster",
        ),
        pytest.param(
            "search_sparsified.json",
            "Bb4VGOWELI",
            (
                "article",
                {"journal": "Transactions on Machine Learning Research", "year": "2025"},
            ),
            id="tmlr-year-from-publication-date",
        ),
    ],
)
def test_published_only_by_the_venue_fields(
    answer: str, forum: str, expected: tuple[str, dict[str, str]]
):
    [note] = [n for n in parse_notes(recorded(answer), "search") if n.forum == forum]
    entry = note.to_entry()
    entry_type, fields = expected
    assert (entry.type, {name: entry.get(name) for name in fields}) == (entry_type, fields)
    assert entry.get("url") == f"https://openreview.net/forum?id={forum}"


@pytest.mark.parametrize(
    "venue, venueid",
    [
        pytest.param("Submitted to ICLR 2025", "ICLR.cc/2025/Conference", id="under-review"),
        pytest.param(
            "ICLR 2025 Conference Withdrawn Submission",
            "ICLR.cc/2025/Conference/Withdrawn_Submission",
            id="withdrawn",
        ),
        pytest.param("NeurIPS 2023 poster", "NeurIPS.cc/2023/Workshop/ENLSP", id="a-workshop"),
        pytest.param("TMLR", "TMLR/Rejected", id="tmlr-rejected"),
        pytest.param("ICLR 1999 poster", "ICLR.cc/1999/Conference", id="a-year-outside-the-table"),
    ],
)
def test_nothing_else_counts_as_published(venue: str, venueid: str):
    note = OpenReviewNote("f", "T", ("A B",), venue, venueid, published_ms=1735689600000)
    assert note.published_at() is None
    assert note.to_entry().type == "misc"


def test_replies_and_malformed_notes_are_skipped():
    answer = recorded("search_slicegpt.json")
    review = {"id": "r1", "forum": "vXxardq6db", "content": {"title": {"value": "Review"}}}
    answer["notes"] += [review, {"id": "x"}, "not a note"]
    assert [n.forum for n in parse_notes(answer, "search")] == ["vXxardq6db"]


@pytest.mark.parametrize("answer", [{}, {"notes": "none"}, [], "text"])
def test_an_answer_without_notes_is_a_service_error(answer: Any):
    with pytest.raises(ServiceError, match="no 'notes' list"):
        parse_notes(answer, "search 'x'")
