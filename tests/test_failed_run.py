"""A failed run leaves the last good release untouched, and says what went wrong."""

from __future__ import annotations

import dataclasses
import shutil

import pytest

from helpers import SEED_ID, run, sha256_tree
from stalking_flanders import repo
from stalking_flanders.pipeline.atomic import replacing
from stalking_flanders.pipeline.drawn import DRAWN_FROM, StaleCharts
from stalking_flanders.pipeline.published import make_release
from stalking_flanders.problems import DataError

pytestmark = pytest.mark.system  # runs outside programs: see conftest.py


def test_dvc_repro_on_a_damaged_archive_fails_and_keeps_the_release(workspace):
    run(["dvc", "repro"], workspace)
    before = sha256_tree(workspace / repo.RELEASE)
    descriptor = (workspace / repo.DESCRIPTOR).read_bytes()
    text = workspace / repo.ARCHIVE / f"{SEED_ID}.txt"
    text.chmod(0o644)
    text.write_bytes(text.read_bytes().replace(b"955", b"995"))
    result = run(["dvc", "repro"], workspace, check=False)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert f"{SEED_ID}.txt" in output and "is not the registered one" in output
    assert "5dbc6a90a6a7dd883425a64c295534f86a016f49a1ac84f62aae96409806cfba" in output
    assert sha256_tree(workspace / repo.RELEASE) == before
    assert (workspace / repo.DESCRIPTOR).read_bytes() == descriptor


def test_publish_of_bad_tables_fails_and_keeps_the_release(tmp_path, built, defs):
    release = tmp_path / "release"
    shutil.copytree(built / repo.RELEASE, release)
    root_descriptor = tmp_path / "datapackage.json"
    root_descriptor.write_text("{}")
    validated = tmp_path / "validated"
    shutil.copytree(built / repo.VALIDATED, validated)
    csv = validated / "observations.csv"
    csv.write_text(csv.read_text().replace(",2019,846,", ",2019,846.0,"))
    before = sha256_tree(release)
    with pytest.raises(DataError, match=r"line 3, column 'count': not a value of type integer: found '846.0'"):
        make_release(validated, built / repo.CHARTS, built / repo.ARCHIVE, defs, release, root_descriptor, tmp_path / "chart.png")
    assert sha256_tree(release) == before and root_descriptor.read_text() == "{}" and not (tmp_path / "chart.png").exists()
    assert not (tmp_path / ".release.new").exists()


def test_publish_of_a_descriptor_our_own_readers_refuse_fails_and_keeps_the_release(tmp_path, built, defs, monkeypatch):
    """A format may describe its files with a key that Frictionless accepts but the typed model
    does not know (a dialect other than the CSV one, say): the release it builds would be refused by
    ``validate``, ``load`` and ``diff``, so it is never published."""
    from stalking_flanders.formats.parquet import Parquet

    release = tmp_path / "release"
    shutil.copytree(built / repo.RELEASE, release)
    monkeypatch.setattr(Parquet, "extra_description", lambda self: {"x-compression": "snappy"})
    before, derived = sha256_tree(release), (tmp_path / "d.json", tmp_path / "c.png")
    with pytest.raises(DataError, match=r"x-compression"):
        make_release(built / repo.VALIDATED, built / repo.CHARTS, built / repo.ARCHIVE, defs, release, *derived)
    assert sha256_tree(release) == before and not (tmp_path / "d.json").exists()


@pytest.mark.parametrize("charts_of", ["other figures", "another licence", "no tables"])
def test_publish_with_charts_not_drawn_from_its_tables_fails_and_keeps_the_release(tmp_path, built, defs, charts_of):
    """A chart must show the figures and the facts it is published with: charts drawn from other
    tables (the draw step not run after a figure changed), under another licence than the
    package's, or with no record of what they were drawn from, are refused."""
    release, charts, validated = tmp_path / "release", tmp_path / "charts", tmp_path / "validated"
    for source, target in ((repo.RELEASE, release), (repo.CHARTS, charts), (repo.VALIDATED, validated)):
        shutil.copytree(built / source, target)
    said = "were drawn from other tables, or with another name, licence or texts, than the ones published"
    if charts_of == "other figures":
        csv = validated / "observations.csv"
        csv.write_text(csv.read_text().replace(",2019,846,", ",2019,847,"))  # a valid table, other than the one drawn
    elif charts_of == "another licence":  # the package's licence changed, the charts not drawn again
        defs = dataclasses.replace(defs, meta={**defs.meta, "licenses": [{**defs.meta["licenses"][0], "name": "CC0-1.0"}]})
    else:
        (charts / DRAWN_FROM).unlink()
        said = f"{DRAWN_FROM} is missing: run the draw step first"
    before = sha256_tree(release)
    with pytest.raises(StaleCharts, match=said):
        make_release(validated, charts, built / repo.ARCHIVE, defs, release, tmp_path / "datapackage.json", tmp_path / "c.png")
    assert sha256_tree(release) == before and not (tmp_path / "datapackage.json").exists()


def outputs(folder):
    return sorted(p.name for p in folder.iterdir() if not p.name.endswith(".lock"))  # the step's lock stays


def test_replacing_keeps_the_target_when_the_body_fails(tmp_path):
    target = tmp_path / "out"
    target.mkdir()
    (target / "a.csv").write_text("old")
    with pytest.raises(RuntimeError):
        with replacing(target) as new:
            (new / "a.csv").write_text("new")
            raise RuntimeError("step failed")
    assert (target / "a.csv").read_text() == "old" and sorted(
        p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")
    ) == ["out"]
    with replacing(target) as new:
        (new / "a.csv").write_text("new")
    assert (target / "a.csv").read_text() == "new" and sorted(
        p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")
    ) == ["out"]
