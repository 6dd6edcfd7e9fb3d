"""Coverage figures per category, and the papers-per-year picture."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .database import Database
from .latex import to_text
from .model import Entry
from .vocab import PUBLISHED_TYPES

UNPARSED = "unparsed"


def year_group(year: str) -> str:
    """The four digits a year prints as (``{\\noopsort{1973b}}1973`` -> ``1973``), else
    'unparsed' (``in press``, ``1989/90``)."""
    text = to_text(year).strip()
    return text if re.fullmatch(r"\d{4}", text) else UNPARSED


@dataclass
class Coverage:
    papers: int = 0
    authors: int = 0
    doi: int = 0
    published: int = 0
    preprint: int = 0
    other: int = 0  # neither: web pages, blog posts, reports without an arXiv id
    software: int = 0  # not among the papers
    years: Counter[str] = field(default_factory=Counter)

    def add(self, e: Entry) -> None:
        if e.type == "software":
            self.software += 1
            return
        self.papers += 1
        self.authors += bool(e.get("author"))
        doi = e.get("doi").lower()
        self.doi += bool(doi) and not doi.startswith("10.48550/")
        if e.type in PUBLISHED_TYPES:
            self.published += 1
        elif e.get("eprint"):
            self.preprint += 1
        else:
            self.other += 1
        if e.get("year"):
            self.years[year_group(e.get("year"))] += 1


def coverage(db: Database) -> dict[str, Coverage]:
    """Coverage of every taxonomy node (descendants included) and of the whole database ('*');
    only '*' for a database without a taxonomy. Entries are read as text (macros, crossref)."""
    taxonomy = db.taxonomy_or_none
    out = {slug: Coverage() for slug in ["*", *(taxonomy.walk() if taxonomy else ())]}
    for e in db.resolved():
        out["*"].add(e)
        for slug in taxonomy.nodes_of(e.keywords) if taxonomy else ():
            out[slug].add(e)
    return out


def format_table(db: Database, stats: dict[str, Coverage], depth: int = 1) -> str:
    """A fixed-width table: one row per node down to ``depth``, then papers by year."""
    rows: list[tuple[str, ...]] = [
        ("category", "papers", "authors", "DOI", "published", "preprint", "other", "+ software")
    ]
    taxonomy = db.taxonomy_or_none
    for slug in ["*", *(taxonomy.walk() if taxonomy else ())]:
        if slug != "*" and taxonomy and taxonomy.depth(slug) > depth:
            continue
        c = stats[slug]
        name = "all papers" if slug == "*" or not taxonomy else "  " * taxonomy.depth(slug) + slug
        rows.append(
            (
                name,
                *(
                    str(v)
                    for v in (
                        c.papers,
                        c.authors,
                        c.doi,
                        c.published,
                        c.preprint,
                        c.other,
                        c.software,
                    )
                ),
            )
        )
    width = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(v.ljust(width[0]) if i == 0 else v.rjust(width[i]) for i, v in enumerate(r))
        for r in rows
    ]
    roots = taxonomy.roots() if taxonomy else []
    years = sorted({y for slug in [*roots, "*"] for y in stats[slug].years})
    head = ["year", *roots, "all"]
    table = [head] + [
        [y, *(str(stats[r].years[y]) for r in roots), str(stats["*"].years[y])] for y in years
    ]
    yw = [max(len(r[i]) for r in table) for i in range(len(head))]
    lines += ["", *("  ".join(v.rjust(yw[i]) for i, v in enumerate(r)) for r in table)]
    return "\n".join(lines) + "\n"


def plot_years(db: Database, stats: dict[str, Coverage], path: Path) -> None:
    """Papers per year per top-level group, as stacked bars (the survey-introduction picture)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    roots = db.taxonomy.roots()
    years = sorted({y for r in roots for y in stats[r].years})
    fig, ax = plt.subplots(figsize=(8, 4.2), dpi=120)
    bottom = [0] * len(years)
    for root in roots:
        values = [stats[root].years[y] for y in years]
        ax.bar(years, values, bottom=bottom, label=db.taxonomy.get(root).name)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_xlabel("year")
    ax.set_ylabel("papers")
    ax.set_title("Papers of the survey's list per year and top-level group")
    ax.legend(frameon=False, fontsize=8)
    ax.tick_params(axis="x", rotation=45)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp.png")
    fig.savefig(tmp)
    plt.close(fig)
    tmp.replace(path)
