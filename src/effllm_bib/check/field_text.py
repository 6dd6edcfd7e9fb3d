"""Rules on identifiers (DOI, arXiv) and on the text of fields (specials, braces, white space,
capitals, page ranges). They read the fields as written: what --fix would change is what they
report.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

from ..identifiers import arxiv_id_from_url, normalize_arxiv_id, normalize_doi, normalize_pages
from ..model import Entry, Problem
from ..tex_escape import unprotected_words
from ..vocab import (
    ARXIV_DOI_PREFIX,
    PUBLISHED_TYPES,
    eprint_names_arxiv,
    is_identifier_field,
    is_one_token_field,
    is_text_field,
)
from .context import Context, Rule

# Spans where & % # _ are not specials: math, and the arguments of the URL commands.
_VERBATIM = re.compile(
    r"\$\$.*?\$\$|(?<!\\)\$.*?(?<!\\)\$|\\\(.*?\\\)"
    r"|\\(?:url|path|nolinkurl|href|doi)\s*\{[^{}]*\}|\\verb(.).*?\1",
    re.S,
)
_SPECIAL = re.compile(r"(?<!\\)[&%#_]")


def unescaped_special(value: str) -> bool:
    return bool(_SPECIAL.search(_VERBATIM.sub("", value)))


_BRACE = re.compile(r"(?<!\\)[{}]")


def balanced(value: str) -> bool:
    """Braces (not ``\\{``, ``\\}``) pair up and never close before they open."""
    if "{" not in value and "}" not in value:
        return True
    depth = 0
    for match in _BRACE.finditer(value):
        depth += 1 if match.group() == "{" else -1
        if depth < 0:
            return False
    return depth == 0


def _identifiers(
    raw: Sequence[Entry], resolved: Sequence[Entry], ctx: Context
) -> Iterable[Problem]:
    by_doi: dict[str, list[Entry]] = defaultdict(list)
    by_arxiv: dict[str, list[Entry]] = defaultdict(list)
    for e in raw:
        raw_doi = e.get("doi") if "doi" not in e.bare else ""
        doi = normalize_doi(raw_doi) if raw_doi else None
        if raw_doi and doi is None:
            yield ctx.problem("bad-doi", f"doi '{raw_doi}' is not a DOI; fix or remove it.", e)
        elif raw_doi and doi != raw_doi:
            yield ctx.problem(
                "doi-prefix", f"doi '{raw_doi}' carries a prefix; write only {doi} (--fix does).", e
            )
        raw_eprint = e.get("eprint")
        aid = normalize_arxiv_id(raw_eprint) if eprint_names_arxiv(e) else None
        explicit = bool(e.get("archiveprefix") or e.get("eprinttype"))
        if eprint_names_arxiv(e) and aid is None and explicit:
            yield ctx.problem("bad-arxiv-id", f"eprint '{raw_eprint}' is not an arXiv id.", e)
        elif aid and aid != raw_eprint:
            yield ctx.problem(
                "arxiv-version",
                f"eprint '{raw_eprint}' should be the bare id {aid} (--fix does).",
                e,
            )
        if aid:
            by_arxiv[aid].append(e)
            url_id = arxiv_id_from_url(e.get("url")) if e.get("url") else None
            if url_id and url_id != aid:
                yield ctx.problem(
                    "arxiv-mismatch",
                    f"url points to arXiv {url_id} but eprint is {aid}; one of them is wrong.",
                    e,
                )
            if (
                doi
                and doi.lower().startswith(ARXIV_DOI_PREFIX)
                and doi[len(ARXIV_DOI_PREFIX) :] != aid
            ):
                yield ctx.problem(
                    "arxiv-mismatch", f"arXiv DOI {doi} does not match eprint {aid}.", e
                )
        if doi and doi.lower().startswith(ARXIV_DOI_PREFIX) and e.type in PUBLISHED_TYPES:
            yield ctx.problem(
                "arxiv-doi-published",
                f"published in a venue, yet its doi is arXiv's ({doi}), which leads readers to the "
                "preprint; drop it, keeping the arXiv id in eprint (--fix does), and give the "
                "venue's DOI if it has one.",
                e,
            )
        if doi and not doi.lower().startswith(ARXIV_DOI_PREFIX):
            by_doi[doi.lower()].append(e)
    for label, groups in (("DOI", by_doi), ("arXiv id", by_arxiv)):
        for value, members in groups.items():
            if len(members) > 1:
                names = ", ".join(m.key for m in members)
                yield ctx.problem(
                    "duplicate-paper",
                    f"{label} {value} is on several entries ({names}); merge them into one.",
                    members[1],
                )


def _identifier_space(name: str, value: str, e: Entry, ctx: Context) -> Iterable[Problem]:
    """White space that reaches the output. Text needs none of this: BibTeX, biber and pybtex
    strip a value's ends and collapse its runs of white space, newlines included. Identifiers
    and addresses go raw into CSL-JSON and RIS, and a space inside one breaks it."""
    tidy = value.strip()
    if not tidy or not is_identifier_field(name):
        return
    if is_one_token_field(name) and sum("://" in part for part in tidy.split()) > 1:
        yield ctx.problem(
            "whitespace",
            f"field '{name}' holds several addresses, which styles "
            "print as one broken link; keep one there and move the others to a "
            "note.",
            e,
        )
    elif is_one_token_field(name) and any(c.isspace() for c in tidy):
        yield ctx.problem(
            "whitespace",
            f"field '{name}' has white space inside "
            f"'{' '.join(tidy.split())}', which breaks it; remove it (or write %20 "
            "in a URL).",
            e,
        )
    elif tidy != value:
        yield ctx.problem(
            "whitespace",
            f"field '{name}' starts or ends with white space, which "
            "CSL-JSON and RIS exports keep (--fix strips it).",
            e,
        )


def _text(raw: Sequence[Entry], resolved: Sequence[Entry], ctx: Context) -> Iterable[Problem]:
    for e in raw:
        for name, value in e.fields:
            if name in e.bare:
                continue
            if not is_text_field(name):
                yield from _identifier_space(name, value, e, ctx)
                continue
            if not balanced(value):
                yield ctx.problem("unbalanced-braces", f"field '{name}' has unbalanced braces.", e)
            if unescaped_special(value):
                yield ctx.problem(
                    "latex-special",
                    f"field '{name}' has an unescaped LaTeX special "
                    "(& % # _); write \\& \\% \\# \\_.",
                    e,
                )
        title = e.get("title") if "title" not in e.bare else ""
        words = unprotected_words(title) if title else []
        if words:
            yield ctx.problem(
                "unprotected-caps",
                f"title words {', '.join(words[:4])} lose their "
                "capitals in BibTeX styles; brace them (--fix does).",
                e,
            )
        pages = e.get("pages") if "pages" not in e.bare else ""
        if pages and normalize_pages(pages) != pages:
            yield ctx.problem("pages-format", f"pages '{pages}' should use '--' (--fix does).", e)


# This module's rules, in the order their findings come out (check/runner.py lists the modules).
RULES: tuple[Rule, ...] = (
    _identifiers,
    _text,
)
