"""Years as users write them: quoted as written, grouped by what they print, exported to biblatex
as a date only when biber reads one (biber 2.x, run by hand: `biber --tool` warns "Invalid format"
for 1989/90, 1988-1989, `in press` and the \\noopsort years of xampl.bib, and reads the others)."""

import pytest

from effllm_bib.check import check_entries
from effllm_bib.export.biblatex import for_biblatex
from effllm_bib.model import Entry
from effllm_bib.stats import Coverage

NOOPSORT = "{\\noopsort{1973a}}{\\switchargs{--90}{1968}}"


def misc(year: str, key: str = "k") -> Entry:
    return Entry.make(key, "misc", {"title": "T", "year": year})


def test_year_format_quotes_the_year_as_written():
    (found,) = [p for p in check_entries([misc("{\\noopsort{1973b}}1973")], None)]
    assert found.code == "year-format" and "year '{\\noopsort{1973b}}1973'" in found.message


@pytest.mark.parametrize(
    "year, field",
    [
        pytest.param("1973", "date", id="year"),
        pytest.param("1989/1990", "date", id="range"),
        pytest.param("2020-05", "date", id="year-month"),
        pytest.param("2020~", "date", id="approximate"),
        pytest.param("1989/90", "year", id="short-range"),
        pytest.param("1988-1989", "year", id="hyphen-range"),
        pytest.param("in press", "year", id="text"),
        pytest.param(NOOPSORT, "year", id="noopsort"),
    ],
)
def test_biblatex_writes_date_only_for_a_date_biber_reads(year, field):
    out = for_biblatex(misc(year))
    assert out.get(field) == year and out.get({"date": "year", "year": "date"}[field]) == ""


def test_stats_groups_years_by_what_they_print():
    c = Coverage()
    for i, year in enumerate(["1973", "{1973}", "{\\noopsort{1973b}}1973", NOOPSORT, "in press"]):
        c.add(misc(year, f"k{i}"))
    assert c.years == {"1973": 3, "unparsed": 2}
