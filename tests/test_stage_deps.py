"""Each DVC stage depends on exactly the code it runs: the modules its script imports, followed
through every import (lazy ones too), with the files those modules read; so a change to a module
no stage imports (the command line, the portal record) re-runs no stage."""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import re
import sys
from pathlib import Path

import pytest
import yaml

from helpers import ROOT, run

sys.path.insert(0, str(ROOT / "scripts"))
from stage_deps import (  # noqa: E402
    NOT_READ_BY_STAGES,
    PACKAGE,
    READS,
    STAGE_COMMANDS,
    _import_nodes,
    _parsed,
    closure,
    expected_code_deps,
    functions_of_packages,
)


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


def _libraries(modules: set[Path]) -> set[str]:
    """The top-level names of the modules outside the standard library and the project that ``modules`` import."""
    names = set()
    for module in modules:
        for node in _walked(module):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names.add(node.module.split(".")[0])
    project = {"stalking_flanders", *(p.stem for folder in ("scripts", "backend") for p in (ROOT / folder).glob("*.py"))}
    return {n for n in names if n not in sys.stdlib_module_names and n not in project}


def test_the_pipelines_environment_holds_what_release_and_publish_import():
    """`make release` and `make publish` run in .venv as requirements/pipeline.txt makes it: each
    library that the stages' scripts and the publish script import (through the project's modules)
    is a distribution that file pins. rdflib was not: `make publish` writes the DCAT record."""
    scripts = [*STAGE_COMMANDS.values(), "scripts/distribute.py"]
    libraries = _libraries(set().union(*(closure(ROOT / script) for script in scripts)))
    canonical = lambda name: re.sub(r"[-_.]+", "-", name).lower()  # noqa: E731
    lines = (ROOT / "requirements" / "pipeline.txt").read_text().splitlines()
    pinned = {canonical(line.split("==")[0]) for line in lines if "==" in line and not line.startswith((" ", "#"))}
    distributions = importlib.metadata.packages_distributions()
    missing = {n: distributions.get(n) for n in libraries if not {canonical(d) for d in distributions.get(n, [])} & pinned}
    assert "rdflib" in libraries and not missing, missing


def test_the_lock_records_each_stage_with_the_deps_dvc_yaml_lists():
    """DVC does not run a stage again for a dep it no longer lists: the lock keeps it until
    `dvc commit -f` (docs/maintainers.md)."""
    stages = yaml.safe_load((ROOT / "dvc.yaml").read_text())["stages"]
    locked = yaml.safe_load((ROOT / "dvc.lock").read_text())["stages"]
    code = lambda paths: {p for p in paths if p.startswith(("src/", "scripts/"))}  # noqa: E731
    for name, lock in locked.items():  # a stage of many items is locked once for each: extract@<source>
        spec = stages[name.split("@")[0]]
        listed = code(spec.get("do", spec)["deps"])
        assert code(d["path"] for d in lock["deps"]) == listed, f"{name}: run dvc repro (or dvc commit -f)"


def test_a_change_to_the_command_line_reruns_no_stage():
    for script in STAGE_COMMANDS.values():
        deps = expected_code_deps(script)
        assert "src/stalking_flanders/cli.py" not in deps and "src/stalking_flanders/dcat.py" not in deps
        assert "src/stalking_flanders/loader.py" not in deps  # nor to the loader (the package's load() imports it)


@functools.cache  # a stage's modules are met again by every stage and package: each is walked once
def _walked(module: Path) -> list[ast.AST]:
    return list(ast.walk(_parsed(module)))


def _uses(module: Path, package: str, names: set[str]) -> set[str]:
    """Which of ``names`` (functions of ``package``) the module at ``module`` imports from it (by name
    or by ``*``) or calls on it (under its own name or another it is imported as)."""
    here = ".".join(module.relative_to(ROOT / "src").with_suffix("").parts[:-1]) if module.is_relative_to(ROOT / "src") else ""
    nodes = _walked(module)
    called = {package.split(".")[-1]} | {
        a.asname for n in nodes if isinstance(n, ast.Import) for a in n.names if a.name == package and a.asname
    }
    used = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = here.split(".")[: len(here.split(".")) - node.level + 1]
                base = ".".join([*parts, *([base] if base else [])])
            if base == package:
                used |= names if any(a.name == "*" for a in node.names) else {a.name for a in node.names} & names
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in called:
            used |= {node.attr} & names
    return used


@pytest.mark.parametrize(
    "code",
    [
        "from stalking_flanders import load\n",
        "from stalking_flanders import *\n",
        "import stalking_flanders\nstalking_flanders.load('x')\n",
        "import stalking_flanders as sf\nsf.load('x')\n",
    ],
)
def test_a_use_of_a_package_function_is_seen_however_it_is_imported(tmp_path, code):
    module = tmp_path / "stage.py"
    module.write_text(code, encoding="utf-8")
    assert _uses(module, "stalking_flanders", {"load", "citation"}) >= {"load"}


def test_no_stage_calls_a_function_of_a_package_whose_imports_the_stages_deps_leave_out():
    """stage_deps.py does not follow the imports inside a package __init__'s functions (the public
    load() and citation(), which import the loader when called): no module a stage runs may call one."""
    inits = {p: ".".join(p.relative_to(ROOT / "src").parts[:-1]) for p in PACKAGE.rglob("__init__.py")}
    for stage, script in STAGE_COMMANDS.items():
        for module in closure(ROOT / script):
            for init, package in inits.items():
                used = _uses(module, package, functions_of_packages(init)) if module != init else set()
                assert not used, f"stage {stage}: {module.relative_to(ROOT)} uses {package}.{sorted(used)}"


def test_a_new_version_or_format_draws_no_chart_again_but_a_changed_figure_does():
    # the charts depend on the validated tables, not on the version (which the publish step takes
    # as a parameter) nor on the published files
    stages = yaml.safe_load((ROOT / "dvc.yaml").read_text())["stages"]
    draw, publish = stages["draw"], stages["publish"]
    assert "params" not in draw and not any(d.startswith(("pyproject", "data/release")) for d in draw["deps"])
    assert "data/validated" in draw["deps"] and "data/charts" in publish["deps"]
    assert publish["params"] == [{"pyproject.toml": ["project.version"]}]


def test_a_change_to_a_format_reruns_only_the_steps_that_publish():
    for stage in ("extract", "validate", "draw", "package"):
        deps = expected_code_deps(STAGE_COMMANDS[stage])
        assert not [d for d in deps if d.startswith("src/stalking_flanders/formats")], stage
    assert "src/stalking_flanders/formats" in expected_code_deps(STAGE_COMMANDS["publish"])


def test_the_steps_name_a_table_s_csv_file_as_the_csv_format_of_a_release_does():
    from stalking_flanders import csv_tables
    from stalking_flanders.formats import csv

    for table in ("observations", "categories", "series", "subquestions", "source_questions"):
        assert csv_tables.file_name(table) == csv.FORMAT.file_name(table)


@pytest.mark.system  # runs each stage's script in a process of its own
@pytest.mark.parametrize("stage", STAGE_COMMANDS)
def test_every_module_a_stage_loads_is_one_of_its_deps(stage):
    # What the imports above cannot see (a module loaded by a name the code computes, as the formats'
    # plugins are) is seen here: each script's imports are run, and every module of the package then
    # loaded must be a dep, as a file or inside a folder that is one.
    script = ROOT / STAGE_COMMANDS[stage]
    code = (
        "import runpy, sys; sys.path.insert(0, sys.argv[1]); runpy.run_path(sys.argv[2]); "
        "print('\\n'.join(m.__file__ for m in list(sys.modules.values()) if getattr(m, '__file__', None)))"
    )
    loaded = run([sys.executable, "-c", code, str(script.parent), str(script)], ROOT).stdout.split()
    ours = {Path(f).resolve().relative_to(ROOT).as_posix() for f in loaded if Path(f).resolve().is_relative_to(ROOT)}
    ours = {m for m in ours if m.startswith(("src/", "scripts/"))}
    deps = expected_code_deps(STAGE_COMMANDS[stage])
    assert ours and {m for m in ours if not any(m == d or m.startswith(d + "/") for d in deps)} == set()


def test_a_mistyped_option_is_a_usage_error_not_a_print():
    # `--wirte` printed the deps and exited 0, so the one who meant --write saw dvc.yaml unchanged
    result = run([sys.executable, str(ROOT / "scripts" / "stage_deps.py"), "--wirte"], ROOT, check=False)
    assert result.returncode == 2 and "unrecognized arguments: --wirte" in result.stderr


def test_a_package_s_module_getattr_is_followed_and_its_other_functions_are_not(tmp_path):
    """Python calls a module's ``__getattr__`` for a name the module lacks, without the name
    ``__getattr__`` being written anywhere: the imports inside it are the module's own."""
    init = tmp_path / "__init__.py"
    init.write_text("def __getattr__(name):\n    import json\n\ndef load():\n    import csv\n", encoding="utf-8")
    modules = {a.name for node in _import_nodes(init) if isinstance(node, ast.Import) for a in node.names}
    assert modules == {"json"} and functions_of_packages(init) == {"load"}
