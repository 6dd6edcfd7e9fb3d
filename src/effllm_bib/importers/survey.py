"""Import the survey's hand-edited Markdown list into the database.

Parsing reads every bullet and the frameworks table into plain records and reports each oddity
of the source (venue typos, broken markup, wrong or shared arXiv links, duplicate bullets) with
its line. Applying is idempotent and non-destructive: a field is only changed where the database
still holds the value the previous survey import derived, so curated values are never lost.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

from .. import keys
from ..changes import FieldChange
from ..compare import fix_doubled_prefix, fold
from ..database import Database
from ..model import Entry, Problem, Severity
from ..survey_record import (
    DERIVED_FIELDS,
    SIMILAR_TITLE,
    derive,
    derive_from_entry,
    split_venue,
    survey_derived,
    survey_title,
)
from ..tex_escape import latex_from_text, math_symbols, protect_title
from .survey_group import Paper, group_papers
from .survey_parse import (
    _LINK,
    _MD_ESCAPE,
    Bullet,
    Framework,
    SurveyList,
    parse_survey,
    parse_survey_text,
)

__all__ = [
    "SIMILAR_TITLE",
    "Bullet",
    "SurveyList",
    "apply_survey",
    "derive",
    "group_papers",
    "import_survey",
    "parse_survey",
    "parse_survey_text",
    "split_venue",
    "survey_derived",
    "_LINK",
    "_MD_ESCAPE",
]

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


SurveyIndex = tuple[dict[str, str], dict[str, list[str]], dict[str, str], dict[str, str]]


def _index(db: Database) -> SurveyIndex:
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
        if e.type == "software":
            # a framework is known by the survey's link, its own address (which may have moved
            # since: DeepSpeed went from microsoft/ to deepspeedai/), or the survey's name for it
            for name in ("surveyurl", "url", "surveytitle"):
                if e.get(name):
                    by_url.setdefault(e.get(name).rstrip("/").lower(), key)
    return by_survey_title, by_eprint, by_title, by_url


def _match(db: Database, paper: Paper, index: SurveyIndex) -> str | None:
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
        report.problems.append(
            Problem(
                Severity.WARNING,
                "not-in-survey",
                "no longer in the survey's list"
                + ("; removed (--prune)" if prune else "; kept (use --prune to remove)"),
                key,
            )
        )
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
            report.problems.append(
                Problem(
                    Severity.INFO,
                    "category-not-in-survey",
                    f"keyword '{kw}' is not one of the survey's sections for this paper (kept)",
                    key=key,
                )
            )
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
    values = {
        "title": math_symbols(protect_title(fw.name)),
        "url": fw.url,
        "surveytitle": latex_from_text(fw.name),
        "surveyurl": fw.url,
    }
    key = by_url.get(fw.url.rstrip("/").lower()) or by_url.get(values["surveytitle"].lower())
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
