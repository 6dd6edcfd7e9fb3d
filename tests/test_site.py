"""The static site, read back as HTML: pages, counts, escaping, COinS, no asset from another host.

What a page offers a reader (links, venue names, search, orders, permalinks, its title) is in
test_site_view.py."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from click.testing import CliRunner

from effllm_bib.cli import cli
from effllm_bib.database import Database
from effllm_bib.export.bibtex import export_bibtex
from effllm_bib.latex import plain
from effllm_bib.model import Entry
from effllm_bib.site import SiteError, build_site
from effllm_bib.site.coins import coins_pairs

from .conftest import REFS
from .site_pages import page


@pytest.fixture(scope="module")
def site(db: Database, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "public"
    build_site(db, out)
    return out


def test_every_category_has_a_page_and_a_bib(db: Database, site: Path) -> None:
    slugs = set(db.taxonomy.walk())
    assert {p.stem for p in (site / "c").glob("*.html")} == slugs
    assert {p.stem for p in (site / "c").glob("*.bib")} == slugs
    assert (site / "effllm.bib").read_text(encoding="utf-8").count("\n@") == len(db)


def test_index_lists_every_paper_once(db: Database, site: Path) -> None:
    keys = page(site / "index.html").keys
    assert sorted(keys) == sorted(db.entries)


def without_tracking(url: str) -> str:
    """The link as a reader should get it: ``?utm_source=catalyzex.com`` (the only tracking
    parameter the database holds) dropped."""
    return url.replace("?utm_source=catalyzex.com", "")


def required_links(entry: Entry) -> set[str]:
    """arXiv, DOI, code and its own page (unless that is arXiv's or only the DOI's address)."""
    doi = f"https://doi.org/{entry.get('doi')}" if entry.get("doi") else ""
    url = entry.get("url")
    wanted = {
        f"https://arxiv.org/abs/{entry.get('eprint')}" if entry.get("eprint") else "",
        doi,
        without_tracking(entry.get("code")),
        "" if "arxiv.org/" in url or url == doi else url,
    }
    return wanted - {""}


def allowed_links(entry: Entry) -> set[str]:
    """What a card may link besides: a page the entry lists in ``sources``."""
    return required_links(entry) | set(entry.get("sources").split())


def test_papers_link_to_arxiv_doi_code_and_their_page(db: Database, site: Path) -> None:
    links = page(site / "index.html").paper_links
    shown = {key: set(links.get(key, [])) for key in db.entries}
    assert {k: required_links(e) - shown[k] for k, e in db.entries.items()} == dict.fromkeys(
        db.entries, set()
    )
    assert {k: shown[k] - allowed_links(e) for k, e in db.entries.items()} == dict.fromkeys(
        db.entries, set()
    )


def test_ids_are_unique_and_labels_name_controls(site: Path) -> None:
    for path in [site / "index.html", site / "c" / "quantization.html"]:
        text = path.read_text(encoding="utf-8")
        ids = page(path).ids
        assert len(ids) == len(set(ids))
        labelled = set(re.findall(r'<label for="([^"]+)"', text))
        controls = set(re.findall(r'<(?:input|select)[^>]* id="([^"]+)"', text))
        assert labelled == controls == {"q", "venue", "from", "to", "status", "sort"}


def test_tree_counts_are_the_papers_of_each_page(db: Database, site: Path) -> None:
    counts = db.count_by_category()
    assert page(site / "index.html").tree == counts
    shown = {slug: len(page(site / "c" / f"{slug}.html").keys) for slug in counts}
    assert shown == counts


def test_category_bib_holds_its_subtree(db: Database, site: Path) -> None:
    text = (site / "c" / "quantization.bib").read_text(encoding="utf-8")
    keys = set(re.findall(r"^@\w+\{([^,]+),", text, re.M))
    assert keys == {e.key for e in db.select(["quantization"])}
    assert keys == set(page(site / "c" / "quantization.html").keys)


def test_no_latex_in_the_text(site: Path) -> None:
    text = "".join(page(site / "index.html").text)
    assert "Better & Faster Large Language Models" in text
    assert not re.findall(r"\\|\{|\}|\$\\", text)  # {\"o}, \&, $\infty$


def test_assets_come_from_the_site_itself(site: Path) -> None:
    pages = [site / "index.html", *sorted((site / "c").glob("*.html"))]
    assets = {a for p in pages for a in page(p).assets}
    assert assets == {
        "assets/site.css",
        "assets/site.js",
        "../assets/site.css",
        "../assets/site.js",
    }
    css = (site / "assets" / "site.css").read_text(encoding="utf-8")
    js = (site / "assets" / "site.js").read_text(encoding="utf-8")
    assert not re.search(r"url\(|@import|https?://", css + js)


def test_bibtex_of_a_paper_is_the_classic_export(db: Database, site: Path) -> None:
    text = (site / "index.html").read_text(encoding="utf-8")
    panel = re.search(r'id="bib-ainslie2023gqa" hidden>\s*<pre[^>]*>(.*?)</pre>', text, re.S)
    assert panel is not None
    assert html.unescape(panel.group(1)) == export_bibtex([db.get("ainslie2023gqa")]).strip()


HOSTILE = Entry.make(
    "evil2024script",
    "misc",
    {
        "title": '<script>alert("t")</script> & \\"{o}dd {$\\infty$} \\& more',
        "author": 'Doe, <img src=x onerror=alert(1)> and {O"Brien & Co}',
        "year": "2024",
        "url": "javascript:alert(1)",
        "code": 'https://example.org/"><script>alert(2)</script>',
        "keywords": "pruning",
    },
)


@pytest.fixture
def hostile_site(db: Database, tmp_path: Path) -> Path:
    small = Database(tmp_path / "effllm.bib", db.taxonomy, [HOSTILE])
    out = tmp_path / "site"
    build_site(small, out)
    return out


def test_a_hostile_entry_is_text(hostile_site: Path) -> None:
    raw = (hostile_site / "index.html").read_text(encoding="utf-8")
    parsed = page(hostile_site / "index.html")
    assert "<script>alert" not in raw and "<img src=x" not in raw
    assert not [a for a in parsed.links if "javascript" in a.lower()]
    assert '<script>alert("t")</script> ödd ∞ & more' in "".join(parsed.text)
    assert parsed.assets == ["assets/site.css", "assets/site.js"]  # the <img> is text
    assert 'https://example.org/"><script>alert(2)</script>' in parsed.links


def test_a_site_replaces_its_previous_build_only(db: Database, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_site(Database(tmp_path / "x.bib", db.taxonomy, [HOSTILE]), out)
    (out / "c" / "stale.html").write_text("old page")
    build_site(Database(tmp_path / "x.bib", db.taxonomy, [HOSTILE]), out)
    assert not (out / "c" / "stale.html").exists()
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    with pytest.raises(SiteError, match="not empty and not a site"):
        build_site(db, foreign)
    assert [p.name for p in foreign.iterdir()] == ["notes.txt"]


def test_cli_builds_the_site(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--db", str(REFS), "site", "-o", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert re.search(r"wrote \d+ pages \(\d+ files, \d+ papers, \d+ categories\)", result.output)
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    result = CliRunner().invoke(cli, ["--db", str(REFS), "site", "-o", str(tmp_path / "mine")])
    assert result.exit_code == 1
    assert result.output == (
        f"effllm-bib: error: {tmp_path / 'mine'}: not empty and not a site "
        "effllm-bib built; give a new or empty directory.\n"
    )


# --- COinS -------------------------------------------------------------------------------------

FMT = "info:ofi/fmt:kev:mtx:"
CASES = [
    pytest.param(
        Entry.make(
            "a",
            "inproceedings",
            {
                "author": "Ainslie, Joshua and de Jong, Michiel and Lebr{\\'o}n, Federico",
                "title": "{GQA}: Training Models \\& More",
                "booktitle": "Proceedings of EMNLP",
                "year": "2023",
                "pages": "4895--4901",
                "doi": "10.18653/v1/2023.emnlp-main.298",
                "publisher": "Association for Computational Linguistics",
            },
        ),
        [
            ("ctx_ver", "Z39.88-2004"),
            ("rft_val_fmt", FMT + "book"),
            ("rft.genre", "proceeding"),
            ("rft.atitle", "GQA: Training Models & More"),
            ("rft.btitle", "Proceedings of EMNLP"),
            ("rft.au", "Ainslie, Joshua"),
            ("rft.au", "de Jong, Michiel"),
            ("rft.au", "Lebrón, Federico"),
            ("rft.date", "2023"),
            ("rft.spage", "4895"),
            ("rft.epage", "4901"),
            ("rft.pub", "Association for Computational Linguistics"),
            ("rft_id", "info:doi/10.18653/v1/2023.emnlp-main.298"),
        ],
        id="conference-paper",
    ),
    pytest.param(
        Entry.make(
            "b",
            "article",
            {
                "author": "Wan, Zhongwei and {OpenAI}",
                "title": "Efficient {LLMs}: A Survey",
                "journal": "Transactions on Machine Learning Research",
                "year": "2024",
                "volume": "5",
                "number": "2",
                "url": "https://openreview.net/forum?id=bsCCJHbO8A&x=1",
            },
        ),
        [
            ("ctx_ver", "Z39.88-2004"),
            ("rft_val_fmt", FMT + "journal"),
            ("rft.genre", "article"),
            ("rft.atitle", "Efficient LLMs: A Survey"),
            ("rft.jtitle", "Transactions on Machine Learning Research"),
            ("rft.au", "Wan, Zhongwei"),
            ("rft.aucorp", "OpenAI"),
            ("rft.date", "2024"),
            ("rft.volume", "5"),
            ("rft.issue", "2"),
            ("rft_id", "https://openreview.net/forum?id=bsCCJHbO8A&x=1"),
        ],
        id="journal-article",
    ),
    pytest.param(
        Entry.make(
            "c",
            "misc",
            {
                "author": "Frantar, Elias",
                "title": "{$\\infty$}-bench",
                "year": "2023",
                "doi": "10.48550/arXiv.2301.00774",
                "eprint": "2301.00774",
                "archiveprefix": "arXiv",
            },
        ),
        [
            ("ctx_ver", "Z39.88-2004"),
            ("rft_val_fmt", FMT + "dc"),
            ("rft.type", "preprint"),
            ("rft.title", "∞-bench"),
            ("rft.publisher", "arXiv"),
            ("rft.creator", "Frantar, Elias"),
            ("rft.date", "2023"),
            ("rft_id", "info:doi/10.48550/arXiv.2301.00774"),
            ("rft_id", "https://arxiv.org/abs/2301.00774"),
        ],
        id="arxiv-preprint",
    ),
    pytest.param(
        Entry.make(
            "d",
            "software",
            {"title": "{DeepSpeed}", "url": "https://github.com/microsoft/DeepSpeed"},
        ),
        [
            ("ctx_ver", "Z39.88-2004"),
            ("rft_val_fmt", FMT + "dc"),
            ("rft.type", "computerProgram"),
            ("rft.title", "DeepSpeed"),
            ("rft_id", "https://github.com/microsoft/DeepSpeed"),
        ],
        id="software",
    ),
]


@pytest.mark.parametrize(("entry", "expected"), CASES)
def test_coins_pairs(entry: Entry, expected: list[tuple[str, str]]) -> None:
    assert coins_pairs(entry) == expected


@pytest.mark.parametrize(("entry", "expected"), CASES)
def test_coins_span_decodes_to_the_pairs(entry: Entry, expected, db: Database, tmp_path: Path):
    """The span's title, HTML-unescaped and split at '&' as Zotero's parser does, gives the pairs."""
    build_site(
        Database(tmp_path / "x.bib", db.taxonomy, [entry.with_keywords(["lora"])]), tmp_path / "s"
    )
    kev = page(tmp_path / "s" / "index.html").coins[entry.key]
    assert parse_qsl(kev, keep_blank_values=True, strict_parsing=True) == expected
    assert all(part.count("=") == 1 for part in kev.split("&"))


def test_every_paper_has_coins_with_its_title(db: Database, site: Path) -> None:
    coins = page(site / "index.html").coins
    titles = {
        k: dict(parse_qsl(v)).get("rft.atitle") or dict(parse_qsl(v))["rft.title"]
        for k, v in coins.items()
    }
    assert titles == {k: plain(e.get("title")) for k, e in db.entries.items()}
