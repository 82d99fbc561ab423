"""`pip install` of the built wheel (and sdist) in a fresh virtual environment, offline: the data
ships inside, byte-identical to the pipeline's release, and loads and validates from there."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from helpers import copy_of_built, fresh_venv, run, sha256_tree
from stalking_flanders import repo

pytestmark = pytest.mark.system  # runs outside programs: see conftest.py


def build(source: Path, out: Path) -> dict[str, Path]:
    """The wheel and the sdist, built as releases are: by scripts/build_dist.py."""
    paths = [Path(line) for line in run([sys.executable, "scripts/build_dist.py", str(out)], source).stdout.split()]
    return {"wheel": next(p for p in paths if p.suffix == ".whl"), "sdist": next(p for p in paths if p.name.endswith(".tar.gz"))}


@pytest.fixture(scope="module")
def dists(built, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dist")
    return build(copy_of_built(built, tmp_path_factory.mktemp("building") / "repo"), out)  # a build writes where it runs


def test_the_wheel_carries_the_runtime_and_not_the_pipeline(dists):
    names = zipfile.ZipFile(dists["wheel"]).namelist()
    assert "stalking_flanders/loader.py" in names and "stalking_flanders/texts.toml" in names
    assert not [n for n in names if n.startswith("stalking_flanders/pipeline")]


@pytest.mark.parametrize("kind", ["wheel", "sdist"])
def test_installed_package_ships_the_release_and_loads_offline(kind, dists, built, tmp_path):
    python = fresh_venv(tmp_path / "venv")
    install = [python, "-m", "pip", "install", "--quiet", "--no-index", "--no-deps", "--disable-pip-version-check"]
    if kind == "sdist":
        install.append("--no-build-isolation")
    result = subprocess.run([*install, dists[kind]], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr

    where = subprocess.run(
        [python, "-c", "import stalking_flanders, pathlib; print(pathlib.Path(stalking_flanders.__file__).parent)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    ).stdout.strip()
    installed = Path(where)
    assert installed.is_relative_to(tmp_path / "venv"), installed
    assert sha256_tree(installed / "data") == sha256_tree(built / repo.RELEASE)
    assert (installed / "registry.toml").read_bytes() == (built / repo.ARCHIVE / "registry.toml").read_bytes()

    code = (
        "import stalking_flanders as s\n"
        "for name in s.tables():\n"
        "    for lang in ('nl', 'en'):\n"
        "        assert len(s.load(name, lang=lang)) > 0\n"
        "print(s.__version__, len(s.load('observations')))\n"
    )
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path).stdout
    assert out.split() == [
        run(["python", "-c", "import stalking_flanders as s; print(s.__version__)"], built).stdout.strip(),
        "21",
    ]

    cli = tmp_path / "venv" / "bin" / "stalking-flanders"
    result = subprocess.run([cli, "validate"], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    result = subprocess.run([python, "-m", "stalking_flanders", "show", "nope"], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 2 and "the tables are" in result.stderr
