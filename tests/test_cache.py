"""The on-disk caches of what was read from a file (parsed .bib, taxonomy): keyed by the file's
bytes and the versions they depend on, never stale, rebuilt when damaged."""

from __future__ import annotations

import marshal
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from effllm_bib import bibio, cache, parse_cache
from effllm_bib.errors import TaxonomyError
from effllm_bib.parsed import ParsedBib
from effllm_bib.taxonomy import load_taxonomy

from .conftest import DATA, REFS
from .test_taxonomy import BAD

MIXED = DATA / "mixed.bib"


def _cached(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.marshal"))


def test_a_cached_parse_equals_a_fresh_one(tmp_path: Path):
    fresh = bibio.read_bib(MIXED)
    first = parse_cache.read_bib_cached(MIXED, tmp_path)  # parses, then stores
    again = parse_cache.read_bib_cached(MIXED, tmp_path)  # from the cache
    assert len(_cached(tmp_path)) == 1
    for got in (first, again):
        assert got.entries == fresh.entries
        assert [e.line for e in got.entries] == [e.line for e in fresh.entries]
        assert [(e.fields, e.bare, e.type) for e in got.entries] == [
            (e.fields, e.bare, e.type) for e in fresh.entries
        ]
        assert got.extras == fresh.extras
        assert got.problems == fresh.problems
        assert got.strings == fresh.strings


def test_the_parse_cache_follows_the_file(tmp_path: Path):
    store, path = tmp_path / "cache", tmp_path / "db.bib"
    path.write_text("@misc{a, title={One}}\n")
    assert parse_cache.read_bib_cached(path, store).entries[0].get("title") == "One"
    path.write_text("@misc{a, title={Two}}\n")  # edited: other bytes, parsed afresh
    assert parse_cache.read_bib_cached(path, store).entries[0].get("title") == "Two"
    assert len(_cached(store)) == 2


DAMAGE = [
    pytest.param(lambda old: b"", id="empty"),
    pytest.param(lambda old: b"\x00garbage", id="garbage"),
    pytest.param(lambda old: old[:40], id="truncated"),
    pytest.param(lambda old: marshal.dumps(1001), id="another-shape"),
    pytest.param(lambda old: marshal.dumps((old[:10], b"", [])), id="other-key"),
]


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_cache_file_is_rebuilt(tmp_path: Path, damage: Callable[[bytes], bytes]):
    store, path = tmp_path / "cache", tmp_path / "db.bib"
    path.write_text("@misc{a, title={One}}\n")
    parse_cache.read_bib_cached(path, store)
    [slot] = _cached(store)
    slot.write_bytes(damage(slot.read_bytes()))
    assert parse_cache.read_bib_cached(path, store).entries[0].get("title") == "One"
    assert parse_cache.read_bib_cached(path, store).entries[0].get("title") == "One"
    [rebuilt] = _cached(store)
    assert len(rebuilt.read_bytes()) > 40


def test_other_versions_miss_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "db.bib"
    path.write_text("@misc{a, title={One}}\n")
    parse_cache.read_bib_cached(path, tmp_path / "cache")
    monkeypatch.setattr(parse_cache, "installed_versions", lambda *dists: ["9.9"] * len(dists))
    calls: list[Path] = []
    monkeypatch.setattr(bibio, "read_bib", _recording(calls))
    parse_cache.read_bib_cached(path, tmp_path / "cache")
    assert calls == [path]


def test_files_with_errors_are_not_cached(tmp_path: Path):
    store, path = tmp_path / "cache", tmp_path / "db.bib"
    path.write_text("@misc{a, title={One}\n")
    assert parse_cache.read_bib_cached(path, store).errors
    assert _cached(store) == []


def test_cached_findings_name_the_file_they_were_read_from(tmp_path: Path):
    text = "@misc{a, title={One}, % a comment\n year={2020}}\n"  # a warning, no error
    first, second = tmp_path / "one.bib", tmp_path / "two.bib"
    first.write_text(text)
    second.write_text(text)
    assert [p.path for p in parse_cache.read_bib_cached(first, tmp_path / "c").problems] == [
        str(first)
    ]
    assert [p.path for p in parse_cache.read_bib_cached(second, tmp_path / "c").problems] == [
        str(second)
    ]
    assert len(_cached(tmp_path / "c")) == 1  # the same bytes: one cache file


def test_a_cached_taxonomy_equals_a_fresh_one(tmp_path: Path):
    source = REFS / "taxonomy.toml"
    fresh = load_taxonomy(source)
    for _ in range(2):
        got = load_taxonomy(source, tmp_path)
        assert list(got) == list(fresh)
        assert got.subtree(["pruning"]) == fresh.subtree(["pruning"])
    assert len(_cached(tmp_path)) == 1


def test_the_taxonomy_cache_follows_the_file(tmp_path: Path):
    path = tmp_path / "taxonomy.toml"
    path.write_text('[[category]]\nslug = "a"\nname = "A"\n')
    assert [c.name for c in load_taxonomy(path, tmp_path / "c")] == ["A"]
    path.write_text('[[category]]\nslug = "a"\nname = "Renamed"\n')
    assert [c.name for c in load_taxonomy(path, tmp_path / "c")] == ["Renamed"]


@pytest.mark.parametrize("text, message", BAD)
def test_a_bad_taxonomy_fails_alike_with_a_cache_and_is_not_kept(tmp_path: Path, text, message):
    path = tmp_path / "taxonomy.toml"
    path.write_text(text)
    for _ in range(2):
        with pytest.raises(TaxonomyError, match=re.escape(message)):
            load_taxonomy(path, tmp_path / "c")
    assert _cached(tmp_path / "c") == []


XDG = [
    pytest.param({"XDG_CACHE_HOME": "/var/cache/someone"}, "/var/cache/someone/effllm-bib",
                 id="xdg-absolute"),
    pytest.param({"XDG_CACHE_HOME": "relative/dir"}, "{home}/.cache/effllm-bib",
                 id="xdg-relative-ignored"),
    pytest.param({"XDG_CACHE_HOME": ""}, "{home}/.cache/effllm-bib", id="xdg-empty"),
    pytest.param({}, "{home}/.cache/effllm-bib", id="xdg-unset"),
]  # fmt: skip


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG rule is Linux's")
@pytest.mark.parametrize("env, expected", XDG)
def test_the_user_cache_directory_is_platformdirs_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, env: dict[str, str], expected: str
):
    from platformdirs import user_cache_dir

    monkeypatch.delenv("EFFLLM_BIB_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert cache.cache_root() == Path(expected.format(home=tmp_path))
    assert cache.cache_root() == Path(user_cache_dir("effllm-bib"))


def test_the_cache_directory_can_be_set(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("EFFLLM_BIB_CACHE_DIR", str(tmp_path / "mine"))
    assert cache.cache_root() == tmp_path / "mine"


def test_installed_versions_are_the_metadata_ones():
    from importlib.metadata import version

    assert cache.installed_versions("bibtexparser", "click", "no-such-dist-xyz") == [
        version("bibtexparser"),
        version("click"),
        "?",
    ]


def test_a_changed_reader_misses_the_parse_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The package version stays 0.1.0 across edits of a checkout; the reader's own code is in
    the key, so an edited bibio.py (here: a copy standing for it) never serves an old parse."""
    reader = tmp_path / "bibio.py"
    reader.write_text("# the reader\n")
    monkeypatch.setattr(parse_cache, "READER_MODULES", (reader,))
    path = tmp_path / "db.bib"
    path.write_text("@misc{a, title={One}}\n")
    parse_cache.read_bib_cached(path, tmp_path / "cache")
    calls: list[Path] = []
    monkeypatch.setattr(bibio, "read_bib", _recording(calls))
    parse_cache.read_bib_cached(path, tmp_path / "cache")
    assert calls == []  # same reader: a hit
    reader.write_text("# the reader, edited\n")
    parse_cache.read_bib_cached(path, tmp_path / "cache")
    assert calls == [path]


def test_the_cache_keeps_the_files_used_last(tmp_path: Path):
    """A file edited again and again leaves one cache file per version: only the last
    KEEP_PER_KIND used (read or written) stay."""
    import os

    sources = [f"version {i}".encode() for i in range(cache.KEEP_PER_KIND + 1)]
    for source in sources[:-1]:
        cache.store_derived(tmp_path, "kind", source, [source.decode()])
    files = _cached(tmp_path)
    assert len(files) == cache.KEEP_PER_KIND
    for age, path in enumerate(sorted(files, key=lambda p: sources.index(_source_of(p)))):
        os.utime(path, ns=(10**9 * (1000 + age),) * 2)  # version 0 the oldest
    assert cache.load_derived(tmp_path, "kind", sources[0]) == ["version 0"]  # used now
    cache.store_derived(tmp_path, "kind", sources[-1], ["new"])
    kept = {_source_of(p) for p in _cached(tmp_path)}
    assert kept == set(sources) - {sources[1]}  # the least recently used went
    assert cache.load_derived(tmp_path, "kind", sources[1]) is None


def _source_of(path: Path) -> bytes:
    source: bytes = marshal.loads(path.read_bytes())[1]
    return source


def _recording(calls: list[Path]) -> Callable[[Path], ParsedBib]:
    """A stand-in for ``bibio.read_bib`` that records each path it is asked to read."""

    def read(path: Path) -> ParsedBib:
        calls.append(path)
        return bibio.parse_bib("")

    return read
