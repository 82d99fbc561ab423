"""Each DVC stage depends on exactly the code it runs: the modules its script imports, followed
through every import (lazy ones too), with the files those modules read; so a change to a module
no stage imports (the command line, the portal record) re-runs no stage."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from helpers import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from stage_deps import NOT_READ_BY_STAGES, PACKAGE, READS, STAGE_COMMANDS, expected_code_deps  # noqa: E402


def test_every_file_a_module_reads_is_named():
    data = {p.relative_to(ROOT).as_posix() for p in PACKAGE.rglob("*") if p.is_file() and p.suffix != ".py"}
    data = {d for d in data if "__pycache__" not in d and not Path(d).name.startswith(".")}  # not a lock
    named = {read for reads in READS.values() for read in reads} | set(NOT_READ_BY_STAGES)
    assert {d for d in data if not any(d == n or d.startswith(n + "/") for n in named)} == set()


def test_each_stage_depends_on_the_modules_it_imports_and_no_others():
    stages = yaml.safe_load((ROOT / "dvc.yaml").read_text())["stages"]
    for stage, script in STAGE_COMMANDS.items():
        spec = stages[stage].get("do", stages[stage])
        code = sorted(d for d in spec["deps"] if d.startswith(("src/", "scripts/")))
        assert code == expected_code_deps(script), f"dvc.yaml, stage {stage}: run python scripts/stage_deps.py --write"


def test_a_change_to_the_command_line_reruns_no_stage():
    for script in STAGE_COMMANDS.values():
        deps = expected_code_deps(script)
        assert "src/stalking_flanders/cli.py" not in deps and "src/stalking_flanders/dcat.py" not in deps
