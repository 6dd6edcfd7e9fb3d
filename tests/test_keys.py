import pytest

from effllm_bib import keys
from effllm_bib.database import Database
from effllm_bib.model import Entry


def paper(author: str, year: str, title: str) -> Entry:
    return Entry.make("x", "article", {"author": author, "year": year, "title": title})


@pytest.mark.parametrize(
    "author, year, title, expected",
    [
        pytest.param(
            "Frantar, Elias and Alistarh, Dan",
            "2023",
            "{SparseGPT}: Massive Language Models",
            "frantar2023sparsegpt",
            id="issue-example",
        ),
        pytest.param(
            "Elias Frantar", "2023", "SparseGPT", "frantar2023sparsegpt", id="first-last-form"
        ),
        pytest.param(
            "Sun, Mingjie",
            "2024",
            "A Simple and Effective Pruning Approach",
            "sun2024simple",
            id="stopword-skipped",
        ),
        pytest.param("De Sa, Christopher", "2023", "QuIP", "desa2023quip", id="two-word-family"),
        pytest.param("Rozière, Baptiste", "2023", "Code Llama", "roziere2023code", id="non-ascii"),
        pytest.param(
            "{Mistral AI}", "2023", "Mistral 7B", "mistralai2023mistral", id="organisation"
        ),
        pytest.param("Xiao, G.", "2023", "\\$100 {K} Budget", "xiao2023100", id="latex-in-title"),
        pytest.param(
            "Doe, Jane",
            "2023",
            "∞-former: Infinite Memory",
            "doe2023inf",
            id="symbol-transliterated",
        ),
        pytest.param(
            "Ada Lovelace and\n  Charles Babbage",
            "1843",
            "Notes",
            "lovelace1843notes",
            id="and-before-newline",
        ),
        pytest.param(
            "Erik {Van Blokland}", "1999", "Fonts", "vanblokland1999fonts", id="braced-family"
        ),
        pytest.param("others", "1999", "Fonts", None, id="only-others"),
        pytest.param(
            "family=Smith, given=John, prefix=van",
            "2001",
            "Mills",
            "vansmith2001mills",
            id="biblatex-extended",
        ),
    ],
)
def test_final_key(author, year, title, expected):
    assert keys.final_key(paper(author, year, title), set()) == expected


def test_keys_are_lower_ascii_and_disambiguated():
    e = paper("Frantar, Elias", "2023", "SparseGPT")
    assert keys.final_key(e, {"frantar2023sparsegpt"}) == "frantar2023sparsegptb"
    assert (
        keys.final_key(e, {"frantar2023sparsegpt", "frantar2023sparsegptb"})
        == "frantar2023sparsegptc"
    )


def test_no_author_no_final_key():
    assert keys.final_key(paper("", "2023", "X"), set()) is None
    assert keys.provisional_key(paper("", "2023", "SparseGPT"), set()) == "pending:sparsegpt2023"


def test_assigned_keys_never_change_by_themselves(snippet_db):
    from effllm_bib.merge import merge_file

    from .conftest import FACTS_SNIPPET

    db = Database.load(snippet_db)
    merge_file(db, FACTS_SNIPPET)
    e = db.entries["frantar2023sparsegpt"]
    db.put(e.with_fields(year="2031", title="Changed"))  # the data changes, the key does not
    assert db.assign_keys() == []
    assert "frantar2023sparsegpt" in db.entries


def test_regenerate_is_explicit(snippet_db):
    from effllm_bib.merge import merge_file

    from .conftest import FACTS_SNIPPET

    db = Database.load(snippet_db)
    merge_file(db, FACTS_SNIPPET)
    db.put(db.entries["frantar2023sparsegpt"].with_fields(year="2031"))
    assert db.regenerate_key("frantar2023sparsegpt") == "frantar2031sparsegpt"
