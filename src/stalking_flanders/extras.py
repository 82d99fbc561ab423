"""Which optional dependencies ("extras") a part of the package needs, read from the installed
package's own metadata (pyproject.toml's ``[project.optional-dependencies]`` is their one home),
and a clear error where they are missing.

>>> missing("validate")  # a full installation: nothing missing
[]
"""

from __future__ import annotations

import re
from importlib import metadata

from .problems import PackageError

DISTRIBUTION = "stalking-flanders"
NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


class MissingExtra(PackageError, ImportError):
    """A part of the package needs an extra that is not installed (a usage matter: exit 2)."""


def requirements(extra: str) -> list[str]:
    """The distributions the extra ``extra`` adds (this package's own extras excluded)."""
    try:
        declared = metadata.requires(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return []
    marker = re.compile(rf"""extra\s*==\s*["']{re.escape(extra)}["']""")
    names = [NAME.match(r).group(1) for r in declared if marker.search(r.partition(";")[2])]
    return [n for n in names if n.lower().replace("_", "-") != DISTRIBUTION]


def missing(extra: str) -> list[str]:
    """The distributions of ``extra`` that are not installed. An extra found whole is not looked
    for again in this process (each look reads the metadata of every installed distribution, about
    5 ms); one that is not is looked for each time, so that installing it mid-session is seen."""
    if extra in _WHOLE:
        return []
    absent = []
    for name in requirements(extra):
        try:
            metadata.version(name)
        except metadata.PackageNotFoundError:
            absent.append(name)
    if not absent:
        _WHOLE.add(extra)
    return absent


_WHOLE: set[str] = set()  # the extras missing() found installed whole


def how_to_install(extra: str) -> str:
    """How to install ``extra``: from git, as the README says (``<commit>``: the version's commit,
    which releases.toml records; without ``@<commit>``, the default branch), or from a package
    index that carries the package.

    >>> print(how_to_install("validate"))
    pip install 'stalking-flanders[validate] @ git+<repository>@<commit>' (or from an index: 'stalking-flanders[validate]')
    """
    named = f"stalking-flanders[{extra}]"
    return f"pip install '{named} @ git+<repository>@<commit>' (or from an index: '{named}')"


def require(extra: str, what: str) -> None:
    """Raise :class:`MissingExtra` where ``what`` (for example "stalking-flanders validate") cannot
    run because the extra ``extra`` is not installed, saying how to install it."""
    absent = missing(extra)
    if absent:
        raise MissingExtra(
            f"{what} needs the {extra} extra, which is not installed (missing: {', '.join(absent)}): {how_to_install(extra)}"
        )


EXTRAS = ("parquet", "validate", "portal", "dvc")  # the extras a user installs (not the maintainers' roles)


def extra_of(module: str) -> str | None:
    """The first of :data:`EXTRAS` that installs the top-level module ``module``, if any (a module
    is named as its distribution here: pyarrow, pandera, frictionless, openpyxl, rdflib, dvc)."""
    top = module.partition(".")[0].lower()
    return next((extra for extra in EXTRAS if top in {n.lower().replace("-", "_") for n in requirements(extra)}), None)
