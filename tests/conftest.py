from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings
from pytest_httpserver import HTTPServer

from effllm_bib.database import Database
from effllm_bib.importers.survey import import_survey
from effllm_bib.taxonomy import Taxonomy, load_taxonomy

from .stand_in import FakeClock, Services, database, serve

# CI draws the same examples on every run, so a red run is a change's doing; a run elsewhere
# draws new ones, and what they find becomes a case of its own (tests/test_bib_syntax.py).
settings.register_profile("ci", derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "default")


def need(*tools: str) -> None:
    """Skip a test when an outside tool is missing; in CI, where .ci/run installs them, fail."""
    for tool in tools:
        if shutil.which(tool) is None:
            if os.environ.get("CI") == "true":
                pytest.fail(f"{tool} is missing; .ci/run installs it")
            pytest.skip(f"{tool} not installed (.ci/run installs it)")


HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
REPO = HERE.parent
REFS = REPO / "refs"
SHARED = REPO.parent / "shared"
SURVEY_SNIPPET = DATA / "survey_snippet.md"
FACTS_SNIPPET = DATA / "facts_snippet.bib"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite the golden files that use the `golden` fixture from the current output "
        "(after a deliberate change of output; review their diff before committing)",
    )


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[Path, str], str]:
    """``golden(path, actual)`` gives the text of the golden file ``path`` to compare ``actual``
    with. Under ``--update-golden`` it first writes ``actual`` there, so a test body stays one
    plain assertion and the regeneration lives here."""
    update = bool(request.config.getoption("--update-golden"))

    def read(path: Path, actual: str) -> str:
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
        return path.read_text(encoding="utf-8")

    return read


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory):
    """Tests never write into the user's cache directory."""
    import os

    old = os.environ.get("EFFLLM_BIB_CACHE_DIR")
    os.environ["EFFLLM_BIB_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if old is None:
        os.environ.pop("EFFLLM_BIB_CACHE_DIR", None)
    else:
        os.environ["EFFLLM_BIB_CACHE_DIR"] = old


@pytest.fixture(scope="session")
def taxonomy() -> Taxonomy:
    return load_taxonomy(REFS / "taxonomy.toml")


@pytest.fixture
def db_dir(tmp_path: Path) -> Path:
    """An empty database directory with the project's taxonomy."""
    d = tmp_path / "db"
    d.mkdir()
    shutil.copyfile(REFS / "taxonomy.toml", d / "taxonomy.toml")
    return d


@pytest.fixture
def snippet_db(db_dir: Path) -> Path:
    """A database imported from the real survey snippet and saved."""
    db = Database.load(db_dir, create=True)
    import_survey(db, SURVEY_SNIPPET)
    db.save()
    return db_dir


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="module")
def db() -> Database:
    """The packaged database, read once per module (a module that changes it defines its own)."""
    return Database.load(REFS)


# --- the outside services, played by a local server on a clock that never waits -------------


@pytest.fixture(scope="session")
def stand_in_server() -> Iterator[HTTPServer]:
    """One local HTTP server for the whole run; each test routes it afresh (``services``)."""
    server = HTTPServer(threaded=True)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def services(stand_in_server: HTTPServer, clock: FakeClock) -> Iterator[Services]:
    """Crossref, arXiv and DBLP as the stand-in plays them, requests stamped by ``clock``."""
    yield from serve(stand_in_server, clock)


@pytest.fixture
def edb(tmp_path: Path) -> Path:
    """A database of the entries the enrichment tests ask about (data/enrich.bib)."""
    return database(tmp_path, "enrich.bib")


@pytest.fixture
def ddb(tmp_path: Path) -> Path:
    """A database of the preprints the DBLP tests ask about (data/enrich_dblp.bib)."""
    return database(tmp_path, "enrich_dblp.bib")


@pytest.fixture
def refused_url() -> str:
    """A local port nothing listens on: connecting to it is refused at once."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
