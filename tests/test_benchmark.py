"""The benchmark runs (a smoke test: no timing is asserted)."""

import json

from conftest import ROOT, run


def test_cold_start_benchmark_runs():
    result = json.loads(run(["python", "benchmarks/cold_start.py", "--runs", "1", "--json"], ROOT).stdout)
    assert result["table"] == "observations" and result["ratio"] > 0
