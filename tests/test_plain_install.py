"""A plain `pip install` (no extra): the loader reads the CSV files with pandas alone, the install
stays small, and every command that needs an extra says which one and exits 2, never 3."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

from helpers import DCAT_ARGS, ROOT, needs, run

pytestmark = pytest.mark.system  # installs from the package index (or pip's cache) into a new environment

MOST_BYTES = 200 * 1000 * 1000  # a plain install: the environment with the package and its dependencies


@pytest.fixture(scope="module")
def plain(tmp_path_factory) -> Path:
    """A new environment with the pinned base dependencies (requirements/loader.txt) and the wheel."""
    top = tmp_path_factory.mktemp("plain")
    run([sys.executable, "scripts/build_dist.py", str(top / "dist")], ROOT)
    wheel = next((top / "dist").glob("*.whl"))
    venv.create(top / "venv", with_pip=False)  # this run's pip installs into it (--python): nothing else is in it
    python = top / "venv" / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--disable-pip-version-check"]
    installed = subprocess.run(
        [*pip, "--require-hashes", "-r", ROOT / "requirements" / "loader.txt"], capture_output=True, text=True
    )
    needs(installed.returncode == 0, f"the base dependencies could not be installed: {installed.stderr[-500:]}")
    run([*pip, "--no-deps", wheel], top)
    return python


def command(plain: Path, *args) -> subprocess.CompletedProcess:
    return run([plain.parent / "stalking-flanders", *map(str, args)], plain.parent, check=False)


def test_the_plain_install_is_small_and_has_no_pyarrow(plain):
    size = sum(p.stat().st_size for p in plain.parents[1].rglob("*") if p.is_file() and not p.is_symlink())
    assert size <= MOST_BYTES, f"{size / 1e6:.0f} MB"
    found = run([plain, "-c", "import importlib.util as u; print(u.find_spec('pyarrow') is None)"], plain.parent).stdout
    assert found.strip() == "True"


def test_load_reads_every_table_with_pandas_alone(plain):
    code = (
        "import sys, stalking_flanders as s\n"
        "print(len(s.load('observations')), sorted(len(s.load(t, lang='en')) > 0 for t in s.tables()) == [True] * 5)\n"
        "print(int(s.load('observations')['count'].sum()), 'pyarrow' in sys.modules)\n"
    )
    assert run([plain, "-c", code], plain.parent).stdout.split() == ["21", "True", str(5687 + 125), "False"]


@pytest.fixture(scope="module")
def bundled(plain) -> str:
    """Where the plain install keeps the release it ships."""
    return run([plain, "-c", "import stalking_flanders.datapackage as d; print(d.BUNDLED)"], plain.parent).stdout.strip()


@pytest.mark.parametrize("args", [["tables"], ["show", "observations"], ["info"], ["diff", "{data}", "{data}"]])
def test_the_commands_of_the_base_install_work(plain, bundled, args):
    result = command(plain, *[a.format(data=bundled) for a in args])
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(("args", "extra"), [(["validate"], "validate"), (["dcat", *DCAT_ARGS], "portal")])
def test_a_command_that_needs_an_extra_says_which_and_exits_2(plain, args, extra):
    result = command(plain, *args)
    assert result.returncode == 2, result.stderr
    assert f"stalking-flanders {args[0]} needs the {extra} extra" in result.stderr
    said = result.stderr
    assert f"pip install 'stalking-flanders[{extra}] @ git+<repository>@<commit>'" in said and "internal error" not in said


def test_loading_another_version_says_how_to_get_dvc(plain):
    code = (
        "import stalking_flanders as s\n"
        "try:\n    s.load('observations', rev='v1.0.0')\nexcept ImportError as error:\n    print(type(error).__name__, error)\n"
    )
    said = run([plain, "-c", code], plain.parent).stdout
    assert said.startswith("MissingExtra load(name, rev=..., repo=...) needs the dvc extra") and "[dvc]" in said
