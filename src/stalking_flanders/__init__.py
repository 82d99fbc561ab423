"""Cijfers uit het antwoord op schriftelijke vraag nr. 186 (2021) over stalking (Vlaams Parlement) /
Figures from the answer to written question nr. 186 (2021) on stalking (Flemish Parliament).

The data ships inside the package. Load a table in one line:

>>> import stalking_flanders
>>> stalking_flanders.tables()
['observations', 'categories', 'series', 'subquestions', 'source_questions']
>>> df = stalking_flanders.load("observations")
>>> caw = df[df["series"] == "caw-perpetrators-belaging"]
>>> caw.set_index("year")["count"].to_dict()  # the figures as published; the answer adds none up
{2019: 21, 2020: 47, 2021: 57}
>>> caw["source_line"].unique().tolist()  # the line of the archived answer they stand on
[101]
>>> english = stalking_flanders.load("observations", lang="en")
>>> english["category"].iloc[0]
'Behavioural problems - aggression'
>>> print(english.attrs["notes"]["cgg-perpetration-registrations"].split(" but ")[0])
These are not figures specific to stalking

Importing the package imports nothing heavy; pandas is imported by ``load`` (and pyarrow with it,
where it is installed: pandas keeps text in it), and pandera and frictionless only by validation
(``stalking-flanders validate``).
"""

from __future__ import annotations

from .datapackage import (
    DataPackage,
    IntegrityError,
    NotFetched,
    ReleaseMissing,
    UnknownNameError,
    UnverifiedRelease,
    bundled,
)
from .problems import PackageError

Release = DataPackage  # the name of 1.0.0, kept for code that uses it

__all__ = [
    "DataPackage",
    "IntegrityError",
    "NotFetched",
    "PackageError",
    "Release",
    "ReleaseMissing",
    "UnknownNameError",
    "UnverifiedRelease",
    "citation",
    "load",
    "metadata",
    "tables",
    "__version__",
]


def tables() -> list[str]:
    """The names of the tables in the bundled release."""
    return bundled().tables()


def load(name: str, *, lang: str = "nl", release=None, rev: str | None = None, repo: str | None = None):
    """Table ``name`` of the bundled release as a pandas DataFrame (see :func:`loader.load`); of
    the package ``release`` (a :class:`DataPackage`, or its folder or ``datapackage.json``), checked
    against what this package knows of its version; with ``rev``/``repo``, of that version of the
    repository, fetched through DVC.

    >>> load("nope")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    stalking_flanders.datapackage.UnknownNameError: no table 'nope' in this release; the tables are: observations, ...
    """
    from .loader import load as _load

    return _load(name, lang=lang, release=release, rev=rev, repo=repo)


def metadata() -> dict:
    """The bundled release's descriptor (``datapackage.json``): version, sources, licences, tables.

    >>> metadata()["licenses"][0]["name"]
    'CC-BY-4.0'
    """
    return DataPackage().descriptor


def citation(lang: str = "nl") -> str:
    """How to cite the data package and its source, in ``lang`` (Dutch by default, as :func:`load`).

    >>> "versie " + metadata()["version"] in citation(), "version " + metadata()["version"] in citation("en")
    (True, True)
    """
    from .loader import citation as _citation

    return _citation(lang=lang)


def __getattr__(name: str):
    if name == "__version__":
        return bundled().descriptor["version"]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
