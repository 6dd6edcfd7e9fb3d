"""The export proven by the real consumers: pdflatex + bibtex, biblatex + biber, pandoc, citation-js.

Each test feeds the export of the whole database, and of every category, to the tool itself.
Locally a missing tool skips its test; in CI (CI=true) it fails, since .ci/run installs them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from effllm_bib.export import EXTENSIONS, renderer
from effllm_bib.export.tree import write_tree
from effllm_bib.vocab import PUBLISHED_TYPES, is_preprint

from .conftest import HERE, REFS, need

JS = HERE / "js"
pytestmark = [pytest.mark.consumers, pytest.mark.slow]


def need_citation_js() -> None:
    need("node")
    if not (JS / "node_modules" / "@citation-js" / "core").exists():
        if os.environ.get("CI") == "true":
            pytest.fail("citation-js is missing; .ci/run runs npm ci in tests/js")
        pytest.skip("citation-js not installed (npm ci --prefix tests/js)")


@pytest.fixture(scope="module")
def exports(db, tmp_path_factory) -> dict[str, Path]:
    """The whole database in every format, and one file per category in bibtex and biblatex."""
    out = tmp_path_factory.mktemp("export")
    entries = db.select()
    paths = {}
    for fmt in ("bibtex", "biblatex", "csl-json", "ris"):
        path = out / f"whole-{fmt}{EXTENSIONS[fmt]}"
        path.write_text(renderer(fmt)(entries, "% whole database"), encoding="utf-8")
        paths[fmt] = path
    for fmt in ("bibtex", "biblatex"):
        write_tree(out / f"tree-{fmt}", db.taxonomy, entries, EXTENSIONS[fmt], renderer(fmt))
        paths[f"tree-{fmt}"] = out / f"tree-{fmt}"
    return paths


def run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300, check=False)


def latex(cwd: Path, name: str) -> None:
    result = run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", name], cwd)
    assert result.returncode == 0, result.stdout[-3000:]


def latex_warnings(log: Path) -> list[str]:
    text = log.read_text(encoding="latin-1")
    found = re.findall(
        r"^(?:!.*|LaTeX Warning:.*|Package \w+ Warning:.*|Missing character:.*)$", text, re.M
    )
    return [
        w
        for w in found
        if "Rerun" not in w and "rerun" not in w and "undefined references" not in w
    ]


def category_files(tree: Path) -> list[Path]:
    return sorted(tree.rglob("*.bib"))


def entry_blocks(path: Path) -> list[str]:
    return re.findall(r"^@\w+\{[\s\S]*?^\}$", path.read_text(encoding="utf-8"), re.M)


def build_document(work: Path, bib: Path, preamble: str, bibliography: str, processor: str) -> str:
    """LaTeX, the bibliography processor, LaTeX twice; returns the processor's log."""
    shutil.copy(bib, work / "refs.bib")
    (work / "doc.tex").write_text(
        f"\\documentclass{{article}}\n\\usepackage[utf8]{{inputenc}}\n{preamble}"
        f"\\begin{{document}}\n\\nocite{{*}}\n{bibliography}\\end{{document}}\n"
    )
    latex(work, "doc.tex")
    result = run([processor, "doc"], work)
    assert result.returncode == 0, result.stdout[-3000:]
    latex(work, "doc.tex")
    latex(work, "doc.tex")
    return (work / "doc.blg").read_text(encoding="latin-1")


def test_pdflatex_and_bibtex_read_the_whole_database_cleanly(db, exports, tmp_path):
    need("pdflatex", "bibtex")
    blg = build_document(
        tmp_path,
        exports["bibtex"],
        "\\usepackage{url}\n",
        "\\bibliographystyle{plain}\n\\bibliography{refs}\n",
        "bibtex",
    )
    assert "Warning--" not in blg and "error message" not in blg, blg[-2000:]
    assert latex_warnings(tmp_path / "doc.log") == []
    assert (tmp_path / "doc.bbl").read_text(encoding="latin-1").count("\\bibitem") == len(db)


def bbl_items(bbl: str) -> dict[str, str]:
    """Each \\bibitem of a .bbl by key, as one line (BibTeX breaks long lines, ending a line
    with % where it breaks inside a word)."""
    text = re.sub(r"%\n", "", bbl)
    items = re.split(r"\\bibitem(?:\[[^\]]*\])?\{", text)[1:]
    return {item.split("}", 1)[0]: " ".join(item.split("}", 1)[1].split()) for item in items}


def test_plain_prints_names_as_written_framework_urls_and_no_arxiv_on_published_papers(
    db, exports, tmp_path
):
    """What real BibTeX with plain prints: method names keep their case, frameworks their
    address, and a published paper no arXiv id (export --arxiv preprints, the default)."""
    need("bibtex")
    shutil.copy(exports["bibtex"], tmp_path / "refs.bib")
    (tmp_path / "doc.aux").write_text(
        "\\relax\n\\citation{*}\n\\bibstyle{plain}\n\\bibdata{refs}\n"
    )
    assert run(["bibtex", "doc"], tmp_path).returncode == 0
    assert "Warning--" not in (tmp_path / "doc.blg").read_text(encoding="latin-1")
    items = bbl_items((tmp_path / "doc.bbl").read_text(encoding="latin-1"))
    printed = {key: text.replace("{", "").replace("}", "") for key, text in items.items()}
    names = {
        "ma2023llm": "LLM-Pruner:",
        "aminabadi2022deepspeed": "DeepSpeed-Inference:",
        "cho2024kv": "KV-Runahead:",
        "dettmers2022llmint8": "GPT3.int8():",
    }
    assert {key: name in printed[key] for key, name in names.items()} == dict.fromkeys(names, True)
    software = {k: e.get("url") for k, e in db.entries.items() if e.type == "software"}
    assert {k: f"\\url{{{url}}}" in items[k] for k, url in software.items()} == dict.fromkeys(
        software, True
    )
    published = [k for k, e in db.entries.items() if e.type in PUBLISHED_TYPES]
    assert [k for k in published if "arxiv" in items[k].lower()] == []
    preprints = [k for k, e in db.entries.items() if is_preprint(e)]
    assert [k for k in preprints if "arXiv" not in items[k]] == []


def test_bibtex_reads_every_category_file_cleanly(exports, tmp_path):
    need("bibtex")
    files = category_files(exports["tree-bibtex"])
    assert len(files) >= 70
    for bib in files:
        work = tmp_path / bib.stem
        work.mkdir()
        shutil.copy(bib, work / "refs.bib")
        (work / "doc.aux").write_text(
            "\\relax\n\\citation{*}\n\\bibstyle{plain}\n\\bibdata{refs}\n"
        )
        result = run(["bibtex", "doc"], work)
        blg = (work / "doc.blg").read_text(encoding="latin-1")
        assert result.returncode == 0 and "Warning--" not in blg, f"{bib.name}: {blg[-1500:]}"
        bbl = (work / "doc.bbl").read_text(encoding="latin-1")
        assert bbl.count("\\bibitem") == len(entry_blocks(bib)), bib.name


def test_biblatex_and_biber_read_the_whole_database_cleanly(db, exports, tmp_path):
    need("pdflatex", "biber")
    blg = build_document(
        tmp_path,
        exports["biblatex"],
        "\\usepackage[backend=biber,style=numeric]{biblatex}\n\\addbibresource{refs.bib}\n",
        "\\printbibliography\n",
        "biber",
    )
    assert [ln for ln in blg.splitlines() if "WARN" in ln or "ERROR" in ln] == []
    assert latex_warnings(tmp_path / "doc.log") == []
    assert (tmp_path / "doc.bbl").read_text().count("\\entry{") == len(db)


def test_biber_validates_the_whole_biblatex_file(exports, tmp_path):
    need("biber")
    result = run(
        ["biber", "--tool", f"--output-file={tmp_path / 'out.bib'}", str(exports["biblatex"])],
        tmp_path,
    )
    assert result.returncode == 0
    assert [ln for ln in result.stdout.splitlines() if "WARN" in ln or "ERROR" in ln] == []


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_every_category_file_is_made_of_checked_blocks(exports, fmt):
    """Category files hold the same entry blocks, byte for byte, as the whole-database file the
    slow consumers (pdflatex, biber) checked: what holds for the whole holds for each part."""
    whole = set(entry_blocks(exports[fmt]))
    for path in category_files(exports[f"tree-{fmt}"]):
        blocks = entry_blocks(path)
        assert blocks and set(blocks) <= whole, path.name


def pandoc_count(path: Path, reader: str) -> int:
    result = subprocess.run(
        ["pandoc", "-f", reader, "-t", "csljson", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return len(json.loads(result.stdout))


def test_pandoc_reads_every_entry(db, exports):
    need("pandoc")
    assert pandoc_count(exports["bibtex"], "bibtex") == len(db)
    assert pandoc_count(exports["biblatex"], "biblatex") == len(db)
    assert pandoc_count(exports["csl-json"], "csljson") == len(db)
    for path in category_files(exports["tree-bibtex"])[:20]:
        assert pandoc_count(path, "bibtex") == len(entry_blocks(path)), path.name


def test_citation_js_reads_every_entry_and_every_arxiv_id(db, exports):
    need_citation_js()
    files = [exports["bibtex"], *category_files(exports["tree-bibtex"])]
    result = subprocess.run(
        ["node", str(JS / "read_bib.js"), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    whole = report[str(exports["bibtex"])]
    assert whole["entries"] == len(db)
    # classic BibTeX gives only preprints their arXiv id (export --arxiv preprints)
    assert whole["eprints"] == sum(1 for e in db.entries.values() if is_preprint(e))
    for path in files:
        assert report[str(path)]["lost"] == [], path
        assert report[str(path)]["entries"] == len(entry_blocks(path)), path


def test_counts_agree_across_formats(db, exports):
    csl = json.loads(exports["csl-json"].read_text())
    ris = exports["ris"].read_text().count("ER  - ")
    bib = len(entry_blocks(exports["bibtex"]))
    assert len(csl) == bib == len(entry_blocks(exports["biblatex"])) == ris == len(db)


# --- refs/effllm.bib as committed: the file people download, read by each tool as it is ----------

CANONICAL = REFS / "effllm.bib"


def canonical_copy(work: Path) -> Path:
    shutil.copy(CANONICAL, work / "effllm.bib")
    return work / "effllm.bib"


def test_pdflatex_and_bibtex_read_refs_as_committed(db, tmp_path):
    need("pdflatex", "bibtex")
    blg = build_document(
        tmp_path,
        CANONICAL,
        "\\usepackage{url}\n",
        "\\bibliographystyle{plain}\n\\bibliography{refs}\n",
        "bibtex",
    )
    assert "error message" not in blg, blg[-2000:]
    # @software is biblatex's type for the frameworks; bibtex's plain style prints them as @misc
    # after this one warning each (left, see the README: check.py treats @software specially).
    software = sorted(k for k, e in db.entries.items() if e.type == "software")
    warned = sorted(
        re.findall(r'^Warning--entry type for "([^"]+)" isn\'t style-file defined$', blg, re.M)
    )
    assert warned == software
    assert blg.count("Warning--") == len(software), blg[-2000:]
    assert latex_warnings(tmp_path / "doc.log") == []
    assert (tmp_path / "doc.bbl").read_text(encoding="latin-1").count("\\bibitem") == len(db)


def test_biblatex_and_biber_read_refs_as_committed(db, tmp_path):
    need("pdflatex", "biber")
    blg = build_document(
        tmp_path,
        CANONICAL,
        "\\usepackage[backend=biber,style=numeric]{biblatex}\n\\addbibresource{refs.bib}\n",
        "\\printbibliography\n",
        "biber",
    )
    assert [ln for ln in blg.splitlines() if "WARN" in ln or "ERROR" in ln] == []
    assert latex_warnings(tmp_path / "doc.log") == []
    bbl = (tmp_path / "doc.bbl").read_text()
    assert bbl.count("\\entry{") == len(db)
    arxiv = sum(1 for e in db.entries.values() if e.get("eprint"))
    assert bbl.count("\\field{eprinttype}{arxiv}") == arxiv


def test_pandoc_reads_refs_as_committed(db):
    need("pandoc")
    assert pandoc_count(CANONICAL, "bibtex") == len(db)
    assert pandoc_count(CANONICAL, "biblatex") == len(db)


def test_citation_js_reads_refs_as_committed(db, tmp_path):
    need_citation_js()
    path = canonical_copy(tmp_path)
    result = subprocess.run(
        ["node", str(JS / "read_bib.js"), str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)[str(path)]
    assert report["entries"] == len(db)
    assert report["eprints"] == sum(1 for e in db.entries.values() if e.get("eprint"))
    # citation-js maps eprint only for PubMed, so in its CSL an arXiv id survives only through an
    # arXiv URL or DOI: the exports add them; the canonical file keeps the id in eprint.
    kept_elsewhere = {
        k
        for k, e in db.entries.items()
        if e.get("eprint")
        and ("arxiv.org" in e.get("url") or e.get("doi").lower().startswith("10.48550/"))
    }
    expected = {k for k, e in db.entries.items() if e.get("eprint")} - kept_elsewhere
    assert set(report["lost"]) == expected


@pytest.fixture(scope="module")
def collections_exports(db, tmp_path_factory) -> dict[str, Path]:
    from effllm_bib.export.groups import with_groups

    out = tmp_path_factory.mktemp("collections")
    paths = {}
    for fmt in ("bibtex", "biblatex"):
        text = with_groups(renderer(fmt)(db.select(), "% with groups"), db.taxonomy, db.select())
        paths[fmt] = out / f"{fmt}.bib"
        paths[fmt].write_text(text, encoding="utf-8")
    return paths


def test_the_groups_blocks_disturb_no_consumer(db, collections_exports, tmp_path):
    need("bibtex", "biber", "pandoc")
    shutil.copy(collections_exports["bibtex"], tmp_path / "refs.bib")
    (tmp_path / "doc.aux").write_text(
        "\\relax\n\\citation{*}\n\\bibstyle{plain}\n\\bibdata{refs}\n"
    )
    assert run(["bibtex", "doc"], tmp_path).returncode == 0
    assert "Warning--" not in (tmp_path / "doc.blg").read_text(encoding="latin-1")
    assert (tmp_path / "doc.bbl").read_text(encoding="latin-1").count("\\bibitem") == len(db)
    result = run(
        [
            "biber",
            "--tool",
            f"--output-file={tmp_path / 'out.bib'}",
            str(collections_exports["biblatex"]),
        ],
        tmp_path,
    )
    assert result.returncode == 0
    assert [ln for ln in result.stdout.splitlines() if "WARN" in ln or "ERROR" in ln] == []
    assert pandoc_count(collections_exports["bibtex"], "bibtex") == len(db)
    assert pandoc_count(collections_exports["biblatex"], "biblatex") == len(db)


def test_citation_js_reads_the_export_with_groups(db, collections_exports):
    need_citation_js()
    path = collections_exports["bibtex"]
    result = subprocess.run(
        ["node", str(JS / "read_bib.js"), str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)[str(path)]
    assert report["entries"] == len(db) and report["lost"] == []
