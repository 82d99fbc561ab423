"""The DCAT record as CKAN takes it in: the real harvester (ckanext-dcat, profile
euro_dcat_ap_3) parses it in an environment of its own (.venv-ckan, set up by make test) into
exactly one dataset, with every file a resource, the licence recognised, formats as CKAN shows
them, and publisher, contact, coverage, sizes and hashes."""

from __future__ import annotations

import json
import shutil

import pytest

from helpers import ROOT, needs, run
from stalking_flanders.datapackage import DataPackage
from stalking_flanders.dcat import record
from stalking_flanders.formats import BY_NAME
from stalking_flanders.hashes import file_facts, hex_of
from stalking_flanders.portal_settings import load_settings

pytestmark = pytest.mark.system  # runs outside programs: see conftest.py

CKAN_PYTHON = ROOT / ".venv-ckan" / "bin" / "python"
SETTINGS = dict(
    base_url="https://example.invalid/stalking-flanders/",
    publisher_name="Test publisher (test fixture)",
    contact_email="contact@test-fixture.invalid",
    issued="2026-01-02T03:04:05+00:00",
    modified="2026-01-02T03:04:05+00:00",
)


BASE = "https://example.invalid/stalking-flanders/"
OLDER = "0.9.0"  # a version before the release's, for a second release at an address of its own


@pytest.fixture(scope="module")
def harvested(release, tmp_path_factory) -> dict[str, list[dict]]:
    """The datasets CKAN's harvester makes of each record the tests read, by the record's name: the
    release's in both formats, in a Dutch portal, and two releases each at its own address. One
    process harvests them all (a parser of its own each)."""
    needs(CKAN_PYTHON.is_file(), f"no CKAN harvester environment at {CKAN_PYTHON.parent.parent}: make test sets it up")
    top = tmp_path_factory.mktemp("ckan")
    older = top / "older"
    shutil.copytree(release, older)
    descriptor = json.loads((older / "datapackage.json").read_text())
    (older / "datapackage.json").write_text(json.dumps({**descriptor, "version": OLDER}))
    records = {  # name: (release, format, locale, settings); the Dutch portal first: the others are not Dutch after it
        "dutch portal": (release, "turtle", "nl", {}),
        "turtle": (release, "turtle", "", {}),
        "json-ld": (release, "json-ld", "", {}),
        "older": (older, "turtle", "", {"base_url": f"{BASE}{OLDER}/"}),
        "newer": (release, "turtle", "", {"base_url": f"{BASE}{descriptor['version']}/"}),
    }
    jobs = []
    for name, (folder, fmt, locale, settings) in records.items():
        path = top / f"{name}.{fmt}"
        path.write_text(record(DataPackage(folder), load_settings(**(SETTINGS | settings)), fmt), encoding="utf-8")
        jobs.append({"record": str(path), "format": fmt, "locale": locale})
    (top / "jobs.json").write_text(json.dumps(jobs))
    done = json.loads(run([str(CKAN_PYTHON), str(ROOT / "tests" / "ckan" / "harvest.py"), str(top / "jobs.json")], top).stdout)
    return dict(zip(records, done, strict=True))


def test_a_portal_whose_default_language_is_dutch_shows_the_dutch_texts(release, harvested):
    # CKAN shows the language its ckan.locale_default names (see docs/portals.md): a Flemish portal set to nl
    (dataset,) = harvested["dutch portal"]
    descriptor = DataPackage(release).descriptor
    assert dataset["title"] == descriptor["translations"]["nl"]["title"]
    assert dataset["notes"].startswith("Alle cijfers") and "geen signalen bij de CAW" in dataset["notes"]
    titles = {r["url"].rsplit("/", 1)[1]: r["name"] for r in dataset["resources"]}
    assert titles["observations.csv"].startswith("Waarnemingen") and titles["stalking-flanders.xlsx"].startswith("Werkmap")
    assert all(not title.startswith("Tabel ") for title in titles.values())  # Dutch words, not table ids
    descriptions = {r["url"].rsplit("/", 1)[1]: r.get("description", "") for r in dataset["resources"]}
    assert descriptions["observations.parquet"].startswith("Eén rij per cijfer")


@pytest.mark.parametrize("fmt", ["turtle", "json-ld"])
def test_ckan_harvests_one_dataset_with_every_file(fmt, release, harvested):
    (dataset,) = harvested[fmt]
    descriptor = DataPackage(release).descriptor
    extras = {e["key"]: e["value"] for e in dataset["extras"]}
    assert dataset["title"] == descriptor["title"] and dataset["version"] == descriptor["version"]
    assert dataset["license_id"] == "cc-by"  # CC BY, as CKAN's licence register names it
    assert extras["publisher_name"] == SETTINGS["publisher_name"]
    assert extras["contact_email"] == SETTINGS["contact_email"]
    assert (extras["temporal_start"], extras["temporal_end"]) == ("2018", "2021")
    assert extras["spatial_uri"] == "http://publications.europa.eu/resource/authority/country/BEL"
    assert {"stalking", "belaging", "Vlaanderen"} <= {t["name"] for t in dataset["tags"]}

    resources = {r["url"].rsplit("/", 1)[1]: r for r in dataset["resources"]}
    files = {r["path"].rsplit("/", 1)[-1]: r for r in descriptor["resources"]} | {"datapackage.json": None}
    assert set(resources) == set(files)
    for name, resource in resources.items():
        facts = file_facts(release / ("datapackage.json" if files[name] is None else files[name]["path"]))
        fmt_name = "json" if files[name] is None else files[name]["format"]
        assert resource["format"] == BY_NAME[fmt_name].label, name  # CSV, Parquet, XLSX, TXT, JSON
        assert resource["mimetype"].endswith("/" + BY_NAME[fmt_name].mediatype), name
        assert (int(resource["size"]), resource["hash"]) == (facts["bytes"], hex_of(facts["hash"])), name
        assert resource["hash_algorithm"].endswith("checksumAlgorithm_sha256")


def test_two_releases_at_versioned_addresses_harvest_as_one_dataset(release, harvested):
    # A portal given each release at its own address (.../1.0.0/, .../1.0.1/) updates one dataset:
    # the harvester matches by the dataset's IRI, which stays; the version changes.
    (first,), (second,) = harvested["older"], harvested["newer"]
    newer_version = DataPackage(release).descriptor["version"]
    assert first["harvest_guid"] == second["harvest_guid"] == f"{BASE}index.html#dataset"
    assert (first["version"], second["version"]) == (OLDER, newer_version)
    assert first["resources"][0]["url"].startswith(f"{BASE}{OLDER}/")
