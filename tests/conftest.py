from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from effllm_bib.database import Database
from effllm_bib.importers.survey import import_survey
from effllm_bib.taxonomy import Taxonomy, load_taxonomy

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
