"""The loader: one line to a typed DataFrame with its caveats, integrity before anything is
handed out, and an import that stays light."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import warnings

import pandas as pd
import pytest

import helpers
import stalking_flanders
from helpers import ROOT
from stalking_flanders import UnverifiedRelease
from stalking_flanders.caveats import caveat_words
from stalking_flanders.datapackage import BUNDLED, DataPackage, IntegrityError, UnknownNameError
from stalking_flanders.loader import load
from stalking_flanders.problems import DataError


def test_tables_are_the_descriptors_tables(defs):
    assert stalking_flanders.tables() == defs.tables


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_table_loads_with_proper_dtypes(defs, lang):
    for name, schema in defs.schemas.items():
        df = stalking_flanders.load(name, lang=lang)
        added = ["category_nl"] if lang != "nl" and "category" in df.columns else []  # the published label, beside ours
        assert [c for c in df.columns if c not in added] == [f["name"] for f in schema.raw["fields"]]
        for field in schema.raw["fields"]:
            dtype = df[field["name"]].dtype
            if field["name"] == "category":
                assert isinstance(dtype, pd.CategoricalDtype)
            elif field["type"] == "integer":
                assert dtype == "int64"
            elif field["type"] == "boolean":
                assert dtype == "bool"
            elif field["type"] == "date":
                assert pd.api.types.is_datetime64_dtype(dtype)
            else:
                assert pd.api.types.is_string_dtype(dtype)
        assert df.attrs["table"] == name and df.attrs["lang"] == lang


def test_english_labels_come_from_the_categories_table():
    nl = stalking_flanders.load("observations")
    en = stalking_flanders.load("observations", lang="en")
    categories = stalking_flanders.load("categories")
    english = dict(zip(categories["category"].astype(str), categories["label_en"]))
    assert en["category"].astype(str).tolist() == [english[c] for c in nl["category"].astype(str)]
    assert en["count"].tolist() == nl["count"].tolist()


@pytest.mark.parametrize("name", ["observations", "categories"])
def test_a_table_loaded_in_english_keeps_the_label_as_published_beside_the_translation(name):
    """The English labels are ours: the published one stands beside them (category_nl), never lost
    to them, and attrs["labels"] says which is which; in Dutch the table is as published."""
    nl, en = stalking_flanders.load(name), stalking_flanders.load(name, lang="en")
    assert "category_nl" not in nl.columns and nl.attrs["labels"].startswith("category: het label zoals gepubliceerd")
    assert list(en.columns) == [*nl.columns, "category_nl"]  # last: a reader by position reads what it read
    assert en["category_nl"].astype(str).tolist() == nl["category"].astype(str).tolist()
    assert en["category_nl"].dtype == "category" and list(en["category_nl"].cat.categories) == list(nl["category"].cat.categories)
    assert "a translation made for this package" in en.attrs["labels"] and "category_nl" in en.attrs["labels"]
    assert en.attrs["labels"] == en.attrs["labels_en"] and "een vertaling gemaakt voor dit pakket" in en.attrs["labels_nl"]
    assert stalking_flanders.load("series", lang="en").attrs["labels"] == ""  # no labels of categories there


@pytest.mark.parametrize("name", ["observations", "series"])
def test_the_texts_of_each_series_say_whose_words_they_are(name):
    """In English the measures are our translation, so they never pass for the answer's words:
    attrs["texts"] says so (and in Dutch that they are the answer's), in both languages beside."""
    nl, en = stalking_flanders.load(name), stalking_flanders.load(name, lang="en")
    assert "a translation made for this package" in en.attrs["texts"] and en.attrs["texts"] == en.attrs["texts_en"]
    assert "een vertaling gemaakt voor dit pakket" in en.attrs["texts_nl"]
    assert "in de woorden van het antwoord" in nl.attrs["texts"] and "translation" not in nl.attrs["texts_en"]
    for texts in (en.attrs["texts"], nl.attrs["texts"]):
        assert all(f"{key}:" in texts for key in ("measures", "units", "notes")), texts


def test_caveats_and_measure_travel_with_the_data():
    df = stalking_flanders.load("observations", lang="en")
    assert df.attrs["stalking_specific"] == {"caw-perpetrators-belaging": True, "cgg-perpetration-registrations": False}
    assert "not figures specific to stalking" in df.attrs["caveats"]["cgg-perpetration-registrations"]
    assert "belaging" in df.attrs["caveats"]["caw-perpetrators-belaging"]
    assert "first face-to-face contact" in df.attrs["measures"]["cgg-perpetration-registrations"]
    nl = stalking_flanders.load("observations")
    assert nl.attrs["measures"]["cgg-perpetration-registrations"].startswith("Hieronder geef ik wel een oplijsting")
    assert df.attrs["licenses"] == ["CC-BY-4.0"] and df.attrs["version"] == stalking_flanders.__version__


def test_the_caveats_travel_in_dutch_and_in_english_whatever_the_language_loaded():
    """Dutch first (the answer's own words) and English beside it: a table loaded in English
    still carries the answer's Dutch words, and one loaded in Dutch the English ones."""
    nl, en = (stalking_flanders.load("observations", lang=lang).attrs for lang in ("nl", "en"))
    for attrs in (nl, en):
        assert list(attrs).index("caveats_nl") < list(attrs).index("caveats_en")
        assert attrs["caveats_nl"] == nl["caveats"] and attrs["caveats_en"] == en["caveats"]
    assert (
        "“Hieronder geef ik wel een oplijsting mee met de cijfers met betrekking tot daderschap. Het gaat telkens om het totaal"
        in en["caveats_nl"]["cgg-perpetration-registrations"]
    )
    assert (
        "“Below, however, I give a list of the figures relating to perpetration. Each figure is the total"
        in nl["caveats_en"]["cgg-perpetration-registrations"]
    )


def test_the_description_quotes_what_each_figure_counts_as_the_answers_words():
    """The English of a measure is a translation: it stands in quotation marks after "The answer
    (translation made for this package)", never as a sentence of the package's own."""
    meta = stalking_flanders.metadata()
    series = stalking_flanders.load("series")
    for lang, description in (("nl", meta["translations"]["nl"]["description"]), ("en", meta["description"])):
        label = caveat_words(lang)["answer"]
        for s in series.itertuples():
            assert f"{label}: “{getattr(s, f'measure_{lang}')}”" in description.replace("\n", " "), (lang, s.series)


def test_beside_the_figures_the_answer_is_quoted_on_them_only():
    """Sub-question 6's answer goes on (lines 112-116) to the Family Justice Centers' registration,
    which is not about these figures: beside them stands its first sentence, marked as cut; the
    whole answer stands with its sub-question, in the descriptor's description as elsewhere."""
    meta = stalking_flanders.metadata()
    for lang, description, later in (
        ("nl", meta["translations"]["nl"]["description"], "- Deelvraag 6: geen cijfers. Het antwoord: “Gelet"),
        ("en", meta["description"], "- Sub-question 6: no figures. The answer (translation made for this package): “Given"),
    ):
        caveats = stalking_flanders.load("observations", lang=lang).attrs["caveats"]
        for caveat in caveats.values():
            assert "Family Justice Centers" not in caveat and "(…)”" in caveat
            assert caveat in description.replace("\n", " ")
        assert description.count("Family Justice Centers") == 1
        assert description.index(later) < description.index("Family Justice Centers")


def test_metadata_and_citation():
    meta = stalking_flanders.metadata()
    assert meta["name"] == "stalking-flanders"
    assert "nr. 186" in stalking_flanders.citation() and meta["version"] in stalking_flanders.citation()
    dutch, english = stalking_flanders.citation(), stalking_flanders.citation("en")
    assert dutch.startswith(meta["translations"]["nl"]["title"]) and f"versie {meta['version']}. Bron: " in dutch
    assert english.startswith(meta["title"]) and f"version {meta['version']}. Source: " in english
    with pytest.raises(ValueError, match="lang must be one of nl, en"):
        stalking_flanders.citation("fr")


def test_the_bundled_release_is_read_once_and_again_once_its_descriptor_changes(tmp_path, monkeypatch):
    from stalking_flanders import datapackage

    copy = tmp_path / "data"
    shutil.copytree(BUNDLED, copy)
    monkeypatch.setattr(datapackage, "BUNDLED", copy)
    first = datapackage.bundled()
    assert datapackage.bundled() is first and first.root == copy.resolve()
    descriptor = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["title"] = "Another title"
    (copy / "datapackage.json.new").write_text(json.dumps(descriptor), encoding="utf-8")
    (copy / "datapackage.json.new").replace(copy / "datapackage.json")  # a new file, as a build writes it
    assert datapackage.bundled() is not first and datapackage.bundled().descriptor["title"] == "Another title"
    (copy / "datapackage.json").unlink()
    with pytest.raises(stalking_flanders.ReleaseMissing):
        datapackage.bundled()


def test_metadata_is_the_callers_own_to_change():
    meta = stalking_flanders.metadata()
    meta["version"], meta["resources"][0]["path"] = "0.0.0", "elsewhere.csv"
    assert stalking_flanders.metadata()["version"] != "0.0.0"
    assert len(load("observations")) == 21 and stalking_flanders.__version__ != "0.0.0"


def test_the_tables_title_and_description_travel_in_the_language_asked():
    resource = DataPackage().resource("observations")
    dutch, english = stalking_flanders.load("observations"), stalking_flanders.load("observations", lang="en")
    assert (dutch.attrs["title"], english.attrs["title"]) == (resource["translations"]["nl"]["title"], resource["title"])
    assert dutch.attrs["description"] == resource["translations"]["nl"]["description"]
    assert dutch.attrs["citation"] == stalking_flanders.citation() and english.attrs["citation"] == stalking_flanders.citation(
        "en"
    )


def test_each_file_of_the_figures_says_what_both_series_count_in_both_languages():
    """A portal lists a package's files with their descriptions alone: each file of the table
    observations names the caveats of both series, not only of the CGG's."""
    files = [r for r in DataPackage().descriptor["resources"] if r["name"].split("-")[0] == "observations"]
    assert len(files) >= 2  # CSV and Parquet
    for resource in files:
        for lang, description in (("en", resource["description"]), ("nl", resource["translations"]["nl"]["description"])):
            assert "CAW" in description and "CGG" in description and "2021" in description, resource["name"]
            assert "victims" in description or "slachtoffers" in description, resource["name"]
            # what is the package's own (the 2021 figure, which the answer does not date) is labelled so, first
            assert description.index(caveat_words(lang)["note"].capitalize()) < description.index("2021"), resource["name"]


def test_one_version_for_code_and_data(defs):
    assert stalking_flanders.__version__ == defs.version
    assert json.loads((ROOT / "datapackage.json").read_text())["version"] == defs.version


def test_an_unknown_table_lists_the_tables_and_builds_no_path():
    for name in ["nope", "../datapackage", "source-vp-sv-186-beke-2021-12-21", "observations-parquet"]:
        with pytest.raises(UnknownNameError, match="the tables are: observations, categories"):
            stalking_flanders.load(name)


def damaged_copy(tmp_path, edit):
    return DataPackage(helpers.damaged_copy(BUNDLED, tmp_path / "release", edit))


def test_a_tampered_file_is_refused_naming_it_and_both_hashes(tmp_path):
    def tamper(folder):
        csv = folder / "observations.csv"
        csv.write_text(csv.read_text().replace(",955,", ",956,"))

    release = damaged_copy(tmp_path, tamper)
    expected = release.resource("observations")["hash"]
    with pytest.raises(IntegrityError) as caught:
        load("observations", release=release)
    message = str(caught.value)
    assert "observations.csv" in message and expected in message and "nothing was loaded" in message


def test_a_path_outside_the_release_is_refused(tmp_path):
    def escape(folder):
        helpers.edit_descriptor(folder, lambda d: d["resources"][0].update(path="../../etc/passwd"))

    with pytest.raises(DataError) as caught:
        load("observations", release=damaged_copy(tmp_path, escape))
    assert [(p.code, p.column) for p in caught.value.problems] == [("descriptor-shape", "resources[0].path")]


@pytest.mark.system  # a new interpreter
def test_import_is_light():
    code = (
        "import sys, stalking_flanders as s; s.tables(); "
        "print(sorted(m for m in ('pandas', 'pandera', 'frictionless', 'dvc', 'pyarrow') if m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"
    code = (
        "import sys, stalking_flanders as s; s.load('observations', lang='en'); "
        "print(sorted(m for m in ('pandera', 'frictionless', 'dvc', 'stalking_flanders.formats.base') if m in sys.modules))"
    )  # the format interface neither: the loader reads a table with the CSV parser alone
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"


def test_a_package_can_be_named_by_its_path(tmp_path):
    # release= took only a DataPackage: a path gave an AttributeError
    copy = shutil.copytree(BUNDLED, tmp_path / "copy")
    for given in (copy, str(copy), copy / "datapackage.json"):
        assert load("observations", release=given).equals(load("observations"))


def test_a_path_with_a_nul_is_no_such_file():
    from stalking_flanders.untrusted import NotFound
    from stalking_flanders.validation import validate_package

    for door in (DataPackage, validate_package, lambda path: load("observations", release=path)):
        with pytest.raises(NotFound):
            door("data\0package")


def test_a_citation_can_name_its_package_by_path(tmp_path):
    from stalking_flanders.loader import citation

    copy = shutil.copytree(BUNDLED, tmp_path / "copy")
    assert citation(copy) == citation(str(copy)) == citation()  # a path gave an AttributeError


def test_a_copy_that_claims_the_version_but_names_another_source_is_not_cited(tmp_path):
    from stalking_flanders.loader import citation

    copy = shutil.copytree(BUNDLED, tmp_path / "copy")
    helpers.edit_descriptor(copy, lambda d: d["sources"][0].update(title="Another source"))
    with pytest.raises(IntegrityError, match="not the release it claims to be"):
        citation(copy)
    helpers.edit_descriptor(copy, lambda d: d.update(version="9.0.0"))  # a version this package does not know: cited as it says
    with pytest.warns(UnverifiedRelease, match="version 9.0.0 is no release this installed stalking-flanders knows: the"):
        assert citation(copy).endswith("versie 9.0.0. Bron: Another source.")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        citation(BUNDLED), citation(shutil.copytree(BUNDLED, tmp_path / "whole"))  # a release it knows: no warning


def test_each_series_finds_its_reading_at_once_however_many_there_are():
    # Every series is looked up among the sub-questions: by a filter each, 20,000 series and as
    # many sub-questions (a package from anywhere may hold them) took load 21 s.
    import time

    from stalking_flanders.loader import about

    release = DataPackage()
    series, subquestions = load("series"), load("subquestions")
    many = pd.concat([series] * 2000, ignore_index=True)
    many["series"] = [f"s{i}" for i in range(len(many))]
    others = pd.concat([subquestions] * 2000, ignore_index=True)
    others["source_question"] = [f"q{i}" for i in range(len(others))]
    others = pd.concat([subquestions, others], ignore_index=True)
    started = time.perf_counter()
    caveats = about(release, many, others, "series", "en")["caveats"]
    seconds = time.perf_counter() - started
    assert len(caveats) == len(many) and caveats["s0"] == load("series", lang="en").attrs["caveats"][series["series"][0]]
    assert seconds < 3, f"{seconds:.1f} s"  # about 0.3 s; by a filter each, these took 22 s


def _series_reading_one_statement(count: int, statement: str):
    """``count`` copies of the release's stalking series (each named apart), all reading one
    sub-question, and the sub-questions with every English statement ``statement``."""
    series, subquestions = load("series"), load("subquestions")
    many = pd.concat([series[series["stalking_specific"]].iloc[[0]]] * count, ignore_index=True)
    many["series"] = [f"s{i}" for i in range(len(many))]
    long = subquestions.copy()
    long["statement_en"] = statement
    return many, long


def test_a_long_statement_many_series_read_is_split_into_sentences_once(monkeypatch):
    # 4,000 series whose reading is one statement of 30,000 characters: split again for each, the
    # caveats took about 1.5 s (50,000 such series took 53 s). Counted, not timed: a busy machine
    # made a bound on the time fail.
    from stalking_flanders import caveats as module
    from stalking_flanders.loader import about

    many, long = _series_reading_one_statement(4000, "A sentence of the answer, as long as any. " * 700)
    splits, split = [], module.sentences
    monkeypatch.setattr(module, "sentences", lambda text: splits.append(len(text)) or split(text))
    caveats = about(DataPackage(), many, long, "series", "en")["caveats"]
    assert len(caveats) == len(many) and "A sentence of the answer" in caveats["s0"]
    # once in each language (the caveats travel in both): the long English one, and the Dutch one
    assert len(splits) == 2, f"the statements were split {len(splits)} times"


def test_a_statement_read_for_the_caveats_is_not_kept_once_they_are_made():
    # The excerpts were cached for the process, keyed by the whole statement: twelve loads of
    # packages with statements of 3.3 MB kept 90 MB alive after each load had returned.
    import gc
    import tracemalloc

    from stalking_flanders.loader import about

    series, subquestions = load("series"), load("subquestions")

    def made(i: int) -> None:
        long = subquestions.copy()
        long["statement_en"] = [f"Sentence {i}.{n} of a long answer. " * 100_000 for n in range(len(long))]
        assert "Sentence" in " ".join(about(DataPackage(), series, long, "series", "en")["caveats"].values())

    made(-1)
    gc.collect()
    tracemalloc.start()
    try:
        for i in range(4):
            made(i)
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert kept < 2_000_000, f"{kept:,} bytes kept"


class _NoPath:
    def __fspath__(self):
        return 5


@pytest.mark.parametrize(
    "call, builtin",
    [
        (lambda: load(["observations"]), KeyError),  # was TypeError: unhashable type: 'list'
        (lambda: DataPackage().resource(["observations"]), KeyError),
        (lambda: load("observations", lang="NL"), ValueError),
        (lambda: load("observations", release=123), TypeError),  # was a TypeError of os.fsdecode
        (lambda: DataPackage(123), TypeError),
        (lambda: DataPackage(""), FileNotFoundError),  # read ./datapackage.json; the command line refuses it
        (lambda: load(["observations"], release=BUNDLED), KeyError),  # a TypeError where a release was handed
        (lambda: DataPackage(_NoPath()), TypeError),  # a path object that gives no path
    ],
    ids=[
        "a list for a name",
        "a list for a resource",
        "a language in capitals",
        "a number for a release",
        "a number for a package",
        "an empty path",
        "a list for a name, in a package handed",
        "a path object of no path",
    ],
)
def test_an_argument_of_another_kind_is_an_error_of_the_package_and_of_python(call, builtin):
    from stalking_flanders.problems import PackageError

    with pytest.raises(PackageError) as raised:
        call()
    assert isinstance(raised.value, builtin), type(raised.value).__mro__


def test_diff_takes_a_package_as_load_does():
    from stalking_flanders.diff import diff_releases

    assert diff_releases(DataPackage(), BUNDLED)["bump"] == "none"  # was a TypeError


def test_each_series_says_what_its_figures_count_in_the_language_asked():
    # The CAW figures are perpetrators, the CGG figures registrations: said beside the figures,
    # in the answer's own word (series.unit_nl) or its English.
    assert load("observations").attrs["units"] == {
        "caw-perpetrators-belaging": "daders",
        "cgg-perpetration-registrations": "registraties",
    }
    assert load("observations", lang="en").attrs["units"]["caw-perpetrators-belaging"] == "perpetrators"


def test_a_reading_of_one_long_sentence_is_cut_in_every_caveat():
    # 12,000 series reading one sentence of 65,000 characters took the loader past 1 GiB: each
    # caveat repeated it whole.
    from stalking_flanders.caveats import MAX_EXCERPT_CHARS
    from stalking_flanders.loader import about

    many, long = _series_reading_one_statement(3000, "word " * 13_000)
    caveats = about(DataPackage(), many, long, "series", "en")["caveats"]
    assert max(map(len, caveats.values())) < MAX_EXCERPT_CHARS + 1500
    assert "word word (…)”" in caveats["s0"]


def test_the_package_s_load_reads_another_release_as_the_loader_does():
    # stalking_flanders.load lacked the loader's ``release``: a TypeError
    df = stalking_flanders.load("observations", release=ROOT / "data" / "release")
    assert df.attrs["verified"] is True and len(df) == len(stalking_flanders.load("observations"))


def test_a_column_named_category_in_a_table_without_its_key_is_loaded_as_it_stands(tmp_path):
    # A later version may add a field "category" to any table: only a table whose key refers to the
    # table categories by series and category is labelled by it (subquestions has no series: KeyError).
    def added(folder):
        helpers.added_column(folder, "subquestions", "category")
        helpers.edit_descriptor(folder, lambda d: d.update(version="9.9.9"))
        helpers.rehash(folder)

    release = damaged_copy(tmp_path, added)
    table = load("subquestions", release=release)
    assert list(table["category"].unique()) == ["x"] and table.attrs["verified"] is False
    assert load("observations", lang="en", release=release)["category"].dtype == "category"


def test_the_unverified_warning_points_at_the_callers_line(tmp_path):
    # through stalking_flanders.load it named the package's own __init__.py, through rev= loader.py
    copy = shutil.copytree(BUNDLED, tmp_path / "copy")
    helpers.edit_descriptor(copy, lambda d: d.update(version="9.0.0"))
    helpers.rehash(copy)
    for door in (lambda: stalking_flanders.load("series", release=copy), lambda: stalking_flanders.loader.citation(copy)):
        with pytest.warns(UnverifiedRelease) as record:
            door()
        assert record[0].filename == __file__


def test_the_text_of_an_error_holds_no_line_break_of_a_value():
    from stalking_flanders.problems import Problem

    forged = "nl\n  - forged: valid [ok]"
    assert "\n" not in str(IntegrityError(f"{forged}: nothing was loaded"))
    error = DataError([Problem("figure-differs", forged, "x"), Problem("figure-differs", "b.csv", "y")], forged)
    assert str(error).count("\n") == 2  # the header and one line a problem: the forged one is no line of its own


def test_each_part_of_a_series_caveat_ends_in_a_full_stop():
    # "(regels 94-95) Wat het antwoord ..." ran on: the lines of a quotation, then the next part
    import re

    table = stalking_flanders.load("observations")
    for lang in ("nl", "en"):
        for caveat in table.attrs[f"caveats_{lang}"].values():
            assert not re.search(r"\) (Wat|What|Opmerking|Note)\b", caveat), caveat
            assert re.search(r"\)\. (Wat|What|Opmerking|Note)\b", caveat), caveat


@pytest.mark.parametrize(
    ("version", "said"),
    [("1.9.0", "model.ADDED_IN must say so"), ("bundled", "model.ADDED_IN must say so"), ("9.0.0", "newer stalking-flanders")],
)
def test_a_field_an_earlier_version_lacks_names_model_added_in_a_later_a_newer_package(tmp_path, version, said):
    # A maintainer who adds a field and forgets model.ADDED_IN saw every earlier release told that
    # "a later version may need a newer stalking-flanders".
    from stalking_flanders.datapackage import bundled

    def change(descriptor):  # "bundled": its own version, as a maintainer's build not cut yet holds it
        descriptor["version"] = bundled().descriptor["version"] if version == "bundled" else version
        for resource in descriptor["resources"]:
            if resource["name"] == "series":
                resource["schema"]["fields"] = [f for f in resource["schema"]["fields"] if f["name"] != "measure_lines"]

    package = damaged_copy(tmp_path, lambda folder: helpers.edit_descriptor(folder, change))
    problems = [str(p) for p in package.layout_problems(bundled())]
    assert any("the table series lacks a field this package reads" in p and said in p for p in problems), problems


@pytest.mark.parametrize(("version", "newer"), [("1.9.0", False), ("bundled", False), ("9.0.0", True)])
def test_another_primary_key_points_to_a_newer_package_only_in_a_later_version(tmp_path, version, newer):
    from stalking_flanders.datapackage import bundled

    version = bundled().descriptor["version"] if version == "bundled" else version

    def change(descriptor):
        descriptor["version"] = version
        for resource in descriptor["resources"]:
            if resource["name"] == "series":
                resource["schema"]["primaryKey"] = ["series", "source_question"]

    package = damaged_copy(tmp_path, lambda folder: helpers.edit_descriptor(folder, change))
    problems = [str(p) for p in package.layout_problems(bundled())]
    assert len(problems) == 1 and "the table series has another primary key than this package reads" in problems[0]
    assert ("newer stalking-flanders" in problems[0]) is newer, problems
    assert ("this stalking-flanders reads no version laid out otherwise" in problems[0]) is not newer, problems


@pytest.mark.parametrize(
    ("version", "added_in", "said"),
    [
        ("1.9.0", None, "belongs in model.TABLES_ADDED_IN"),
        ("1.9.0", "2.0.0", None),  # recorded as added after it: it may lack the table
        ("2.0.0", "2.0.0", "belongs in model.TABLES_ADDED_IN"),  # of the version that added it: it may not
        ("9.0.0", "2.0.0", "newer stalking-flanders"),
        # the bundled release's own version: where it is a build not cut yet, it may have added the table
        ("bundled", None, "belongs in model.TABLES_ADDED_IN"),
        ("bundled", "next", None),  # as a maintainer's build holds it until the release that adds the table is cut
    ],
)
def test_a_table_added_after_a_version_may_be_lacking_from_it_where_model_tables_added_in_says_so(
    tmp_path, monkeypatch, version, added_in, said
):
    from stalking_flanders import model
    from stalking_flanders.datapackage import bundled

    version = bundled().descriptor["version"] if version == "bundled" else version

    def change(descriptor):  # observations, which no other table refers to, as if a later version added it
        descriptor["version"] = version
        descriptor["resources"] = [r for r in descriptor["resources"] if not r["name"].startswith("observations")]

    package = damaged_copy(tmp_path, lambda folder: helpers.edit_descriptor(folder, change))
    if added_in == "next":
        major, minor, _ = bundled().descriptor["version"].split(".")
        added_in = f"{major}.{int(minor) + 1}.0"
    monkeypatch.setattr(model, "TABLES_ADDED_IN", {} if added_in is None else {"observations": added_in})
    problems = [str(p) for p in package.layout_problems(bundled())]
    with pytest.raises(UnknownNameError) as asked:  # and a reader asking for it is told it came later
        load("observations", release=package)
    added = f"(it is version {version}; the table was added in version {added_in}: read that release or a later one)"
    assert (added in str(asked.value)) is (said is None), asked.value
    if said is None:
        assert problems == []
    else:
        assert len(problems) == 1 and "the package lacks tables this package reads" in problems[0], problems
        assert said in problems[0] and "observations" in problems[0], problems
