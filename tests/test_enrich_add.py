"""`effllm-bib add`: a paper by arXiv id, DOI or a URL of either, completed from the stand-in's
Crossref, arXiv and DBLP (tests/stand_in.py)."""

from __future__ import annotations

import pytest

from effllm_bib.database import Database

from .stand_in import run_cli


def test_add_existing_paper_only_adds_the_category(runner, edb, services, tmp_path):
    result = run_cli(
        runner,
        edb,
        services,
        tmp_path,
        "add",
        "https://arxiv.org/abs/2301.00774v3",
        "-c",
        "structured-pruning",
    )
    assert result.exit_code == 0, result.output
    assert result.output.endswith(
        "already in the database as frantar2023sparsegpt; added structured-pruning\n"
    )
    assert services.log == []  # the database names the id already: nothing asked
    db = Database.load(edb)
    assert db.entries["frantar2023sparsegpt"].keywords == (
        "structured-pruning",
        "unstructured-pruning",
    )
    assert len(db) == 8


def test_add_new_paper_builds_a_complete_entry(runner, edb, services, tmp_path):
    bib = edb / "effllm.bib"
    text = bib.read_text()
    start = text.index("@misc{pending:distilling2023,")
    bib.write_text(text[:start] + text[text.index("@misc{pending:i2024,") :])
    result = run_cli(runner, edb, services, tmp_path, "add", "2305.02301", "-c", "kd")
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("added hsieh2023distilling")
    e = Database.load(edb).entries["hsieh2023distilling"]
    assert e.type == "inproceedings" and e.get("doi") == "10.18653/v1/2023.findings-acl.507"
    assert e.get("eprint") == "2305.02301" and e.keywords == ("knowledge-distillation",)
    assert e.get("author").startswith("Hsieh, Cheng-Yu and Li, Chun-Liang")


def test_add_by_doi_url(runner, edb, services, tmp_path):
    bib = edb / "effllm.bib"
    text = bib.read_text()
    bib.write_text(text[: text.index("@inproceedings{reimers2019sentence,")])
    result = run_cli(
        runner,
        edb,
        services,
        tmp_path,
        "add",
        "https://doi.org/10.18653/v1/D19-1410",
        "-c",
        "data-selection",
    )
    assert result.exit_code == 0, result.output
    assert "added reimers2019sentence" in result.output


@pytest.mark.parametrize("bad", ["not-an-id", "https://example.org/paper"])
def test_add_rejects_what_is_not_an_identifier(runner, edb, services, tmp_path, bad):
    result = run_cli(runner, edb, services, tmp_path, "add", bad, "-c", "kd")
    assert result.exit_code == 1 and "neither an arXiv id nor a DOI" in result.output
    assert services.log == []
