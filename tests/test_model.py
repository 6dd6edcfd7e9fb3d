"""The entry model: the field mapping kept beside the canonical tuple (export speed)."""

from __future__ import annotations

import pickle
from dataclasses import replace

import pytest

from effllm_bib.model import Entry
from effllm_bib.resolve import resolve_entries

BASE = Entry(
    "k", "Article", (("Title", "A"), ("author", "B"), ("year", "2020")), frozenset({"year"})
)


def _scan(entry: Entry, name: str) -> str:
    """A lookup the slow way, over the canonical tuple: the first value of the name."""
    return next((v for k, v in entry.fields if k == name), "")


@pytest.mark.parametrize(
    "entry",
    [
        pytest.param(BASE, id="constructed"),
        pytest.param(BASE.with_fields(title="Z", note="N", year=""), id="with-fields"),
        pytest.param(replace(BASE, fields=(("title", "R"),)), id="dataclasses-replace"),
        pytest.param(BASE.with_key("other").with_type("misc"), id="with-key-and-type"),
        pytest.param(BASE.with_keywords(["b", "a"]), id="with-keywords"),
        pytest.param(Entry("d", "misc", (("note", "second"), ("note", "first"))), id="name-twice"),
        pytest.param(
            resolve_entries(
                [
                    Entry("c", "inproceedings", (("crossref", "p"),)),
                    Entry("p", "proceedings", (("title", "T"), ("year", "1999"))),
                ],
                {},
            )[0],
            id="resolved-copy",
        ),
        pytest.param(pickle.loads(pickle.dumps(BASE)), id="pickled"),
    ],
)
def test_lookups_agree_with_the_canonical_fields(entry):
    names = {k for k, _ in entry.fields} | {"title", "absent"}
    assert {n: entry.get(n) for n in names} == {n: _scan(entry, n) for n in names}
    assert {n for n in names if n in entry} == {k for k, _ in entry.fields}
    order = ["absent", *sorted(names, reverse=True)]
    assert entry.first(*order) == next((_scan(entry, n) for n in order if _scan(entry, n)), "")


def test_a_lookup_leaves_equality_hash_and_repr_alone():
    fresh = Entry(
        "k", "article", (("author", "B"), ("title", "A"), ("year", "2020")), frozenset({"year"})
    )
    before = (repr(BASE), hash(BASE))
    assert BASE.get("title") == "A"
    assert (repr(BASE), hash(BASE)) == before
    assert (fresh, hash(fresh)) == (BASE, hash(BASE))
    assert "_index" not in repr(BASE)
