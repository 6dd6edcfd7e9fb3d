"""An enrichment run keeps its work: on Ctrl-C or a crash the entries enriched so far are saved,
the file reads back, and nothing else in it changes. Offline: a stand-in source answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from effllm_bib.database import Database
from effllm_bib.enrich.engine import Enricher
from effllm_bib.enrich.session import NOT_SAVED, SAVED, EnrichInterrupted, run_enrichment

from .stand_in import run_cli

KEYS = ["ada2020a", "ada2020b", "ada2020c", "ada2020d", "ada2020e"]
BIB = "".join(
    f"@article{{{key},\n  author = {{Lovelace, Ada}},\n  title = {{Paper {key[-1].upper()}}},\n"
    f"  journal = {{Journal of Engines}},\n  year = {{2020}},\n  doi = {{10.1000/{key}}},\n}}\n\n"
    for key in KEYS
)


class Client:
    def __init__(self) -> None:
        self.closed = False

    def close(self) -> None:
        self.closed = True


class StoppingCrossref:
    """Knows every DOI (its answer adds a volume); question number ``stop_at`` raises ``error``.
    Before each question it notes how many entries of the file on disk have a volume."""

    name = "crossref"

    def __init__(self, path: Path, stop_at: int, error: BaseException) -> None:
        self.path, self.stop_at, self.error = path, stop_at, error
        self.client = Client()
        self.calls = 0
        self.on_disk: list[int] = []

    def lookup_doi(self, doi: str) -> dict[str, Any]:
        self.calls += 1
        self.on_disk.append(self.path.read_text().count("volume = {42}"))
        if self.calls == self.stop_at:
            raise self.error
        return {"type": "journal-article", "DOI": doi, "volume": "42"}


@pytest.fixture
def bib(tmp_path: Path) -> Path:
    path = tmp_path / "papers.bib"
    path.write_text(BIB)
    return path


def enricher_for(bib: Path, source: StoppingCrossref) -> Enricher:
    return Enricher(Database.load(bib), source, None, today="2026-01-01")  # type: ignore[arg-type]  # a stand-in


def run(bib: Path, stop_at: int, error: BaseException, save: bool = True) -> None:
    run_enrichment(enricher_for(bib, StoppingCrossref(bib, stop_at, error)), KEYS, save=save)


@pytest.mark.parametrize(
    "stop_at, error, raised",
    [
        pytest.param(3, KeyboardInterrupt(), EnrichInterrupted, id="ctrl-c-at-third"),
        pytest.param(1, KeyboardInterrupt(), EnrichInterrupted, id="ctrl-c-at-first"),
        pytest.param(5, KeyboardInterrupt(), EnrichInterrupted, id="ctrl-c-at-last"),
        pytest.param(3, RuntimeError("simulated crash"), RuntimeError, id="crash-at-third"),
    ],
)
def test_a_stopped_run_saves_exactly_the_entries_before(
    bib: Path, stop_at: int, error: BaseException, raised: type[BaseException]
) -> None:
    before = Database.load(bib).entries
    done = KEYS[: stop_at - 1]
    with pytest.raises(raised):
        run(bib, stop_at, error)
    after = Database.load(bib).entries  # strict: the file reads back whole
    expected = {**before, **{k: before[k].with_fields(volume="42") for k in done}}
    assert {k: e.with_fields(provenance="") for k, e in after.items()} == expected
    assert [k for k in KEYS if after[k].get("provenance")] == done
    assert sorted(p.name for p in bib.parent.iterdir()) == ["papers.bib"]  # no temporary file


def test_ctrl_c_says_what_was_saved(bib: Path) -> None:
    with pytest.raises(EnrichInterrupted) as caught:
        run(bib, 3, KeyboardInterrupt())
    assert (str(caught.value), caught.value.exit_code, caught.value.saved) == (SAVED, 130, True)


def test_a_dry_run_writes_nothing_when_stopped(bib: Path) -> None:
    with pytest.raises(EnrichInterrupted) as caught:
        run(bib, 3, KeyboardInterrupt(), save=False)
    assert (str(caught.value), caught.value.saved) == (NOT_SAVED, False)
    assert bib.read_text() == BIB


def test_checkpoints_save_while_the_run_goes_on(bib: Path) -> None:
    """Saved every 2 entries: the file on disk before each question, as the source saw it."""
    source = StoppingCrossref(bib, 5, KeyboardInterrupt())
    with pytest.raises(EnrichInterrupted):
        run_enrichment(enricher_for(bib, source), KEYS, save=True, checkpoint_every=2)
    assert source.on_disk == [0, 0, 2, 2, 4]


@pytest.mark.parametrize(
    "error, raised",
    [
        pytest.param(KeyboardInterrupt(), EnrichInterrupted, id="ctrl-c"),
        pytest.param(RuntimeError("simulated crash"), RuntimeError, id="crash"),
    ],
)
def test_a_stopped_run_closes_the_sources(
    bib: Path, error: BaseException, raised: type[BaseException]
) -> None:
    source = StoppingCrossref(bib, 3, error)
    with pytest.raises(raised):
        run_enrichment(enricher_for(bib, source), KEYS, save=True)
    assert source.client.closed


def test_a_finished_run_closes_the_sources_and_leaves_the_saving_to_the_caller(bib: Path) -> None:
    source = StoppingCrossref(bib, 0, KeyboardInterrupt())
    report = run_enrichment(enricher_for(bib, source), KEYS, save=True)
    assert (source.client.closed, report.count("filled"), bib.read_text()) == (True, 5, BIB)


class FailingCrossref(StoppingCrossref):
    """Every question fails as a service error would (offline and not cached, say); question
    number ``stop_at`` raises ``error`` instead."""

    def lookup_doi(self, doi: str) -> dict[str, Any]:
        from effllm_bib.enrich.http import NotCached

        self.calls += 1
        if self.calls == self.stop_at:
            raise self.error
        raise NotCached("Crossref", f"{doi} is not in the cache (--offline); run once online.")


NOT_CANONICAL = "".join(reversed(BIB.split("\n\n"))).replace("  ", "    ")  # other order, layout


def test_a_run_that_changes_nothing_leaves_the_file_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "papers.bib"
    path.write_text(NOT_CANONICAL)
    source = FailingCrossref(path, 0, KeyboardInterrupt())
    report = run_enrichment(enricher_for(path, source), KEYS, save=True, checkpoint_every=1)
    assert (report.count("failed"), path.read_text()) == (5, NOT_CANONICAL)


def test_ctrl_c_after_no_change_leaves_the_file_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "papers.bib"
    path.write_text(NOT_CANONICAL)
    source = FailingCrossref(path, 4, KeyboardInterrupt())
    with pytest.raises(EnrichInterrupted):
        run_enrichment(enricher_for(path, source), KEYS, save=True, checkpoint_every=1)
    assert path.read_text() == NOT_CANONICAL


# --- through the command line, against the HTTP stand-in (tests/stand_in.py) ----------------


def fail_at_fifth_entry(monkeypatch, error: BaseException) -> None:
    from effllm_bib.enrich import engine

    calls = {"n": 0}
    original = engine.Enricher.from_crossref

    def failing(self, key, report, *rest):
        calls["n"] += 1
        if calls["n"] == 5:
            raise error
        return original(self, key, report, *rest)

    monkeypatch.setattr(engine.Enricher, "from_crossref", failing)


@pytest.mark.parametrize(
    "args, message, written",
    [
        pytest.param(
            [],
            "effllm-bib: error: interrupted; the entries enriched so far are saved. "
            "Run again to resume.",
            True,
            id="saved",
        ),
        pytest.param(
            ["--dry-run"],
            "effllm-bib: error: interrupted; nothing was written (dry run).",
            False,
            id="dry-run",
        ),
    ],
)
def test_interrupt_message(runner, edb, services, tmp_path, monkeypatch, args, message, written):
    """The last line says whether the work so far was saved; stdout stays empty."""
    fail_at_fifth_entry(monkeypatch, KeyboardInterrupt())
    before = (edb / "effllm.bib").read_bytes()
    result = run_cli(runner, edb, services, tmp_path, "enrich", *args)
    assert (result.exit_code, result.stderr.splitlines()[-1], result.stdout) == (130, message, "")
    assert ((edb / "effllm.bib").read_bytes() != before) == written


def test_interrupt_keeps_what_was_enriched(runner, edb, services, tmp_path, monkeypatch):
    fail_at_fifth_entry(monkeypatch, KeyboardInterrupt())
    result = run_cli(runner, edb, services, tmp_path, "enrich")
    assert result.exit_code == 130
    db = Database.load(edb)  # the file is whole and holds the work done before the interrupt
    assert db.entries["li2021prefix"].get("author") == "Li, Xiang Lisa and Liang, Percy"
    monkeypatch.undo()
    resumed = run_cli(runner, edb, services, tmp_path, "enrich")
    assert resumed.exit_code == 0


def test_crash_keeps_what_was_enriched(runner, edb, services, tmp_path, monkeypatch):
    fail_at_fifth_entry(monkeypatch, RuntimeError("simulated crash"))
    result = run_cli(runner, edb, services, tmp_path, "enrich")
    assert isinstance(result.exception, RuntimeError)
    assert (
        Database.load(edb).entries["li2021prefix"].get("author")
        == "Li, Xiang Lisa and Liang, Percy"
    )
