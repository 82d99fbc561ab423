"""Shared fixtures: the repository's definitions, and a release built for real by `dvc repro` in
a fresh git repository that holds exactly the files of this working tree that git would commit.

Every test that needs a build, a server, a browser or another outside program is marked
``system`` (by the fixtures it uses, or by its module); ``pytest -m "not system"`` runs the rest
in seconds.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # helpers.py

from helpers import (  # noqa: E402
    DOORS,
    GONE_THROUGH,
    ROOT,
    SWEPT,
    SharedBuildFailed,
    build_shared,
    cli,
    digest,
    free_port,
    fresh_repository,
    needs,
    serving,
    wrong_end,
)
from stalking_flanders import repo  # noqa: E402
from stalking_flanders.pipeline.definitions import load_definitions  # noqa: E402

collect_ignore = ["ckan/harvest.py"]  # runs in .venv-ckan, by tests/test_ckan_harvest.py
SYSTEM_FIXTURES = {"built", "release", "workspace"}  # each runs `dvc repro` or copies the repository


def pytest_addoption(parser):
    parser.addoption(
        "--no-sweep",
        action="store_true",
        help="do not hand the folders hostile tests leave to every door (make test-fast; make test sweeps)",
    )


def pytest_collection_modifyitems(items):
    for item in items:
        if SYSTEM_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.system)
    readers_last(items)


def readers_last(items) -> None:
    """The modules none of whose tests reads the build first, so that the workers go through them
    while the build is made (:func:`_start_the_build`) instead of waiting for it at the first module
    that reads it; then the others. In each group the modules with more tests first, as
    pytest-xdist would order them all (its own reordering is off: ``--no-loadscope-reorder`` in
    pyproject.toml), and each module's tests in their order."""

    def module(item) -> str:
        return item.nodeid.split("::", 1)[0]

    reading = {module(item) for item in items if "built" in getattr(item, "fixturenames", ())}
    sizes = Counter(module(item) for item in items)
    items.sort(key=lambda item: (module(item) in reading, -sizes[module(item)]))


def pytest_collection_finish(session):
    # What collecting imported (pandas, pyarrow, Hypothesis, ...) lives until the process ends: the
    # cycle collector stops scanning it again on every full collection while the tests run.
    gc.freeze()
    _start_the_build(session)


@pytest.fixture(scope="session")
def defs():
    return load_definitions(ROOT / repo.SCHEMAS, ROOT / repo.PYPROJECT)


def _shared(config) -> Path:
    """The run's folder, above each worker's (where the workers of ``pytest -n`` share the build)."""
    top = config._tmp_path_factory.getbasetemp()
    return top.parent if hasattr(config, "workerinput") else top


@pytest.fixture(scope="session")
def built(request) -> Path:
    """A repository copy in which `dvc repro` has built the release from the archived answer (the
    committed outputs are removed first, so that every stage runs). Built once per test run: the
    workers of ``pytest -n`` share it, so it is only read (a test that changes it copies it first).
    A build that failed is reported to every worker, not tried again by each.

    The build starts as collection ends, in a process of its own (:func:`pytest_collection_finish`),
    so that a worker runs other tests meanwhile instead of waiting for it."""
    builder = BUILDERS.pop(request.config, None)
    if builder is not None:
        builder.wait()
    try:
        return build_shared(_shared(request.config))
    except SharedBuildFailed as error:
        pytest.fail(str(error))


# request.config -> the process building the release beside the first tests (a new process, not a
# thread: a door run in this one sets limits on this process's memory, which a program started
# meanwhile would inherit)
BUILDERS: dict = {}


def _start_the_build(session) -> None:
    if not any("built" in getattr(item, "fixturenames", ()) for item in session.items):
        return
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import helpers; helpers.build_shared(helpers.Path(sys.argv[2]), quiet=True)"
    )
    shared = _shared(session.config)
    BUILDERS[session.config] = subprocess.Popen(
        [sys.executable, "-c", code, str(Path(__file__).parent), str(shared)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def pytest_sessionfinish(session, exitstatus):
    builder = BUILDERS.pop(session.config, None)
    if builder is None:
        return
    if exitstatus == pytest.ExitCode.INTERRUPTED:
        builder.terminate()  # what it leaves half built, the next build of the same folder removes
    builder.wait()  # a worker done before the build is: another may need it whole


@pytest.fixture(scope="session")
def release(built) -> Path:
    return built / repo.RELEASE


@pytest.fixture()
def workspace(tmp_path) -> Path:
    """A repository copy of one's own, to damage (nothing built)."""
    return fresh_repository(tmp_path / "repo")


# Exit 3 is for our bugs only: every package folder a test marked `hostile` leaves behind is handed to
# every command that takes a folder (DOORS in helpers.py), and none may end in exit 3, a traceback or
# an error that is not the package's. The Python API's door, `validate_package`, is the one the
# `validate` command runs, within the same bounds, and every error of it but the package's, an
# OSError (which the sweep's own call of the API let pass too) and the memory bound's ends that
# command in exit 3: the sweep does not run it a second time. New hostile cases
# are swept without being named; a folder a test handed to every door itself (`through_every_door`)
# is not handed again, nor one whose every byte, name, kind and mode a folder swept before had at
# the same place under its test's folder (what the doors make of it is the same); a door the test
# itself handed the folder as it is now, and that ended well, is not gone through again.
# `make test` sweeps; `make test-fast` (--no-sweep) leaves the sweep to it.


def package_folders(top: Path, depth: int = 3) -> list[Path]:
    """The folders under ``top`` holding a ``datapackage.json`` (links not followed)."""
    found, level = [], [top]
    for _ in range(depth + 1):
        found += [folder for folder in level if os.path.lexists(folder / "datapackage.json")]
        level = [entry for folder in level for entry in _subfolders(folder)]
    return found


def _subfolders(folder: Path) -> list[Path]:
    try:
        with os.scandir(folder) as entries:
            return [Path(e.path) for e in entries if e.is_dir(follow_symlinks=False)]
    except OSError:
        return []


SWEPT_CONTENTS: set[tuple[str, str]] = set()  # (place under the test's folder, digest) of each folder swept


def sweep(folder: Path, found: str | None = None, seen: frozenset = frozenset()) -> list[str]:
    """What went wrong when each door was handed ``folder``: exit 3 (an error that is not the
    package's) or a traceback. A door in ``seen`` (door, folder, ``found``, the folder's digest) was
    handed the folder as it is by the test itself, and ended well: it is not handed it again."""
    wrong = []
    for door, argv in DOORS.items():
        if found is not None and (door, str(folder), found) in seen:
            continue
        ran = cli(*argv(folder))
        if wrong_end(ran.returncode, ran.stderr):
            wrong.append(f"{door}: exit {ran.returncode}: {ran.stderr[-500:]}")
    return wrong


@pytest.fixture(autouse=True)
def _every_door_on_every_hostile_folder(request):
    swept = request.node.get_closest_marker("hostile") is not None and not request.config.getoption("--no-sweep")
    if not swept or "tmp_path" not in request.fixturenames:
        yield
        return
    tmp_path = request.getfixturevalue("tmp_path")  # set up first, so that it is still there afterwards
    GONE_THROUGH.clear()
    yield
    # what a test saw with a function of ours replaced is not what the doors do: handed again
    seen = frozenset() if "monkeypatch" in request.fixturenames else frozenset(GONE_THROUGH)
    wrong = {}
    for folder in package_folders(tmp_path):
        key = (str(folder.relative_to(tmp_path)), digest(folder))
        if folder in SWEPT or key in SWEPT_CONTENTS:
            continue
        if found := sweep(folder, key[1], seen):
            wrong[str(folder)] = found
        elif key[1] is not None:
            SWEPT_CONTENTS.add(key)
    assert not wrong, wrong


# An S3-compatible server (moto, in its own environment .venv-s3server), for the remote and the
# publish tests: started once per worker, on 127.0.0.1, with a bucket and test-only credentials.
S3_BIN = Path(os.environ.get("STALKING_FLANDERS_S3SERVER_BIN", ROOT / ".venv-s3server" / "bin"))
BUCKET = "stalking-flanders-test"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test-only", "AWS_SECRET_ACCESS_KEY": "test-only", "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture(scope="session")
def s3():
    server = S3_BIN / "moto_server"
    needs(server.exists(), f"no S3-compatible test server at {server}: `make test` installs it (requirements/s3server.txt)")
    port = free_port()
    with serving([server, "-H", "127.0.0.1", "-p", str(port)], f"http://127.0.0.1:{port}") as url:
        create = (
            f"import boto3; boto3.client('s3', endpoint_url={url!r}, region_name='us-east-1', "
            f"aws_access_key_id='test-only', aws_secret_access_key='test-only').create_bucket(Bucket={BUCKET!r})"
        )
        subprocess.run([S3_BIN / "python", "-c", create], check=True, capture_output=True)
        yield url
