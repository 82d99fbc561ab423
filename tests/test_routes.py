"""Every way in from the repository alone, as a new user takes it with nothing but its URL: the
repository is published here as a bare repository reached through a ``file://`` URL, and each
route runs in a fresh folder with no DVC or git configuration of the user's own.

The repository carries its data in git (every pipeline output is committed, `cache: false` in
dvc.yaml), so each route gives the release's files byte for byte with no remote, account or
credential: `git clone` (+ `dvc pull`, which then has nothing to fetch), `dvc get`, `dvc import` +
`dvc update`, and `pip install "git+<url>@<commit>"` (the build copies the release into the
package after checking it against its SHA256SUMS). No route names a tag: tags do not travel with
a clone, so a version is fetched by its commit (releases.toml records it), the latest from the
default branch.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from types import SimpleNamespace

import pytest

from helpers import ROOT, fresh_repository, fresh_venv, needs, run, sha256_tree, tool_env
from stalking_flanders import repo, sums
from stalking_flanders.hashes import sha256_bytes
from stalking_flanders.releases import history
from stalking_flanders.untrusted import DESCRIPTOR_NAME


def test_the_build_backend_names_the_paths_the_package_names(monkeypatch):
    monkeypatch.syspath_prepend(ROOT / "backend")
    import stalking_flanders_build as backend  # here, not at the top: it imports setuptools

    assert backend.RELEASE == ROOT / repo.RELEASE and backend.REGISTRY == ROOT / repo.ARCHIVE / "registry.toml"
    assert backend.PACKAGE_DATA == ROOT / repo.PACKAGE_DATA and backend.PACKAGE_REGISTRY == ROOT / repo.PACKAGE_REGISTRY
    assert backend.SUMS == sums.NAME and backend.DESCRIPTOR == DESCRIPTOR_NAME == repo.DESCRIPTOR.name
    # and the paths the installed package reads are those the repository keeps them at
    from stalking_flanders import datapackage, releases, sources

    assert datapackage.BUNDLED == ROOT / repo.PACKAGE_DATA and releases.RECORD == ROOT / repo.RELEASES
    assert ROOT / repo.PACKAGE_REGISTRY == datapackage.BUNDLED.parent / sources.REGISTRY_NAME


@pytest.mark.system
def test_the_committed_data_are_what_the_pipeline_builds(built):
    # What every route hands out is what git carries: the same bytes as a build from the archive
    # (what the build leaves that git ignores, such as the steps' empty lock files, aside).
    for output in (repo.EXTRACTED, repo.VALIDATED, repo.CHARTS, repo.RELEASE, repo.DESCRIPTOR, repo.README_CHART):
        committed, rebuilt = sha256_tree(ROOT, str(output)), sha256_tree(built, str(output))
        asked = "\n".join({**committed, **rebuilt})
        ignored = run(["git", "check-ignore", "--no-index", "--stdin"], ROOT, input=asked, check=False).stdout.split()
        for path in ignored:
            committed.pop(path, None), rebuilt.pop(path, None)
        assert committed == rebuilt, output


def test_each_release_but_the_latest_records_the_commit_users_fetch_it_by():
    """One version is fetched by its commit (`dvc get --rev <commit>`, `pip install git+...@<commit>`):
    tags do not travel with a clone, releases.toml does. Each recorded commit is the commit
    "Release <version>" cut from the recorded commit, and from 2.0.0 on holds that release."""
    releases = history()
    *earlier, latest = releases
    assert releases[latest].commit is None  # the latest is the one on main; the next release records it
    for version in earlier:
        entry = releases[version]
        assert entry.commit, f"releases.toml records no commit for {version}"
        shown = run(["git", "log", "-1", "--format=%s%n%P", entry.commit], ROOT, check=False)
        needs(shown.returncode == 0, f"this clone lacks the commit of {version} (a shallow clone?)")
        assert shown.stdout.splitlines()[:2] == [f"Release {version}", entry.cut_from], version
        if int(version.split(".")[0]) >= 2:  # 1.0.x kept the release out of git
            listed = run(["git", "show", f"{entry.commit}:{repo.RELEASE.as_posix()}/{sums.NAME}"], ROOT).stdout
            assert sha256_bytes(listed.encode("utf-8")) == entry.sums_sha256, version


# --- from a bare repository, through a git URL ---------------------------------------------------


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> SimpleNamespace:
    """This working tree as committed (one commit, no tag) and published as a bare repository."""
    top = tmp_path_factory.mktemp("published")
    work = fresh_repository(top / "work")
    version = tomllib.loads((ROOT / repo.PYPROJECT).read_text())["project"]["version"]
    commit = run(["git", "rev-parse", "HEAD"], work).stdout.strip()
    run(["git", "clone", "-q", "--bare", str(work), str(top / "repository.git")], top)
    return SimpleNamespace(url=f"file://{top / 'repository.git'}", bare=top / "repository.git", version=version, commit=commit)


def user_env(tmp_path) -> dict:
    """A new user's environment: no DVC or git configuration of their own."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return {**tool_env(), "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"), "GIT_CONFIG_NOSYSTEM": "1"}


def as_user(args, cwd, tmp_path, check=True):
    return run([str(a) for a in args], cwd, check=check, env=user_env(tmp_path))


@pytest.mark.system
def test_git_clone_then_dvc_pull(published, release, tmp_path):
    # `release` is the release the tests built from the archived answer: the committed one is the same.
    as_user(["git", "clone", "-q", published.url, "clone"], tmp_path, tmp_path)
    as_user(["dvc", "pull", "--quiet"], tmp_path / "clone", tmp_path)
    assert sha256_tree(tmp_path / "clone" / repo.RELEASE) == sha256_tree(release)
    assert "up to date" in as_user(["dvc", "status", "publish"], tmp_path / "clone", tmp_path).stdout


@pytest.mark.system
def test_dvc_get_from_the_git_url(published, release, tmp_path):
    as_user(["dvc", "get", published.url, repo.RELEASE, "-o", "latest"], tmp_path, tmp_path)  # the default branch
    as_user(["dvc", "get", published.url, repo.RELEASE, "--rev", published.commit, "-o", "got"], tmp_path, tmp_path)
    assert sha256_tree(tmp_path / "got") == sha256_tree(tmp_path / "latest") == sha256_tree(release)


@pytest.mark.system
def test_pip_install_from_git_carries_the_release(published, release, tmp_path):
    python = fresh_venv(tmp_path / "venv")  # the dependencies borrowed: nothing is downloaded
    pip = [python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--disable-pip-version-check"]
    as_user([*pip, f"git+{published.url}@{published.commit}"], tmp_path, tmp_path)
    code = "import stalking_flanders as s, pathlib; print(len(s.load('observations'))); print(pathlib.Path(s.__file__).parent)"
    count, where = as_user([python, "-c", code], tmp_path, tmp_path).stdout.split()
    assert count == "21" and sha256_tree(Path(where) / "data") == sha256_tree(release)


@pytest.mark.system
@pytest.mark.parametrize("damage", ["a file missing", "a file changed"])
def test_pip_install_from_git_refuses_a_commit_whose_release_is_not_whole(damage, published, tmp_path):
    as_user(["git", "clone", "-q", published.url, "clone"], tmp_path, tmp_path)
    clone = tmp_path / "clone"
    damaged = clone / repo.RELEASE / "observations.csv"
    damaged.unlink() if damage == "a file missing" else damaged.write_bytes(damaged.read_bytes().replace(b",47,", b",48,"))
    as_user(["git", "-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-qam", damage], clone, tmp_path)
    python = fresh_venv(tmp_path / "venv")
    pip = [python, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--disable-pip-version-check"]
    result = as_user([*pip, f"git+file://{clone}"], tmp_path, tmp_path, check=False)
    said = result.stdout + result.stderr
    assert result.returncode != 0 and "data/release/observations.csv is missing or differs from SHA256SUMS" in said, said
    assert not list((tmp_path / "venv").rglob("stalking_flanders/__init__.py"))


@pytest.mark.system
def test_dvc_import_then_update_and_the_repository_grows_by_changed_files_only(published, release, tmp_path):
    # A user imports the release into a project of their own ...
    user = tmp_path / "user"
    user.mkdir()
    as_user(["git", "init", "-q"], user, tmp_path)
    as_user(["dvc", "init", "-q"], user, tmp_path)
    as_user(["dvc", "import", published.url, repo.RELEASE, "-o", "stalking"], user, tmp_path)  # following the default branch
    assert sha256_tree(user / "stalking") == sha256_tree(release)
    # ... the maintainer publishes the next version (a new version number: the tables stay) ...
    work = tmp_path / "work"
    as_user(["git", "clone", "-q", published.url, work], tmp_path, tmp_path)
    pyproject = work / repo.PYPROJECT
    pyproject.write_text(pyproject.read_text().replace(f'version = "{published.version}"', 'version = "99.0.0"', 1))
    as_user(["dvc", "repro", "--quiet"], work, tmp_path)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@localhost"]
    as_user([*git, "add", "-A"], work, tmp_path)
    as_user([*git, "commit", "-qm", "Release 99.0.0"], work, tmp_path)
    as_user([*git, "push", "-q", "origin", "HEAD"], work, tmp_path)
    # ... git stores a new object only for each file that changed (content addressing) ...
    before, after = blobs(work, published.commit), blobs(work, "HEAD")
    changed = {path for path in after if before.get(path) != after[path]}
    new_objects = set(after.values()) - set(before.values())
    assert len(new_objects) == len({after[p] for p in changed}) and 0 < len(changed) < len(after) / 2, changed
    assert "data/release/observations.csv" not in changed
    # ... and the user's `dvc update` brings the new version.
    as_user(["dvc", "update", "--quiet", "stalking.dvc"], user, tmp_path)
    assert sha256_tree(user / "stalking") == sha256_tree(work / repo.RELEASE)
    assert json.loads((user / "stalking" / "datapackage.json").read_text())["version"] == "99.0.0"


def blobs(checkout: Path, rev: str) -> dict[str, str]:
    """The git object of every file under data/ at ``rev``, by path."""
    listed = run(["git", "ls-tree", "-r", rev, "--", "data"], checkout).stdout.splitlines()
    return {line.split("\t", 1)[1]: line.split()[2] for line in listed}
