"""The site in a real browser (Debian's chromium, driven by selenium through chromedriver).

Loads the index from file://, searches, filters by year, venue and status, checks the URL query
and that a reload restores it, opens a category page, and copies a BibTeX entry both through the
clipboard API and through the fallback. With EFFLLM_BIB_SCREENSHOTS=1 it also saves the
screenshots the README shows (docs/site-index.png, docs/site-category.png).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlparse

import pytest

from effllm_bib.database import Database
from effllm_bib.export.bibtex import export_bibtex
from effllm_bib.site import build_site
from effllm_bib.site.papers import Paper, fold_search, papers_of

from .conftest import REPO

if TYPE_CHECKING:  # selenium is imported when a browser is there to drive
    from selenium.webdriver.remote.webdriver import WebDriver

pytestmark = pytest.mark.slow

CHROMIUM = os.environ.get("EFFLLM_BIB_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("EFFLLM_BIB_CHROMEDRIVER", "/usr/bin/chromedriver")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def _missing() -> str:
    absent = [p for p in (CHROMIUM, CHROMEDRIVER) if shutil.which(p) is None]
    try:
        import selenium  # noqa: F401
    except ImportError:
        absent.append("selenium (pip install '.[test]')")
    return ", ".join(absent)


@pytest.fixture(scope="module")
def driver() -> Iterator[WebDriver]:
    missing = _missing()
    if missing and os.environ.get("CI") == "true":
        pytest.fail(f"{missing} missing; .ci/run installs chromium and chromium-driver")
    if missing:
        pytest.skip(f"{missing} not installed (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="effllm-bib-chromium-")
    for flag in [*FLAGS, f"--user-data-dir={profile}", "--window-size=1280,1000"]:
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    browser.set_page_load_timeout(60)
    yield browser
    browser.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def site(db: Database, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "site"
    build_site(db, out)
    return out


@pytest.fixture(scope="module")
def papers(db: Database) -> list[Paper]:
    return papers_of(db.select(), db.taxonomy)


def visible(browser: WebDriver) -> list[str]:
    return list(
        browser.execute_script(
            "return Array.from(document.querySelectorAll('[data-key]'))"
            ".filter(e => !e.hidden).map(e => e.dataset.key)"
        )
    )


def expected(
    papers: list[Paper],
    q: str = "",
    venue: str = "",
    first: int = 0,
    last: int = 9999,
    status: str = "",
) -> list[str]:
    """The papers a search should leave visible, computed from the builder's own view."""
    words = fold_search(q).split()
    return [
        p.key
        for p in papers
        if all(w in p.search for w in words)
        and (not venue or p.venue == venue)
        and first <= p.year_number <= last
        and (not status or p.status == status)
    ]


def settle(browser: WebDriver) -> None:
    """Let the page run what it queued with setTimeout(0) (the form's reset handler updates the
    list that way, after the reset itself): a timer queued now runs after it."""
    browser.execute_async_script("window.setTimeout(arguments[arguments.length - 1], 0);")


def query(browser: WebDriver) -> dict[str, list[str]]:
    return parse_qs(urlparse(browser.current_url).query)


def screenshot(browser: WebDriver, name: str) -> None:
    if os.environ.get("EFFLLM_BIB_SCREENSHOTS") == "1":
        browser.save_screenshot(str(REPO / "docs" / name))


def test_search_and_filters_live_in_the_url(driver, site: Path, papers: list[Paper]) -> None:
    from selenium.webdriver.support.ui import Select

    driver.get((site / "index.html").as_uri())
    assert len(visible(driver)) == len(papers)
    box = driver.find_element("id", "q")
    box.send_keys("quantization")
    assert visible(driver) == expected(papers, "quantization")
    assert 0 < len(visible(driver)) < len(papers)
    assert query(driver) == {"q": ["quantization"]}

    Select(driver.find_element("id", "from")).select_by_value("2023")
    Select(driver.find_element("id", "to")).select_by_value("2024")
    Select(driver.find_element("id", "venue")).select_by_value("NeurIPS")
    Select(driver.find_element("id", "status")).select_by_value("published")
    want = expected(papers, "quantization", "NeurIPS", 2023, 2024, "published")
    assert visible(driver) == want and want
    assert query(driver) == {
        "q": ["quantization"],
        "venue": ["NeurIPS"],
        "from": ["2023"],
        "to": ["2024"],
        "status": ["published"],
    }
    hidden = driver.execute_script("return document.querySelectorAll('[data-key][hidden]').length")
    assert hidden == len(papers) - len(want)
    assert driver.find_element("id", "count").text == f"{len(want)} of {len(papers)} papers"

    driver.refresh()
    assert driver.find_element("id", "q").get_attribute("value") == "quantization"
    assert (
        Select(driver.find_element("id", "venue")).first_selected_option.get_attribute("value")
        == "NeurIPS"
    )
    assert visible(driver) == want


def test_a_shared_link_opens_the_same_search(driver, site: Path, papers: list[Paper]) -> None:
    driver.get((site / "index.html").as_uri() + "?q=Fr%C3%A4ntar+sparse&status=preprint&to=2023")
    assert visible(driver) == expected(papers, "fräntar sparse", last=2023, status="preprint")
    driver.get((site / "index.html").as_uri() + "?q=sparsegpt")
    assert visible(driver) == expected(papers, "sparsegpt") and visible(driver)
    driver.find_element("css selector", "button.clear").click()
    settle(driver)
    assert len(visible(driver)) == len(papers) and query(driver) == {}


def test_index_screenshot(driver, site: Path) -> None:
    driver.get((site / "index.html").as_uri() + "?q=quantization&from=2024")
    first = driver.find_element("css selector", ".paper:not([hidden]) .bib-toggle")
    first.click()
    screenshot(driver, "site-index.png")
    assert first.get_attribute("aria-expanded") == "true"


def test_category_page_from_the_tree(driver, db: Database, site: Path) -> None:
    driver.get((site / "index.html").as_uri())
    driver.find_element("link text", "Knowledge Distillation").click()
    assert driver.current_url.endswith("/c/knowledge-distillation.html")
    assert sorted(visible(driver)) == sorted(e.key for e in db.select(["knowledge-distillation"]))
    assert driver.find_element("tag name", "h1").text == "Knowledge Distillation"
    screenshot(driver, "site-category.png")
    driver.find_element("link text", "Download as BibTeX")  # the category's .bib is linked


def test_copy_bibtex_to_the_clipboard(driver, db: Database, site: Path) -> None:
    driver.execute_cdp_cmd(
        "Browser.grantPermissions",
        {"permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]},
    )
    driver.get((site / "c" / "efficient-attention.html").as_uri())
    key = visible(driver)[0]
    button = driver.find_element("css selector", f"[data-key='{key}'] .bib-toggle")
    button.send_keys("\n")  # from the keyboard: Enter on the focused button
    panel = driver.find_element("id", f"bib-{key}")
    assert panel.is_displayed() and button.get_attribute("aria-expanded") == "true"
    clipboard = driver.execute_async_script(
        "const done = arguments[0];"
        "setTimeout(() => navigator.clipboard.readText().then(done, e => done('ERROR ' + e)), 200)"
    )
    assert clipboard == export_bibtex([db.get(key)]).strip()
    assert panel.find_element("css selector", ".copy-status").text == "Copied to the clipboard"


def test_copy_fallback_selects_the_entry(driver, db: Database, site: Path) -> None:
    driver.get((site / "index.html").as_uri())
    driver.execute_script(
        "Object.defineProperty(navigator, 'clipboard', {value: undefined, configurable: true})"
    )
    key = visible(driver)[5]
    driver.find_element("css selector", f"[data-key='{key}'] .bib-toggle").click()
    selected = driver.execute_script("return window.getSelection().toString()")
    assert selected == export_bibtex([db.get(key)]).strip()


def test_phone_width_keeps_everything_in_view(driver, site: Path) -> None:
    phone = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", phone)
    try:
        driver.get((site / "c" / "quantization.html").as_uri())
        widths = driver.execute_script(
            "const d = document.documentElement; return [d.scrollWidth, d.clientWidth]"
        )
        assert widths == [390, 390]
        assert driver.find_element("css selector", ".tree-box").get_attribute("open") is None
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
