"""`stalking-flanders diff` on a second, synthetic version made here (never in the real release)."""

from __future__ import annotations

import json
import shutil

import pytest

from helpers import cli, edit_descriptor, rehash
from stalking_flanders.datapackage import BUNDLED, DataPackage

pytestmark = pytest.mark.hostile  # every folder left in tmp_path is swept: see conftest.py

KEY = "vp-sv-186-beke-2021-12-21, cgg-perpetration-registrations, Gedragsproblemen - agressie"


def synthetic(tmp_path, edit, version="9.9.9"):
    """A copy of the release, changed by ``edit``, re-hashed and given another version."""
    folder = tmp_path / f"v{version}"
    shutil.copytree(BUNDLED, folder)
    edit(folder)
    edit_descriptor(folder, lambda d: d.update(version=version))
    rehash(folder)
    return folder


def diff(old, new, *extra):
    result = cli("diff", old, new, *extra, cwd=old)
    assert result.returncode == 0, result.stderr
    return result.stdout


def change_figures(folder):
    csv = folder / "observations.csv"
    text = csv.read_text().replace(",2019,846,82", ",2019,864,82")
    csv.write_text(text + "vp-sv-186-beke-2021-12-21,cgg-perpetration-registrations,Gedragsproblemen - agressie,2021,7,82\n")


def test_no_difference():
    assert "change level none" in diff(BUNDLED, BUNDLED)


def test_a_changed_figure_and_an_added_row_as_text(tmp_path):
    out = diff(BUNDLED, synthetic(tmp_path, change_figures))
    assert out.startswith(f"{DataPackage().descriptor['version']} -> 9.9.9: change level major")
    assert f"~ ({KEY}, 2019) count: 846 -> 864" in out
    assert f"+ ({KEY}, 2021)" in out


def test_as_json(tmp_path):
    result = json.loads(diff(BUNDLED, synthetic(tmp_path, change_figures), "--format", "json"))
    table = result["tables"]["observations"]
    assert result["bump"] == "major" and result["new"]["version"] == "9.9.9"
    assert table["cells_changed"] == [
        {"key": KEY.split(", ") + ["2019"], "field": "count", "old": "846", "new": "864", "figure": True}
    ]
    assert table["rows_added"] == [KEY.split(", ") + ["2021"]] and table["rows_removed"] == []


def test_rows_added_only_is_minor_and_a_label_change_is_patch(tmp_path):
    def add_row(folder):
        with (folder / "observations.csv").open("a") as fh:
            fh.write("vp-sv-186-beke-2021-12-21,cgg-perpetration-registrations,Gedragsproblemen - agressie,2021,7,82\n")

    def relabel(folder):
        csv = folder / "categories.csv"
        csv.write_text(
            csv.read_text().replace("Behavioural problems - aggression", "Behavioural problems - aggressive behaviour")
        )

    assert "change level minor" in diff(BUNDLED, synthetic(tmp_path, add_row, "1.1.0"))
    out = diff(BUNDLED, synthetic(tmp_path, relabel, "1.0.1"))
    assert "change level patch" in out and "other value(s) changed" in out and "label_en" in out


def test_a_removed_table_is_major(tmp_path):
    out = diff(BUNDLED, synthetic(tmp_path, lambda f: (f / "subquestions.csv").unlink() or (f / "subquestions.parquet").unlink()))
    assert "change level major" in out and "Tables removed: subquestions" in out


def test_a_tampered_release_is_refused(tmp_path):
    folder = synthetic(tmp_path, change_figures)
    (folder / "observations.csv").write_text("tampered\n")
    result = cli("diff", BUNDLED, folder, cwd=tmp_path)
    assert result.returncode == 1 and "observations.csv is not the file the descriptor describes" in result.stderr
