"""The settings of the portal record that only the maintainers can know (where the files are
hosted, who publishes and answers questions, when the release was issued): from a TOML file's
``[portal]`` table or from arguments, each checked before anything is written; a missing value is
an error, never a placeholder. Standard library only, so that the command line can list the
settings without importing rdflib.

>>> setting_problem("base_url", "http://")
"must be an http or https URL with a host: found 'http://'"
"""

from __future__ import annotations

import datetime
import re
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

from .model import LANGUAGE, VERSION  # a version and a language code, as the descriptor's
from .problems import PackageError, escaped, printable
from .releases import history

REQUIRED = {
    "base_url": (
        "the URL the release folder is published at (its files are base_url + their path, percent-encoded; "
        "{version} stands for the release's version)"
    ),
    "publisher_name": "the name of the organisation or person that publishes the dataset",
    "contact_email": "an e-mail address that answers questions about the dataset",
}
OPTIONAL = {
    "publisher_url": "an IRI that identifies the publisher",
    "dataset_iri": (
        "the IRI of the dataset, the same for every version (default: base_url without a last path "
        "segment that is the version, then index.html#dataset)"
    ),
    "contact_name": "the name of the contact point (default: the publisher's name)",
    "name_language": "the language of the publisher's name, as a BCP 47 tag such as nl (default: und, undetermined)",
    "issued": "when the dataset was first issued, as an ISO 8601 date-time (default: from the release record)",
    "modified": "when this version was issued, as an ISO 8601 date-time (default: from the release record)",
}

# each matched whole (fullmatch: "$" would let a last line break through)
URL_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")  # what RFC 3986 allows in a URL
EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?_~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+")
DATES = ("issued", "modified")  # settings that are date-times; every other one is text
RELEASE_FOLDER = "{version}"  # in base_url: the version of the release the record is made of


class SettingsError(PackageError, ValueError):
    r"""A value only the maintainers can give is missing or malformed: one line for each, after a
    line that says so (every value in them escaped where it is written in, by :func:`printable`).

    >>> print(SettingsError("needs:\n  - a\u202e"))
    needs:
      - a\u202e
    """

    def __str__(self) -> str:
        return escaped(Exception.__str__(self), keep="\n")  # its lines, each escaped


def load_settings(config: Path | None = None, **given) -> dict:
    """The portal settings: the ``[portal]`` table of the TOML file ``config``, overridden by
    ``given`` (None values are ignored). Raises :class:`SettingsError` naming every missing value."""
    settings = {} if config is None else _portal_table(Path(config))
    settings.update({k: v for k, v in given.items() if v is not None})
    unknown = sorted(set(settings) - set(REQUIRED) - set(OPTIONAL))
    missing = [k for k in REQUIRED if not settings.get(k)]
    if unknown or missing:
        lines = [f"  - {k}: {REQUIRED[k]} (--{k.replace('_', '-')}, or {k} in the [portal] table of --config)" for k in missing]
        lines += [f"  - {printable(k)}: not a setting (known: {', '.join([*REQUIRED, *OPTIONAL])})" for k in unknown]
        raise SettingsError("the portal metadata needs values only the maintainers can give:\n" + "\n".join(lines))
    problems = [f"  - {key}: {problem}" for key, value in settings.items() if (problem := setting_problem(key, value))]
    if problems:
        raise SettingsError("these settings cannot be written into the record:\n" + "\n".join(problems))
    settings["base_url"] = str(settings["base_url"]).rstrip("/") + "/"
    return settings


def for_version(settings: dict, version) -> dict:
    """The settings of the record of the release of ``version``: ``{version}`` in ``base_url``
    stands for it, so that one file of settings serves every release published in a folder of
    its version; a ``base_url`` whose last folder is another version is refused (every file's
    address in the record would be that release's file, of other bytes than the record states).

    >>> for_version({"base_url": "https://example.org/stalking/{version}/"}, "2.0.1")["base_url"]
    'https://example.org/stalking/2.0.1/'
    >>> for_version({"base_url": "https://example.org/stalking/"}, "2.0.1")["base_url"]
    'https://example.org/stalking/'
    """
    url, version = settings["base_url"], str(version)
    if RELEASE_FOLDER in url:
        if not VERSION.fullmatch(version):
            raise SettingsError(
                f"base_url: {RELEASE_FOLDER} stands for the release's version, and {printable(repr(version))} is none "
                "that may stand in a URL (X.Y.Z)"
            )
        url = url.replace(RELEASE_FOLDER, version)
    folder = url.rstrip("/").rpartition("/")[2]
    if VERSION.fullmatch(folder) and folder != version:
        raise SettingsError(
            f"base_url: its last folder is version {folder}, and the release is version {printable(repr(version))}: every "
            f"file's address would be another release's; give this release's folder, or write {RELEASE_FOLDER} for it"
        )
    return {**settings, "base_url": url}


def setting_problem(key: str, value) -> str | None:
    """What is wrong with a setting's value, or None: URLs must be http(s) with a host and only the
    characters a URL may hold, the address an e-mail address, names plain text.

    >>> setting_problem("publisher_url", "javascript:alert(1)")
    "must be an http or https URL with a host: found 'javascript:alert(1)'"
    >>> setting_problem("contact_email", "@"), setting_problem("contact_email", "data@example.org")
    ("must be an e-mail address: found '@'", None)
    >>> setting_problem("publisher_name", "Departement " * 30) is None  # a long name is a name
    True
    """
    if key in DATES and not isinstance(value, str | datetime.date):  # TOML writes a date-time unquoted too
        return f"must be an ISO 8601 date-time: found {printable(repr(value))}"
    if key not in DATES and not isinstance(value, str):  # a number or a list would be written as its Python text
        return f"must be text (a quoted string in the TOML file): found {printable(repr(value))}"
    text = str(value)
    shown = printable(repr(text))
    if key == "base_url":  # checked as it will be for any release
        text = text.replace(RELEASE_FOLDER, "0.0.0")
    if key in ("base_url", "publisher_url", "dataset_iri"):
        try:
            parts = urlsplit(text) if URL_CHARACTERS.fullmatch(text) else None
            host = parts.hostname if parts else None
            port = parts.port if parts else None  # noqa: F841 - read for its check
        except ValueError:  # brackets that hold no IPv6 address, a port out of range
            return f"must be an http or https URL with a host: found {shown}"
        if parts is None and text.startswith(("http://", "https://")):
            return f"holds characters a URL may not (spaces, quotes, <, >, ...): found {shown}"
        if parts is None or parts.scheme not in ("http", "https") or not host:
            return f"must be an http or https URL with a host: found {shown}"
        if key == "base_url" and (parts.query or parts.fragment or text.endswith(("?", "#"))):
            return f"must be an address the files' names can follow, without ? or #: found {shown}"
    elif key == "contact_email" and not EMAIL.fullmatch(text):
        return f"must be an e-mail address: found {shown}"
    elif key == "name_language" and not LANGUAGE.fullmatch(text):
        return f"must be a BCP 47 language tag, its first part in lower case as the descriptor's (nl, en, nl-BE): found {shown}"
    elif key in ("publisher_name", "contact_name") and (not text.strip() or escaped(text) != text):
        return f"must be plain text, without control characters: found {shown}"
    return None


def _portal_table(config: Path) -> dict:
    """The ``[portal]`` table of the TOML file ``config``; :class:`SettingsError` (a usage error)
    naming the file, and the line and column, where it is not TOML or has no such table."""
    try:
        with config.open("rb") as fh:
            document = tomllib.load(fh)
    except tomllib.TOMLDecodeError as error:  # its message names the line and column
        raise SettingsError(f"{printable(str(config))} is not valid TOML: {printable(str(error))}") from None
    except UnicodeDecodeError as error:
        raise SettingsError(f"{printable(str(config))} is not valid TOML: not UTF-8 at byte {error.start}") from None
    except FileNotFoundError:
        raise SettingsError(f"no such file: {printable(str(config))}") from None
    except OSError as error:  # a folder, a file one may not read
        raise SettingsError(f"{printable(str(config))} cannot be read: {printable(error.strerror or str(error))}") from None
    portal = document.get("portal")
    if not isinstance(portal, dict):
        found = "is not a table" if "portal" in document else "is missing"
        raise SettingsError(
            f"{printable(str(config))}: its [portal] table {found}; the settings go there, for example\n"
            '  [portal]\n  base_url = "https://..."'
        )
    return portal


def release_dates(settings: dict, version) -> tuple[datetime.datetime, datetime.datetime]:
    """(issued, modified): from the settings, else from the release record this installed package
    carries (``releases.toml``, written when each release was cut): the first release's date-time,
    and that of ``version``. Nothing is read from a package's folder for this, and no program (git
    or any other) is run."""
    issued, modified = settings.get("issued"), settings.get("modified")
    if not (issued and modified):
        known = history()
        if version not in known:
            raise SettingsError(
                f"the release dates are unknown: version {printable(repr(version))} is not a release "
                "this installed package records; give --issued and --modified"
            )
        issued = issued or next(iter(known.values())).released.isoformat()
        modified = modified or known[version].released.isoformat()
    try:
        dates = tuple(datetime.datetime.fromisoformat(str(d)) for d in (issued, modified))
    except ValueError as error:
        raise SettingsError(f"issued and modified must be ISO 8601 date-times: {error}") from None
    try:
        later = dates[0] > dates[1]
    except TypeError:  # one with a time zone, one without
        raise SettingsError("issued and modified must both give a time zone, or neither") from None
    if later:
        raise SettingsError(f"issued ({dates[0].isoformat()}) is later than modified ({dates[1].isoformat()})")
    return dates
