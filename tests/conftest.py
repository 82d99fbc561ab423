"""Shared fixtures: the repository's definitions, and a release built for real by `dvc repro` in
a fresh git repository that holds exactly the files of this working tree that git would commit.

Every test that needs a build, a server, a browser or another outside program is marked
``system`` (by the fixtures it uses, or by its module); ``pytest -m "not system"`` runs the rest
in seconds.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # helpers.py

from helpers import ROOT, fresh_repository, run  # noqa: E402
from stalking_flanders import repo  # noqa: E402
from stalking_flanders.pipeline.definitions import load_definitions  # noqa: E402

collect_ignore = ["ckan/harvest.py"]  # runs in .venv-ckan, by tests/test_ckan_harvest.py
SYSTEM_FIXTURES = {"built", "release", "workspace"}  # each runs `dvc repro` or copies the repository


def pytest_collection_modifyitems(items):
    for item in items:
        if SYSTEM_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.system)


@pytest.fixture(scope="session")
def defs():
    return load_definitions(ROOT / repo.SCHEMAS, ROOT / repo.PYPROJECT)


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """A repository copy in which `dvc repro` has built the release."""
    path = fresh_repository(tmp_path_factory.mktemp("built"))
    run(["dvc", "repro"], path)
    return path


@pytest.fixture(scope="session")
def release(built) -> Path:
    return built / repo.RELEASE


@pytest.fixture()
def workspace(tmp_path) -> Path:
    """A repository copy of one's own, to damage (nothing built)."""
    return fresh_repository(tmp_path / "repo")
