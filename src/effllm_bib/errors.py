"""The project's exceptions: one base class, messages that say what to do next."""

from __future__ import annotations

from pathlib import Path


class EffllmBibError(Exception):
    """Base of every error effllm-bib raises on purpose.

    The message is one line and ends with what the user should do. The CLI prints it as it is.
    """

    exit_code = 1


class InputFileError(EffllmBibError):
    """A file the user gave cannot be read or has the wrong shape."""

    def __init__(self, path: Path | str, message: str, line: int | None = None) -> None:
        self.path = Path(path)
        self.line = line
        where = f"{self.path}:{line}" if line is not None else str(self.path)
        super().__init__(f"{where}: {message}")


class BibParseError(InputFileError):
    """A .bib file has blocks that cannot be parsed."""


class TaxonomyError(InputFileError):
    """The taxonomy file is malformed or inconsistent."""


class SurveyFormatError(InputFileError):
    """The survey's Markdown list cannot be read."""


class UnknownCategoryError(EffllmBibError):
    """A category slug or alias that the taxonomy does not know."""

    exit_code = 2

    def __init__(self, name: str, suggestions: list[str]) -> None:
        self.name = name
        self.suggestions = suggestions
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(
            f"unknown category '{name}'.{hint} Run 'effllm-bib categories' to list them."
        )


class UnknownKeyError(EffllmBibError):
    """A citation key that is not in the database."""

    exit_code = 2

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"no entry with key '{key}' in the database; check the spelling.")


class DatabaseError(EffllmBibError):
    """The database cannot be used as asked (missing, or a change would break it)."""


class TaxonomyMissingError(EffllmBibError):
    """A command needs categories, but the database has no taxonomy beside its .bib file."""

    exit_code = 2

    def __init__(self, bib_path: Path | str, what: str = "categories") -> None:
        self.bib_path = Path(bib_path)
        super().__init__(
            f"{self.bib_path}: {what} need a taxonomy, and there is no taxonomy.toml beside this "
            "file; copy one there ('effllm-bib init NEWDIR' writes a template to start from)."
        )


class WriteVerificationError(EffllmBibError):
    """The text about to be written would not read back as the same entries; nothing written."""

    def __init__(self, path: Path | str, key: str, what: str) -> None:
        self.path = Path(path)
        self.key = key
        super().__init__(
            f"{self.path}: entry '{key}' {what} after writing; the file was left as it was. "
            "Please report this with the entry."
        )
