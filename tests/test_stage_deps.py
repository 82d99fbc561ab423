"""Each DVC stage depends on exactly the code it runs: the modules its script imports, followed
through every import (lazy ones too), with the files those modules read; so a change to a module
no stage imports (the command line, the portal record) re-runs no stage."""

from __future__ import annotations

import ast
from pathlib import Path

import yaml

from helpers import ROOT

PACKAGE = ROOT / "src" / "stalking_flanders"
SCRIPTS = ROOT / "scripts"
# Files other than modules that a module reads, by the module that reads them.
READS = {
    "src/stalking_flanders/texts.py": ["src/stalking_flanders/texts.toml"],
    "src/stalking_flanders/pipeline/page.py": ["src/stalking_flanders/pipeline/templates"],
}
# What every stage reads that is not code: the data and definitions its command names.
STAGE_COMMANDS = {"extract": "scripts/extract.py", "validate": "scripts/validate.py", "publish": "scripts/publish.py"}


def _module_file(dotted: str) -> Path | None:
    parts = dotted.split(".")
    if parts[0] == "stalking_flanders":
        base = PACKAGE.joinpath(*parts[1:])
    elif len(parts) == 1 and (SCRIPTS / f"{parts[0]}.py").is_file():
        return SCRIPTS / f"{parts[0]}.py"
    else:
        return None
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _package_of(path: Path) -> str:
    relative = path.relative_to(ROOT / "src").with_suffix("")
    parts = list(relative.parts)
    return ".".join(parts[:-1] if parts[-1] != "__init__" else parts[:-1])


def imported(path: Path) -> set[Path]:
    """The project's modules that ``path`` imports directly (package __init__ files included)."""
    found: set[Path] = set()
    here = _package_of(path) if path.is_relative_to(ROOT / "src") else ""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*here.split(".")[: len(here.split(".")) - node.level + 1], *([base] if base else [])])
            names = [base, *(f"{base}.{a.name}" for a in node.names)]
        for name in names:
            parts = name.split(".")
            for i in range(1, len(parts) + 1):  # importing a.b.c runs a and a.b first
                module = _module_file(".".join(parts[:i]))
                if module is not None:
                    found.add(module)
    return found


def closure(script: Path) -> set[Path]:
    seen, todo = set(), [script]
    while todo:
        path = todo.pop()
        if path not in seen:
            seen.add(path)
            todo += imported(path)
    return seen


def expected_code_deps(script: str) -> list[str]:
    files = sorted(p.relative_to(ROOT).as_posix() for p in closure(ROOT / script))
    return sorted(files + [read for f in files for read in READS.get(f, [])])


def test_every_file_a_module_reads_is_named():
    data = {p.relative_to(ROOT).as_posix() for p in PACKAGE.rglob("*") if p.is_file() and p.suffix != ".py"}
    data = {d for d in data if not Path(ROOT / d).is_symlink() and "__pycache__" not in d}
    named = {read for reads in READS.values() for read in reads}
    assert {d for d in data if not any(d == n or d.startswith(n + "/") for n in named)} == set()


def test_each_stage_depends_on_the_modules_it_imports_and_no_others():
    stages = yaml.safe_load((ROOT / "dvc.yaml").read_text())["stages"]
    for stage, script in STAGE_COMMANDS.items():
        spec = stages[stage].get("do", stages[stage])
        code = sorted(d for d in spec["deps"] if d.startswith(("src/", "scripts/")))
        assert code == expected_code_deps(script), f"dvc.yaml, stage {stage}: its code deps should be:\n" + "\n".join(
            f"        - {d}" for d in expected_code_deps(script)
        )


def test_a_change_to_the_command_line_reruns_no_stage():
    for script in STAGE_COMMANDS.values():
        deps = expected_code_deps(script)
        assert "src/stalking_flanders/cli.py" not in deps and "src/stalking_flanders/dcat.py" not in deps
