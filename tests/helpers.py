"""What many tests share: running the project's tools, fresh repository copies, local servers,
damaged copies of a release, and hashing folders. Fixtures are in conftest.py."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
import venv
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

from stalking_flanders import repo
from stalking_flanders.datapackage import BUNDLED
from stalking_flanders.hashes import facts, sha256_bytes
from stalking_flanders.problems import PackageError

ROOT = Path(__file__).resolve().parents[1]
SEED_ID = "vp-sv-186-beke-2021-12-21"


def tool_env() -> dict:
    """The environment for the project's tools: this interpreter's bin folder first on PATH."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


def run(args, cwd, check=True, **kwargs) -> subprocess.CompletedProcess:
    """Run a command of the project (or a tool) in ``cwd``; with ``check``, fail showing its output."""
    result = subprocess.run(args, cwd=cwd, env=kwargs.pop("env", None) or tool_env(), capture_output=True, text=True, **kwargs)
    if check and result.returncode != 0:
        raise AssertionError(f"{args} failed in {cwd} ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


PEAK = "peak resident bytes: "


def run_measured(args, cwd, timeout: float = 120) -> tuple[subprocess.CompletedProcess, int]:
    """``stalking-flanders ARGS`` in a process of its own, with that process's peak resident memory
    in bytes (its ``VmHWM``, which a new program starts afresh; ``ru_maxrss`` would carry the test
    process's size over through ``fork``)."""
    code = (
        "import sys\nfrom stalking_flanders.cli import main\ncode = main(sys.argv[1:])\n"
        "peak = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0].split()[1]\n"
        f"print({PEAK!r} + str(int(peak) * 1024), file=sys.stderr)\nsys.exit(code)\n"
    )
    result = run([sys.executable, "-c", code, *map(str, args)], cwd, check=False, timeout=timeout)
    peak = int(result.stderr.rsplit(PEAK, 1)[1].split()[0])
    result.stderr = result.stderr.rsplit(PEAK, 1)[0]
    went_through(args, result.returncode, result.stderr)
    return result, peak


@dataclass
class Ran:
    """What a command did: its exit code and output, as subprocess.CompletedProcess names them."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float = 0.0


def cli(*args, cwd: Path | None = None) -> Ran:
    """``stalking-flanders ARGS`` run in this process (``cli.main``) in the folder ``cwd`` (the
    bundled release by default): much faster than a new interpreter. A test of the installed
    command itself, or of a limit that must stop a process, runs it with :func:`run` instead."""
    from stalking_flanders.cli import main
    from stalking_flanders.datapackage import BUNDLED

    out, err, before, started = io.StringIO(), io.StringIO(), os.getcwd(), time.monotonic()
    try:
        os.chdir(cwd or BUNDLED)
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main([str(a) for a in args])
            except SystemExit as stopped:  # argparse: --help, --version, a usage error
                code = stopped.code if isinstance(stopped.code, int) else 0 if stopped.code is None else 2
    finally:
        os.chdir(before)
    went_through(args, code, err.getvalue())
    return Ran(code, out.getvalue(), err.getvalue(), time.monotonic() - started)


def generated(default_examples: int):
    """Hypothesis's settings for a test of generated inputs: ``default_examples`` examples, or
    STALKING_FLANDERS_EXAMPLES; under CI (CI=true) the same examples each run, for a developer new ones."""
    from hypothesis import HealthCheck, settings

    return settings(
        max_examples=int(os.environ.get("STALKING_FLANDERS_EXAMPLES", str(default_examples))),
        deadline=None,
        derandomize=os.environ.get("CI") == "true",
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


def codes(result) -> set[str]:
    """The problem codes a command's report lists (``- ... [code]`` lines on its stderr)."""
    return {line.rsplit("[", 1)[1].rstrip("]") for line in result.stderr.splitlines() if line.startswith("- ") and "[" in line}


# Settings for `stalking-flanders dcat` in tests: test values, never a real publisher or address.
DCAT_ARGS = [
    "--base-url",
    "https://example.invalid/",
    "--publisher-name",
    "P",
    "--contact-email",
    "a@example.invalid",
    "--issued",
    "2026-01-01T00:00:00+00:00",
    "--modified",
    "2026-01-01T00:00:00+00:00",
]


# The doors of the command line that take a folder. Every package folder a test marked `hostile`
# leaves is handed to each (the sweep: see conftest.py; `validate` runs the API's `validate_package`),
# unless the test handed it to all of them, and to the API, itself, with stricter expectations,
# through `through_every_door`.
DOORS = {
    "validate": lambda folder: ["validate", folder],
    "diff (old)": lambda folder: ["diff", folder, BUNDLED],
    "diff (new)": lambda folder: ["diff", BUNDLED, folder],
    "dcat": lambda folder: ["dcat", "--release", folder, *DCAT_ARGS],
}
SWEPT: set[Path] = set()  # folders a test handed to every door itself: the sweep leaves them
# (door, folder, digest of the folder) of each door a test itself handed a folder to, that ended as
# the sweep asks (exit 0, 1 or 2, no traceback): the sweep does not hand it the same folder again
GONE_THROUGH: set[tuple[str, str, str]] = set()


def wrong_end(returncode: int | None, stderr: str) -> bool:
    """A door's run that ended as none may: exit 3 (an error that is not the package's) or a traceback."""
    return returncode not in (0, 1, 2) or "Traceback" in stderr or "internal error" in stderr


def went_through(args, returncode: int | None, stderr: str) -> None:
    """Note a command's run that is a door handed a folder (by its absolute path) and ended as the sweep asks."""
    if wrong_end(returncode, stderr):
        return
    argv = [str(a) for a in args]
    for door, make in DOORS.items():
        for folder in {a for a in argv if os.path.isabs(a)}:
            if [str(a) for a in make(Path(folder))] == argv and (found := digest(Path(folder))) is not None:
                GONE_THROUGH.add((door, folder, found))


DIGEST_LIMIT = 16 * 1024 * 1024  # bytes: a folder holding more is not compared (the sweep always hands it on)
DIGEST_ENTRIES = 10_000  # entries, at any depth: nor one holding more


def digest(folder: Path) -> str | None:
    """What the doors read of ``folder``: each entry's path, kind and mode, a link's target and a
    file's bytes (links not followed, nothing else opened). None when it holds more than
    DIGEST_LIMIT bytes or DIGEST_ENTRIES entries, or an entry cannot be read."""
    found, read, entries, waiting = hashlib.sha256(), 0, 0, [""]
    while waiting:
        place = waiting.pop()
        try:
            names = sorted(os.listdir(os.path.join(folder, place) if place else folder))
        except OSError:
            return None
        entries += len(names)
        if entries > DIGEST_ENTRIES:
            return None
        for name in names:
            inside = os.path.join(place, name) if place else name
            path = os.path.join(folder, inside)
            try:
                mode = os.lstat(path).st_mode
                found.update(f"{inside}\0{mode}\0".encode("utf-8", "surrogateescape"))
                if stat.S_ISLNK(mode):
                    found.update(os.readlink(path).encode("utf-8", "surrogateescape"))
                elif stat.S_ISDIR(mode):
                    waiting.append(inside)
                elif stat.S_ISREG(mode):
                    read += os.lstat(path).st_size
                    if read > DIGEST_LIMIT:
                        return None
                    with open(path, "rb") as file:
                        found.update(hashlib.sha256(file.read()).digest())
            except OSError:
                return None
    return found.hexdigest()


def through_every_door(folder: Path) -> tuple[dict[str, Ran], list | PackageError]:
    """``folder`` handed to each door of the command line (what each did, by door) and to
    ``validate_package`` (its problems, or the error of the package it raised; any other error is
    raised). The test asserts what each door must make of it; the sweep then leaves the folder.

    The API's answer is the one it gave the `validate` door, which hands it the folder as given
    (calling it again would check the same bytes a second time); where that door never reached
    it, the API is called on its own. That the API keeps within its bounds when called alone is
    tests/test_limits.py's to prove."""
    from stalking_flanders import validation

    answers, api = [], validation.validate_package

    def answering(*args, **kwargs):
        try:
            answers.append(api(*args, **kwargs))
        except Exception as error:
            answers.append(error)
            raise
        return answers[-1]

    ran = {}
    for door, argv in DOORS.items():
        validation.validate_package = answering if door == "validate" else api
        try:
            ran[door] = cli(*argv(folder), cwd=folder.parent)
        finally:
            validation.validate_package = api
    if not answers:
        try:
            answers.append(api(folder))
        except PackageError as error:
            answers.append(error)
    if isinstance(answers[0], Exception) and not isinstance(answers[0], PackageError):
        raise answers[0]
    SWEPT.add(folder)
    return ran, answers[0]


def edit_descriptor(folder: Path, change) -> None:
    """Change the descriptor of the release ``folder`` in place: ``change(descriptor)`` edits the parsed JSON."""
    path = folder / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    change(descriptor)
    path.write_text(json.dumps(descriptor), encoding="utf-8")


def copy_of_built(built: Path, destination: Path) -> Path:
    """A copy of the shared build (``built`` in conftest.py) to change or build in: the workers of a
    run only read the shared one. DVC's scratch folder stays behind (another worker's `dvc status`
    may lock it meanwhile)."""
    shutil.copytree(built, destination, symlinks=True, ignore=lambda folder, names: ["tmp"] if folder.endswith(".dvc") else [])
    return destination


def fresh_repository(destination: Path, committed: str | None = None) -> Path:
    """A new git repository with the files of this working tree that git would commit; with
    ``committed`` (an ISO 8601 date-time), its one commit is dated then."""
    listed = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], ROOT).stdout
    for name in filter(None, listed.split("\0")):
        source, target = ROOT / name, destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            target.symlink_to(os.readlink(source))
        elif source.is_file():
            shutil.copy2(source, target)
    run(["git", "init", "-q", "-b", "main"], destination)
    run(["git", "add", "-A"], destination)
    dated = {"GIT_COMMITTER_DATE": committed, "GIT_AUTHOR_DATE": committed} if committed else {}
    run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@localhost", "commit", "-qm", "copy"],
        destination,
        env={**tool_env(), **dated},
    )
    return destination


BUILT_OUTPUTS = (repo.EXTRACTED, repo.VALIDATED, repo.CHARTS, repo.RELEASE)  # committed to git; built again here


class SharedBuildFailed(Exception):
    """The shared build from scratch failed (in this process or another)."""


def build_shared(shared: Path, quiet: bool = False) -> Path:
    """The release built from scratch in ``shared``/built, once for every process of a test run
    (behind a file lock): a repository copy whose committed outputs are removed and built again by
    `dvc repro`. :class:`SharedBuildFailed` where the build failed, here or in another process;
    with ``quiet``, the failure is left for the others to report."""
    from filelock import FileLock

    path, done, failed = shared / "built", shared / "built.done", shared / "built.failed"
    with FileLock(shared / "built.lock"):
        if failed.exists():
            raise SharedBuildFailed(f"the shared build from scratch failed:\n{failed.read_text()}")
        if not done.exists():
            try:
                shutil.rmtree(path, ignore_errors=True)  # what a stopped build left
                fresh_repository(path)
                for output in BUILT_OUTPUTS:
                    shutil.rmtree(path / output)
                run(["dvc", "repro"], path)
            except BaseException as error:
                failed.write_text(f"{type(error).__name__}: {error}"[-4000:])
                if quiet:
                    return path
                raise
            # git's index made current once, here: a later `git status` in the shared copy writes nothing
            run(["git", "update-index", "-q", "--refresh"], path, check=False)
            done.touch()
    return path


def needs(present: bool, reason: str) -> None:
    """Skip a test whose outside tool is missing, with the reason; under CI (CI=true) fail instead."""
    if not present:
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(args: list, url: str, seconds: float = 30):
    """Run the server ``args`` until the block ends; wait first until ``url`` answers."""
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + seconds
        while True:
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def http_folder(folder: Path):
    """Serve ``folder`` read-only over HTTP on 127.0.0.1; yields its base URL (ending in /)."""
    port = free_port()
    return serving(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(folder)],
        f"http://127.0.0.1:{port}/",
    )


def rehash(folder: Path) -> None:
    """Recompute every hash and size in a release's descriptor, as someone hiding a change would;
    resources whose file is gone are dropped."""
    path = folder / "datapackage.json"
    d = json.loads(path.read_text())
    d["resources"] = [r for r in d["resources"] if (folder / r["path"]).is_file()]
    for resource in d["resources"]:
        resource.update(facts((folder / resource["path"]).read_bytes()))
    path.write_text(json.dumps(d, indent=2))


def resum(folder: Path) -> None:
    """Write SHA256SUMS again for the folder as it is, as someone hiding a change would."""
    from stalking_flanders import sums

    (folder / sums.NAME).write_bytes(sums.render({p: (folder / p).read_bytes() for p in sums.files_of(folder)}))


def damaged_copy(source: Path, destination: Path, edit=None, *, rehashed: bool = False) -> Path:
    """A copy of the release folder ``source`` at ``destination``, changed by ``edit(folder)``
    and, with ``rehashed``, with its descriptor's hashes recomputed to hide the change."""
    shutil.copytree(source, destination)
    if edit is not None:
        edit(destination)
    if rehashed:
        rehash(destination)
    return destination


def edit_file(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in the text file at ``path`` (which must hold it) by ``new``."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def sha256_tree(folder: Path, *names: str, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """The sha256 of every file below ``folder`` (or only below its entries ``names``), by
    relative path; top-level folders in ``skip`` are left out."""
    roots = [folder / n for n in names] if names else [folder]
    paths = [p for root in roots for p in (sorted(root.rglob("*")) if root.is_dir() else [root])]
    return {
        p.relative_to(folder).as_posix(): sha256_bytes(p.read_bytes())
        for p in paths
        if p.is_file() and p.relative_to(folder).parts[0] not in skip
    }


def fresh_venv(path: Path) -> Path:
    """A new virtual environment with no packages of its own. The dependencies (pandas, pyarrow,
    and for validation pandera and frictionless) are made visible read-only from this test run's
    environment by a .pth line, so that nothing is downloaded; the project itself is not visible
    that way (this environment's own .pth files are not read). pip and the pinned setuptools an
    sdist is built with are borrowed the same way: ``python -m pip`` installs into the new
    environment, and no copy of pip is unpacked into it."""
    venv.create(path, with_pip=False)
    python = path / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], capture_output=True, text=True, check=True
    ).stdout.strip()
    Path(site, "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python


def added_column(folder, table, name):
    """A text field ``name`` added to ``table`` (as a later version may add one), "x" in every row."""
    edit_descriptor(
        folder,
        lambda d: next(r for r in d["resources"] if r["name"] == table)["schema"]["fields"].append(
            {"name": name, "type": "string"}
        ),
    )
    path = folder / f"{table}.csv"
    lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    path.write_text("\n".join([lines[0] + "," + name] + [line + ",x" for line in lines[1:]]) + "\n", encoding="utf-8")


def release_commit(version: str) -> str | None:
    """The commit "Release <version>": as releases.toml records it, or, for the latest (not recorded
    until the next release), as git finds it by its subject."""
    import re

    from stalking_flanders.releases import history

    commit = history()[version].commit
    if commit is None:
        subject = f"^Release {re.escape(version)}$"
        asked = ["git", "log", "-1", "--format=%H", "-E", f"--grep={subject}"]
        found = subprocess.run(asked, cwd=ROOT, capture_output=True, text=True)
        commit = found.stdout.strip() or None
    return commit


def release_as_git_holds_it(version: str, into: Path) -> Path:
    """The release folder of ``version`` as its release commit holds it (runs git on this
    repository), extracted below ``into``; the test is skipped where this clone lacks the commit."""
    import tarfile

    commit = release_commit(version)
    held = subprocess.run(["git", "cat-file", "-e", f"{commit}^{{commit}}"], cwd=ROOT, capture_output=True) if commit else None
    if held is None or held.returncode != 0:
        pytest.skip(f"the commit of {version} is not in this clone (a shallow one?)")
    archive = subprocess.run(["git", "archive", commit, str(repo.RELEASE)], cwd=ROOT, capture_output=True, check=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(into, filter="data")
    return into / repo.RELEASE
