"""Survey import on real lines of the survey's list (tests/data/survey_snippet.md)."""

from pathlib import Path

import pytest

from effllm_bib.database import Database
from effllm_bib.errors import SurveyFormatError
from effllm_bib.importers.survey import import_survey, parse_survey, parse_survey_text

from .conftest import SURVEY_SNIPPET


def by_title(db: Database, start: str):
    hits = [e for e in db.entries.values() if e.get("surveytitle").startswith(start)]
    assert len(hits) == 1, f"{start!r}: {len(hits)} entries"
    return hits[0]


@pytest.fixture
def imported(snippet_db: Path) -> Database:
    return Database.load(snippet_db)


def test_every_bullet_and_framework_becomes_one_entry(imported):
    papers = [e for e in imported.entries.values() if e.type != "software"]
    software = [e for e in imported.entries.values() if e.type == "software"]
    assert len(papers) == 29  # 32 bullets, 3 repeated (GuidedQuant, OmniQuant, HOMER)
    assert sorted(e.key for e in software) == [
        "colossalai",
        "deepspeed",
        "megatron",
        "mosec",
        "vllm",
    ]


def test_paper_listed_in_two_sections_is_one_entry_with_two_keywords(imported):
    e = by_title(imported, "GuidedQuant")
    assert e.keywords == ("weight-activation-co-quantization", "weight-only-quantization")


@pytest.mark.parametrize(
    "title, type_, fields",
    [
        pytest.param(
            "SparseGPT",
            "inproceedings",
            {
                "booktitle": "International Conference on Machine Learning",
                "year": "2023",
                "eprint": "2301.00774",
                "archiveprefix": "arXiv",
                "code": "https://github.com/IST-DASLab/sparsegpt",
            },
            id="conference",
        ),
        pytest.param("I-LLM", "misc", {"eprint": "2405.17849", "year": "2024"}, id="preprint"),
        pytest.param(
            "LLM.int8()",
            "inproceedings",
            {
                "booktitle": "Advances in Neural Information Processing Systems",
                "url": "https://openreview.net/forum?id=dXiGWqBoxaD",
            },
            id="neurlps-typo",
        ),
        pytest.param(
            "MaskLLM",
            "inproceedings",
            {"booktitle": "Advances in Neural Information Processing Systems"},
            id="nips",
        ),
        pytest.param(
            "Parameter-Efficient Prompt Tuning",
            "inproceedings",
            {"booktitle": "Findings of the Association for Computational Linguistics: EMNLP"},
            id="findings-distinct",
        ),
        pytest.param(
            "What Makes Good In-Context",
            "inproceedings",
            {"year": "2022"},
            id="no-comma-before-venue",
        ),
        pytest.param(
            "OmniQuant",
            "inproceedings",
            {
                "title": "{OmniQuant}: Omnidirectionally Calibrated Quantization for Large Language Models"
            },
            id="doubled-prefix-fixed",
        ),
        pytest.param("SEED", "misc", {"eprint": "2406.18200"}, id="nested-link-target"),
        pytest.param(
            "LLM-QAT",
            "misc",
            {"code": "https://github.com/facebookresearch/LLM-QAT"},
            id="glued-code-links",
        ),
        pytest.param(
            "A Study of Optimizations",
            "misc",
            {"year": "2024", "eprint": "2406.02290"},
            id="broken-ins",
        ),
        pytest.param("Lory", "misc", {"year": "2024", "eprint": "2405.03133"}, id="missing-ins"),
        pytest.param(
            "P-Tuning v2",
            "inproceedings",
            {"url": "https://aclanthology.org/2022.acl-short.8/"},
            id="fullwidth-comma",
        ),
        pytest.param(
            "KV-Runahead",
            "inproceedings",
            {"booktitle": "International Conference on Machine Learning", "year": ""},
            id="no-year",
        ),
        pytest.param("Compact Language Models", "misc", {"eprint": "2407.14679"}, id="www-arxiv"),
        pytest.param("HydraLoRA", "inproceedings", {"eprint": "2404.19245"}, id="pdf-link"),
    ],
)
def test_bullet_fields(imported, title, type_, fields):
    e = by_title(imported, title)
    assert e.type == type_
    for name, value in fields.items():
        assert e.get(name) == value, name


def test_arxiv_id_shared_by_different_papers_is_given_to_none(imported):
    for start in (
        "OmniQuant",
        "Rotation and Permutation",
        "Zephyr",
        "Extending Context Window",
        "Winner-Take-All",
        "LLM Maybe LongLM",
    ):
        assert by_title(imported, start).get("eprint") == "", start


EXPECTED_FINDINGS = [
    (21, "survey-markup", "indented"),
    (24, "survey-markup", "several URLs glued"),
    (37, "heading-misplaced", "'Parameter-Sharing' sits under 'knowledge-distillation'"),
    (45, "survey-markup", "full-width comma"),
    (47, "survey-markup", "'/ins>' should be '</ins>'"),
    (51, "survey-markup", "nested Markdown link"),
    (55, "survey-markup", "no opening <ins>"),
    (13, "shared-arxiv-id", "2308.13137"),
    (36, "shared-arxiv-id", "2312.09571"),
    (48, "shared-arxiv-id", "2305.15265"),
    (59, "duplicate-bullet", "listed twice"),
    (13, "survey-normalised", "title repeats its prefix"),
    (15, "survey-normalised", "'NeurlPS' read as NeurIPS"),
    (32, "survey-normalised", "'NIPS' read as NeurIPS"),
    (76, "survey-normalised", "no year"),
]


@pytest.mark.parametrize(
    "line, code, text", EXPECTED_FINDINGS, ids=[f"{c}-{n}" for n, c, _ in EXPECTED_FINDINGS]
)
def test_messy_source_is_reported_with_its_line(db_dir, line, code, text):
    db = Database.load(db_dir, create=True)
    report = import_survey(db, SURVEY_SNIPPET)
    hits = [p for p in report.problems if p.code == code and p.line == line]
    assert any(text in p.message for p in hits), [str(p) for p in report.problems if p.code == code]


def test_frameworks_table_columns_become_keywords(imported):
    assert imported.entries["vllm"].keywords == ("frameworks-inference",)
    assert imported.entries["deepspeed"].keywords == (
        "frameworks-fine-tuning",
        "frameworks-inference",
        "frameworks-training",
    )
    assert imported.entries["deepspeed"].get("url") == "https://github.com/microsoft/DeepSpeed"


def test_import_twice_changes_nothing(snippet_db):
    before = (snippet_db / "effllm.bib").read_bytes()
    db = Database.load(snippet_db)
    report = import_survey(db, SURVEY_SNIPPET)
    db.save()
    assert report.added == [] and report.updated == []
    assert (snippet_db / "effllm.bib").read_bytes() == before


def _newer_list(tmp_path: Path) -> Path:
    text = SURVEY_SNIPPET.read_text()
    text = text.replace(  # a new paper
        "- SparseGPT:",
        "- Wanda: A Simple and Effective Pruning Approach for Large Language Models, <ins>ICLR, 2024</ins> "
        "[[Paper](https://arxiv.org/abs/2306.11695)]\n- SparseGPT:",
    )
    text = text.replace(  # a paper gone
        "- I-LLM: Efficient Integer-Only Inference for Fully-Quantized Low-Bit Large Language Models, "
        "<ins>arXiv, 2024</ins> [[Paper](https://arxiv.org/abs/2405.17849)] \n",
        "",
    )
    text = text.replace(  # a new category membership
        "##### Structured Pruning\n",
        "##### Structured Pruning\n- SparseGPT: Massive Language Models Can Be Accurately Pruned in "
        "One-Shot, <ins>ICML, 2023</ins> [[Paper](https://arxiv.org/abs/2301.00774)]\n",
    )
    path = tmp_path / "newer.md"
    path.write_text(text)
    return path


def test_newer_list_adds_papers_and_memberships_and_keeps_disappeared(snippet_db, tmp_path):
    db = Database.load(snippet_db)
    ilm_key = by_title(db, "I-LLM").key
    report = import_survey(db, _newer_list(tmp_path))
    assert [db.entries[k].get("surveytitle")[:5] for k in report.added] == ["Wanda"]
    assert by_title(db, "SparseGPT").keywords == ("structured-pruning", "unstructured-pruning")
    assert report.disappeared == [ilm_key]
    assert ilm_key in db.entries


def test_prune_removes_disappeared(snippet_db, tmp_path):
    db = Database.load(snippet_db)
    ilm_key = by_title(db, "I-LLM").key
    report = import_survey(db, _newer_list(tmp_path), prune=True)
    assert report.removed == [ilm_key] and ilm_key not in db.entries


def test_curated_fields_are_never_overwritten(snippet_db, tmp_path):
    db = Database.load(snippet_db)
    e = by_title(db, "SparseGPT")
    db.put(e.with_fields(title="{SparseGPT}: curated title", booktitle="Proceedings of ICML 2023"))
    db.save()
    newer = tmp_path / "newer.md"
    newer.write_text(
        SURVEY_SNIPPET.read_text().replace(
            "Pruned in One-Shot, <ins>ICML, 2023</ins>",
            "Pruned in One-Shot, <ins>NeurIPS, 2023</ins>",
        )
    )
    db = Database.load(snippet_db)
    report = import_survey(db, newer)
    after = db.entries[e.key]
    assert after.get("title") == "{SparseGPT}: curated title"
    assert after.get("booktitle") == "Proceedings of ICML 2023"
    conflicts = [c for c in report.changes if c.kind == "conflict"]
    assert [(c.key, c.field, c.new) for c in conflicts] == [
        (e.key, "booktitle", "Advances in Neural Information Processing Systems")
    ]


def test_values_only_the_survey_set_follow_the_survey(snippet_db, tmp_path):
    newer = tmp_path / "newer.md"
    newer.write_text(
        SURVEY_SNIPPET.read_text().replace(
            "Pruned in One-Shot, <ins>ICML, 2023</ins>", "Pruned in One-Shot, <ins>ICML, 2024</ins>"
        )
    )
    db = Database.load(snippet_db)
    import_survey(db, newer)
    assert by_title(db, "SparseGPT").get("year") == "2024"


def test_unknown_section_is_an_error_with_its_line(taxonomy):
    text = SURVEY_SNIPPET.read_text().replace("##### Structured Pruning", "##### Magic Pruning")
    with pytest.raises(SurveyFormatError) as info:
        parse_survey_text(text, taxonomy, "list.md")
    assert info.value.line == 26 and "'Magic Pruning' is not in the taxonomy" in str(info.value)


def test_text_without_bullets_is_refused(taxonomy):
    with pytest.raises(SurveyFormatError, match="no paper bullets"):
        parse_survey_text("# Just a title\n\nSome prose.\n", taxonomy, "x.md")


def test_missing_file_is_a_clear_error(taxonomy, tmp_path):
    from effllm_bib.errors import InputFileError

    with pytest.raises(InputFileError, match="no such file"):
        parse_survey(tmp_path / "nope.md", taxonomy)


def test_links_lose_their_tracking_parameters(taxonomy):
    """The survey's code links from catalyzex.com carry ?utm_source=catalyzex.com."""
    text = (
        "## Model-Centric Methods\n### Model Compression\n#### Pruning\n##### Structured Pruning\n"
        "- SliceGPT: Compress Large Language Models by Deleting Rows and Columns, <ins>ICLR, "
        "2024</ins> [[Paper](https://arxiv.org/abs/2401.15024?utm_medium=feed)] "
        "[[Code](https://github.com/microsoft/TransformerCompression?utm_source=catalyzex.com)]\n"
    )
    (bullet,) = parse_survey_text(text, taxonomy, "list.md").bullets
    assert bullet.paper_url == "https://arxiv.org/abs/2401.15024"
    assert bullet.code_urls == ("https://github.com/microsoft/TransformerCompression",)
