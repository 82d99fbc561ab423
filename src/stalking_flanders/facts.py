"""Facts about the package that the dataset page, the portal record, the workbook, the loader and
the command line all state: its languages, what it covers in space and time, its licence's
identifiers, its themes, and how a series that does or does not count stalking is named. Each is
written here once.

>>> [language.code for language in LANGUAGES]
['nl', 'en']
>>> SPECIFIC["en"][False]
'NOT stalking-specific'
"""

from __future__ import annotations

from typing import NamedTuple  # records of a few texts: a dataclass costs the loader's import about 1 ms each

EU = "http://publications.europa.eu/resource/authority/"  # the EU vocabularies
DCAT_AP = "3.0.1"  # the version of DCAT-AP whose shapes the portal record is made to (and tested against)
DCAT_AP_VL = "2026-02-24"  # the DCAT-AP Vlaanderen standard whose shapes the record is tested against


class Language(NamedTuple):
    code: str  # BCP 47, as the package's files use it
    eu: str  # code in the EU language vocabulary
    label: str  # its English name, as that vocabulary labels it


# The package's languages, Dutch first (the answer's language), then English (the package's translation).
LANGUAGES = (Language("nl", "NLD", "Dutch"), Language("en", "ENG", "English"))
CODES = tuple(language.code for language in LANGUAGES)


class Place(NamedTuple):
    iri: str
    nl: str
    en: str


# Where the figures are for, as far as the answer lets one say: the country. The answer names no
# region (it speaks of "alle CGG" and "de CAW" under a Flemish minister, and the Flemish Community's
# services also work in Brussels): the region of Flanders would be a claim of this package's own.
BELGIUM = Place(EU + "country/BEL", "België", "Belgium")
PLACES = (BELGIUM,)


class Licence(NamedTuple):
    eu: str  # code in the EU licence vocabulary
    title: str  # its title there
    family: str  # the family title, as CKAN's licence register names it (so that a harvester recognises it)
    spdx: str


LICENCES = {
    "CC-BY-4.0": Licence(
        "CC_BY_4_0", "Creative Commons Attribution 4.0 International", "Creative Commons Attribution", "CC-BY-4.0"
    )
}

# The EU data themes of the dataset, with their labels.
THEMES = {"SOCI": "Population and society", "JUST": "Justice, legal system and public safety", "HEAL": "Health"}

# How a series is named by whether it counts stalking, by language. A series of stalking figures is
# not called specific, nor figures on "stalking" alone: the answer gives the CAW's figures for
# "Belaging (stalking)" ("Stalking valt onder de term belaging") and says the CAW have no specific
# registration of stalking (line 54). The page's coverage names the code "specific" so too.
SPECIFIC = {
    "en": {True: "figures on 'belaging', which covers stalking", False: "NOT stalking-specific"},
    "nl": {True: "cijfers over belaging, waaronder stalking", False: "NIET specifiek voor stalking"},
}


FIRST_YEAR, LAST_YEAR = 1000, 9999  # the years a record states as xsd:gYear of four digits, the coverage's form


def years_covered(series, file: str = "series") -> tuple[int, int]:
    """The first and last year the series of a release cover (its table ``series``, read from
    ``file``); :class:`~stalking_flanders.problems.DataError` where it holds no series, or a series
    whose years are not of four digits or run backwards (a record would state them as a period).

    >>> import pandas as pd
    >>> years_covered(pd.DataFrame({"first_year": [2019, 2018], "last_year": [2021, 2020]}))
    (2018, 2021)
    >>> from stalking_flanders.problems import DataError
    >>> try:
    ...     years_covered(pd.DataFrame({"first_year": [2021], "last_year": [2018]}))
    ... except DataError as error:
    ...     print(*((p.line, p.column, p.message) for p in error.problems))
    (2, 'last_year', 'a series ends before it starts')
    """
    from .model import csv_line
    from .problems import Code, DataError, Problem

    if series.empty:
        problem = Problem(Code.TABLE_EMPTY, file, "no series, so no years the figures cover", expected="one or more rows")
        raise DataError([problem], file)
    problems = []
    for i, (first, last) in enumerate(zip(series["first_year"], series["last_year"])):
        if not FIRST_YEAR <= int(first) <= LAST_YEAR:
            said, column, found, least = "a year not of four digits", "first_year", first, FIRST_YEAR
        elif not int(first) <= int(last) <= LAST_YEAR:
            said, column, found, least = "a series ends before it starts", "last_year", last, first
        else:
            continue
        expected = f"a year from {least} to {LAST_YEAR}"
        problems.append(Problem(Code.VALUE_CONSTRAINT, file, said, csv_line(i), column, found=int(found), expected=expected))
    if problems:
        raise DataError(problems, file)
    return int(series["first_year"].min()), int(series["last_year"].max())
