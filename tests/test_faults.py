"""Publishing under faults: a publish step killed at any point, two at once, a full disk. At every
instant the release loads and validates (the whole old one or the whole new one), and what a killed
run left is removed by the next run."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import copy_of_built, needs, run, sha256_tree, tool_env
from stalking_flanders import repo
from stalking_flanders.datapackage import DataPackage
from stalking_flanders.loader import load
from stalking_flanders.pipeline.atomic import clean_leftovers
from stalking_flanders.validation import validate_package

pytestmark = pytest.mark.system  # runs the pipeline's steps: see conftest.py

KILLS = 8  # points at which the step is killed, spread over one run


@pytest.fixture()
def workspace_built(built, tmp_path) -> Path:
    return copy_of_built(built, tmp_path / "repo")


def publish(folder: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "scripts/publish.py"],
        cwd=folder,
        env=tool_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def assert_whole(folder: Path) -> None:
    release = folder / repo.RELEASE
    assert release.is_dir(), "the release is gone"
    assert len(load("observations", release=DataPackage(release))) == 21
    assert validate_package(release) == []


def leftovers(folder: Path) -> list[str]:
    listed = run(["git", "status", "--porcelain", "--ignored"], folder).stdout
    return [line for line in listed.splitlines() if ".tmp-" in line or ".old" in line or ".new" in line]


def test_killed_at_many_points_the_release_is_always_whole(workspace_built):
    started = time.monotonic()
    first = publish(workspace_built)
    assert first.wait(timeout=300) == 0, first.stderr.read()
    seconds = time.monotonic() - started
    for k in range(KILLS):
        step = publish(workspace_built)
        time.sleep(seconds * (k + 0.5) / KILLS)
        step.send_signal(signal.SIGKILL)
        step.wait(timeout=60)
        assert_whole(workspace_built)
    last = publish(workspace_built)
    assert last.wait(timeout=300) == 0, last.stderr.read()
    assert_whole(workspace_built)
    assert leftovers(workspace_built) == []  # the next run removed what the killed ones left
    rooted = (workspace_built / repo.DESCRIPTOR).read_text()
    assert '"path": "data/release/observations.csv"' in rooted
    assert run(["git", "status", "--porcelain"], workspace_built).stdout.strip() == ""


def test_a_run_killed_between_two_renames_is_recovered(tmp_path):
    target = tmp_path / "release"
    (tmp_path / ".release.old").mkdir()
    (tmp_path / ".release.old" / "a.csv").write_text("x")
    (tmp_path / ".release.tmp-abc").mkdir()
    clean_leftovers(target)
    assert (target / "a.csv").read_text() == "x" and sorted(p.name for p in tmp_path.iterdir()) == ["release"]


def test_two_runs_at_once_take_turns(workspace_built):
    runs = [publish(workspace_built) for _ in range(2)]
    for step in runs:
        assert step.wait(timeout=300) == 0, step.stderr.read()
    assert_whole(workspace_built)
    assert leftovers(workspace_built) == []


def test_a_full_disk_is_a_clear_message_and_changes_nothing(workspace_built, tmp_path):
    needs(os.geteuid() == 0 and shutil.which("mount") is not None, "mounting a small file system needs root")
    disk = tmp_path / "disk"
    disk.mkdir()
    release = workspace_built / repo.RELEASE
    size = sum(p.stat().st_size for p in release.rglob("*") if p.is_file())
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size + 64 * 1024}", "tmpfs", str(disk)], capture_output=True, text=True
    )
    needs(mounted.returncode == 0, f"cannot mount a small file system here: {mounted.stderr.strip()}")
    try:
        shutil.copytree(release, disk / "release")  # the last good release, on a disk with no room for another
        before = sha256_tree(disk / "release")
        code = (
            "import sys; sys.path.insert(0, 'scripts'); from _step import definitions, run_step\n"
            "from stalking_flanders import repo\n"
            "from stalking_flanders.pipeline.published import make_release\n"
            f"run_step(lambda: make_release(repo.VALIDATED, repo.CHARTS, repo.ARCHIVE, definitions(), {str(disk / 'release')!r}, "
            f"{str(disk / 'datapackage.json')!r}, {str(disk / 'chart.png')!r}))\n"
        )
        result = run([sys.executable, "-c", code], workspace_built, check=False)
        assert result.returncode == 1 and "the disk is full" in result.stderr and "Traceback" not in result.stderr
        assert sha256_tree(disk / "release") == before
        assert sorted(p.name for p in disk.iterdir() if not p.name.endswith(".lock")) == ["release"]
    finally:
        subprocess.run(["umount", str(disk)], check=False)


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_validate_stopped_while_it_checks_leaves_no_copy_of_the_package_behind(tmp_path, stop):
    """validate checks a staged copy of the package's files in a temporary folder: a command stopped
    while Frictionless reads it removes it, and ends as the signal ends a process."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    bundled = DataPackage().root
    command = [sys.executable, "-m", "stalking_flanders", "validate", str(bundled)]
    process = subprocess.Popen(command, env={**tool_env(), "TMPDIR": str(temporary)}, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not any(temporary.glob("stalking-flanders-*")):
        assert process.poll() is None, "validate ended before it staged a copy"
        assert time.monotonic() < deadline
        time.sleep(0.002)
    process.send_signal(stop)
    assert process.wait(timeout=30) == -stop
    assert list(temporary.glob("stalking-flanders-*")) == []
