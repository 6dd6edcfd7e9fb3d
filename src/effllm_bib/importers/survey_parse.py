"""Parse the survey's hand-edited Markdown list: every bullet and the frameworks table become
plain records, and each oddity of the source (venue typos, broken markup, glued links) is
reported with its line."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..compare import clean_text
from ..errors import SurveyFormatError
from ..files import read_text
from ..identifiers import strip_tracking
from ..model import Problem, Severity
from ..taxonomy import Taxonomy


@dataclass(frozen=True)
class Bullet:
    """One bullet of the survey's list, as written."""

    line: int
    title: str  # as written, trailing separators removed
    venue: str  # the text between <ins> and </ins>, e.g. "NeurlPS, 2022"
    paper_url: str
    code_urls: tuple[str, ...]
    category: str


@dataclass(frozen=True)
class Framework:
    """One row of the frameworks table."""

    line: int
    name: str
    url: str
    categories: tuple[str, ...]


@dataclass
class SurveyList:
    source: str
    bullets: list[Bullet] = field(default_factory=list)
    frameworks: list[Framework] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def report(self, severity: Severity, code: str, line: int, message: str) -> None:
        self.problems.append(Problem(severity, code, message, self.source, line))


# --- parsing ---------------------------------------------------------------------------------------

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_BULLET = re.compile(r"^\s*[-*]\s+(.*\S)\s*$")
_LINK = re.compile(r"\[\[?\s*([A-Za-z][^\[\]]*?)\s*\]?\]\s*\(([^)]*)\)")
_PAPER_LABELS = ("paper", "pdf", "blog", "html", "reddit", "website", "post")


def _clean_url(raw: str, report: Callable[[str], None], what: str) -> str:
    url = raw.strip()
    if "](" in url:  # a Markdown link nested inside the link target: keep its target
        report(f"{what} link is a nested Markdown link; read its target")
        url = url.rsplit("](", 1)[1]
    url = url.strip("[]() ")
    starts = [m.start() for m in re.finditer(r"https?://", url)]
    if len(starts) > 1:
        report(f"{what} link holds several URLs glued together; kept the first")
        url = url[: starts[1]]
    return strip_tracking(url)  # catalyzex.com's code links carry ?utm_source=catalyzex.com


def _split_head(head: str, report: Callable[[str], None]) -> tuple[str, str]:
    """(title, venue text) from the part of a bullet before its links."""
    if "<ins>" in head:
        title, _, rest = head.partition("<ins>")
        m = re.search(r"</?ins>|/ins>", rest)
        if m is None:
            report("venue has no closing </ins>")
            venue = rest
        else:
            if not rest[m.start() :].startswith("</ins>"):
                report(f"venue markup '{m.group(0)}' should be '</ins>'")
            venue = rest[: m.start()]
    else:
        m = re.search(r"^(.*?)[,，]?\s*(\d{4})\s*</?ins>", head) or re.search(
            r"^(.*?)[,，]\s*(\d{4})\s*$", head
        )
        if m is None:
            report("no <ins>venue, year</ins> after the title")
            return head, ""
        report("venue markup has no opening <ins> and names no venue")
        title, venue = m.group(1), m.group(2)
    title = clean_text(title)
    if title.endswith(("，",)):
        report("full-width comma '，' between title and venue")
    title = title.rstrip(",，;").strip()
    return title, clean_text(venue)


def parse_survey_text(text: str, taxonomy: Taxonomy, source: str = "README.md") -> SurveyList:
    """Read the survey's Markdown list. Raises :class:`SurveyFormatError` on unknown sections."""
    out = SurveyList(source)
    stack: list[tuple[int, str]] = []  # (heading level, category slug)
    in_body = False
    table_header: list[str] | None = None
    for number, line in enumerate(text.splitlines(), 1):
        heading = _HEADING.match(line)
        if heading:
            level, name = len(heading.group(1)), heading.group(2)
            table_header = None
            while stack and stack[-1][0] >= level:
                stack.pop()
            parent = stack[-1][1] if stack else None
            slug = taxonomy.match_heading(name, parent)
            if slug is None and in_body:
                candidates = taxonomy.find_by_name(name)
                if len(candidates) == 1:
                    slug = candidates[0]
                    out.report(
                        Severity.WARNING,
                        "heading-misplaced",
                        number,
                        f"section '{name}' sits under '{parent}' here but under "
                        f"'{taxonomy.get(slug).parent}' in the taxonomy",
                    )
                else:
                    raise SurveyFormatError(
                        source,
                        f"section '{name}' is not in the taxonomy; add it to taxonomy.toml "
                        "(name or alias) or fix the heading.",
                        number,
                    )
            if slug is not None:
                in_body = True
                stack.append((level, slug))
            continue
        if not in_body or not stack:
            continue
        category = stack[-1][1]
        if line.lstrip().startswith("|"):
            table_header = _table_row(out, taxonomy, category, number, line, table_header)
            continue
        bullet = _BULLET.match(line)
        if bullet:
            parsed = _parse_bullet(out, number, bullet.group(1), category, line)
            if parsed is not None:
                out.bullets.append(parsed)
    if not out.bullets and not out.frameworks:
        raise SurveyFormatError(
            source, "no paper bullets found under the taxonomy's sections; is this the survey list?"
        )
    return out


# Lists written by Markdown tools (pybtex's markdown backend among them) escape punctuation.
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>])")


def _parse_bullet(
    out: SurveyList, number: int, body: str, category: str, line: str
) -> Bullet | None:
    def report(message: str) -> None:
        out.report(Severity.WARNING, "survey-markup", number, message)

    body = html.unescape(_MD_ESCAPE.sub(r"\1", body))
    if line.startswith(" "):
        report("bullet is indented; it is read as a top-level bullet")
    first_link = body.find("[[")
    if first_link < 0:
        first_link = body.find("[") if "](" in body else len(body)
    head, links = body[:first_link], body[first_link:]
    title, venue = _split_head(head, report)
    if not title:
        out.report(Severity.ERROR, "survey-bullet", number, "bullet has no title; fix the line")
        return None
    paper_url = ""
    code_urls: list[str] = []
    for label, target in _LINK.findall(links):
        kind = label.lower()
        url = _clean_url(target, report, label)
        if not url:
            continue
        if kind.startswith("code"):
            code_urls.append(url)
        elif any(kind.startswith(p) for p in _PAPER_LABELS) and not paper_url:
            paper_url = url
        else:
            report(f"link labelled '{label}' is neither paper nor code; ignored")
    if not paper_url:
        report("bullet has no paper link")
    for url in code_urls:
        if paper_url and url == paper_url:
            report("code link is the paper link")
    return Bullet(number, title, venue, paper_url, tuple(code_urls), category)


def _table_row(
    out: SurveyList,
    taxonomy: Taxonomy,
    category: str,
    number: int,
    line: str,
    header: list[str] | None,
) -> list[str] | None:
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if header is None:
        return cells
    if all(re.fullmatch(r":?-+:?", c) for c in cells if c):
        return header
    name_cell = cells[0]
    m = _LINK.search(name_cell)
    name = clean_text(name_cell[: name_cell.find("[")] if "[" in name_cell else name_cell)
    url = strip_tracking(m.group(2).strip()) if m else ""
    ticked: list[str] = []
    for column, cell in zip(header[1:], cells[1:], strict=False):
        if "✅" not in cell:
            continue
        slug = taxonomy.match_heading(column, category)
        if slug is None:
            raise SurveyFormatError(
                out.source,
                f"table column '{column}' matches no child of '{category}' in the taxonomy; "
                "add it to taxonomy.toml.",
                number,
            )
        ticked.append(slug)
    if not name:
        out.report(Severity.WARNING, "survey-markup", number, "table row without a name; skipped")
        return header
    out.frameworks.append(Framework(number, name, url, tuple(ticked) or (category,)))
    return header


def parse_survey(path: Path, taxonomy: Taxonomy) -> SurveyList:
    return parse_survey_text(read_text(path), taxonomy, str(path))
