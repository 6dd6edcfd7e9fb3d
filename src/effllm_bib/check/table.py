"""The rule table: every finding check can give, its severity, whether --fix repairs it, and the
set it belongs to. README's table and ``fix.FIXES`` are held against this one (tests).

``general`` rules fit every bibliography; ``survey`` rules are the survey database's own and run
only where a taxonomy sits beside the .bib file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..model import Severity

RuleSet = Literal["general", "survey"]
E, W = Severity.ERROR, Severity.WARNING


@dataclass(frozen=True)
class RuleInfo:
    id: str
    severity: Severity
    set: RuleSet
    summary: str
    fix: str = ""  # the name of the function in effllm_bib.fix that repairs it, if any

    @property
    def fixable(self) -> bool:
        return bool(self.fix)


def _r(id: str, severity: Severity, set: RuleSet, summary: str, fix: str = "") -> RuleInfo:
    return RuleInfo(id, severity, set, summary, fix)


RULE_TABLE: tuple[RuleInfo, ...] = (
    # reading the file (bibio) and the files beside it
    _r("parse-error", E, "general", "a block that cannot be read, with file and line"),
    _r("duplicate-key", E, "general", "a citation key used twice"),
    _r("duplicate-field", E, "general", "a field given twice in one entry"),
    _r("missing-comma", E, "general", "a field swallowed by the previous one"),
    _r("stray-text", E, "general", "an entry cut short by a brace too many"),
    _r("comment-in-entry", W, "general", "a % line between the fields of an entry (biber skips it, BibTeX stops there)"),
    _r("config", E, "general", "a taxonomy.toml, distinct.toml or accepted.toml that cannot be read"),
    _r("unreadable", E, "general", "a .bib file that cannot be opened"),
    _r("stale-acceptance", W, "general", "an entry of accepted.toml that no longer matches a warning"),
    # macros and cross-references
    _r("undefined-macro", W, "general", "a bare value naming a @string the file never defines (BibTeX leaves it empty)"),
    _r("bad-crossref", E, "general", "a crossref or xdata naming no entry, or a cycle of them"),
    # types and fields
    _r("missing-field", E, "general", "fields BibTeX/biblatex require for the type, crossref inheritance included"),
    _r("unknown-type", W, "general", "an entry type neither BibTeX nor biblatex defines"),
    _r("venue-type", W, "general", "a journal entered as @inproceedings, or a conference as @article"),
    # keys
    _r("bad-key", E, "general", "a key BibTeX cannot read (white space, comma, braces)"),
    _r("key-portability", W, "general", "a key BibTeX reads but biber or \\cite reject (' \" # % ( ) = \\ ~, non-ASCII)"),
    # years and months
    _r("bad-year", E, "general", "an impossible or malformed year (not four digits, or in the future)"),
    _r("year-format", W, "general", "a year that is not a plain number (sorting and biber misread it)"),
    _r("year-arxiv", W, "general", "a year that disagrees with the arXiv id"),
    _r("bad-month", E, "general", "a month that is no month, in any form BibTeX or biber accepts"),
    _r("month-format", W, "general", "a month name in braces instead of its macro", "fix_month"),
    # identifiers
    _r("bad-doi", E, "general", "DOI syntax"),
    _r("doi-prefix", W, "general", "a DOI written with https://doi.org/", "fix_doi"),
    _r("bad-arxiv-id", E, "general", "arXiv id syntax"),
    _r("arxiv-version", W, "general", "an arXiv id with a version suffix", "fix_eprint"),
    _r("arxiv-mismatch", E, "general", "eprint, url and arXiv DOI that disagree"),
    _r("arxiv-doi-published", W, "general", "a published entry carrying arXiv's DOI (it leads to the preprint)", "fix_arxiv_doi"),
    _r("duplicate-paper", E, "general", "one DOI or arXiv id on several entries"),
    # text
    _r("latex-special", E, "general", "unescaped & % # _ outside URL-like fields, math and \\url"),
    _r("unbalanced-braces", E, "general", "unbalanced braces"),
    _r("whitespace", W, "general", "white space inside a URL or identifier, or at its ends", "fix_whitespace"),
    _r("unprotected-caps", W, "general", "capitals BibTeX styles would lower-case", "fix_title"),
    _r("pages-format", W, "general", "a page range without --", "fix_pages"),
    # duplicates
    _r("near-duplicate-title", W, "general", "near-identical titles, one finding per cluster"),
    _r("preprint-twin", W, "general", "a preprint and its published version, one finding per cluster"),
    # the survey database's own
    _r("unknown-keyword", E, "survey", "a keyword one slip from a taxonomy slug (other keywords are the user's own)"),
    _r("no-keywords", W, "survey", "an entry without a taxonomy category among its keywords"),
    _r("empty-category", W, "survey", "taxonomy nodes without papers"),
    _r("pending-key", E, "survey", "a provisional key on an entry that has authors"),
    _r("no-author", W, "survey", "an entry without authors"),
    _r("others-author", W, "survey", "an author list ending in 'others'"),
    _r("organisation-author", W, "survey", "an organisation as the only author"),
    _r("caps-author", W, "survey", "names written in capitals"),
    _r("low-confidence", W, "survey", "metadata from partial or conflicting sources"),
    _r("missing-doi", W, "survey", "a paper whose publisher registers DOIs, without one"),
    _r("survey-wrong-arxiv", W, "survey", "an arXiv link of the survey's list that names another paper"),
    _r("survey-ambiguous-arxiv", W, "survey", "an arXiv link of the survey's list that no source confirmed"),
    _r("secondary-sources", W, "survey", "sources that list only secondary pages (no arXiv, DOI, venue or own page)"),
)  # fmt: skip

RULES_BY_ID: dict[str, RuleInfo] = {r.id: r for r in RULE_TABLE}
