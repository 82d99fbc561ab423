"""Loading a table of a release as a pandas DataFrame, with its caveats attached."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

from .caveats import Readings, series_caveat
from .datapackage import DataPackage, IntegrityError, NotFetched, UnverifiedRelease, bundled, cite
from .facts import CODES as LANGUAGES
from .limits import bounded, temporary_folder
from .problems import DataError, PackageError
from .tableschema import records
from .texts import text


def _read(release: DataPackage, name: str):
    """Table ``name``, read by the one CSV reader (:func:`stalking_flanders.csv_tables.read`)
    after its file's sha256 is checked."""
    from . import csv_tables as csv

    resource = release.resource(name)
    return csv.read(release.read_bytes(resource), release.schema(name), str(release.path(resource)))


def from_dvc(repo: str | None, rev: str | None, into) -> DataPackage:
    """The release of revision ``rev`` (:func:`revision`) of the DVC repository ``repo`` (a URL or
    path; None: the current one), where it is committed to git, fetched through DVC into the folder
    ``into``; :class:`NotFetched` where it cannot be. Imports dvc;
    :class:`~stalking_flanders.extras.MissingExtra` where it is not installed. DVC may run git on
    the repository: use it with repositories you trust (nothing else here starts a program)."""
    from .extras import require

    require("dvc", "load(name, rev=..., repo=...)")
    from dvc.api import DVCFileSystem
    from dvc.exceptions import DvcException
    from dvc_data.index.index import DataIndexError

    from .repo import RELEASE

    target = Path(into) / "release"  # must not exist: fsspec then copies the folder's contents into it
    try:
        DVCFileSystem(repo, rev=revision(rev)).get(RELEASE.as_posix(), str(target), recursive=True)
    except (DvcException, OSError, DataIndexError) as error:
        # no such repository or revision, no release in it, no network (DvcException, OSError), or a
        # release of files kept out of git that no cache holds (dvc_data's DataIndexError)
        where = f"revision {rev!r} of " if rev is not None else ""
        said = f"{type(error).__name__}: {error}"
        hint = f" {naming_a_version()}" if rev is not None else ""
        if repo is None:  # DVC looked in the current folder, which may be no clone of the repository at all
            hint += " Outside a clone of the package's repository, name it: load(name, rev=..., repo=<its URL or path>)."
        raise NotFetched(f"cannot fetch the release of {where}{repo or 'the current folder'} ({said}).{hint}") from None
    return DataPackage(target)


def naming_a_version() -> str:
    """How ``rev`` names a version, for an error that could not fetch one."""
    from .releases import COMMIT_SUBJECT  # the subject the release script gives a release's commit

    commit = COMMIT_SUBJECT.format(version="<version>")
    return (
        "A version is named by its number or its commit, as releases.toml records them "
        "(stalking_flanders.releases.history()); the latest release's commit is recorded by the next one: until then, "
        f"it is the commit '{commit}' of the default branch. Tags do not travel with a clone."
    )


def revision(rev: str | None) -> str | None:
    """The git revision that holds ``rev``: the release commit of a version ``releases.toml``
    records with one, otherwise ``rev`` as given (a commit, a branch). Tags do not travel with a
    clone; releases before 2.0.0 kept their files out of git and cannot be fetched.

    >>> from stalking_flanders.releases import history
    >>> revision("2.0.0") == history()["2.0.0"].commit
    True
    >>> revision("main"), revision(None)
    ('main', None)
    """
    from .releases import history

    known = history().get(rev) if rev is not None else None
    return known.commit if known is not None and known.commit else rev


def load(
    name: str,
    *,
    lang: str = "nl",
    release: DataPackage | Path | str | None = None,
    rev: str | None = None,
    repo: str | None = None,
):
    """Table ``name`` of the release as a DataFrame.

    Integers are int64, labels strings, and the ``category`` column (where a table's key refers to
    the table ``categories`` by series and category) a categorical over the labels of the table
    ``categories``; ``lang="en"`` puts its labels in English (translations made for this package)
    and adds the column ``category_nl`` beside it, the label as published; ``attrs["labels"]`` says
    which is which (``attrs["labels_nl"]`` and ``attrs["labels_en"]`` in each language). What the
    figures count and do not count is in ``DataFrame.attrs``: ``attrs["caveats"]``,
    ``attrs["measures"]`` and ``attrs["units"]`` (per series, in ``lang``), with the source
    questions, licences, version and citation; ``attrs["caveats_nl"]`` and ``attrs["caveats_en"]``
    hold the caveats in Dutch (the answer's words as published, with the makers' note) and in
    English whatever ``lang`` is. ``attrs["texts"]`` (``texts_nl``, ``texts_en``) says whose words
    the measures, units and notes are: in English the measures are translations made for this package.

    >>> caw = load("observations", lang="en").query("series == 'caw-perpetrators-belaging'")
    >>> print(caw[["category", "year", "count"]].to_string(index=False))
               category  year  count
    Belaging (stalking)  2019     21
    Belaging (stalking)  2020     47
    Belaging (stalking)  2021     57
    >>> caw.attrs["caveats"]["caw-perpetrators-belaging"].startswith("The answer (translation made for this package)")
    True

    ``release`` is another package to read the table from: a :class:`DataPackage`, or the path of
    its ``datapackage.json`` or folder. With ``rev`` (a version such as ``"2.5.2"``, or a commit or
    branch: :func:`revision`) and/or ``repo`` (the repository's URL or path), that revision's release
    is fetched through DVC (:func:`from_dvc`; dvc is imported only then). Its files are checked
    against its own descriptor, and a package other than the bundled one must be the release it
    claims to be, as far as this installed package knows that version (:mod:`stalking_flanders.releases`):
    a rewritten licence or caveat raises :class:`IntegrityError`; a version it does not know loads
    with ``attrs["verified"] = False`` where it holds what this package reads (:class:`DataError`
    otherwise). A package other than the bundled one is read within the limits
    (:mod:`stalking_flanders.limits`). DVC may run git on the repository it fetches from: use
    ``rev``/``repo`` with repositories you trust.
    """
    _check_lang(lang)
    if rev is not None or repo is not None:
        with temporary_folder("stalking-flanders-") as tmp:  # removed even where the watchdog ends the run
            return load(name, lang=lang, release=from_dvc(repo, rev, tmp))
    if release is None:
        return _table(bundled(), name, lang, verified=True)
    with bounded("load"):  # a package handed to us: read within the limits
        release = _package(release)
        release.resource(name)  # a table of the package, or UnknownNameError listing them (a list is no name)
        verified = _verified(release)
        if not verified:
            _warn_unverified(release, "its tables load with attrs['verified'] = False")
        problems = release.layout_problems(bundled())  # the captions read the tables by name
        problems += _past_the_cap(release, name)
        if problems:
            raise DataError(problems, str(release.descriptor_path))
        return _table(release, name, lang, verified=verified)


def _labels(categories, table, release: DataPackage, lang: str) -> list[str]:
    """Each row's category of ``table`` as the table ``categories`` labels it in ``lang``: by its
    series and category (one category may stand under two series, each with its English label).
    :class:`DataError` where a row's category is none of its series' (``validate`` reports it too):
    it would otherwise be an empty value, without a word."""
    from .problems import Code, Problem

    column = "category" if lang == "nl" else "label_en"
    label = {(s, c): text for s, c, text in zip(categories["series"], categories["category"], categories[column])}
    keys = list(zip(table["series"], table["category"]))
    unknown = next((i for i, key in enumerate(keys) if key not in label), None)
    if unknown is not None:
        file = str(release.path(release.resource("categories")))
        said = f"a row's category {keys[unknown][1]!r} of series {keys[unknown][0]!r} is none of the table categories'"
        raise DataError([Problem(Code.FOREIGN_KEY, file, said, expected="a category the table categories holds")], file)
    return [label[key] for key in keys]


def _published_as_said(release: DataPackage, name: str, theirs, published: list[str]) -> None:
    """:class:`DataError` where a column ``category_nl`` of table ``name`` (a later version may add
    one) is not each row's category as published, which a table loaded in English says it is."""
    from .model import csv_line
    from .problems import Code, Problem

    # an empty cell (pd.NA, nan) or one of another type is not the label: never compared as a truth
    other = next((i for i, (a, b) in enumerate(zip(theirs, published)) if not (isinstance(a, str) and a == b)), None)
    if other is not None:
        file = str(release.path(release.resource(name)))
        said = "is not the row's category as published, which a table loaded in English gives in category_nl"
        value = theirs.iloc[other]
        found, expected = value if isinstance(value, str) else "an empty cell or another type", repr(published[other])
        raise DataError([Problem(Code.FOREIGN_KEY, file, said, csv_line(other), "category_nl", found, expected)], file)


def _past_the_cap(release: DataPackage, name: str) -> list:
    """Where the tables :func:`_table` reads of ``release`` (``name`` and those its captions read)
    hold more values together than a package's tables may (:data:`~stalking_flanders.untrusted.MAX_CELLS`)."""
    from .csv_tables import cells_past_the_cap

    read = [t for t in dict.fromkeys((name, "categories", "series", "subquestions")) if t in release.tables()]
    past = cells_past_the_cap({t: release.read_bytes(release.resource(t)) for t in read}, str(release.descriptor_path))
    return [past] if past else []


def _labelled(release: DataPackage, name: str) -> bool:
    """Whether the column ``category`` of table ``name`` names a category of the table categories,
    by its series and category: that table itself, and a table whose foreign key refers to it so
    (a later version may add a column of that name to another table, which is not labelled)."""
    return name == "categories" or any(
        key.resource == "categories" and {"series", "category"} <= set(key.fields) for key in release.schema(name).foreign_keys
    )


def _table(release: DataPackage, name: str, lang: str, verified: bool):
    import pandas as pd

    table = _read(release, name)
    labelled = _labelled(release, name)
    series = table if name == "series" else _read(release, "series")
    subquestions = table if name == "subquestions" else _read(release, "subquestions")
    if labelled:
        categories = table if name == "categories" else _read(release, "categories")
    if release is not bundled():  # the bundled release was validated whole when it was built
        looked_up = {"series": series, "subquestions": subquestions} | ({"categories": categories} if labelled else {})
        _looked_up_once(release, looked_up)
    if labelled:
        if lang != "nl":  # the label as published stays beside the translation, never lost to it; last, so
            # that code reading the columns by position reads what it read before
            published = _labels(categories, table, release, "nl")
            if "category_nl" in table.columns:  # a later version's own: what attrs["labels"] says of it must hold
                _published_as_said(release, name, table["category_nl"], published)
            order = list(dict.fromkeys(_labels(categories, categories, release, "nl")))
            table["category_nl"] = pd.Categorical(published, categories=order)
        labels = _labels(categories, table, release, lang)
        table["category"] = pd.Categorical(labels, categories=list(dict.fromkeys(_labels(categories, categories, release, lang))))
    if release is not bundled():  # the bundled release was validated whole when it was built
        _caveats_whole(release, table, name, series, subquestions)
    table.attrs.update(about(release, series, subquestions, name, lang))
    which = "published" if lang == "nl" else "translated"  # what the column category and the measures hold
    labels = {code: text("caveats", f"{which}_labels", code) if labelled else "" for code in LANGUAGES}
    table.attrs.update(labels=labels[lang], **{f"labels_{code}": said for code, said in labels.items()})
    texts = {code: text("caveats", f"{which}_texts", code) for code in LANGUAGES}
    table.attrs.update(texts=texts[lang], **{f"texts_{code}": said for code, said in texts.items()})
    table.attrs["verified"] = verified
    return table


def _looked_up_once(release: DataPackage, tables: dict) -> None:
    """:class:`DataError` where a table :func:`load` looks rows up in holds a row's key twice (its
    primary key: a category by its series and category, a series, a sub-question by its source
    question and number; one row would hide the other, and its label or the answer's reading with it),
    or where two categories of one series share an English label (a table loaded in English would
    show their figures as of one category; such a package is refused in Dutch too, as not whole).
    ``validate`` reports these too."""
    from .checks import english_labels_apart
    from .model import csv_line
    from .problems import Code, Problem, printable

    problems = []
    for name, frame in tables.items():
        key, file = list(release.schema(name).primary_key), str(release.path(release.resource(name)))
        repeated = frame.duplicated(subset=key) if key else None
        if repeated is not None and repeated.any():
            i = int(repeated.to_numpy().argmax())  # the first row whose key an earlier row holds
            found = printable(", ".join(str(frame[k].iloc[i]) for k in key))
            said = f"holds the key ({', '.join(key)}) of an earlier row: one would hide the other"
            problems.append(Problem(Code.PRIMARY_KEY, file, said, csv_line(i), key[0], found, "each key once"))
    if "categories" in tables:
        problems += english_labels_apart(tables["categories"], str(release.path(release.resource("categories"))))[:1]
    if problems:
        raise DataError(problems, str(release.descriptor_path))


def _caveats_whole(release: DataPackage, table, name: str, series, subquestions) -> None:
    """:class:`DataError` where what :func:`load` gives would lack a row's caveats or give it another
    series', unsaid: a row of ``table`` whose series the table series does not hold (its measure,
    caveats and note would be left out; a series held twice is :func:`_looked_up_once`'s), a row under a series of another source
    question (quoting another answer), or a series whose ``reading_subquestion`` names no
    sub-question of its source (the answer's own reading of its figures would be left out).
    ``validate`` reports these with every other rule; a package handed to :func:`load` is held to
    these at least."""
    from .checks import readings_of_their_question, series_of_their_question
    from .model import csv_line
    from .problems import Code, Problem

    def file(table_name: str) -> str:
        return str(release.path(release.resource(table_name)))

    problems = []
    if "series" in table.columns and name != "series":
        known = set(series["series"])
        unknown = next((i for i, s in enumerate(table["series"]) if s not in known), None)
        if unknown is not None:
            said = "refers to no series of the table series: its caveats would be left out"
            found, expected = str(table["series"].iloc[unknown]), "a series of the table series"
            problems.append(Problem(Code.FOREIGN_KEY, file(name), said, csv_line(unknown), "series", found, expected))
    if "source_question" in table.columns and "series" in table.columns and name != "series":
        problems += series_of_their_question(table, series, {"observations": file(name)})
    problems += readings_of_their_question({"series": series, "subquestions": subquestions}, {"series": file("series")})
    if problems:
        raise DataError(problems, str(release.descriptor_path))


def _verified(package: DataPackage) -> bool:
    """Whether ``package`` is a release this installed package knows; :class:`IntegrityError` where
    it claims a known version but differs from it (or is not stalking-flanders at all)."""
    from .releases import release_problems

    problems = release_problems(package.descriptor, str(package.descriptor_path), bundled().descriptor)
    if any(p.code == "release-differs" for p in problems) or any(p.column == "name" for p in problems):
        details = "; ".join(str(p) for p in problems[:5])
        raise IntegrityError(f"{package.descriptor_path} is not the release it claims to be: {details}. Nothing was loaded.")
    return not problems


def about(release: DataPackage, series, subquestions, name: str, lang: str) -> dict:
    """What travels with every loaded table, from ``release`` (the bundled one, or one
    :func:`load` has held to what this package knows of its version: cited as it stands)."""
    d = release.descriptor
    resource = release.resource(name)
    translated = resource.get("translations", {}).get(lang, {})  # the table's title in ``lang``, where given
    readings = Readings(subquestions)
    caveats = {code: {s.series: series_caveat(s, readings, code) for s in records(series)} for code in LANGUAGES}
    return {
        "table": name,
        "title": translated.get("title", resource.get("title")),
        "description": translated.get("description", resource.get("description")),
        "lang": lang,
        "version": d.get("version"),
        "measures": dict(zip(series["series"], series[f"measure_{lang}"])),
        # what each figure counts, in one word (releases before 2.1.0 give none)
        "units": dict(zip(series["series"], series[f"unit_{lang}"])) if f"unit_{lang}" in series else {},
        "caveats": caveats[lang],
        # and in every language, Dutch first (the answer's own words) and English beside it, whatever ``lang``
        **{f"caveats_{code}": caveats[code] for code in LANGUAGES},
        "notes": dict(zip(series["series"], series[f"note_{lang}"])),
        "stalking_specific": {s: bool(v) for s, v in zip(series["series"], series["stalking_specific"])},
        "sources": [s.get("title") for s in d.get("sources", [])],
        "licenses": [lic.get("name") for lic in d.get("licenses", [])],
        "citation": cite(d, lang),
    }


def citation(release: DataPackage | Path | str | None = None, lang: str = "nl") -> str:
    """How to cite the package and its source, from the descriptor, in ``lang`` (Dutch by default);
    ``release`` as :func:`load` takes it, and held to what this package knows of its version as
    :func:`load` holds it: a copy that claims a known version but states other sources or another
    title raises :class:`IntegrityError` rather than be cited under that version."""
    _check_lang(lang)
    if release is None:
        return cite(bundled().descriptor, lang)
    with bounded("citation"):  # a package handed to us: read within the limits
        package = _package(release)
        if not _verified(package):
            _warn_unverified(package, "the citation is its own words")
        return cite(package.descriptor, lang)


def _warn_unverified(package: DataPackage, what: str) -> None:
    from .problems import printable

    version = printable(package.descriptor.get("version"))
    said = f"{printable(package.descriptor_path)}: version {version} is no release this installed stalking-flanders knows"
    warnings.warn(UnverifiedRelease(f"{said}: {what}, not checked against a published release"), stacklevel=_callers_level())


def _callers_level() -> int:
    """The ``stacklevel`` of the first frame outside this package, as :func:`warnings.warn` counts
    from its caller (``stalking_flanders.load`` calls ``loader.load``, which may call itself)."""
    here, frame, level = str(Path(__file__).parent), sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(here):
        frame, level = frame.f_back, level + 1
    return level


class UnknownLanguage(PackageError, ValueError):
    """A language the package is not given in (a ``ValueError``, as earlier versions raised)."""


def _check_lang(lang: str) -> None:
    if lang not in LANGUAGES:
        raise UnknownLanguage(f"lang must be one of {', '.join(LANGUAGES)}, not {lang!r}")


def _package(release: DataPackage | Path | str | None) -> DataPackage:
    """``release`` as :func:`load` and :func:`citation` take it, as a :class:`DataPackage` (the
    bundled release where None)."""
    if release is None:
        return bundled()
    return release if isinstance(release, DataPackage) else DataPackage(release)
