"""`effllm-bib enrich` end to end: what it writes, prints and asks, against a local stand-in for
Crossref, arXiv and DBLP that replays recorded responses on a clock that never waits
(tests/stand_in.py)."""

from __future__ import annotations

import difflib

import pytest

from effllm_bib.cli import cli
from effllm_bib.database import Database

from .stand_in import run_cli


def test_enrich_end_to_end(runner, edb, services, tmp_path):
    result = run_cli(runner, edb, services, tmp_path, "enrich")
    assert result.exit_code == 0, result.output
    db = Database.load(edb)
    # DOI look-up (written fixture) and the real recorded Sentence-BERT response fill authors and pages
    prefix = db.entries["li2021prefix"]
    assert prefix.get("author") == "Li, Xiang Lisa and Liang, Percy"
    assert prefix.get("pages") == "4582--4597"
    sbert = db.entries["reimers2019sentence"]
    assert (sbert.get("author"), sbert.get("pages")) == (
        "Reimers, Nils and Gurevych, Iryna",
        "3980--3990",
    )
    # arXiv batch gives authors to the preprint; its key is assigned once authors are in
    assert "hsieh2023distilling" in db.entries and "pending:distilling2023" not in db.entries
    # provenance says which source filled which field, and when
    assert db.entries["li2021prefix"].get("provenance").startswith("crossref ")
    assert "author" in db.entries["li2021prefix"].get("provenance")
    out = result.output
    assert "Crossref does not know DOI 10.1234/notarealdoi" in out
    assert "several Crossref records fit" in out and "burgess2019bfloat16" in out
    assert "arXiv returned nothing for 2405.17849" in out
    assert (
        "published as 10.18653/v1/2023.findings-acl.507; run with --upgrade-preprints" not in out
    )  # info only
    assert "enrich: 8 entries:" in out


def test_right_candidate_is_chosen_even_when_not_the_top_hit(runner, edb, services, tmp_path):
    # hsieh is a preprint: with the upgrade, the second search hit (the right paper) is applied
    result = run_cli(
        runner,
        edb,
        services,
        tmp_path,
        "enrich",
        "--upgrade-preprints",
        "-k",
        "pending:distilling2023",
    )
    assert result.exit_code == 0, result.output
    db = Database.load(edb)
    e = db.entries["hsieh2023distilling"]
    assert e.type == "inproceedings"
    assert (
        e.get("booktitle")
        == "Findings of the Association for Computational Linguistics: {ACL} 2023"
    )
    assert e.get("doi") == "10.18653/v1/2023.findings-acl.507"
    assert e.get("eprint") == "2305.02301"  # the arXiv id is kept
    assert "SCOTT" not in e.get("title")


def test_preprint_upgrade_keeps_the_key(runner, edb, services, tmp_path):
    bib = edb / "effllm.bib"
    bib.write_text(
        bib.read_text().replace(
            "@misc{pending:distilling2023,",
            "@misc{hsieh2023distilling,\n  author = {Hsieh, Cheng-Yu},",
        )
    )
    run_cli(
        runner,
        edb,
        services,
        tmp_path,
        "enrich",
        "--upgrade-preprints",
        "-k",
        "hsieh2023distilling",
    )
    assert Database.load(edb).entries["hsieh2023distilling"].type == "inproceedings"


def test_no_upgrade_without_the_flag(runner, edb, services, tmp_path):
    result = run_cli(
        runner, edb, services, tmp_path, "enrich", "-v", "-k", "pending:distilling2023"
    )
    assert "run with --upgrade-preprints to cite it" in result.output
    assert Database.load(edb).entries["hsieh2023distilling"].type == "misc"


def test_arxiv_dois_never_reach_crossref_and_dois_are_encoded(runner, edb, services, tmp_path):
    run_cli(runner, edb, services, tmp_path, "enrich")
    paths = [
        r.environ.get("REQUEST_URI") or r.environ.get("RAW_URI") or r.full_path
        for r in services.requests("/works")
    ]
    assert not any("10.48550" in p for p in paths)
    assert any("/works/10.18653%2Fv1%2F2021.acl-long.353" in p for p in paths)


def test_every_crossref_request_has_mailto_and_user_agent(runner, edb, services, tmp_path):
    run_cli(runner, edb, services, tmp_path, "enrich")
    agents = {r.headers.get("User-Agent", "") for r in services.requests("/works")}
    assert agents and all(
        "effllm-bib/" in a and "mailto:maintainers@example.org" in a for a in agents
    )


def test_second_run_sends_no_request_and_offline_works(runner, edb, services, tmp_path):
    run_cli(runner, edb, services, tmp_path, "enrich")
    first = len(services.log)
    assert first > 0
    second = run_cli(runner, edb, services, tmp_path, "enrich")
    assert len(services.log) == first, "the second run must be served from the cache"
    assert "Crossref: 0 requests" in second.output and "arXiv: 0 requests" in second.output
    assert "DBLP: 0 requests" in second.output
    offline = run_cli(runner, edb, services, tmp_path, "enrich", "--offline")
    assert offline.exit_code == 0 and len(services.log) == first


def test_offline_without_cache_sends_nothing_and_only_derives(runner, edb, services, tmp_path):
    before = Database.load(edb)
    result = run_cli(runner, edb, services, tmp_path, "enrich", "--offline", "--no-arxiv")
    assert "is not in the cache (--offline)" in result.output
    assert services.log == []
    after = Database.load(edb)
    assert before.keeps_layout()  # a hand-written file: saving changes only what enrich did
    for key, old in before.entries.items():  # only arXiv DOIs, derived without a request
        new = after.entries[key]
        assert new.with_fields(doi=old.get("doi"), provenance="") == old, key


def test_dry_run_prints_diff_and_writes_nothing(runner, edb, services, tmp_path):
    before = (edb / "effllm.bib").read_bytes()
    result = run_cli(runner, edb, services, tmp_path, "enrich", "--dry-run", "-k", "li2021prefix")
    assert "+  author = {Li, Xiang Lisa and Liang, Percy}," in result.output
    assert (edb / "effllm.bib").read_bytes() == before


def test_curated_values_are_not_overwritten_but_reported(runner, edb, services, tmp_path):
    bib = edb / "effllm.bib"
    bib.write_text(
        bib.read_text().replace(
            "  booktitle = {Proceedings of the Annual Meeting",
            "  pages = {1--2},\n  booktitle = {Proceedings of the Annual Meeting",
        )
    )
    result = run_cli(runner, edb, services, tmp_path, "enrich", "-k", "li2021prefix")
    assert (
        "conflict: li2021prefix: pages differs, kept '1--2'; source has '4582--4597'"
        in result.output
    )
    assert Database.load(edb).entries["li2021prefix"].get("pages") == "1--2"
    forced = run_cli(
        runner, edb, services, tmp_path, "enrich", "-k", "li2021prefix", "--overwrite", "pages"
    )
    assert forced.exit_code == 0
    assert Database.load(edb).entries["li2021prefix"].get("pages") == "4582--4597"


@pytest.mark.parametrize(
    "cached, asked, code, said",
    [
        pytest.param(
            "frantar2023sparsegpt",
            ["li2021prefix", "reimers2019sentence"],
            1,
            "error: all 2 entries failed; the first said: Crossref: ",
            id="all-failed",
        ),
        pytest.param(
            "li2021prefix",
            ["li2021prefix", "reimers2019sentence"],
            0,
            "enrich: 2 entries: 0 filled, 0 unchanged, 1 conflicts, 0 not found, "
            "0 ambiguous, 1 failed",
            id="some-failed",
        ),
    ],
)
def test_offline_exit_code_says_whether_anything_succeeded(
    runner, edb, services, tmp_path, cached, asked, code, said
):
    """An online run first caches the answers about one entry."""
    warm = run_cli(runner, edb, services, tmp_path, "enrich", "--no-arxiv", "-k", cached)
    assert warm.exit_code == 0
    picked = [a for key in asked for a in ("-k", key)]
    result = run_cli(runner, edb, services, tmp_path, "enrich", "--offline", "--no-arxiv", *picked)
    assert result.exit_code == code
    assert said in result.output


def test_enrich_without_network_stops_at_the_first_entry(runner, edb, tmp_path, refused_url):
    env = {
        "EFFLLM_BIB_CROSSREF_URL": refused_url,
        "EFFLLM_BIB_ARXIV_URL": refused_url,
        "EFFLLM_BIB_DBLP_URL": refused_url,
        "EFFLLM_BIB_CACHE_DIR": str(tmp_path / "cache"),
        "EFFLLM_BIB_MAILTO": "m@example.org",
    }
    keys = ["-k", "li2021prefix", "-k", "reimers2019sentence"]
    args = ["--db", str(edb), "enrich", "--dry-run", *keys]
    result = runner.invoke(cli, args, env=env)
    assert result.exit_code == 1
    assert (
        f"stopped: Crossref: cannot reach {refused_url.removeprefix('http://')} " in result.stderr
    )
    assert result.stderr.endswith("Stopped at li2021prefix.\n")
    assert "Crossref: 1 request, 0 from cache, 0 retries" in result.stdout


def test_dry_run_diff_is_from_the_file_to_what_a_real_run_writes(runner, edb, services, tmp_path):
    """A file in another layout: the dry run's diff shows the rewrite a real run makes."""
    bib = edb / "effllm.bib"
    by_hand = (
        "\n".join(reversed(bib.read_text().strip().split("\n\n"))).replace("  ", "    ") + "\n"
    )
    bib.write_text(by_hand)
    dry = run_cli(runner, edb, services, tmp_path, "enrich", "--dry-run", "-k", "li2021prefix")
    assert bib.read_text() == by_hand
    assert run_cli(runner, edb, services, tmp_path, "enrich", "-k", "li2021prefix").exit_code == 0
    expected = difflib.unified_diff(
        by_hand.splitlines(keepends=True),
        bib.read_text().splitlines(keepends=True),
        f"{bib} (now)",
        f"{bib} (after)",
    )
    out = dry.stdout
    assert out[out.index(f"--- {bib}") : out.index("dry run: nothing written.")] == "".join(
        expected
    )
