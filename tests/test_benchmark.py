"""The cold-start benchmark runs (a smoke test: no timing is asserted). The rebuild benchmark runs in
tests/test_reproducible.py, as the forced rebuild whose bytes it checks."""

import json

import pytest

from helpers import ROOT, run

pytestmark = pytest.mark.system  # runs outside programs: see conftest.py


def test_cold_start_benchmark_runs():
    result = json.loads(run(["python", "benchmarks/cold_start.py", "--runs", "1", "--json"], ROOT).stdout)
    assert result["table"] == "observations" and result["ratio"] > 0
