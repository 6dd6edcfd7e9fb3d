"""Messages fit the user's own files: they name what the user gave and what to run next."""

from pathlib import Path

import pytest

from effllm_bib.check import check_entries
from effllm_bib.cli import cli
from effllm_bib.model import Entry


def _folder(tmp_path: Path, files: tuple[str, ...]) -> Path:
    folder = tmp_path / "mine"
    folder.mkdir()
    for name in files:
        (folder / name).write_text("@misc{a, title={T}}\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("command", [("export",), ("stats",), ("check",)], ids=lambda c: c[0])
@pytest.mark.parametrize(
    "files, says",
    [
        pytest.param((), ["holds no database", "effllm-bib init"], id="empty-folder"),
        pytest.param(
            ("papers.bib", "more.bib"),
            ["more.bib, papers.bib", "/more.bib", "effllm-bib init"],
            id="folder-of-bib-files",
        ),
    ],
)
def test_a_folder_without_a_database_points_to_init_or_its_bib_files(
    runner, tmp_path, command, files, says
):
    folder = _folder(tmp_path, files)
    result = runner.invoke(cli, ["--db", str(folder), *command])
    text = result.output + result.stderr
    assert result.exit_code != 0 and all(s in text for s in says), text
    assert "import survey" not in text and "effllm.bib" not in text


def test_a_missing_folder_is_named(runner, tmp_path):
    result = runner.invoke(cli, ["--db", str(tmp_path / "nowhere"), "export"])
    assert result.exit_code != 0 and "no such folder" in result.stderr
    assert "effllm.bib" not in result.stderr


def test_a_bib_file_without_the_suffix_is_named(runner, tmp_path):
    (tmp_path / "refs.bibtex").write_text("@misc{a, title={T}}\n", encoding="utf-8")
    result = runner.invoke(cli, ["--db", str(tmp_path / "refs.bibtex"), "export"])
    assert result.exit_code != 0 and "rename it to end in .bib" in result.stderr


@pytest.mark.parametrize(
    "text, encoding",
    [
        pytest.param("@misc{a, title={中文标题}}\n", "gbk", id="gbk"),
        pytest.param("@misc{a, title={Müller}}\n", "latin-1", id="latin-1"),
    ],
)
def test_a_file_in_another_encoding_gets_a_hint_that_does_not_guess(
    runner, tmp_path, text, encoding
):
    path = tmp_path / "other.bib"
    path.write_bytes(text.encode(encoding))
    result = runner.invoke(cli, ["--db", str(path), "export"])
    err = result.stderr
    assert result.exit_code != 0 and "iconv -f <its encoding> -t utf-8" in err, err
    assert "latin1" not in err and str(path) in err and "\n" not in err.strip()


@pytest.mark.parametrize(
    "text, says",
    [
        pytest.param(
            "@misc{ok, title={Fine}, author={Doe, J.}}\n\n@misc{bad,\n  author={A, B, C, D}}\n",
            [":3: entry 'bad': pybtex cannot read it (Too many commas"],
            id="unsplittable-names",
        ),
        pytest.param(
            "@misc{Knuth, title={A}}\n@misc{knuth, title={B}}\n",
            [":2: entry 'knuth': pybtex cannot read it", "'Knuth' (line 1)"],
            id="keys-differing-in-case",
        ),
    ],
)
def test_refs_names_the_file_line_and_entry_pybtex_cannot_read(runner, tmp_path, text, says):
    path = tmp_path / "mine.bib"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["--db", str(path), "refs"])
    err = result.stderr.strip()
    assert result.exit_code != 0 and err.startswith(f"effllm-bib: error: {path}:"), err
    assert all(s in err for s in says) and "\n" not in err, err


@pytest.mark.parametrize(
    "key, provisional",
    [
        pytest.param("pending:sparsegpt2023", True, id="pending-key"),
        pytest.param("whole-proceedings", False, id="user-key"),
    ],
)
def test_no_author_says_provisional_only_of_a_provisional_key(taxonomy, key, provisional):
    entry = Entry.make(key, "proceedings", {"title": "T", "year": "1988", "keywords": "pruning"})
    (found,) = [p for p in check_entries([entry], taxonomy) if p.code == "no-author"]
    assert ("provisional" in found.message) is provisional, found.message
