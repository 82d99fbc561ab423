"""The DCAT-AP record: zero violations against the official DCAT-AP 3.0.1 shapes, what portals
score present, nothing invented, and every URL in it answering on a server started here.

The shapes are read from ../shared/dcat-ap/ (or $STALKING_FLANDERS_DCAT_AP), never copied into
the project. Two errata of the published shapes are mended in memory, each named below. The EU
code lists the vocabulary shapes expect are not available offline: the record itself states the
concept-scheme membership and class of each EU vocabulary IRI it uses (stand-ins), so what the
tests check is the record's shape, not whether those IRIs exist in the code lists."""

from __future__ import annotations

import hashlib
import os
import urllib.request
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, RDF, SH, XSD
from rdflib.namespace import DCTERMS as DCT

from helpers import ROOT, http_folder, needs, run
from stalking_flanders.datapackage import DataPackage
from stalking_flanders.dcat import load_settings, record

pytestmark = pytest.mark.system  # runs outside programs: see conftest.py

SHAPES = Path(os.environ.get("STALKING_FLANDERS_DCAT_AP", ROOT.parent / "shared" / "dcat-ap")) / "3.0.1"
SETTINGS = dict(
    publisher_name="Test publisher (test fixture)",
    contact_email="contact@test-fixture.invalid",
    issued="2026-01-02T03:04:05+00:00",
    modified="2026-01-02T03:04:05+00:00",
)
SPDX = "http://spdx.org/rdf/terms#"


def shapes(*names: str) -> Graph:
    needs(SHAPES.is_dir(), f"the official DCAT-AP 3.0.1 shapes are not at {SHAPES} (set STALKING_FLANDERS_DCAT_AP)")
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


@pytest.fixture(scope="module")
def graph(release) -> Graph:
    text = record(DataPackage(release), load_settings(base_url="https://example.invalid/stalking-flanders/", **SETTINGS))
    return Graph().parse(data=text, format="turtle")


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


def test_the_shapes_can_fail(graph):
    broken = Graph() + graph
    dataset = next(broken.subjects(RDF.type, DCAT.Dataset))
    broken.remove((dataset, DCT.description, None))
    distribution = next(broken.subjects(RDF.type, DCAT.Distribution))
    broken.add((distribution, DCAT.byteSize, Literal("many")))
    found = "\n".join(violations(broken, shapes("html/shacl/shapes.ttl")))
    assert "description" in found and "byteSize" in found


def test_what_portals_score_is_there(graph, release, defs):
    (dataset,) = [d for d in graph.subjects(RDF.type, DCAT.Dataset) if graph.value(d, DCAT.distribution)]
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
        DCT.source,
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
    paths = {str(graph.value(d, DCAT.downloadURL)).rsplit("stalking-flanders/", 1)[1] for d in distributions}
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


def test_json_ld_says_the_same(release, graph):
    settings = load_settings(base_url="https://example.invalid/stalking-flanders/", **SETTINGS)
    assert isomorphic(Graph().parse(data=record(DataPackage(release), settings, "json-ld"), format="json-ld"), graph)


def test_missing_maintainer_values_are_a_clear_error_not_a_placeholder(release):
    result = run(["stalking-flanders", "dcat", "--release", str(release)], release, check=False)
    assert result.returncode == 2 and result.stdout == ""
    for key in ("base_url", "publisher_name", "contact_email"):
        assert f"  - {key}: " in result.stderr
    result = run(
        [
            "stalking-flanders",
            "dcat",
            "--release",
            str(release),
            "--base-url",
            "ftp://x",
            "--publisher-name",
            "P",
            "--contact-email",
            "nobody",
        ],
        release,
        check=False,
    )
    assert result.returncode == 2 and "base_url must be an http(s) URL" in result.stderr


def test_release_dates_come_from_the_settings_or_the_tag(release, tmp_path):
    base = [
        "stalking-flanders",
        "dcat",
        "--release",
        str(release),
        "--base-url",
        "https://example.invalid/x/",
        "--publisher-name",
        "P",
        "--contact-email",
        "a@example.invalid",
    ]
    outside = run(base, tmp_path, check=False)  # no git here, no dates given
    assert outside.returncode == 2 and "the release dates are unknown" in outside.stderr
    config = tmp_path / "portal.toml"
    config.write_text('[portal]\nissued = "2026-01-02T03:04:05+00:00"\nmodified = "2026-01-02T03:04:05+00:00"\n')
    inside = run([*base, "--config", str(config), "--format", "json-ld"], tmp_path, check=False)
    assert inside.returncode == 0 and "2026-01-02T03:04:05+00:00" in inside.stdout


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
