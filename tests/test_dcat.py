"""The DCAT-AP record: zero violations against the official DCAT-AP 3.0.1 shapes, what portals
score present, nothing invented, and every URL in it answering on a server started here.

The shapes are read from ../shared/dcat-ap/ (or $STALKING_FLANDERS_DCAT_AP), never copied into
the project. Two errata of the published shapes are mended in memory, each named below. The EU
code lists the vocabulary shapes expect are not available offline: the record itself states the
concept-scheme membership and class of each EU vocabulary IRI it uses (stand-ins), so what the
tests check is the record's shape, not whether those IRIs exist in the code lists."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import urllib.request
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, FOAF, RDF, RDFS, SH, SKOS, XSD
from rdflib.namespace import DCTERMS as DCT

from helpers import DOORS, ROOT, cli, damaged_copy, edit_file, http_folder, needs, run, tool_env
from stalking_flanders.datapackage import DataPackage
from stalking_flanders.dcat import record
from stalking_flanders.facts import DCAT_AP, DCAT_AP_VL
from stalking_flanders.loader import load
from stalking_flanders.portal_settings import load_settings
from stalking_flanders.releases import history

pytestmark = pytest.mark.system  # runs outside programs: see conftest.py

SHAPES = Path(os.environ.get("STALKING_FLANDERS_DCAT_AP", ROOT.parent / "shared" / "dcat-ap")) / DCAT_AP
VL_SHAPES = (
    Path(os.environ.get("STALKING_FLANDERS_DCAT_AP_VL", ROOT.parent / "shared" / "dcat-ap-vl"))
    / DCAT_AP_VL
    / "shacl"
    / "metadata-voor-services-ap-SHACL.ttl"
)
SETTINGS = dict(
    publisher_name="Test publisher (test fixture)",
    contact_email="contact@test-fixture.invalid",
    issued="2026-01-02T03:04:05+00:00",
    modified="2026-01-02T03:04:05+00:00",
)
SPDX = "http://spdx.org/rdf/terms#"


def shapes(*names: str) -> Graph:
    needs(SHAPES.is_dir(), f"the official DCAT-AP {DCAT_AP} shapes are not at {SHAPES} (set STALKING_FLANDERS_DCAT_AP)")
    graph = Graph()
    for name in names:
        graph.parse(SHAPES / name)
    # Erratum E1 (../shared/dcat-ap/README.md): the checksum-algorithm pattern names https://spdx.org,
    # while SPDX's namespace, and DCAT-AP's own examples, are http://spdx.org: every correct value fails.
    for shape, pattern in list(graph.subject_objects(SH.pattern)):
        if str(pattern).startswith("^https://spdx.org/rdf/terms"):
            graph.remove((shape, SH.pattern, pattern))
    # Erratum E2: shacl/ranges.ttl lists five property shapes that neither it nor dcat-ap-SHACL.ttl
    # defines (no sh:path); SHACL processors refuse such a shapes graph. They are left out.
    for shape, prop in list(graph.subject_objects(SH.property)):
        if graph.value(prop, SH.path) is None:
            graph.remove((shape, SH.property, prop))
    return graph


def vl_shapes() -> Graph:
    """The DCAT-AP Vlaanderen shapes (``DCAT_AP_VL``), with the errata of ../shared/dcat-ap-vl/README.md
    mended in memory and nothing else touched: cardinalities written as strings, "n" meaning
    unbounded. (Erratum 3, sh:class rdfs:Resource, is met by validating with RDFS inference; 4 and
    5 report twice or never and need no mending.)"""
    needs(VL_SHAPES.is_file(), f"the DCAT-AP Vlaanderen shapes are not at {VL_SHAPES} (set STALKING_FLANDERS_DCAT_AP_VL)")
    graph = Graph().parse(VL_SHAPES)
    mended = {"dropped": 0, "read as integers": 0}
    for predicate in (SH.maxCount, SH.minCount):
        for shape, count in list(graph.subject_objects(predicate)):
            if str(count) == "n":  # erratum 1: unbounded
                graph.remove((shape, predicate, count))
                mended["dropped"] += 1
            elif count.datatype != XSD.integer or not isinstance(count.value, int):  # erratum 2: "1" as a string
                graph.remove((shape, predicate, count))
                graph.add((shape, predicate, Literal(int(str(count)))))
                mended["read as integers"] += 1
    assert mended == {"dropped": 48, "read as integers": 86}, mended  # the counts docs/portals.md gives
    return graph


def test_zero_violations_against_dcat_ap_vlaanderen(graph):
    assert violations(graph, vl_shapes(), "rdfs") == []


def test_the_vlaanderen_shapes_can_fail(graph):
    broken = Graph() + graph
    (dataset,) = broken.subjects(RDF.type, DCAT.Dataset)
    for keyword in list(broken.objects(dataset, DCAT.keyword)):
        broken.remove((dataset, DCAT.keyword, keyword))
        broken.add((dataset, DCAT.keyword, Literal(str(keyword))))  # no language tag
    assert any("keyword" in v for v in violations(broken, vl_shapes(), "rdfs"))


@pytest.fixture(scope="module")
def graph(release) -> Graph:
    """The record of the release published in a folder of its version (as a portal is given each
    release), so that the shapes see the version properties too."""
    return Graph().parse(data=record(DataPackage(release), versioned(release)), format="turtle")


def versioned(release) -> dict:
    """Settings that publish the release in a folder of its version."""
    version = DataPackage(release).descriptor["version"]
    return load_settings(base_url=f"https://example.invalid/stalking-flanders/{version}/", **SETTINGS)


def violations(data: Graph, shapes_graph: Graph, inference: str = "none") -> list[str]:
    from pyshacl import validate

    conforms, report, _ = validate(data, shacl_graph=shapes_graph, inference=inference, allow_warnings=True)
    found = [
        f"{report.value(r, SH.focusNode)} {report.value(r, SH.resultPath)}: {report.value(r, SH.resultMessage)}"
        for r in report.objects(None, SH.result)  # top-level results: details of warnings are not violations
        if report.value(r, SH.resultSeverity) == SH.Violation
    ]
    assert conforms == (not found)
    return found


@pytest.mark.parametrize(
    "names,inference",
    [
        (["html/shacl/shapes.ttl"], "none"),  # existence, literal ranges, cardinalities
        (["html/shacl/range.ttl"], "none"),  # class ranges
        (["html/shacl/mdr-vocabularies.shape.ttl"], "none"),  # controlled vocabularies (with the stand-ins)
        (["html/shacl/deprecateduris.ttl"], "none"),  # properties deprecated in 3.0
        (["html/shacl/shapes_recommended.ttl"], "none"),  # recommended properties (warnings only)
        (["shacl/dcat-ap-SHACL.ttl", "shacl/ranges.ttl"], "rdfs"),  # the one-identifier-per-constraint design
    ],
)
def test_zero_violations_against_the_official_shapes(graph, names, inference):
    assert violations(graph, shapes(*names), inference) == []


def test_the_example_portal_config_of_the_guide_makes_a_valid_record(release, tmp_path):
    # docs/portals.md's worked example: a Flemish publisher's settings, as a file
    example = ROOT / "docs" / "portal.example.toml"
    dates = ["--issued", "2026-01-02T03:04:05+00:00", "--modified", "2026-01-02T03:04:05+00:00"]
    result = cli("dcat", "--release", str(release), "--config", str(example), *dates)
    assert result.returncode == 0, result.stderr
    made = Graph().parse(data=result.stdout, format="turtle")
    (dataset,) = made.subjects(RDF.type, DCAT.Dataset)
    publisher = made.value(dataset, DCT.publisher)
    assert str(publisher).startswith("https://organisation.example.invalid/")
    assert {lit.language for lit in made.objects(publisher, FOAF.name)} == {"nl"}
    assert violations(made, vl_shapes(), "rdfs") == []
    assert violations(made, shapes("html/shacl/shapes.ttl")) == []


def test_the_shapes_can_fail(graph):
    broken = Graph() + graph
    dataset = next(broken.subjects(RDF.type, DCAT.Dataset))
    broken.remove((dataset, DCT.description, None))
    distribution = next(broken.subjects(RDF.type, DCAT.Distribution))
    broken.add((distribution, DCAT.byteSize, Literal("many")))
    found = "\n".join(violations(broken, shapes("html/shacl/shapes.ttl")))
    assert "description" in found and "byteSize" in found


def test_what_portals_score_is_there(graph, release, defs):
    (dataset,) = graph.subjects(RDF.type, DCAT.Dataset)  # one: the source question is a related document
    for prop in (
        DCAT.keyword,
        DCAT.theme,
        DCT.spatial,
        DCT.temporal,
        DCAT.contactPoint,
        DCT.publisher,
        DCT.accessRights,
        DCT.issued,
        DCT.modified,
        DCT.identifier,
        DCT.relation,
        DCT.provenance,
        DCAT.landingPage,
    ):
        assert graph.value(dataset, prop) is not None, prop
    assert {str(t).rsplit("/", 1)[1] for t in graph.objects(dataset, DCAT.theme)} == {"SOCI", "JUST", "HEAL"}
    assert {lit.language for lit in graph.objects(dataset, DCT.title)} == {"nl", "en"}
    assert {lit.language for lit in graph.objects(dataset, DCT.description)} == {"nl", "en"}
    assert any("NOT stalking-specific" in str(lit) for lit in graph.objects(dataset, DCT.description))
    period = graph.value(dataset, DCT.temporal)
    assert (graph.value(period, DCAT.startDate), graph.value(period, DCAT.endDate)) == (
        Literal("2018", datatype=XSD.gYear),
        Literal("2021", datatype=XSD.gYear),
    )
    assert graph.value(dataset, DCT.issued).datatype == XSD.dateTime
    distributions = list(graph.objects(dataset, DCAT.distribution))
    base = versioned(release)["base_url"]
    paths = {str(graph.value(d, DCAT.downloadURL)).removeprefix(base) for d in distributions}
    assert paths >= {f"{t}.{kind}" for t in defs.tables for kind in ("csv", "parquet")} | {"datapackage.json"}
    for d in distributions:
        for prop in (
            DCAT.accessURL,
            DCAT.downloadURL,
            DCT.format,
            DCAT.mediaType,
            DCAT.byteSize,
            DCT.identifier,
            DCT.rights,
            DCT.issued,
            DCT.modified,
        ):
            assert graph.value(d, prop) is not None, (d, prop)
        assert len(list(graph.objects(d, DCT.license))) <= 1
        checksum = graph.value(d, URIRef(SPDX + "checksum"))
        assert graph.value(checksum, URIRef(SPDX + "algorithm")) == URIRef(SPDX + "checksumAlgorithm_sha256")
        assert str(graph.value(d, DCAT.mediaType)).startswith("https://www.iana.org/assignments/media-types/")
        assert str(graph.value(d, DCT.format)).startswith("http://publications.europa.eu/resource/authority/file-type/")
    for kind in (DCAT.Catalog, DCAT.Dataset, DCAT.Distribution):
        for node in graph.subjects(RDF.type, kind):
            if graph.value(node, DCAT.distribution) or kind != DCAT.Dataset:
                assert graph.value(node, DCT.identifier) is not None, node


def test_the_record_reads_in_dutch_and_names_no_internal_id(graph, release):
    (dataset,) = graph.subjects(RDF.type, DCAT.Dataset)
    package = DataPackage(release)
    ids = set(load("series", release=package)["series"]) | set(load("source_questions", release=package)["source_question"])
    for d in graph.objects(dataset, DCAT.distribution):
        titles = {lit.language: str(lit) for lit in graph.objects(d, DCT.title)}
        descriptions = {lit.language: str(lit) for lit in graph.objects(d, DCT.description)}
        assert set(titles) == set(descriptions) == {"nl", "en"}, d  # every file titled and described in both
        assert titles["nl"] != titles["en"] and descriptions["nl"] != descriptions["en"], d
        assert not titles["nl"].startswith("Tabel "), titles  # Dutch words, not a table's name
    prose = [str(o) for p in (DCT.title, DCT.description, RDFS.label) for o in graph.objects(None, p)]
    assert not [text for text in prose for i in ids if i in text]  # no series or source id in prose
    keywords = [str(k).casefold() for k in graph.objects(dataset, DCAT.keyword)]
    assert len(keywords) == len(set(keywords)) and {"stalking", "caw", "cgg", "vlaanderen", "flanders"} <= set(keywords)
    dutch = [str(lit) for lit in graph.objects(dataset, DCT.description) if lit.language == "nl"][0]
    for said in ("geen signalen bij de CAW", "niet om slachtoffers", "meer dan eens geteld", "dekt mogelijk niet het hele jaar"):
        assert said in dutch, said
    # the country only: the answer names no region (the Flemish Community's services also work in Brussels)
    assert set(graph.objects(dataset, DCT.spatial)) == {URIRef("http://publications.europa.eu/resource/authority/country/BEL")}
    for place in graph.objects(dataset, DCT.spatial):  # named in Dutch, and in English
        assert {lit.language for lit in graph.objects(place, SKOS.prefLabel)} == {"nl", "en"}, place


def test_each_source_is_published_by_the_parliament_its_table_names(release, monkeypatch):
    """The record names the parliament of each source as the table ``source_questions`` does (a
    second source may come from another parliament), matched by the path of its archived text, and
    none for a source whose text the table does not name."""
    from stalking_flanders import dcat

    def other_parliament(name, **kwargs):
        table = load(name, **kwargs)
        return table.assign(parliament="Parlement X (test)") if name == "source_questions" else table

    def publishers(made: Graph) -> list[str]:
        (dataset,) = made.subjects(RDF.type, DCAT.Dataset)
        cited = list(made.objects(dataset, DCT.relation))
        return [str(n) for c in cited for p in made.objects(c, DCT.publisher) for n in made.objects(p, FOAF.name)]

    assert publishers(Graph().parse(data=record(DataPackage(release), versioned(release)))) == ["Vlaams Parlement"]
    monkeypatch.setattr(dcat, "load", other_parliament)
    assert publishers(Graph().parse(data=record(DataPackage(release), versioned(release)))) == ["Parlement X (test)"]
    elsewhere = lambda name, **kw: other_parliament(name, **kw).assign(archived_text="sources/another.txt")  # noqa: E731
    monkeypatch.setattr(dcat, "load", lambda name, **kw: (elsewhere if name == "source_questions" else load)(name, **kw))
    assert publishers(Graph().parse(data=record(DataPackage(release), versioned(release)))) == []


def test_json_ld_says_the_same(release, graph):
    json_ld = record(DataPackage(release), versioned(release), "json-ld")
    assert isomorphic(Graph().parse(data=json_ld, format="json-ld"), graph)


def test_missing_maintainer_values_are_a_clear_error_not_a_placeholder(release):
    result = cli("dcat", "--release", release, cwd=release)
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.splitlines()  # one for each value (they came as one line, each break escaped)
    for key in ("base_url", "publisher_name", "contact_email"):
        assert any(line.startswith(f"  - {key}: ") for line in lines), result.stderr
    args = ["--base-url", "ftp://x", "--publisher-name", "P", "--contact-email", "nobody"]
    result = cli("dcat", "--release", release, *args, cwd=release)
    assert result.returncode == 2 and "base_url: must be an http or https URL" in result.stderr


def test_every_url_answers_with_the_stated_bytes(release):
    with http_folder(release) as base:
        graph = Graph().parse(data=record(DataPackage(release), load_settings(base_url=base, **SETTINGS)), format="turtle")
        urls = 0
        for d in graph.subjects(RDF.type, DCAT.Distribution):
            size = int(graph.value(d, DCAT.byteSize))
            digest = str(graph.value(graph.value(d, URIRef(SPDX + "checksum")), URIRef(SPDX + "checksumValue")))
            for prop in (DCAT.accessURL, DCAT.downloadURL):
                with urllib.request.urlopen(str(graph.value(d, prop)), timeout=10) as response:
                    data = response.read()
                    assert response.status == 200
                assert len(data) == size and hashlib.sha256(data).hexdigest() == digest
                urls += 1
        for landing in set(graph.objects(None, DCAT.landingPage)):
            with urllib.request.urlopen(str(landing), timeout=10) as response:
                assert response.status == 200 and response.read().startswith(b"<!DOCTYPE html>")
        assert urls == 2 * len(list(graph.subjects(RDF.type, DCAT.Distribution))) >= 2 * 12


def dcat_without_dates(folder: Path, cwd: Path, *extra: str, env: dict | None = None):
    """The record of ``folder``; with ``env``, by the installed command in a process of its own."""
    args = [
        "dcat",
        "--release",
        str(folder),
        "--base-url",
        "https://example.invalid/x/",
        "--publisher-name",
        "T",
        "--contact-email",
        "t@example.invalid",
        *extra,
    ]
    return run(["stalking-flanders", *args], cwd, check=False, env=env) if env else cli(*args, cwd=cwd)


def dataset_dates(turtle: str) -> tuple[str, str]:
    dated = Graph().parse(data=turtle, format="turtle")
    (dataset,) = dated.subjects(RDF.type, DCAT.Dataset)
    return str(dated.value(dataset, DCT.issued)), str(dated.value(dataset, DCT.modified))


def test_release_dates_come_from_the_release_record(tmp_path, release):
    shutil.copytree(release, tmp_path / "copy")  # outside any checkout: no history to read
    result = dcat_without_dates(tmp_path / "copy", tmp_path)
    assert result.returncode == 0, result.stderr
    known = history()
    version = DataPackage(release).descriptor["version"]
    first = min(known.values(), key=lambda entry: entry.released)
    assert dataset_dates(result.stdout) == (first.released.isoformat(), known[version].released.isoformat())


def test_a_version_the_record_does_not_hold_needs_its_dates_given(tmp_path, release):
    copy = damaged_copy(release, tmp_path / "copy", lambda f: edit_file(f / "datapackage.json", '"version": "', '"version": "9'))
    result = dcat_without_dates(copy, tmp_path)
    assert result.returncode == 2 and "the release dates are unknown" in result.stderr
    assert "give --issued and --modified" in result.stderr
    config = tmp_path / "portal.toml"
    config.write_text('[portal]\nissued = "2026-01-02T03:04:05+00:00"\nmodified = "2026-01-02T03:04:05+00:00"\n')
    given = dcat_without_dates(copy, tmp_path, "--config", str(config))
    assert given.returncode == 0, given.stderr
    assert dataset_dates(given.stdout) == ("2026-01-02T03:04:05+00:00", "2026-01-02T03:04:05+00:00")


def trapped_checkout(tmp_path: Path, release: Path) -> tuple[Path, Path]:
    """A folder laid out as this repository is (CHANGELOG.md, datapackage.json, data/release) with
    a .git of its own whose diff driver, file-system monitor and hooks run a command of the folder
    author's choosing; and the file that command creates."""
    marker = tmp_path / "a-program-ran"
    trap = f"touch {marker}"
    folder = tmp_path / "handed"
    shutil.copytree(release, folder / "data" / "release")
    shutil.copy(release / "datapackage.json", folder / "datapackage.json")
    version = DataPackage(release).descriptor["version"]
    (folder / "CHANGELOG.md").write_text(f"# Changelog\n\n## [{version}] - 2026-11-30\n")
    (folder / ".gitattributes").write_text("* diff=trap\n")
    run(["git", "init", "-q"], folder)
    for key, value in (("diff.trap.textconv", trap), ("diff.trap.command", trap), ("core.fsmonitor", trap)):
        run(["git", "config", key, value], folder)
    run(["git", "add", "-A"], folder)
    run(["git", "-c", "user.name=t", "-c", "user.email=t@localhost", "-c", "core.fsmonitor=false", "commit", "-qm", "x"], folder)
    marker.unlink(missing_ok=True)
    return folder, marker


def test_the_trap_springs_when_git_runs_in_the_folder(tmp_path, release):
    """The control for the test below: git run in that folder does run the author's command."""
    folder, marker = trapped_checkout(tmp_path, release)
    run(["git", "log", "-p", "-S", "## [", "--", "CHANGELOG.md"], folder, check=False)
    assert marker.exists()


def test_dcat_runs_no_program_on_a_folder_it_was_handed(tmp_path, release):
    folder, marker = trapped_checkout(tmp_path, release)
    spy = tmp_path / "bin"  # and any program called git, wherever it is on the path, would leave a mark
    spy.mkdir()
    (spy / "git").write_text(f"#!/bin/sh\ntouch {marker}\n")
    (spy / "git").chmod(0o755)
    env = {**tool_env(), "PATH": f"{spy}{os.pathsep}{tool_env()['PATH']}"}
    result = dcat_without_dates(folder / "data" / "release", folder, env=env)
    assert result.returncode == 0, result.stderr
    assert not marker.exists()


DCAT3 = "http://www.w3.org/ns/dcat#"


def test_one_dataset_iri_for_every_version_with_the_version_properties(graph, release):
    # Each release at a versioned address (.../1.0.1/): the dataset keeps one IRI, and says which
    # version this is and which page holds the one before.
    version = DataPackage(release).descriptor["version"]
    (dataset,) = graph.subjects(RDF.type, DCAT.Dataset)
    assert str(dataset) == "https://example.invalid/stalking-flanders/index.html#dataset"
    assert str(graph.value(dataset, URIRef(DCAT3 + "version"))) == version
    earlier = [v for v in history() if v != version]
    previous = graph.value(dataset, URIRef(DCAT3 + "previousVersion"))
    assert str(previous) == f"https://example.invalid/stalking-flanders/{earlier[-1]}/index.html"
    assert str(graph.value(dataset, DCAT.landingPage)) == f"https://example.invalid/stalking-flanders/{version}/index.html"


def test_the_dataset_iri_can_be_set_and_an_unversioned_address_keeps_its_own(release):
    package = DataPackage(release)
    given = load_settings(base_url="https://example.invalid/a/", dataset_iri="https://example.invalid/id/stalking", **SETTINGS)
    assert "<https://example.invalid/id/stalking> a dcat:Dataset" in record(package, given)
    plain = record(package, load_settings(base_url="https://example.invalid/a/", **SETTINGS))
    assert "<https://example.invalid/a/index.html#dataset> a dcat:Dataset" in plain and "previousVersion" not in plain


def test_one_settings_file_serves_every_release_and_another_releases_folder_is_refused(release):
    """{version} in base_url stands for the release's version; a base_url whose last folder is
    another version is refused (every file's address would be that release's), naming both."""
    version = DataPackage(release).descriptor["version"]
    made = record(DataPackage(release), load_settings(base_url="https://example.invalid/s/{version}/", **SETTINGS))
    assert f"<https://example.invalid/s/{version}/observations.csv>" in made
    assert "<https://example.invalid/s/index.html#dataset> a dcat:Dataset" in made and "{version}" not in made
    args = ["--base-url", "https://example.invalid/s/0.9.0/", "--publisher-name", "P", "--contact-email", "a@example.invalid"]
    result = cli("dcat", "--release", release, *args)
    assert result.returncode == 2 and result.stdout == "", result.stderr
    assert "base_url: its last folder is version 0.9.0, and the release is version " + repr(version) in result.stderr


# What Python reports as it starts a program (sys.addaudithook): none may be raised by any door.
STARTS = ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty", "pty.spawn")
EVERY_DOOR = """
import json, sys
started = []
sys.addaudithook(lambda event, args: started.append([event, repr(args)[:200]]) if event in STARTS else None)
from stalking_flanders import cli
from stalking_flanders.datapackage import DataPackage
from stalking_flanders.loader import load
from stalking_flanders.validation import validate_package
handed, out, codes = sys.argv[1], sys.argv[2], []
for argv in DOORS + [["info"], ["show", "observations"]]:
    codes.append(cli.main(argv))  # each door went all the way through: it read the whole package
problems = validate_package(handed)
rows = len(load("observations", release=DataPackage(handed)))
with open(out, "w") as fh:
    json.dump({"started": started, "codes": codes, "problems": len(problems), "rows": rows}, fh)
"""


def test_no_door_starts_a_program_on_a_folder_it_was_handed(tmp_path, release):
    # Each command and the Python API, handed a checkout whose git would run its author's command:
    # Python's own audit events show that nothing starts a program (git or any other).
    folder, marker = trapped_checkout(tmp_path, release)
    out = tmp_path / "started.json"
    handed = str(folder / "data" / "release")
    doors = [[str(arg) for arg in door(handed)] for door in DOORS.values()]  # those the sweep uses
    code = f"STARTS = {STARTS!r}\nDOORS = {doors!r}\n" + EVERY_DOOR
    run([sys.executable, "-c", code, handed, str(out)], folder)
    done = json.loads(out.read_text())
    assert done["codes"] == [0] * (len(doors) + 2) and done["problems"] == 0 and done["rows"] > 0  # every door read it all
    assert done["started"] == [] and not marker.exists()
