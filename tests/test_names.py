"""The one names module: splitting name lists, the parts of a name, canonical and CSL forms."""

from __future__ import annotations

import pytest

from effllm_bib import names
from effllm_bib.names import Name


@pytest.mark.parametrize(
    "value, expected",
    [
        pytest.param("A One and B Two", ["A One", "B Two"], id="plain"),
        pytest.param(
            "Ada Lovelace and\n Charles Babbage",
            ["Ada Lovelace", "Charles Babbage"],
            id="and-then-newline",
        ),
        pytest.param(
            "Ada Lovelace\nand Charles Babbage",
            ["Ada Lovelace", "Charles Babbage"],
            id="newline-then-and",
        ),
        pytest.param("A One\tAND  B Two", ["A One", "B Two"], id="tab-and-capitals"),
        pytest.param(
            "{Barnes and Noble} and Jane Doe", ["{Barnes and Noble}", "Jane Doe"], id="braced-and"
        ),
        pytest.param(
            "Erik {Van Blokland} and A B", ["Erik {Van Blokland}", "A B"], id="braced-part"
        ),
        pytest.param(
            "Rand Paul and Anderson Cooper", ["Rand Paul", "Anderson Cooper"], id="and-inside-words"
        ),
        pytest.param("Doe, Jane and others", ["Doe, Jane", "others"], id="others"),
        pytest.param("  ", [], id="empty"),
        pytest.param("{Barnes\nand Noble} and X", ["{Barnes and Noble}", "X"], id="braced-newline"),
    ],
)
def test_split_names(value, expected):
    assert names.split_names(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        pytest.param("Elias Frantar", Name("Elias", "", "Frantar"), id="first-last"),
        pytest.param("Frantar, Elias", Name("Elias", "", "Frantar"), id="last-first"),
        pytest.param("Ludwig van Beethoven", Name("Ludwig", "van", "Beethoven"), id="von"),
        pytest.param(
            "van Beethoven, Ludwig", Name("Ludwig", "van", "Beethoven"), id="von-last-first"
        ),
        pytest.param("Jean de la Fontaine", Name("Jean", "de la", "Fontaine"), id="two-particles"),
        pytest.param("Doe, Jr, John", Name("John", "", "Doe", "Jr"), id="jr"),
        pytest.param("Erik {Van Blokland}", Name("Erik", "", "{Van Blokland}"), id="braced-family"),
        pytest.param(
            "{Barnes and Noble}", Name(last="Barnes and Noble", literal=True), id="corporate"
        ),
        pytest.param(
            '{\\"O}zt\\"urk, A.', Name("A.", "", '{\\"O}zt\\"urk'), id="accent-group-not-literal"
        ),
        pytest.param("others", Name(others=True), id="others"),
        pytest.param(
            "family=Smith, given=John, prefix=van, useprefix=true",
            Name("John", "van", "Smith"),
            id="biblatex-extended",
        ),
        pytest.param(
            "given={Jean Pierre}, family=Dupont, suffix=Jr",
            Name("Jean Pierre", "", "Dupont", "Jr"),
            id="biblatex-extended-braced",
        ),
        pytest.param(
            "Doe, John, Jr, extra",
            Name(last="Doe, John, Jr, extra", literal=True),
            id="too-many-commas-kept-whole",
        ),
        # The project's own rules for First Last input, on top of BibTeX's.
        pytest.param(
            "Christopher De Sa", Name("Christopher", "", "De Sa"), id="capitalised-particle"
        ),
        pytest.param(
            "Vincent Van Der Berg", Name("Vincent", "", "Van Der Berg"), id="capitalised-particles"
        ),
        pytest.param(
            "Martin Luther King Jr.", Name("Martin Luther", "", "King", "Jr."), id="suffix"
        ),
        pytest.param(
            "De Sa, Christopher", Name("Christopher", "", "De Sa"), id="rule-not-for-last-first"
        ),
    ],
)
def test_parse_name(value, expected):
    assert names.parse_name(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        pytest.param("Elias Frantar", "Frantar, Elias", id="simple"),
        pytest.param("Christopher De Sa", "De Sa, Christopher", id="capitalised-particle"),
        pytest.param("Ludwig van Beethoven", "van Beethoven, Ludwig", id="particle"),
        pytest.param("Diego de las Casas", "de las Casas, Diego", id="two-particles"),
        pytest.param(
            "Marcelo Gennari do Nascimento", "do Nascimento, Marcelo Gennari", id="portuguese-do"
        ),
        pytest.param("Frantar, Elias", "Frantar, Elias", id="already-last-first"),
        pytest.param("{Mistral AI}", "{Mistral AI}", id="organisation"),
        pytest.param("Martin Luther King Jr.", "King, Jr., Martin Luther", id="suffix"),
        pytest.param("Baptiste Rozière", "Rozière, Baptiste", id="unicode"),
        pytest.param("Plato", "Plato", id="one-word"),
        # The old normaliser split inside braces and missed "and" before a newline.
        pytest.param("Erik {Van Blokland}", "{Van Blokland}, Erik", id="braces-never-split"),
        pytest.param(
            "Ada Lovelace and\n Charles Babbage",
            "Lovelace, Ada and Babbage, Charles",
            id="wrapped-list",
        ),
        pytest.param(
            "{Barnes and Noble} and Jane Doe and others",
            "{Barnes and Noble} and Doe, Jane and others",
            id="corporate-and-others",
        ),
        pytest.param("family=Smith, given=John, prefix=van", "van Smith, John", id="extended"),
        pytest.param(
            "L.\\ Thiele and A.\\ B.\\ Cee", "Thiele, L. and Cee, A. B.", id="control-space"
        ),
    ],
)
def test_normalize_names(value, expected):
    assert names.normalize_names(value) == expected


def test_normalize_names_is_idempotent_and_reads_back():
    value = "Erik {Van Blokland} and Ludwig van Beethoven and Doe, Jr, John and {A and B}"
    once = names.normalize_names(value)
    assert names.normalize_names(once) == once
    assert names.parse_names(once) == names.parse_names(value)


@pytest.mark.parametrize(
    "value, family, keys",
    [
        pytest.param(
            "Ada Lovelace and\n Charles Babbage",
            ["lovelace", "babbage"],
            ["ada lovelace", "babbage charles"],
            id="wrapped-list",
        ),
        pytest.param("Bou Hanna, Emma", ["bou hanna"], ["bou emma hanna"], id="two-word-family"),
        pytest.param("Emma Bou Hanna", ["hanna"], ["bou emma hanna"], id="same-person-other-order"),
        pytest.param(
            "Baptiste Rozi{\\`e}re and Rozière, B.",
            ["roziere", "roziere"],
            ["baptiste roziere", "b roziere"],
            id="latex-accent-folds-like-unicode",
        ),
        pytest.param("A B and others", ["b"], ["a b"], id="others-left-out"),
    ],
)
def test_family_names_and_person_keys(value, family, keys):
    assert (names.family_names(value), names.person_keys(value)) == (family, keys)


@pytest.mark.parametrize(
    "value, expected",
    [
        pytest.param(
            "Ludwig van Beethoven",
            [{"family": "Beethoven", "given": "Ludwig", "dropping-particle": "van"}],
            id="particle",
        ),
        pytest.param("{Barnes and Noble}", [{"literal": "Barnes and Noble"}], id="corporate"),
        pytest.param(
            "Doe, Jr, John", [{"family": "Doe", "given": "John", "suffix": "Jr"}], id="suffix"
        ),
        pytest.param(
            "Erik {Van Blokland}", [{"family": "Van Blokland", "given": "Erik"}], id="braced-family"
        ),
        pytest.param(
            'G{\\"o}del, Kurt and others',
            [{"family": "Gödel", "given": "Kurt"}],
            id="accent-and-others",
        ),
        # A regression seen once: CSL authors with "First Last" as their family name.
        pytest.param(
            "Elias Frantar and Dan Alistarh",
            [{"family": "Frantar", "given": "Elias"}, {"family": "Alistarh", "given": "Dan"}],
            id="first-last-split",
        ),
    ],
)
def test_csl_names(value, expected):
    assert names.csl_names(value) == expected


@pytest.mark.parametrize(
    "family, given, particle, suffix, expected",
    [
        pytest.param("Frantar", "Elias", "", "", "Frantar, Elias", id="plain"),
        pytest.param("Beethoven", "Ludwig", "van", "", "van Beethoven, Ludwig", id="particle"),
        pytest.param("King", "Martin Luther", "", "Jr.", "King, Jr., Martin Luther", id="suffix"),
        pytest.param("Plato", "", "", "", "Plato", id="family-only"),
    ],
)
def test_from_parts_reads_back(family, given, particle, suffix, expected):
    text = names.from_parts(family, given, particle, suffix)
    assert text == expected
    assert names.parse_name(text) == Name(given, particle, family, suffix)


@pytest.mark.parametrize(
    "value, expected",
    [
        pytest.param(
            "\\'{E}ric Sopena", Name("{\\'E}ric", "", "Sopena"), id="accent-braced-letter"
        ),
        pytest.param("\\'Eric Sopena", Name("{\\'E}ric", "", "Sopena"), id="accent-bare-letter"),
        pytest.param(
            "\\v{S}imon Bla\\v{z}", Name("{\\v S}imon", "", "Bla\\v{z}"), id="letter-accent"
        ),
        pytest.param(
            'Jean \\"{u}ber Alles', Name("Jean", '{\\"u}ber', "Alles"), id="lower-case-stays-von"
        ),
        pytest.param("\\relax Foo Bar", Name("", "\\relax", "Foo Bar"), id="not-an-accent"),
    ],
)
def test_an_accented_capital_starts_a_given_name_not_a_von_part(value, expected):
    """Project rule: BibTeX reads an unbraced accent at a word's start as lower case."""
    assert names.parse_name(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("useprefix=false and Alan von Animal", id="useprefix"),
        pytest.param("sortingnamekeytemplatename=snks1 and Alan von Animal", id="template"),
    ],
)
def test_biblatex_list_options_are_not_names(value):
    assert names.parse_names(value) == [Name("Alan", "von", "Animal")]


@pytest.mark.parametrize(
    "options, field, particle",
    [
        pytest.param("", "", "dropping-particle", id="biblatex-default"),
        pytest.param("useprefix=true", "", "non-dropping-particle", id="option"),
        pytest.param("maxnames=2, useprefix", "", "non-dropping-particle", id="option-alone"),
        pytest.param("useprefix=false,maxnames=2", "", "dropping-particle", id="option-false"),
        pytest.param("", "true", "non-dropping-particle", id="field"),
        pytest.param("useprefix=true", "false", "dropping-particle", id="field-wins"),
    ],
)
def test_useprefix_makes_the_von_part_non_dropping(options: str, field: str, particle: str):
    useprefix = names.uses_prefix(options, field)
    assert names.csl_names("Ludwig van Beethoven", useprefix)[0][particle] == "van"
