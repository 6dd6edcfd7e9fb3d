"""What a page of the site offers a reader, on the Python side: each paper's venue page and
links without tracking, one name per venue (the same the export's --venue takes), a search that
knows keys and the names a paper goes by, the orders, #KEY permalinks, category counts that the
script can follow, and a title of the database's own. The browser test drives the same pages."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from click.testing import CliRunner
from pybtex.database import Person

from effllm_bib.cli import cli
from effllm_bib.database import Database
from effllm_bib.export.filters import Filters
from effllm_bib.latex import plain
from effllm_bib.model import Entry
from effllm_bib.site import build_site
from effllm_bib.site.links import Link, links_of
from effllm_bib.site.papers import SORTS, fold_search, papers_of, sort_ranks
from effllm_bib.site.render import site_title
from effllm_bib.taxonomy import load_taxonomy
from effllm_bib.venues import venue_table

from .conftest import REFS
from .site_pages import Page, page

TRACKING = ("utm_", "ref=", "ref_src=", "fbclid=", "gclid=")


@pytest.fixture(scope="module")
def site(db: Database, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("view") / "public"
    build_site(db, out)
    return out


@pytest.fixture(scope="module")
def index(site: Path) -> Page:
    return page(site / "index.html")


# --- links -----------------------------------------------------------------------------------

PMLR = "https://proceedings.mlr.press/v202/frantar23a.html"
LINKS = [
    pytest.param(
        {"url": PMLR, "eprint": "2301.00774", "code": "https://github.com/a/b?utm_source=x.com"},
        [
            Link("PMLR", PMLR, "venue"),
            Link("arXiv", "https://arxiv.org/abs/2301.00774", "arxiv"),
            Link("Code", "https://github.com/a/b", "code"),
        ],
        id="venue-named-code-untracked",
    ),
    pytest.param(
        {"url": "https://doi.org/10.1145/3651890.3672274", "doi": "10.1145/3651890.3672274"},
        [Link("DOI", "https://doi.org/10.1145/3651890.3672274", "doi")],
        id="url-that-is-the-doi-once",
    ),
    pytest.param(
        {
            "url": "https://arxiv.org/abs/2306.02272",
            "sources": "https://openreview.net/forum?id=ezw0CiaswN "
            "https://ojs.aaai.org/index.php/AAAI/article/view/29237?ref=feed "
            "https://arxiv.org/abs/2306.02272",
        },
        [Link("AAAI", "https://ojs.aaai.org/index.php/AAAI/article/view/29237", "venue")],
        id="publisher-page-from-sources-before-openreview",
    ),
    pytest.param(
        {"sources": "https://openreview.net/forum?id=3zKtaqxLhW https://dblp.org/rec/x"},
        [Link("OpenReview", "https://openreview.net/forum?id=3zKtaqxLhW", "venue")],
        id="openreview-from-sources",
    ),
    pytest.param(
        {"url": "https://sc22.supercomputing.org/proceedings/pap307.html"},
        [Link("Paper", "https://sc22.supercomputing.org/proceedings/pap307.html", "venue")],
        id="unknown-host-is-the-paper",
    ),
    pytest.param(
        {"sources": "https://yinminzhong.com/publication/megascale/"},
        [],
        id="an-author-page-is-no-venue-page",
    ),
]


@pytest.mark.parametrize(("fields", "expected"), LINKS)
def test_links_of_a_published_paper(fields: dict[str, str], expected: list[Link]) -> None:
    entry = Entry.make("k", "inproceedings", {"title": "T", "booktitle": "B", **fields})
    assert list(links_of(entry)) == expected


def test_links_of_a_preprint_and_software() -> None:
    preprint = Entry.make(
        "p",
        "misc",
        {"eprint": "2401.15024", "archiveprefix": "arXiv", "url": "https://blog.example/p?ref=x"},
    )
    software = Entry.make("s", "software", {"url": "https://github.com/microsoft/DeepSpeed"})
    assert links_of(preprint) == (
        Link("Paper", "https://blog.example/p", "page"),
        Link("arXiv", "https://arxiv.org/abs/2401.15024", "arxiv"),
    )
    assert links_of(software) == (Link("Homepage", "https://github.com/microsoft/DeepSpeed"),)


def venue_linked(kinds: list[tuple[str, str]]) -> bool:
    """A card that links its venue's page, or a publisher's DOI (not arXiv's 10.48550)."""
    return any(k == "venue" or (k == "doi" and "/10.48550/" not in h) for k, h in kinds)


def venue_share(index: Page) -> tuple[int, int]:
    published = [p["data-key"] for p in index.papers if p["data-status"] == "published"]
    linked = [k for k in published if venue_linked(index.link_kinds.get(k, []))]
    return len(linked), len(published)


def test_nine_in_ten_published_papers_link_their_venue(index: Page) -> None:
    linked, published = venue_share(index)
    print(f"{linked} of {published} published papers link their venue's page")
    assert linked >= 0.9 * published


def test_sparsegpt_links_pmlr(index: Page) -> None:
    assert ("venue", PMLR) in index.link_kinds["frantar2023sparsegpt"]


def tracked(url: str) -> bool:
    return any(name.startswith(TRACKING) for name in urlsplit(url).query.split("&"))


def coins_addresses(index: Page) -> list[str]:
    return [v for kev in index.coins.values() for k, v in parse_qsl(kev) if k == "rft_id"]


def test_no_link_carries_a_tracking_parameter(site: Path, index: Page) -> None:
    pages = [index, *(page(p) for p in sorted((site / "c").glob("*.html")))]
    links = [href for p in pages for href in p.links]
    assert [h for h in links if tracked(h)] == []
    assert [u for u in coins_addresses(index) if tracked(u)] == []
    assert "https://github.com/microsoft/TransformerCompression" in links


# --- venues ----------------------------------------------------------------------------------

NOT_VENUES = {"arXiv", "Software", "Web page", "Blog"}


def published_venues(index: Page) -> set[str]:
    return {p["data-venue"] for p in index.papers if p["data-status"] == "published"}


def test_the_venue_filter_names_each_venue_once_by_its_short_name(index: Page) -> None:
    options = index.options["venue"][1:]  # after "All venues"
    shorts = {v.short for v in venue_table().values()}
    assert len(options) == len(set(options))
    assert set(options) == published_venues(index) | (NOT_VENUES & set(options))
    assert published_venues(index) <= shorts
    assert {"SOSP", "SIGCOMM", "CoNLL"} <= set(options)  # IJCAI: tests/test_venues.py


def test_export_venue_selects_what_the_filter_shows(db: Database, index: Page) -> None:
    """``export --venue NAME`` and the site's venue filter agree on every published venue."""
    shown = {
        v: {p["data-key"] for p in index.papers if p["data-venue"] == v}
        for v in published_venues(index)
    }
    exported = {v: {e.key for e in Filters(venue=v).apply(db.select())} for v in shown}
    assert exported == shown
    assert len(shown["SOSP"]) == 3


# --- search ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        pytest.param("KV cache", "kv cache", id="case"),
        pytest.param("kv-cache", "kv cache", id="hyphen"),
        pytest.param("LLM.int8()", "llm int8", id="punctuation"),
        pytest.param("Üstün, Ahmet", "ustun ahmet", id="accents"),
        pytest.param("  $\\infty$-Bench ", "infty bench", id="latex-left-as-words"),
        pytest.param("∞Bench", "bench", id="a-symbol-is-no-word"),
        pytest.param("under_score", "under score", id="underscore"),
    ],
)
def test_fold_search(text: str, folded: str) -> None:
    assert fold_search(text) == folded


def found(index: Page, query: str) -> list[str]:
    """The papers a query leaves, as the page's script finds them: every folded word in the
    paper's search text."""
    words = fold_search(query).split()
    return [p["data-key"] for p in index.papers if all(w in p["data-search"] for w in words)]


@pytest.mark.parametrize(
    ("query", "key"),
    [
        pytest.param("dettmers2022llmint8", "dettmers2022llmint8", id="citation-key"),
        pytest.param("LLM.int8", "dettmers2022llmint8", id="the-name-people-know"),
        pytest.param("llmint8", "dettmers2022llmint8", id="the-name-without-its-dot"),
        pytest.param("GPT3.int8()", "dettmers2022llmint8", id="the-proceedings-title"),
        pytest.param("Soaring from 4K to 400K", "zhang2025long", id="the-survey-s-title"),
        pytest.param("frantar2023sparsegpt", "frantar2023sparsegpt", id="another-key"),
    ],
)
def test_search_finds_a_paper_by_key_and_by_the_names_it_goes_by(
    index: Page, query: str, key: str
) -> None:
    assert key in found(index, query)


def test_punctuation_and_case_do_not_change_a_search(index: Page) -> None:
    assert found(index, "kv-cache") == found(index, "KV cache") == found(index, "kv cache")
    assert len(found(index, "KV cache")) > 10


# --- orders ----------------------------------------------------------------------------------


def in_order(index: Page, name: str) -> list[dict[str, str]]:
    return sorted(index.papers, key=lambda p: int(p[f"data-by-{name}"]))


def first_family(entry: Entry) -> str:
    """The first author's von and last names as pybtex reads them (the oracle), folded."""
    first = Person(entry.get("author").split(" and ")[0])
    return fold_search(plain(" ".join([*first.prelast_names, *first.last_names])))


def test_each_order_is_a_permutation(index: Page) -> None:
    n = len(index.papers)
    ranks = {name: sorted(int(p[f"data-by-{name}"]) for p in index.papers) for name in SORTS}
    assert ranks == dict.fromkeys(SORTS, list(range(n)))
    assert list(SORTS) == ["year", "title", "venue", "author"]


def test_the_pages_are_written_newest_first(index: Page) -> None:
    assert index.keys == [p["data-key"] for p in in_order(index, "year")]
    years = [int(p["data-year"] or 0) for p in index.papers]
    assert years == sorted(years, reverse=True)


def test_title_order(db: Database, index: Page) -> None:
    titles = [
        fold_search(plain(db.get(p["data-key"]).get("title"))) for p in in_order(index, "title")
    ]
    assert titles == sorted(titles)


def test_venue_order_puts_published_venues_first(index: Page) -> None:
    chosen = in_order(index, "venue")
    statuses = [p["data-status"] for p in chosen]
    venues = [p["data-venue"].casefold() for p in chosen if p["data-status"] == "published"]
    assert statuses == sorted(statuses, key=["published", "preprint", "other"].index)
    assert venues == sorted(venues)


def test_author_order_follows_the_first_author(db: Database, index: Page) -> None:
    people = [db.get(p["data-key"]) for p in in_order(index, "author")]
    families = [first_family(e) for e in people if e.get("author")]
    assert families == sorted(families)
    assert [bool(e.get("author")) for e in people][-3:] == [False] * 3  # software last


def test_ranks_are_global_so_a_category_page_keeps_them(db: Database, site: Path) -> None:
    ranks = sort_ranks(papers_of(db.select(), db.taxonomy))
    shown = page(site / "c" / "quantization.html").papers
    assert {p["data-key"]: int(p["data-by-title"]) for p in shown} == {
        p["data-key"]: ranks["title"][p["data-key"]] for p in shown
    }


# --- permalinks, counts, current category ------------------------------------------------------


def test_every_paper_has_its_key_as_id_and_a_permalink(db: Database, index: Page) -> None:
    assert {p["id"] for p in index.papers} == set(db.entries)
    anchors = {h for h in index.links if h.startswith("#")}
    assert anchors == {"#papers"} | {f"#{k}" for k in db.entries}  # the skip link, the papers
    assert {p["data-key"] for p in index.papers} <= set("".join(index.text).split())  # shown


def test_each_paper_names_the_tree_rows_it_counts_in(db: Database, index: Page) -> None:
    cats = {p["data-key"]: set(p["data-cats"].split()) for p in index.papers}
    assert cats == {k: db.taxonomy.nodes_of(e.keywords) for k, e in db.entries.items()}
    counted = {s: sum(s in c for c in cats.values()) for s in db.taxonomy.walk()}
    assert counted == index.tree


def test_the_current_category_and_its_path_are_marked(site: Path) -> None:
    rows = page(site / "c" / "weight-only-quantization.html").tree_rows
    marked = {slug: row for slug, row in rows.items() if row != "row"}
    assert marked == {
        "weight-only-quantization": "row current",
        "post-training-quantization": "row path",
        "quantization": "row path",
        "model-compression": "row path",
        "model-centric": "row path",
    }


# --- title -----------------------------------------------------------------------------------


def test_the_survey_s_site_takes_its_title_from_the_taxonomy(index: Page) -> None:
    title = "The papers of Efficient Large Language Models: A Survey"
    assert (index.heading, index.title) == (title, title)


def test_another_database_is_not_called_the_survey(db: Database, tmp_path: Path) -> None:
    entry = db.get("frantar2023sparsegpt")
    (tmp_path / "taxonomy.toml").write_text('[[category]]\nslug = "pruning"\nname = "Pruning"\n')
    taxonomy = load_taxonomy(tmp_path / "taxonomy.toml")
    mine = Database(tmp_path / "effllm.bib", taxonomy, [entry.with_keywords(["pruning"])])
    assert site_title(mine) == "Bibliography"
    assert site_title(mine, "  My   reading list ") == "My reading list"
    build_site(mine, tmp_path / "site", "My reading list")
    home, category = (
        page(tmp_path / "site" / "index.html"),
        page(tmp_path / "site" / "c" / "pruning.html"),
    )
    assert (home.heading, home.title) == ("My reading list", "My reading list")
    assert category.title == "Pruning · My reading list"
    assert "Survey" not in "".join(home.text + category.text)


def test_site_title_option(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--db", str(REFS), "site", "-o", str(tmp_path / "s"), "--title", "Efficient LLMs"]
    )
    assert result.exit_code == 0, result.output
    assert page(tmp_path / "s" / "index.html").heading == "Efficient LLMs"
