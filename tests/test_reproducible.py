"""Rebuilding gives the same bytes: a forced pipeline run over the committed outputs, two repository
copies, and two wheel builds. The forced run is the rebuild benchmark's (benchmarks/rebuild.py, run
once as a smoke test: no timing is asserted)."""

from __future__ import annotations

import hashlib
import json
import sys

import pytest

from helpers import ROOT, copy_of_built, run, sha256_tree
from stalking_flanders import repo

pytestmark = pytest.mark.system  # runs outside programs: see conftest.py


PUBLISHED = tuple(p.as_posix() for p in (repo.RELEASE, repo.DESCRIPTOR, repo.CHARTS, repo.VALIDATED, repo.EXTRACTED))


def outputs(path) -> dict[str, str]:
    """The sha256 of every output file, by path; not the steps' lock files (.<output>.lock, never committed)."""
    return {name: digest for name, digest in sha256_tree(path, *PUBLISHED).items() if not name.endswith(".lock")}


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    """A repository copy with the committed outputs, all rebuilt over them by the rebuild benchmark's
    one `dvc repro --force`; the outputs' hashes before the run, and the benchmark's result."""
    from helpers import fresh_repository

    path = fresh_repository(tmp_path_factory.mktemp("rebuilt"))
    committed = outputs(path)
    benchmark = [sys.executable, str(ROOT / "benchmarks" / "rebuild.py"), "--runs", "1", "--no-warm-up", "--json"]
    return path, committed, json.loads(run(benchmark, path).stdout)


def test_the_rebuild_benchmark_runs(rebuilt):
    result = rebuilt[2]
    assert result["runs"] == 1 and result["rebuild_median_s"] > result["floor_median_s"] > 0 and result["ratio"] > 1
    assert result["rebuild_cpu_median_s"] > result["floor_cpu_median_s"] > 0 and result["least_ratio_on_every_core"] > 0


def test_a_forced_run_over_the_committed_outputs_rewrites_them_byte_for_byte(rebuilt):
    path, committed, _ = rebuilt
    assert outputs(path) == committed
    assert any(name.endswith(".parquet") for name in committed) and any(name.startswith("data/charts/") for name in committed)


def test_two_repository_copies_give_identical_bytes(rebuilt, built):
    copies = outputs(rebuilt[0])
    assert copies == outputs(built)
    assert {"stalking-flanders.xlsx", "chart.png", "chart.svg", "index.html"} <= {name.rsplit("/", 1)[-1] for name in copies}


def test_the_descriptor_hashes_are_the_files_bytes(rebuilt):
    path = rebuilt[0]
    for resource in json.loads((path / repo.DESCRIPTOR).read_text())["resources"]:
        if resource["format"] == "parquet":
            assert "hash" not in resource  # see formats/parquet.py
            continue
        assert resource["hash"] == "sha256:" + hashlib.sha256((path / resource["path"]).read_bytes()).hexdigest()


def test_the_wheel_is_reproducible(built, tmp_path):
    """Two checkouts of the same commit, each with its own pipeline run and its own file times. A
    build writes beside its sources (the sdist's folder), so the shared build is copied first."""
    clone = tmp_path / "clone"
    run(["git", "clone", "-q", str(built), str(clone)], tmp_path)
    run(["dvc", "repro"], clone)
    wheels = []
    for n, source in enumerate((copy_of_built(built, tmp_path / "copy"), clone)):
        out = run(["python", "scripts/build_dist.py", str(tmp_path / f"dist{n}")], source).stdout.split()
        wheels.append(next(p for p in out if p.endswith(".whl")))
    assert open(wheels[0], "rb").read() == open(wheels[1], "rb").read()
