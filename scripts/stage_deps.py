"""The code each DVC stage runs: the modules its script imports, followed through every import
(lazy ones too, and the packages they sit in; not those inside the functions of a package's
``__init__.py``, which no stage calls), with the files those modules read. `dvc.yaml` lists
exactly these as each stage's code deps (tests/test_stage_deps.py checks it), so that a change to a
module no stage imports (the command line, the portal record) re-runs no stage.

    python scripts/stage_deps.py          # print each stage's code deps
    python scripts/stage_deps.py --write  # rewrite them in dvc.yaml
"""

from __future__ import annotations

import argparse
import ast
import functools
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "stalking_flanders"
SCRIPTS = ROOT / "scripts"
# Files other than modules that a module reads, by the module that reads them.
READS = {
    "src/stalking_flanders/texts.py": ["src/stalking_flanders/texts.toml"],
    "src/stalking_flanders/pipeline/page.py": ["src/stalking_flanders/pipeline/templates"],
}
# The script each stage runs.
STAGE_COMMANDS = {
    "extract": "scripts/extract.py",
    "validate": "scripts/validate.py",
    "draw": "scripts/draw.py",
    "publish": "scripts/publish.py",
    "package": "scripts/package.py",
}
# Files of the package that no stage reads: the record of releases (read by validate and dcat at
# run time, written when a release is cut) and the package's copies that the package stage makes.
NOT_READ_BY_STAGES = ["src/stalking_flanders/releases.toml", "src/stalking_flanders/data", "src/stalking_flanders/registry.toml"]
# functions of a module that Python calls without their name being written in the code that uses them
CALLED_UNNAMED = frozenset({"__getattr__", "__dir__"})


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


@functools.cache  # each stage's closure meets the same modules: each is parsed once per run
def _parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


@functools.cache  # as the parse: asked of each module once for each stage that meets it
def loads_by_name(path: Path) -> bool:
    """Whether the module at ``path`` imports modules by a name it computes (``import_module``, as the
    registry of formats loads its plugins): it may load any module of its folder, so a stage that
    runs it depends on the whole folder (a new module there is a dep without editing dvc.yaml)."""
    return any(
        isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "import_module"
        for node in ast.walk(_parsed(path))
    )


def _import_nodes(path: Path):
    """The nodes of the module at ``path`` that may import: all of them, but in a package's
    ``__init__.py`` not those inside its functions. Those are the public API's (``load``,
    ``citation``), which import their module when called, and no stage calls them
    (tests/test_stage_deps.py checks it): a change to the loader re-runs no stage. Functions that
    Python calls without their name being written (a module's ``__getattr__`` and ``__dir__``) are
    followed as the module's body is."""
    if path.name != "__init__.py":
        yield from ast.walk(_parsed(path))
        return
    todo = list(_parsed(path).body)
    while todo:
        node = todo.pop()
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or node.name in CALLED_UNNAMED:
            yield node
            todo += ast.iter_child_nodes(node)


def functions_of_packages(path: Path) -> set[str]:
    """The names of the functions of the package ``__init__.py`` at ``path`` (whose imports
    :func:`_import_nodes` leaves out)."""
    functions = (ast.FunctionDef, ast.AsyncFunctionDef)
    return {n.name for n in _parsed(path).body if isinstance(n, functions) and n.name not in CALLED_UNNAMED}


@functools.cache
def imported(path: Path) -> frozenset[Path]:
    """The project's modules that ``path`` imports directly (package __init__ files included, and
    every module of its folder if it imports by name)."""
    found: set[Path] = set(path.parent.glob("*.py")) - {path} if loads_by_name(path) else set()
    here = _package_of(path) if path.is_relative_to(ROOT / "src") else ""
    for node in _import_nodes(path):
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
    return frozenset(found)


def closure(script: Path) -> set[Path]:
    seen, todo = set(), [script]
    while todo:
        path = todo.pop()
        if path not in seen:
            seen.add(path)
            todo += imported(path)
    return seen


def expected_code_deps(script: str) -> list[str]:
    modules = closure(ROOT / script)
    folders = {path.parent for path in modules if loads_by_name(path)}
    files = sorted(p.relative_to(ROOT).as_posix() for p in modules)
    reads = [read for f in files for read in READS.get(f, [])]
    kept = [p.relative_to(ROOT).as_posix() for p in modules if p.parent not in folders]
    return sorted(kept + [folder.relative_to(ROOT).as_posix() for folder in folders] + reads)


def write(dvc_yaml: Path = ROOT / "dvc.yaml") -> None:
    """Replace the code deps of each stage in ``dvc_yaml`` (the run of ``scripts/`` and ``src/`` lines) by the derived ones."""
    text = dvc_yaml.read_text(encoding="utf-8")
    for stage, script in STAGE_COMMANDS.items():
        deps = r"(?P<indent> +)- (?:scripts|src)/.*\n(?:(?P=indent)- (?:scripts|src)/.*\n)*"
        block = re.compile(rf"(?m)^(  {stage}:\n(?:(?!  \S).*\n)*?)({deps})")
        match = block.search(text)
        if match is None:
            raise SystemExit(f"dvc.yaml: stage {stage} lists no code deps to replace")
        lines = "".join(f"{match['indent']}- {dep}\n" for dep in expected_code_deps(script))
        text = text[: match.start(2)] + lines + text[match.end(2) :]
    dvc_yaml.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the stages' code deps in dvc.yaml")
    if parser.parse_args().write:  # an unknown option is a usage error (exit 2), not a print
        write()
    else:
        for stage, script in STAGE_COMMANDS.items():
            print(f"{stage}:", *expected_code_deps(script), sep="\n  ")
