"""scripts/cut_release.py cuts versions in a temporary copy of the repository (its tags stay there),
and adding a source question grows the release by that source's rows alone.

The copy runs its own test command (`true`, or `false` to see a failure stop the release): the
real default, `make test`, is this very suite."""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import time
import tomllib

import pandas as pd
import pytest

from helpers import ROOT, SEED_ID, copy_of_built, run, sha256_tree, tool_env
from stalking_flanders import repo

pytestmark = pytest.mark.system  # runs outside programs: see conftest.py

FIXTURE = "test-fixture-999"
TODAY = datetime.date.today().isoformat()
# Versions for the copy, above any this repository has released (its CHANGELOG may hold them).
MAJOR = int(tomllib.loads((ROOT / repo.PYPROJECT).read_text())["project"]["version"].split(".")[0]) + 1
FIRST, PATCH, MINOR = f"{MAJOR}.0.0", f"{MAJOR}.0.1", f"{MAJOR}.1.0"


@pytest.fixture(scope="module")
def project(tmp_path_factory, built):
    path = copy_of_built(built, tmp_path_factory.mktemp("project") / "repo")
    run(["git", "add", "-A"], path)
    run(["git", "commit", "-qm", "build", "--allow-empty"], path)
    return path


def release(project, version, test_command="true"):
    return run(["python", "scripts/cut_release.py", version, "--test-command", test_command], project, check=False)


def version_at(project, rev, path) -> str:
    text = run(["git", "show", f"{rev}:{path}"], project).stdout
    return json.loads(text)["version"] if path.endswith(".json") else tomllib.loads(text)["project"]["version"]


def test_a_dirty_tree_is_refused(project):
    (project / "stray.txt").write_text("not committed")
    result = release(project, FIRST)
    (project / "stray.txt").unlink()
    assert result.returncode == 1 and "the working tree is not clean" in result.stderr
    assert run(["git", "tag"], project).stdout == ""


def test_the_first_release(project):
    result = release(project, FIRST)
    assert result.returncode == 0, result.stderr
    assert run(["git", "tag"], project).stdout.split() == [f"v{FIRST}"]
    assert run(["git", "status", "--porcelain"], project).stdout == ""
    assert version_at(project, f"v{FIRST}", "datapackage.json") == version_at(project, f"v{FIRST}", "pyproject.toml") == FIRST
    changelog = (project / "CHANGELOG.md").read_text()
    # the CHANGELOG already dates 1.0.0 (this repository's history), so the first release of the copy is
    # compared with it, rebuilt from the commit that wrote its entry (the copy has no tags)
    assert f"## [{FIRST}] - {TODAY}\n\n### Data changes\n\nCompared with " in changelog
    assert changelog.index("## [Unreleased]") < changelog.index(f"## [{FIRST}]") < changelog.index("### Added")
    recorded = tomllib.loads((project / repo.RELEASES).read_text())["releases"][FIRST]
    assert recorded["sums_sha256"] == hashlib.sha256((project / repo.RELEASE / "SHA256SUMS").read_bytes()).hexdigest()
    assert recorded["released"].date().isoformat() == TODAY and len(recorded["cut_from"]) == 40


def test_an_existing_version_or_a_lower_one_is_refused(project):
    assert f"version {FIRST} exists already" in release(project, FIRST).stderr
    assert f"is not above the last release, {FIRST}" in release(project, "0.9.0").stderr
    assert "is not a version of the form X.Y.Z" in release(project, "1.1").stderr


BUILT = (repo.EXTRACTED, repo.VALIDATED, repo.CHARTS, repo.RELEASE, repo.PACKAGE_DATA)


# a commit hook that refuses the commit, installed by the test command (which passes)
REFUSING_HOOK = "printf '#!/bin/sh\\nexit 1\\n' > .git/hooks/pre-commit && chmod +x .git/hooks/pre-commit"


@pytest.mark.parametrize(
    "test_command, said",
    [("false", "the test command (false) failed"), (REFUSING_HOOK, "git commit -q -m Release")],
    ids=["the tests fail", "the commit fails"],
)
def test_failing_tests_stop_the_release_and_restore_the_tree_and_the_data(project, test_command, said):
    before = sha256_tree(project, *BUILT)
    try:
        result = release(project, PATCH, test_command=test_command)
    finally:
        (project / ".git" / "hooks" / "pre-commit").unlink(missing_ok=True)  # the module's later tests commit
    assert result.returncode == 1 and said in result.stderr, result.stderr
    assert run(["git", "diff", "--cached", "--name-only"], project).stdout == ""  # nothing left staged
    assert run(["git", "status", "--porcelain"], project).stdout == ""
    assert run(["git", "tag"], project).stdout.split() == [f"v{FIRST}"]
    assert sha256_tree(project, *BUILT) == before  # the bundled data (and so __version__) is the last release's
    assert json.loads((project / repo.RELEASE / "datapackage.json").read_text())["version"] == FIRST


def test_a_stopped_release_restores_everything(project, tmp_path):
    before = sha256_tree(project, *BUILT)
    flag = tmp_path / "tests-started"
    command = ["python", "scripts/cut_release.py", PATCH, "--test-command", f"touch {flag} && sleep 120"]
    step = subprocess.Popen(command, cwd=project, env=tool_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 180
    while not flag.exists() and time.monotonic() < deadline and step.poll() is None:
        time.sleep(0.2)
    assert flag.exists(), step.communicate()
    step.send_signal(signal.SIGTERM)
    _, stderr = step.communicate(timeout=120)
    assert step.returncode == 1 and "stopped by signal SIGTERM" in stderr
    assert run(["git", "status", "--porcelain"], project).stdout == ""
    assert sha256_tree(project, *BUILT) == before


def refused_and_undone(project, change: str, said: str) -> None:
    """Commit the change made in ``project`` (``change``, its message); a patch release of it is
    refused, saying ``said``, and leaves the tree and the bundled data as they were; then the
    change is undone for the module's later tests."""
    run(["git", "commit", "-qam", change], project)
    before = sha256_tree(project, *BUILT)
    try:
        result = release(project, PATCH)
        assert result.returncode == 1 and said in result.stderr, result.stderr
        assert run(["git", "status", "--porcelain"], project).stdout == "" and sha256_tree(project, *BUILT) == before
    finally:
        run(["git", "reset", "-q", "--hard", "HEAD~1"], project)


def test_notes_that_add_something_refuse_a_patch_release_and_change_nothing(project):
    """`diff` sees the data alone: a column the loader adds, noted under "### Added", is minor."""
    changelog = project / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8")
    changelog.write_text(text.replace("## [Unreleased]\n", "## [Unreleased]\n\n### Added\n\n- a column of the loader\n", 1))
    refused_and_undone(project, "a note that adds", f"add something (### Added): a minor version, not {PATCH}")


def test_an_archived_text_edited_in_place_is_refused_and_nothing_changes(project):
    """An archived text is never edited: a release whose source stands on another text than the last
    release's (its sha256 registered anew) is refused, since every earlier release would fail validate."""
    text, registry = project / repo.ARCHIVE / f"{SEED_ID}.txt", project / repo.ARCHIVE / "registry.toml"
    old = hashlib.sha256(text.read_bytes()).hexdigest()
    text.write_bytes(text.read_bytes() + b"\n")
    registry.write_text(registry.read_text().replace(old, hashlib.sha256(text.read_bytes()).hexdigest()))
    refused_and_undone(project, "an archived text edited", f"the archived text of {SEED_ID} is not the one {FIRST} published")


def add_fixture_source(project):
    """The documented path: archive the text, register it with its hash, describe its layout."""
    archive = project / repo.ARCHIVE
    for suffix in (".txt", ".layout.toml"):
        shutil.copyfile(ROOT / "tests" / "fixtures" / f"{FIXTURE}{suffix}", archive / f"{FIXTURE}{suffix}")
    digest = hashlib.sha256((archive / f"{FIXTURE}.txt").read_bytes()).hexdigest()
    with (archive / "registry.toml").open("a") as fh:
        fh.write(f'\n[sources.{FIXTURE}]\ntext = "{FIXTURE}.txt"\nsha256 = "{digest}"\nlayout = "{FIXTURE}.layout.toml"\n')


def test_adding_a_source_extracts_only_it_and_grows_the_release(project):
    before = pd.read_csv(project / repo.RELEASE / "observations.csv")
    add_fixture_source(project)
    output = run(["dvc", "repro"], project).stdout
    assert f"Stage 'extract@{SEED_ID}' didn't change, skipping" in output
    assert f"Running stage 'extract@{FIXTURE}'" in output
    after = pd.read_csv(project / repo.RELEASE / "observations.csv")
    assert len(after) == len(before) + 2
    assert after[after["source_question"] == SEED_ID].reset_index(drop=True).equals(before)
    assert after[after["source_question"] == FIXTURE]["count"].tolist() == [3, 4]
    sources = json.loads((project / repo.DESCRIPTOR).read_text())["sources"]
    assert [s["path"].rsplit("/", 1)[-1] for s in sources] == [f"{FIXTURE}.txt", f"{SEED_ID}.txt"]
    page = (project / repo.RELEASE / "index.html").read_text(encoding="utf-8")  # two sub-questions 1 are not one
    assert f">1 ({FIXTURE})</th>" in page and f">1 ({SEED_ID})</th>" in page
    listed = page.split("Het antwoord geeft geen cijfers voor de deelvragen ", 1)[1].split(".", 1)[0]
    assert f"2 ({FIXTURE})" in listed and f"2 ({SEED_ID})" in listed, listed
    # each series' heading names its question: the page, the caveats (descriptor, info, record, workbook), the chart
    description = json.loads((project / repo.RELEASE / "datapackage.json").read_text())["description"]
    chart = (project / repo.RELEASE / "chart.en.svg").read_text(encoding="utf-8")
    for said in (page, description, chart):
        assert f"Test service ({FIXTURE})" in said or f"Testdienst ({FIXTURE})" in said
        assert f"(CAW’s) ({SEED_ID})" in said or f"(CAW) ({SEED_ID})" in said
    run(["git", "add", "-A"], project)
    run(["git", "commit", "-qm", "Add the test fixture source"], project)


def test_a_release_that_adds_rows_must_be_minor_and_records_the_change(project):
    result = release(project, PATCH)
    assert result.returncode == 1 and f"needs a minor version, not {PATCH}" in result.stderr
    assert run(["git", "status", "--porcelain"], project).stdout == ""
    result = release(project, MINOR, test_command="echo stray > stray.txt")  # what the test command leaves ...
    assert result.returncode == 0, result.stderr
    # ... is not committed, and the release says so
    assert "stray.txt" not in run(["git", "show", "--name-only", "--format=", f"v{MINOR}"], project).stdout
    assert "not committed" in result.stderr and "stray.txt" in result.stderr
    (project / "stray.txt").unlink()
    assert run(["git", "tag"], project).stdout.split() == [f"v{FIRST}", f"v{MINOR}"]
    changelog = (project / "CHANGELOG.md").read_text()
    entry = changelog[changelog.index(f"## [{MINOR}]") : changelog.index(f"## [{FIRST}]")]
    assert f"## [{MINOR}] - {TODAY}" in entry and f"Compared with {FIRST} (change level minor)" in entry
    assert f"\n    + ({FIXTURE}, test-fixture-cases, Testcategorie, 2019)" in entry
    assert re.search(r"\n  - \d+ row\(s\) added:", entry)  # a sub-item under its table, as Markdown nests it
    for path in ("datapackage.json", "pyproject.toml"):
        assert version_at(project, f"v{MINOR}", path) == MINOR
    # the release records the commit of the one before it (a commit cannot name itself)
    recorded = tomllib.loads((project / repo.RELEASES).read_text())["releases"]
    assert recorded[FIRST]["commit"] == run(["git", "rev-parse", f"v{FIRST}^{{commit}}"], project).stdout.strip()
    assert "commit" not in recorded[MINOR]


# a hook that stops the release script (the test command's parent) once its commit is made
STOP_AFTER_COMMIT = (
    "echo $PPID > .git/release.pid && printf '#!/bin/sh\\nkill -TERM $(cat .git/release.pid)\\n' > .git/hooks/post-commit"
    " && chmod +x .git/hooks/post-commit"
)


def test_a_clone_without_tags_knows_its_releases_and_a_release_stopped_once_committed_keeps_it(project, tmp_path):
    """One release run proves two things: a clone without tags knows its releases from the
    repository's files, and a release stopped once its commit is made says so and keeps the commit."""
    clone = tmp_path / "clone"
    run(["git", "clone", "-q", "--no-tags", str(project), str(clone)], tmp_path)
    assert run(["git", "tag"], clone).stdout == ""
    refused = release(clone, "0.9.0")
    assert refused.returncode == 1 and f"is not above the last release, {MINOR}" in refused.stderr
    later = f"{MAJOR}.1.1"
    result = release(clone, later, test_command=STOP_AFTER_COMMIT)
    assert result.returncode == 1 and f"released without its tag: {later} is committed" in result.stderr, result.stderr
    assert run(["git", "log", "-1", "--format=%s"], clone).stdout.strip() == f"Release {later}"
    assert run(["git", "tag"], clone).stdout == ""
    assert run(["git", "status", "--porcelain"], clone).stdout == ""  # the release as committed, not the last one
    changelog = (clone / "CHANGELOG.md").read_text()
    entry = changelog[changelog.index(f"## [{later}]") : changelog.index(f"## [{MINOR}]")]
    assert f"Compared with {MINOR} (change level" in entry and "First release" not in entry
    # without its tag, the previous release's commit is found from the commit that wrote its entry
    recorded = tomllib.loads((clone / repo.RELEASES).read_text())["releases"]
    assert recorded[MINOR]["commit"] == run(["git", "rev-parse", f"v{MINOR}^{{commit}}"], project).stdout.strip()


def test_a_previous_release_whose_commit_holds_none_is_refused(tmp_path, monkeypatch):
    """A commit from before the outputs were committed (1.0.x) has nothing to compare with: refused, not rebuilt."""
    monkeypatch.syspath_prepend(str(ROOT / "scripts"))
    from cut_release import Refused, previous_release

    old = tmp_path / "old"
    old.mkdir()
    run(["git", "init", "-q"], old)
    run(["git", "-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-q", "--allow-empty", "-m", "1.0.1"], old)
    monkeypatch.chdir(old)
    with pytest.raises(Refused, match="holds no release"):
        previous_release("HEAD", tmp_path / "worktree")


def test_a_restore_that_git_refuses_is_said(tmp_path, monkeypatch, capsys):
    """A git stopped with the release may leave its index locked: the restore says what it could
    not put back and how, rather than end as if all were as it was."""
    monkeypatch.syspath_prepend(str(ROOT / "scripts"))
    from cut_release import restore

    repository = tmp_path / "repository"
    repository.mkdir()
    run(["git", "init", "-q"], repository)
    (repository / "pyproject.toml").write_text("version = 1\n")
    run(["git", "add", "-A"], repository)
    run(["git", "-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-qm", "one"], repository)
    (repository / "pyproject.toml").write_text("version = 2\n")
    (repository / ".git" / "index.lock").touch()
    monkeypatch.chdir(repository)
    restore(tmp_path / "saved")
    said = capsys.readouterr().err
    assert "could not be put back" in said and "index.lock" in said, said


@pytest.fixture()
def steps(monkeypatch):
    """scripts/cut_release.py as a module, with the stop handlers it sets put back afterwards."""
    monkeypatch.syspath_prepend(str(ROOT / "scripts"))
    import cut_release

    handlers = {signum: signal.getsignal(signum) for signum in cut_release.STOPS}
    yield cut_release
    for signum, handler in handlers.items():
        signal.signal(signum, handler)


def stopped_while_waiting(monkeypatch, until) -> None:
    """A stop arriving while the release waits for its step: the step's first wait raises it, once
    ``until(process, wait)`` has returned (``wait`` is the real one)."""
    real = subprocess.Popen.wait
    raised = []

    def wait(process, timeout=None):
        if raised:
            return real(process, timeout=timeout)
        raised.append(True)
        until(process, real)
        raise KeyboardInterrupt

    monkeypatch.setattr(subprocess.Popen, "wait", wait)


def test_a_stop_just_as_a_step_ends_is_the_stop_not_a_traceback_of_its_own(steps, monkeypatch):
    # the step's process group is gone when the release would end it
    stopped_while_waiting(monkeypatch, lambda process, wait: wait(process))
    with pytest.raises(KeyboardInterrupt):
        steps.run_command(["true"], "the step")


def test_a_step_that_outlives_sigterm_is_ended_with_sigkill(steps, monkeypatch, tmp_path):
    monkeypatch.setattr(steps, "STOP_GRACE", 0.5)
    ready = tmp_path / "ready"

    def once_it_ignores_sigterm(process, wait):
        deadline = time.monotonic() + 30
        while not ready.exists() and time.monotonic() < deadline:
            time.sleep(0.01)

    stopped_while_waiting(monkeypatch, once_it_ignores_sigterm)
    ended = []
    real_killpg = os.killpg
    monkeypatch.setattr(steps.os, "killpg", lambda pgid, signum: ended.append(signum) or real_killpg(pgid, signum))
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        steps.run_command(["sh", "-c", f"trap '' TERM; touch {ready}; while :; do sleep 0.1; done"], "the step")
    assert ended == [signal.SIGTERM, signal.SIGKILL] and time.monotonic() - started < 30
