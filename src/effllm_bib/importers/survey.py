"""Import the survey's hand-edited Markdown list into the database.

Parsing reads every bullet and the frameworks table into plain records and reports each oddity
of the source (venue typos, broken markup, wrong or shared arXiv links, duplicate bullets) with
its line. Applying is idempotent and non-destructive: a field is only changed where the database
still holds the value the previous survey import derived, so curated values are never lost.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

from .. import keys
from ..bibio import read_text
from ..database import Database
from ..errors import SurveyFormatError
from ..export.text import latex_from_text, math_symbols, text_from_latex
from ..model import Entry, FieldChange, Problem, Severity
from ..normalize import (
    arxiv_id_from_url,
    clean_text,
    fix_doubled_prefix,
    fold,
    lookup_venue,
    normalize_doi,
    protect_title,
    similar_pairs,
)
from ..taxonomy import Taxonomy

SIMILAR_TITLE = 90  # rapidfuzz ratio (0-100) above which two folded titles name the same paper

# Fields the importer derives from a bullet; the survey record itself is kept in survey* fields.
DERIVED_FIELDS = ("title", "year", "booktitle", "journal", "howpublished", "eprint",
                  "archiveprefix", "doi", "url")  # fmt: skip


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
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
_PAPER_LABELS = ("paper", "pdf", "blog", "html", "reddit", "website", "post")


def _clean_url(raw: str, report: callable, what: str) -> str:  # type: ignore[valid-type]
    url = raw.strip()
    if "](" in url:  # a Markdown link nested inside the link target: keep its target
        report(f"{what} link is a nested Markdown link; read its target")
        url = url.rsplit("](", 1)[1]
    url = url.strip("[]() ")
    starts = [m.start() for m in re.finditer(r"https?://", url)]
    if len(starts) > 1:
        report(f"{what} link holds several URLs glued together; kept the first")
        url = url[: starts[1]]
    return url


def _split_head(head: str, report: callable) -> tuple[str, str]:  # type: ignore[valid-type]
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
                    out.report(Severity.WARNING, "heading-misplaced", number,
                               f"section '{name}' sits under '{parent}' here but under "
                               f"'{taxonomy.get(slug).parent}' in the taxonomy")  # fmt: skip
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
    url = m.group(2).strip() if m else ""
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


# --- deriving entry fields --------------------------------------------------------------------


@dataclass(frozen=True)
class Derived:
    type: str
    fields: dict[str, str]
    notes: tuple[str, ...] = ()


def split_venue(venue: str) -> tuple[list[str], str]:
    """(venue names, year) from ``'NeurlPS, 2022'``, ``'ICLR 2023'`` or ``'arXiv, ICML'``."""
    years = _YEAR.findall(venue)
    rest = _YEAR.sub(" ", venue)
    names = [clean_text(n) for n in re.split(r"[,，]", rest) if clean_text(n)]
    return names, years[0] if years else ""


def derive(title: str, venue: str, paper_url: str, with_arxiv: bool = True) -> Derived:
    """The bibliographic fields a survey record implies. Pure: same record, same fields."""
    notes: list[str] = []
    fixed = fix_doubled_prefix(clean_text(title))
    if fixed != clean_text(title):
        notes.append(f"title repeats its prefix; read as '{fixed}'")
    values: dict[str, str] = {"title": math_symbols(protect_title(fixed))}
    names, year = split_venue(venue)
    if year:
        values["year"] = year
    else:
        notes.append(f"no year in '{venue}'")
    known = [(n, lookup_venue(n)) for n in names]
    chosen = next((v for _, v in known if v and v.kind != "preprint"), None)
    chosen = chosen or next((v for _, v in known if v), None)
    for raw, v in known:
        if v is None:
            notes.append(f"venue '{raw}' is not in the venue table")
        elif raw != v.short and raw.replace("-", " ") != v.short:
            notes.append(f"venue '{raw}' read as {v.short}")
    if len([v for _, v in known if v]) > 1:
        notes.append(f"several venues '{venue}'; used {chosen.short if chosen else '?'}")
    entry_type = "misc"
    if chosen is not None:
        entry_type = chosen.entry_type
        if chosen.venue_field:
            values[chosen.venue_field] = chosen.full
        elif chosen.kind in ("blog", "website"):
            values["howpublished"] = chosen.short
    elif names:
        entry_type = "inproceedings"
        values["booktitle"] = names[0]
    arxiv_id = arxiv_id_from_url(paper_url) if paper_url else None
    if arxiv_id:
        if with_arxiv:
            values["eprint"] = arxiv_id
            values["archiveprefix"] = "arXiv"
    elif paper_url:
        values["url"] = paper_url
        doi = normalize_doi(paper_url) if "doi" in paper_url else None
        if doi and not doi.startswith("10.5555/"):  # 10.5555 is ACM's placeholder, not a DOI
            values["doi"] = doi
    return Derived(entry_type, values, tuple(notes))


def derive_from_entry(entry: Entry) -> Derived | None:
    """What the last survey import derived for this entry (None if it never came from the survey)."""
    if "surveytitle" not in entry:
        return None
    title, venue = survey_title(entry), text_from_latex(entry.get("surveyvenue"))
    return derive(title, venue, entry.get("surveyurl"))


def survey_title(entry: Entry) -> str:
    """The title as the survey writes it (``surveytitle`` holds it escaped as LaTeX)."""
    return text_from_latex(entry.get("surveytitle"))


def survey_derived(entry: Entry, name: str) -> bool:
    """True when a field still holds exactly the value the survey import derived for it."""
    derived = derive_from_entry(entry)
    if derived is None:
        return False
    if name == "type":
        return entry.type == derived.type
    return entry.get(name) != "" and entry.get(name) == derived.fields.get(name)


# --- grouping bullets into papers ----------------------------------------------------------


@dataclass
class Paper:
    """The bullets that name one paper, and the categories they put it in."""

    bullets: list[Bullet]
    arxiv_id: str | None = None
    arxiv_trusted: bool = True

    @property
    def first(self) -> Bullet:
        return self.bullets[0]

    @property
    def categories(self) -> list[str]:
        return sorted({b.category for b in self.bullets})

    @property
    def titles(self) -> set[str]:
        return {fold(fix_doubled_prefix(b.title)) for b in self.bullets}


def group_papers(survey: SurveyList) -> list[Paper]:
    """Bullets naming the same paper become one :class:`Paper`; conflicts are reported."""
    bullets = survey.bullets
    parent = list(range(len(bullets)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        parent[find(i)] = find(j)

    by_title: dict[str, int] = {}
    by_id: dict[str, list[int]] = defaultdict(list)
    for i, b in enumerate(bullets):
        key = fold(fix_doubled_prefix(b.title))
        if key in by_title:
            union(i, by_title[key])
        else:
            by_title[key] = i
        aid = arxiv_id_from_url(b.paper_url)
        if aid:
            by_id[aid].append(i)
    shared_ids: set[str] = set()
    for members in by_id.values():
        for i in members[1:]:
            a, b = fold(bullets[members[0]].title), fold(bullets[i].title)
            if a == b or fuzz.ratio(a, b) >= SIMILAR_TITLE:
                union(i, members[0])
    for aid, members in by_id.items():
        papers_of: dict[int, list[Bullet]] = defaultdict(list)
        for i in members:
            papers_of[find(i)].append(bullets[i])
        if len(papers_of) > 1:
            shared_ids.add(aid)
            listed = "; ".join(
                f"'{bs[0].title}' (line{'s' if len(bs) > 1 else ''} "
                f"{', '.join(str(b.line) for b in bs)})"
                for bs in papers_of.values()
            )
            survey.report(Severity.WARNING, "shared-arxiv-id", bullets[members[0]].line,
                          f"different papers link the same arXiv id {aid}: {listed}; "
                          "none gets this id until a source confirms it")  # fmt: skip
    groups: dict[int, list[Bullet]] = defaultdict(list)
    for i, b in enumerate(bullets):
        groups[find(i)].append(b)
    papers = []
    for members in groups.values():
        paper = Paper(sorted(members, key=lambda b: b.line))
        ids = {arxiv_id_from_url(b.paper_url) for b in members} - {None}
        if len(ids) > 1:
            survey.report(Severity.WARNING, "arxiv-id-varies", paper.first.line,
                          f"'{paper.first.title}' is linked to several arXiv ids "
                          f"({', '.join(sorted(ids))}); none is used until a source confirms one")  # fmt: skip
            paper.arxiv_trusted = False
        elif ids:
            paper.arxiv_id = ids.pop()
            paper.arxiv_trusted = paper.arxiv_id not in shared_ids
        _report_repeats(survey, paper)
        papers.append(paper)
    papers.sort(key=lambda p: p.first.line)
    _report_near_titles(survey, papers)
    return papers


def _report_repeats(survey: SurveyList, paper: Paper) -> None:
    seen: dict[str, Bullet] = {}
    for b in paper.bullets:
        if b.category in seen:
            survey.report(Severity.WARNING, "duplicate-bullet", b.line,
                          f"'{b.title}' is listed twice in '{b.category}' "
                          f"(also line {seen[b.category].line})")  # fmt: skip
        seen.setdefault(b.category, b)
        first = paper.first
        if b is not first and (b.venue != first.venue):
            survey.report(Severity.WARNING, "bullets-disagree", b.line,
                          f"'{b.title}' says '{b.venue}' here but '{first.venue}' on line "
                          f"{first.line}; the first is used")  # fmt: skip
        if b is not first and fold(b.title) != fold(first.title):
            survey.report(Severity.WARNING, "title-variant", b.line,
                          f"title written '{b.title}' here and '{first.title}' on line {first.line}")  # fmt: skip


def _report_near_titles(survey: SurveyList, papers: list[Paper]) -> None:
    titles = [fold(fix_doubled_prefix(p.first.title)) for p in papers]
    for i, j, _ in similar_pairs(titles, SIMILAR_TITLE):
        a, b = papers[i].first, papers[j].first
        survey.report(Severity.WARNING, "near-duplicate-title", b.line,
                      f"'{b.title}' and '{a.title}' (line {a.line}) differ only slightly "
                      "but link different papers; check whether they are one paper")  # fmt: skip


# --- applying to the database -------------------------------------------------------------


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    disappeared: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changes: list[FieldChange] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        parts = [
            f"{len(self.added)} added",
            f"{len(self.updated)} updated",
            f"{self.unchanged} unchanged",
            f"{len(self.disappeared)} no longer listed"
            + (f" ({len(self.removed)} removed)" if self.removed else " (kept)"),
        ]
        return ", ".join(parts)


def _index(
    db: Database,
) -> tuple[dict[str, str], dict[str, list[str]], dict[str, str], dict[str, str]]:
    by_survey_title: dict[str, str] = {}
    by_eprint: dict[str, list[str]] = defaultdict(list)
    by_title: dict[str, str] = {}
    by_url: dict[str, str] = {}
    for key, e in db.entries.items():
        if "surveytitle" in e:
            by_survey_title.setdefault(fold(fix_doubled_prefix(survey_title(e))), key)
        if e.get("eprint"):
            by_eprint[e.get("eprint")].append(key)
        by_title.setdefault(fold(e.get("title")), key)
        if e.type == "software" and e.get("url"):
            by_url[e.get("url").rstrip("/").lower()] = key
    return by_survey_title, by_eprint, by_title, by_url


def _match(db: Database, paper: Paper, index: tuple) -> str | None:  # type: ignore[type-arg]
    by_survey_title, by_eprint, by_title, _ = index
    for t in paper.titles:
        if t in by_survey_title:
            return by_survey_title[t]
    if paper.arxiv_id and paper.arxiv_trusted:
        for key in by_eprint.get(paper.arxiv_id, []):
            e = db.entries[key]
            if any(fuzz.ratio(t, fold(e.get("title"))) >= SIMILAR_TITLE for t in paper.titles):
                return key
    for t in paper.titles:
        if t in by_title:
            return by_title[t]
    return None


def apply_survey(db: Database, survey: SurveyList, prune: bool = False) -> ImportReport:
    """Bring the survey's papers and frameworks into the database (in memory)."""
    report = ImportReport(problems=list(survey.problems))
    papers = group_papers(survey)
    report.problems = list(survey.problems)
    index = _index(db)
    seen: set[str] = set()
    for paper in papers:
        key = _match(db, paper, index)
        if key is not None and key in seen:
            key = None  # two survey papers must not collapse into one entry
        new_key = _apply_paper(db, paper, key, report, survey.source)
        seen.add(new_key)
    for fw in survey.frameworks:
        seen.add(_apply_framework(db, fw, index[3], report))
    for key, entry in sorted(db.entries.items()):
        if key in seen or "surveytitle" not in entry:  # only what the survey brought can leave it
            continue
        report.disappeared.append(key)
        report.problems.append(Problem(Severity.WARNING, "not-in-survey",
                               "no longer in the survey's list" + ("; removed (--prune)" if prune
                               else "; kept (use --prune to remove)"), key))  # fmt: skip
        if prune:
            db.remove(key)
            report.removed.append(key)
    return report


def _survey_record(b: Bullet) -> dict[str, str]:
    # Kept as written, escaped like every other field so that every BibTeX reader parses it.
    title, venue = latex_from_text(b.title), latex_from_text(b.venue)
    return {"surveytitle": title, "surveyvenue": venue, "surveyurl": b.paper_url}


def _apply_paper(
    db: Database, paper: Paper, key: str | None, report: ImportReport, source: str
) -> str:
    first = paper.first
    derived = derive(first.title, first.venue, first.paper_url, with_arxiv=paper.arxiv_trusted)
    for note in derived.notes:
        report.problems.append(
            Problem(Severity.INFO, "survey-normalised", note, str(source), first.line)
        )
    if key is None:
        values = {**derived.fields, **_survey_record(first)}
        if first.code_urls:
            values["code"] = first.code_urls[0]
        entry = Entry.make("", derived.type, values).with_keywords(paper.categories)
        return _added(db, entry.with_key(keys.provisional_key(entry, set(db.entries))), report)
    old = db.entries[key]
    base = derive_from_entry(old)
    entry = old
    changes: list[FieldChange] = []
    # Three-way rule per field: the survey's new value applies only where the survey changed
    # (theirs != was) and the database still holds what the last import derived (ours == was).
    was_type = base.type if base else entry.type
    if derived.type not in (was_type, entry.type):
        kind = "correct" if entry.type == was_type else "conflict"
        changes.append(FieldChange(key, "type", entry.type, derived.type, kind))
        if kind == "correct":
            entry = entry.with_type(derived.type)
    for name in DERIVED_FIELDS:
        theirs = derived.fields.get(name, "")
        ours = entry.get(name)
        was = base.fields.get(name, "") if base else ""
        if not theirs or ours == theirs or theirs == was:
            continue
        if ours == was:
            changes.append(FieldChange(key, name, ours, theirs, "correct" if ours else "fill"))
            entry = entry.with_fields(**{name: theirs})
        else:
            changes.append(FieldChange(key, name, ours, theirs, "conflict"))
    if first.code_urls and not entry.get("code"):
        changes.append(FieldChange(key, "code", "", first.code_urls[0], "fill"))
        entry = entry.with_fields(code=first.code_urls[0])
    record = _survey_record(first)
    if any(entry.get(k) != v for k, v in record.items()):
        entry = entry.with_fields(**record)
        changes.append(FieldChange(key, "survey record", "", first.title, "fill"))
    added = set(paper.categories) - set(entry.keywords)
    if added:
        changes.append(FieldChange(key, "keywords", "", ", ".join(sorted(added)), "keyword"))
        entry = entry.with_keywords([*entry.keywords, *added])
    for kw in set(entry.keywords) - set(paper.categories):
        if kw in db.taxonomy and db.taxonomy.get(kw).parent is not None:
            report.problems.append(Problem(Severity.INFO, "category-not-in-survey",
                                   f"keyword '{kw}' is not one of the survey's sections for this "
                                   "paper (kept)", key=key))  # fmt: skip
    report.changes.extend(changes)
    return _record(db, old, entry, report)


def _added(db: Database, entry: Entry, report: ImportReport) -> str:
    db.put(entry)
    report.added.append(entry.key)
    report.changes.append(FieldChange(entry.key, "", "", "", "add-entry"))
    return entry.key


def _record(db: Database, old: Entry, new: Entry, report: ImportReport) -> str:
    if new != old:
        db.put(new)
        report.updated.append(new.key)
    else:
        report.unchanged += 1
    return new.key


def _apply_framework(
    db: Database, fw: Framework, by_url: dict[str, str], report: ImportReport
) -> str:
    key = by_url.get(fw.url.rstrip("/").lower())
    values = {"title": math_symbols(protect_title(fw.name)), "url": fw.url,
              "surveytitle": latex_from_text(fw.name)}  # fmt: skip
    if key is None:
        entry = Entry.make(keys.software_key(fw.name, set(db.entries)), "software", values)
        return _added(db, entry.with_keywords(fw.categories), report)
    old = db.entries[key]
    entry = old.with_fields(**{n: v for n, v in values.items() if not old.get(n)})
    return _record(db, old, entry.with_keywords([*entry.keywords, *fw.categories]), report)


def import_survey(db: Database, path: Path, prune: bool = False) -> ImportReport:
    """Parse the survey list at ``path`` and apply it to ``db`` (the caller saves)."""
    survey = parse_survey(path, db.taxonomy)
    return apply_survey(db, survey, prune=prune)
