"""The venue table (data/venues.toml) and the look-ups on it: the survey's names, typos included,
and publishers' full names."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import effllm_bib
from effllm_bib.errors import InputFileError
from effllm_bib.venues import (
    VENUE_KINDS,
    VENUES_FILE,
    Venue,
    load_venues,
    lookup_venue,
    match_venue,
    mistyped_venue,
    short_venue,
    venue_lookup_key,
    venue_table,
)

SRC = Path(effllm_bib.__file__).resolve().parents[1]
NEURIPS = Venue("NeurIPS", "conference", "Advances in Neural Information Processing Systems")
FINDINGS_ACL = Venue(
    "Findings of ACL",
    "conference",
    "Findings of the Association for Computational Linguistics: ACL",
)
ROWS = tomllib.loads(VENUES_FILE.read_text(encoding="utf-8"))["venue"]


@pytest.mark.parametrize("row", [pytest.param(r, id=r["short"]) for r in ROWS])
def test_every_row_has_the_required_keys_and_a_known_kind(row):
    assert {"keys", "short", "kind"} <= set(row) <= {"keys", "short", "kind", "full"}
    assert row["kind"] in VENUE_KINDS
    assert row["keys"] and all(venue_lookup_key(k) == k for k in row["keys"])


def test_the_table_loads_with_every_key_once():
    keys = [k for row in ROWS for k in row["keys"]]
    assert len(venue_table()) == len(keys) == len(set(keys)) == 58


def test_importing_the_module_reads_no_file():
    code = "import sys, effllm_bib.venues as v; print(v.venue_table.cache_info().currsize, 'tomllib' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(SRC)},
    )
    assert out.stdout.split() == ["0", "False"]


@pytest.mark.parametrize(
    "raw, venue",
    [
        pytest.param("NeurIPS", NEURIPS, id="neurips"),
        pytest.param("NeurlPS", NEURIPS, id="neurlps-typo"),
        pytest.param("NIPS", NEURIPS, id="nips"),
        pytest.param(" NeurIPS", NEURIPS, id="leading-space"),
        pytest.param("Arxiv", Venue("arXiv", "preprint"), id="arxiv-case"),
        pytest.param("arXiv", Venue("arXiv", "preprint"), id="arxiv"),
        pytest.param(
            "NeurIPS-ENLSP",
            Venue(
                "NeurIPS ENLSP Workshop",
                "workshop",
                "Workshop on Efficient Natural Language and Speech Processing",
            ),
            id="workshop-kept-distinct",
        ),
        pytest.param(
            "ICML Workshop", Venue("ICML Workshop", "workshop", "ICML Workshop"), id="icml-workshop"
        ),
        pytest.param(
            "EMNLP-Findings",
            Venue(
                "Findings of EMNLP",
                "conference",
                "Findings of the Association for Computational Linguistics: EMNLP",
            ),
            id="findings-kept-distinct",
        ),
        pytest.param("ACL Findings", FINDINGS_ACL, id="acl-findings"),
        pytest.param("Findings of the ACL", FINDINGS_ACL, id="findings-of-the-acl"),
        pytest.param(
            "NAACL-HLT",
            Venue(
                "NAACL",
                "conference",
                "Proceedings of the Conference of the North American Chapter of the Association "
                "for Computational Linguistics: Human Language Technologies",
            ),
            id="naacl-hlt",
        ),
        pytest.param(
            "TMLR",
            Venue("TMLR", "journal", "Transactions on Machine Learning Research"),
            id="journal",
        ),
        pytest.param(
            "USENIX ATC",
            Venue("USENIX ATC", "conference", "USENIX Annual Technical Conference"),
            id="two-words",
        ),
        pytest.param("Blog", Venue("Blog", "blog"), id="blog"),
        pytest.param("Website", Venue("Website", "website"), id="website"),
        pytest.param("Conference of Nowhere", None, id="unknown"),
    ],
)
def test_lookup_venue(raw, venue):
    assert lookup_venue(raw) == venue


@pytest.mark.parametrize(
    "name, short",
    [
        pytest.param(
            "Findings of the Association for Computational Linguistics: ACL 2023",
            "Findings of ACL",
            id="findings-with-year",
        ),
        pytest.param(
            "Proceedings of the 41st International Conference on Machine Learning",
            "ICML",
            id="ordinal",
        ),
        pytest.param(
            "The Twelfth International Conference on Learning Representations",
            "ICLR",
            id="ordinal-word",
        ),
        pytest.param(
            "Proceedings of the 61st Annual Meeting of the Association for Computational "
            "Linguistics (Volume 1: Long Papers)",
            "ACL",
            id="acl-long",
        ),
        pytest.param(
            "Proceedings of the 29th Symposium on Operating Systems Principles (SOSP '23)",
            "SOSP",
            id="sosp-without-acm",
        ),
        pytest.param("ACM Symposium on Operating Systems Principles (SOSP '24)", "SOSP", id="sosp"),
        pytest.param(
            "Proceedings of the Thirty-Fourth International Joint Conference on Artificial "
            "Intelligence",
            "IJCAI",
            id="ijcai",
        ),
        pytest.param("Proceedings of the ACM SIGCOMM 2024 Conference", "SIGCOMM", id="sigcomm"),
        pytest.param(
            "Proceedings of the BabyLM Challenge at the 27th Conference on Computational Natural "
            "Language Learning",
            "CoNLL",
            id="babylm-at-conll",
        ),
        pytest.param(
            "Proceedings of 2nd Annual Workshop on Topology, Algebra, and Geometry in Machine "
            "Learning (TAG-ML)",
            "TAG-ML",
            id="tag-ml",
        ),
        pytest.param(
            "Proceedings of the 59th Annual Meeting of the Association for Computational "
            "Linguistics and the 11th International Joint Conference on Natural Language "
            "Processing (Volume 1: Long Papers)",
            "ACL",
            id="acl-ijcnlp-is-not-ijcai",
        ),
        pytest.param("A Workshop Nobody Lists", "A Workshop Nobody Lists", id="unknown-kept"),
    ],
)
def test_short_venue(name, short):
    assert short_venue(name) == short


@pytest.mark.parametrize(
    "entry_type, name, short",
    [
        pytest.param(
            "inproceedings",
            "Transactions on Machine Learning Research",
            "TMLR",
            id="journal-as-inproceedings",
        ),
        pytest.param(
            "article",
            "Advances in Neural Information Processing Systems 36",
            "NeurIPS",
            id="conference-as-article",
        ),
    ],
)
def test_mistyped_venue(entry_type, name, short):
    venue = mistyped_venue(entry_type, name)
    assert venue is not None and venue.short == short


@pytest.mark.parametrize(
    "entry_type, name",
    [
        pytest.param("article", "Transactions on Machine Learning Research", id="fits"),
        pytest.param("misc", "Transactions on Machine Learning Research", id="unpublished"),
    ],
)
def test_well_typed_venue(entry_type, name):
    assert mistyped_venue(entry_type, name) is None


def test_match_venue_prefers_the_most_specific_row():
    assert match_venue("Findings of the Association for Computational Linguistics: EMNLP 2023") == (
        Venue(
            "Findings of EMNLP",
            "conference",
            "Findings of the Association for Computational Linguistics: EMNLP",
        )
    )


GOOD = '[[venue]]\nkeys = ["x"]\nshort = "X"\nkind = "journal"\n'


@pytest.mark.parametrize(
    "text, message",
    [
        pytest.param("[[venue]\n", "cannot read the venue table", id="not-toml"),
        pytest.param("title = 'venues'\n", "no [[venue]] tables", id="no-rows"),
        pytest.param('[[venue]]\nkeys = ["x"]\nshort = "X"\n', "venue 1: lacks kind", id="no-kind"),
        pytest.param(
            '[[venue]]\nshort = "X"\nkind = "journal"\n', "venue 1: lacks keys", id="no-keys"
        ),
        pytest.param(GOOD.replace("journal", "magazine"), "has kind 'magazine'", id="bad-kind"),
        pytest.param(GOOD + 'publisher = "ACM"\n', "unknown fields publisher", id="unknown-field"),
        pytest.param(
            GOOD.replace('["x"]', '["Findings of ACL"]'),
            "write 'findingsacl'",
            id="key-not-a-lookup-key",
        ),
        pytest.param(GOOD.replace('["x"]', "[]"), "needs keys", id="empty-keys"),
        pytest.param(
            GOOD + GOOD.replace('"X"', '"Y"'),
            "venue 2 (Y): key 'x' already finds X",
            id="key-twice",
        ),
    ],
)
def test_a_broken_table_is_one_line_naming_the_file_and_row(tmp_path, text, message):
    path = tmp_path / "venues.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputFileError, match=r"^[^\n]*$") as info:
        load_venues(path)
    assert str(path) in str(info.value) and message in str(info.value)
