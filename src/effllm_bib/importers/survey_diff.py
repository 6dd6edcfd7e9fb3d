"""The survey's list against the database: what the database corrects, and the README rewritten.

``compare_survey`` lists the differences (``effllm-bib diff survey``). ``apply_to_readme``
rewrites, in place, each bullet the database corrects (title, venue and year, arXiv link) in the
list's own Markdown, and leaves every other line byte for byte (``diff survey --apply``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..compare import fix_doubled_prefix, fold
from ..database import Database

# The survey's format is defined once, as the survey style: diff survey compares the list with
# what the style writes, and rewrites bullets with it (tests/test_layers.py allows this import).
from ..export.survey_style import bullet_text, rendered_venue
from ..files import read_text, write_atomic
from ..identifiers import arxiv_id_from_url
from ..latex import plain
from ..model import Entry
from ..venues import lookup_venue
from .survey import (
    _LINK,
    _MD_ESCAPE,
    Bullet,
    SurveyList,
    _index,
    _match,
    group_papers,
    parse_survey_text,
    split_venue,
)


@dataclass(frozen=True)
class Difference:
    """One way the database differs from the survey's list (a correction or normalisation)."""

    kind: str  # missing | extra-section | missing-section | title | venue | arxiv
    key: str
    survey: str
    database: str
    line: int = 0

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return (
            f"{where}{self.key}: {self.kind}: survey {self.survey!r} -> database {self.database!r}"
        )


def bullet_differences(entry: Entry, bullet: Bullet) -> list[Difference]:
    """Title, venue and arXiv link of one bullet that the database corrects."""
    out: list[Difference] = []
    key, line = entry.key, bullet.line
    # compared as the list prints it: the rewrite writes plain(title), so a second run is quiet
    if fold(fix_doubled_prefix(bullet.title)) != fold(plain(entry.get("title"))):
        out.append(Difference("title", key, bullet.title, entry.get("title"), line))
    names, year = split_venue(bullet.venue)
    known = [lookup_venue(n) for n in names]
    venue = next((v.short for v in known if v and v.kind != "preprint"), None)
    venue = venue or next((v.short for v in known if v), names[0] if names else "")
    rendered = rendered_venue(entry)
    as_written = fold(f"{venue}, {year}" if year else venue)
    if fold(rendered) not in (as_written, fold(bullet.venue)):
        out.append(Difference("venue", key, bullet.venue, rendered, line))
    linked = arxiv_id_from_url(bullet.paper_url) if bullet.paper_url else None
    if linked and entry.get("eprint") and linked != entry.get("eprint"):
        out.append(Difference("arxiv", key, linked, entry.get("eprint"), line))
    return out


def compare_survey(db: Database, survey: SurveyList) -> list[Difference]:
    """What rendering the database in the survey's format would change in the survey's list."""
    out: list[Difference] = []
    index = _index(db)
    for paper in group_papers(survey):
        first = paper.first
        key = _match(db, paper, index)
        if key is None:
            out.append(Difference("missing", "-", first.title, "", first.line))
            continue
        entry = db.entries[key]
        out += bullet_differences(entry, first)
        listed = set(paper.categories)
        for kw in sorted(set(entry.keywords) - listed):
            out.append(Difference("extra-section", key, "", kw, first.line))
        for kw in sorted(listed - set(entry.keywords)):
            out.append(Difference("missing-section", key, kw, "", first.line))
    return out


# --- rewriting the README ------------------------------------------------------------------------

_PREFIX = re.compile(r"^(\s*[-*]\s+)")


@dataclass(frozen=True)
class Rewrite:
    """One bullet of the README, as it was and as the database writes it."""

    line: int
    key: str
    kinds: tuple[str, ...]
    old: str
    new: str


def _links(line: str, bullet: Bullet, entry: Entry) -> list[tuple[str, str]]:
    """The bullet's own links, in order, written ``[[Label](url)]``; a paper link to the wrong
    arXiv id points to the database's."""
    body = _MD_ESCAPE.sub(r"\1", line)
    start = body.find("[[")
    if start < 0:
        start = body.find("[") if "](" in body else len(body)
    out = []
    for label, target in _LINK.findall(body[start:]):
        url = target.strip()
        linked = arxiv_id_from_url(url)
        if linked and entry.get("eprint") and linked != entry.get("eprint"):
            url = f"https://arxiv.org/abs/{entry.get('eprint')}"
        out.append((label.strip(), url))
    return out


def readme_rewrites(db: Database, text: str, source: str = "README.md") -> list[Rewrite]:
    """The bullets of the list the database corrects, each with its new line (no line ending)."""
    survey = parse_survey_text(text, db.taxonomy, source)
    lines = text.splitlines()
    index = _index(db)
    out = []
    for paper in group_papers(survey):
        key = _match(db, paper, index)
        if key is None:
            continue
        entry = db.entries[key]
        for bullet in paper.bullets:
            found = bullet_differences(entry, bullet)
            if not found:
                continue
            old = lines[bullet.line - 1]
            prefix = _PREFIX.match(old)
            title = plain(entry.get("title"))
            new = (prefix.group(1) if prefix else "- ") + bullet_text(
                title, rendered_venue(entry), _links(old, bullet, entry)
            )
            kinds = tuple(d.kind for d in found)
            out.append(Rewrite(bullet.line, key, kinds, old, new))
    return sorted(out, key=lambda r: r.line)


def apply_to_readme(db: Database, path: Path) -> list[Rewrite]:
    """Rewrite the corrected bullets of the README at ``path`` in place (atomically)."""
    text = read_text(path)
    rewrites = readme_rewrites(db, text, str(path))
    if not rewrites:
        return []
    bom = "\ufeff" if path.read_bytes().startswith(b"\xef\xbb\xbf") else ""  # kept as found
    lines = text.splitlines(keepends=True)
    for r in rewrites:
        ending = lines[r.line - 1][len(lines[r.line - 1].rstrip("\r\n")) :]
        lines[r.line - 1] = r.new + ending
    write_atomic(path, bom + "".join(lines))
    return rewrites
