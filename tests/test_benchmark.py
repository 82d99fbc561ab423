"""The benchmark runs (a smoke test: no timing is asserted)."""

import json

import pytest

from helpers import ROOT, run

pytestmark = pytest.mark.system  # runs outside programs: see conftest.py


def test_cold_start_benchmark_runs():
    result = json.loads(run(["python", "benchmarks/cold_start.py", "--runs", "1", "--json"], ROOT).stdout)
    assert result["table"] == "observations" and result["ratio"] > 0


def test_rebuild_benchmark_runs(workspace):
    result = json.loads(
        run(["python", str(ROOT / "benchmarks" / "rebuild.py"), "--runs", "1", "--no-warm-up", "--json"], workspace).stdout
    )
    assert result["rebuild_median_s"] > result["floor_median_s"] > 0 and result["ratio"] > 1
