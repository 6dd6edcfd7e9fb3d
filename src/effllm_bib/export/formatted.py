"""Formatted reference lists through pybtex's plugin registry (styles and backends).

pybtex sorts the entries and makes the labels; the formatting of each entry, which is nearly
all of pybtex's time, is cached on disk. The key is the entry's canonical BibTeX text, its
label, and what formats it: the style's code, the backend, and the versions of effllm-bib and
pybtex. So a run formats only the entries that changed, a line shift in the file changes
nothing, and a new style or pybtex never serves stale text.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..canonical import format_entry
from ..compare import fold
from ..errors import EffllmBibError, InputFileError
from ..files import write_atomic
from ..model import Entry
from ..taxonomy import Taxonomy
from .arxiv_ids import ArxivPolicy, cite_arxiv
from .bibtex import export_bibtex, for_bibtex


class FormatCache:
    """Rendered entries on disk, one JSON map per style and backend."""

    def __init__(self, directory: Path | None, style: str, backend: str) -> None:
        self.path = directory / f"{style}-{backend}.json" if directory else None
        self.data: dict[str, str] = {}
        self.misses = 0
        if self.path and self.path.exists():
            try:
                loaded = json.loads(self.path.read_text(encoding="utf-8"))
                self.data = loaded if isinstance(loaded, dict) else {}
            except (OSError, ValueError):
                self.data = {}  # a damaged cache is rebuilt

    def save(self, used: set[str]) -> None:
        if self.path and self.misses:
            kept = {k: v for k, v in self.data.items() if k in used}
            write_atomic(self.path, json.dumps(kept))


def default_directory() -> Path:
    from ..cache import cache_root

    return cache_root() / "formatted"


def _find(kind: str, name: str) -> Any:
    from pybtex.plugin import find_plugin

    return find_plugin(kind, name)


def _formatter_salt(style_class: type, backend: str) -> str:
    """What the formatted text depends on besides the entry: the style's own source (so an edit
    to a style re-formats), the backend, and the installed versions of effllm-bib and pybtex."""
    import inspect
    from importlib.metadata import PackageNotFoundError, version

    def installed(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "unknown"

    try:
        code = inspect.getsource(inspect.getmodule(style_class) or style_class)
    except (OSError, TypeError):
        code = style_class.__qualname__
    digest = hashlib.sha256(code.encode()).hexdigest()
    return f"{installed('effllm-bib')}\0{installed('pybtex')}\0{backend}\0{digest}"


def render_entries(
    entries: list[Entry],
    style: str,
    backend: str,
    cache_dir: Path | None = None,
    warnings: list[str] | None = None,
    bib_path: Path | None = None,
    arxiv: ArxivPolicy = "preprints",
) -> list[tuple[str, str, str]]:
    """(key, label, rendered text) for each entry, in the style's order. ``arxiv`` says which
    entries keep their arXiv id (the survey style, the survey's own list, links every one).

    An entry that lacks a field its type's template requires (``plain`` needs the authors of an
    ``@inproceedings``) is formatted with the style's ``@misc`` template, and ``warnings`` says so.
    """
    from pybtex.database import parse_string
    from pybtex.exceptions import PybtexError
    from pybtex.style.template import FieldIsMissing

    # pybtex's styles print eprint themselves, and pybtex reads Unicode better than LaTeX macros.
    policy: ArxivPolicy = "all" if style == "survey" else arxiv
    text = export_bibtex(entries, links_printed=True, ascii_only=False, arxiv=policy)
    try:
        data = parse_string(text, "bibtex")
    except PybtexError as exc:  # names pybtex cannot split, keys that differ only in case
        raise _unreadable(entries, exc, bib_path) from None
    style_class = _find("pybtex.style.formatting", style)
    fmt = style_class()
    if style == "survey" and backend == "markdown":  # the README's own Markdown, unescaped
        from .survey_style import ReadmeMarkdown

        out, backend = ReadmeMarkdown(), "readme-markdown"
    else:
        out = _find("pybtex.backends", backend)()
    salt = _formatter_salt(style_class, backend)
    ordered = (
        fmt.sort(list(data.entries.values())) if style != "survey" else list(data.entries.values())
    )
    labels = list(fmt.format_labels(ordered))
    ours = {e.key: e for e in entries}
    cache = FormatCache(cache_dir, style, backend)
    used: set[str] = set()
    rendered = []
    for label, entry in zip(labels, ordered, strict=True):
        source = ours.get(entry.key)
        text_ = (
            format_entry(for_bibtex(cite_arxiv(source, policy), True, False))
            if source
            else entry.to_string("bibtex")
        )
        digest = hashlib.sha256(f"{salt}\0{label}\0{text_}".encode()).hexdigest()
        used.add(digest)
        if digest not in cache.data:
            cache.misses += 1
            try:
                formatted = fmt.format_entry(label, entry)
            except FieldIsMissing as exc:
                if warnings is not None:
                    warnings.append(
                        f"{entry.key}: the {style} style needs '{exc.field_name}' for "
                        f"@{entry.type}; formatted as @misc (fill it with enrich)"
                    )
                entry.type = "misc"
                formatted = fmt.format_entry(label, entry)
            except PybtexError as exc:
                what = f"entry '{entry.key}': pybtex cannot format it ({exc}); fix it."
                if bib_path is None:
                    raise EffllmBibError(what) from None
                raise InputFileError(bib_path, what, source.line if source else None) from None
            text = formatted.text.render(out)
            if backend != "latex":  # pybtex passes an escaped dollar through as written
                text = text.replace("\\$", "$")
            cache.data[digest] = text
        rendered.append((entry.key, label, cache.data[digest]))
    cache.save(used)
    return rendered


def _unreadable(entries: list[Entry], exc: Exception, bib_path: Path | None) -> EffllmBibError:
    """The error for entries pybtex cannot parse, naming the entry (found by parsing each alone,
    or by its key's case-folded twin) and, with ``bib_path``, the file and the entry's line."""
    from pybtex.database import parse_string
    from pybtex.exceptions import PybtexError

    culprit, why = None, f"{exc}"
    for e in entries:
        try:
            parse_string(export_bibtex([e], links_printed=True, ascii_only=False), "bibtex")
        except PybtexError as alone:
            culprit, why = e, f"{alone}"
            break
    if culprit is None:  # pybtex takes keys that differ only in case for one key
        first: dict[str, Entry] = {}
        for e in entries:
            twin = first.setdefault(e.key.lower(), e)
            if twin is not e:
                culprit = e
                why = f"its key is {twin.key!r} (line {twin.line}) to pybtex; rename one"
                break
    what = f"pybtex cannot read it ({why}); fix it, or export to another format."
    if culprit is None:
        return EffllmBibError(f"pybtex cannot read the entries ({exc}); export to another format.")
    if bib_path is None:
        return EffllmBibError(f"entry '{culprit.key}': {what}")
    return InputFileError(bib_path, f"entry '{culprit.key}': {what}", culprit.line or None)


class _Listing:
    """What backends' prologues ask of a formatted bibliography (LaTeX: the widest label)."""

    preamble = ""

    def __init__(self, labels: list[str]) -> None:
        self.labels = labels

    def get_longest_label(self) -> str:
        # Widest as typeset, as BibTeX's width$ and pybtex measure it: of alpha's ALTdJ+23 and
        # DCDGA+23, counting characters took the first, which the label column is too narrow for.
        from pybtex.textutils import width

        return max(self.labels, key=width, default="")


def write_list(rendered: Iterable[tuple[str, str, str]], backend: str) -> str:
    """The rendered entries through the backend's own prologue, entry and epilogue writers."""
    rendered = list(rendered)
    out = _find("pybtex.backends", backend)()
    stream = io.StringIO()
    out.output = stream.write
    out.formatted_bibliography = _Listing([label for _, label, _ in rendered])
    out.write_prologue()
    for key, label, text in rendered:
        out.write_entry(key, label, text)
    out.write_epilogue()
    return stream.getvalue()


def survey_order(entries: Iterable[Entry]) -> list[Entry]:
    """Newest first, then by title: the order the survey's README mostly keeps."""
    return sorted(entries, key=lambda e: (-int(e.get("year") or 0), fold(e.get("title"))))


def survey_markdown(
    entries: list[Entry], taxonomy: Taxonomy, cache_dir: Path | None = None, top: str | None = None
) -> str:
    """The survey's Markdown lists, section by section with their headings."""
    by_key = render_entries(survey_order(entries), "survey", "markdown", cache_dir)
    text_of = {key: text for key, _, text in by_key}
    lines: list[str] = []
    for slug in taxonomy.walk(top):
        node = taxonomy.get(slug)
        depth = taxonomy.depth(slug) - (taxonomy.depth(top) if top else 0)
        lines.append(f"{'#' * min(depth + 2, 6)} {node.name}")
        members = [e for e in survey_order(entries) if slug in e.keywords and e.type != "software"]
        lines += [f"- {text_of[e.key]}" for e in members]
    return "\n".join(lines) + "\n"
