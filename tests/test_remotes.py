"""Push and pull for real: an S3-compatible server (moto, from its own environment .venv-s3server)
and a read-only HTTP remote served from a folder, both started here on 127.0.0.1.

The maintainer path: build, commit, `dvc push`. The consumer path: a fresh `git clone` and
`dvc pull`, `dvc get --rev <commit>` from outside the repository (a version by its commit: tags do
not travel with a clone), `dvc.api`, and the loader's
`load(name, rev=..., repo=...)`. The project itself sets no remote: git carries the release
(tests/test_routes.py proves each route without one); these remotes are added to the temporary
repository that plays the published one, as a maintainer adds one when the data outgrow git."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import BUCKET, CREDENTIALS

from helpers import ROOT, SEED_ID, fresh_repository, http_folder, needs, run, sha256_tree, tool_env
from stalking_flanders import repo
from stalking_flanders.releases import history

pytestmark = pytest.mark.system  # runs outside programs: see conftest.py

OUTPUTS = (repo.RELEASE, repo.VALIDATED, repo.EXTRACTED / SEED_ID)


@pytest.fixture(scope="module")
def http_remote(tmp_path_factory):
    """A folder served read-only over HTTP; the maintainer fills it with `dvc push` to the folder."""
    folder = tmp_path_factory.mktemp("http-remote")
    with http_folder(folder) as url:
        yield folder, url


def env() -> dict:
    return {**tool_env(), **CREDENTIALS}


def dvc(args, cwd, check=True):
    result = subprocess.run(["dvc", *args], cwd=cwd, env=env(), capture_output=True, text=True)
    if check and result.returncode != 0:
        raise AssertionError(f"dvc {args} failed in {cwd}:\n{result.stdout}\n{result.stderr}")
    return result


def outgrown(path: Path) -> None:
    """What a maintainer does when the data outgrow the repository (docs/maintainers.md): the
    outputs go to the DVC cache (no `cache: false`), out of git, and to a remote from then on."""
    pipeline = yaml.safe_load((path / "dvc.yaml").read_text())
    for stage in pipeline["stages"].values():
        outs = (stage.get("do") or stage)["outs"]
        for i, out in enumerate(outs):
            name = next(iter(out)) if isinstance(out, dict) else out
            if name.startswith(("data/extracted", repo.VALIDATED.as_posix(), repo.RELEASE.as_posix())):
                settings = {k: v for k, v in out[name].items() if k != "cache"}
                outs[i] = {name: settings} if settings else name
    (path / "dvc.yaml").write_text(yaml.safe_dump(pipeline, sort_keys=False))
    run(["git", "rm", "-rq", "--cached", *map(str, OUTPUTS)], path)
    dvc(["commit", "--force", "--quiet", "--with-deps", "publish"], path)  # into the cache; DVC writes the .gitignore entries
    run(["git", "add", "-A"], path)
    run(["git", "commit", "-qm", "The data outgrew the repository: the outputs go to the DVC cache"], path)


@pytest.fixture(scope="module")
def published(tmp_path_factory, s3, http_remote):
    """The maintainer path, in a repository that plays the published one."""
    path = fresh_repository(tmp_path_factory.mktemp("published"))
    outgrown(path)
    folder, http_url = http_remote
    dvc(["remote", "add", "--default", "storage", f"s3://{BUCKET}/dvc"], path)
    dvc(["remote", "modify", "storage", "endpointurl", s3], path)
    dvc(["remote", "add", "http", http_url], path)
    run(["git", "add", ".dvc/config"], path)
    run(["git", "commit", "-qm", "Add the remotes"], path)
    dvc(["repro"], path)
    version = run(
        ["python", "-c", "import tomllib; print(tomllib.load(open('pyproject.toml', 'rb'))['project']['version'])"], path
    ).stdout.strip()
    run(["git", "add", "-A"], path)
    run(["git", "commit", "-qm", "Build", "--allow-empty"], path)
    commit = run(["git", "rev-parse", "HEAD"], path).stdout.strip()
    dvc(["push"], path)  # to S3
    dvc(["remote", "add", "--local", "folder", str(folder)], path)
    dvc(["push", "-r", "folder"], path)  # the folder the HTTP remote serves
    return path, version, commit


@pytest.mark.parametrize("remote", ["storage", "http"])
def test_fresh_clone_and_dvc_pull_give_identical_files(published, remote, tmp_path):
    path, _, _ = published
    clone = tmp_path / "clone"
    run(["git", "clone", "-q", str(path), str(clone)], tmp_path)
    assert sha256_tree(clone, *OUTPUTS) == {}
    dvc(["pull", "-r", remote], clone)
    assert sha256_tree(clone, *OUTPUTS) == sha256_tree(path, *OUTPUTS) and len(sha256_tree(path, *OUTPUTS)) > 10
    assert "up to date" in dvc(["status", "publish"], clone).stdout  # the package's copies come with make release


def test_dvc_get_a_pinned_version_from_outside(published, tmp_path):
    path, _, commit = published
    dvc(["get", str(path), repo.RELEASE.as_posix(), "--rev", commit, "-o", "release"], tmp_path)
    got = {
        p.relative_to(tmp_path / "release").as_posix(): p.read_bytes() for p in (tmp_path / "release").rglob("*") if p.is_file()
    }
    want = {
        p.relative_to(path / repo.RELEASE).as_posix(): p.read_bytes() for p in (path / repo.RELEASE).rglob("*") if p.is_file()
    }
    assert got == want


def test_dvc_api_reads_a_pinned_version_over_http(published):
    path, _, commit = published
    code = (
        "import dvc.api, sys; sys.stdout.buffer.write(dvc.api.read("
        f"'data/release/observations.csv', repo={str(path)!r}, rev={commit!r}, remote='http', mode='rb'))"
    )
    got = subprocess.run([sys.executable, "-c", code], env=env(), capture_output=True, check=True, cwd=path.parent).stdout
    assert got == (path / repo.RELEASE / "observations.csv").read_bytes()


def test_the_loader_reads_a_version_through_dvc(published):
    path, version, commit = published
    code = (
        "import sys, stalking_flanders as s\n"
        "assert 'dvc' not in sys.modules\n"
        f"df = s.load('observations', lang='en', rev={commit!r}, repo={str(path)!r})\n"
        "print(len(df), df.attrs['version'], df['count'].sum(), 'dvc' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env(), capture_output=True, text=True, cwd=path.parent)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["21", version, str(5687 + 125), "True"]


def test_a_revision_or_repository_that_cannot_be_fetched_is_an_error_of_the_package(published, tmp_path):
    # DVC's own errors (CloneError, RevError) reached the caller, which only an error of the
    # package tells apart from a bug.
    path, _, _ = published
    code = (
        "import sys, stalking_flanders as s\n"
        "for repo, rev in ((sys.argv[1], None), (sys.argv[2], 'no-such-revision')):\n"
        "    try:\n"
        "        s.load('observations', rev=rev, repo=repo)\n"
        "    except s.NotFetched as error:\n"
        "        print(type(error).__name__, isinstance(error, s.PackageError), 'releases.toml' in str(error))\n"
    )
    args = [sys.executable, "-c", code, str(tmp_path / "nothing-here"), str(path)]
    out = subprocess.run(args, env=env(), capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    # a revision that is not there is told how a version is named
    assert out.stdout.split() == ["NotFetched", "True", "False", "NotFetched", "True", "True"]


def test_a_version_asked_for_outside_a_clone_is_told_to_name_the_repository(tmp_path, monkeypatch):
    """Without ``repo``, DVC looks in the current folder: outside a clone of the repository the
    error says to name it (it said only that the folder is not a git repository)."""
    from stalking_flanders import NotFetched, load

    monkeypatch.chdir(tmp_path)
    with pytest.raises(NotFetched, match=r"Outside a clone of the package's repository, name it: load\(name, rev=\.\.\., repo="):
        load("observations", rev="2.6.0")


def test_the_loader_fetches_a_version_by_its_number(tmp_path):
    """A version's number names its release commit, as releases.toml records it: a clone carries no
    tags, and load(rev="2.5.2") failed with DVC's "unknown Git revision"."""
    version, commit = [(v, r.commit) for v, r in history().items() if r.commit][-1]
    held = subprocess.run(["git", "cat-file", "-e", f"{commit}^{{commit}}"], cwd=ROOT, capture_output=True).returncode == 0
    needs(held, f"this clone does not hold the commit of {version} (a shallow clone)")
    code = (
        "import sys, stalking_flanders as s\nprint(s.load('observations', rev=sys.argv[1], repo=sys.argv[2]).attrs['version'])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, version, str(ROOT)], env=env(), capture_output=True, text=True, cwd=tmp_path
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [version]


def test_a_release_kept_out_of_git_that_no_cache_holds_is_not_fetched_an_error_of_the_package(tmp_path):
    """Releases before 2.0.0 kept their files out of git: fetching one that no cache or remote holds
    raised dvc_data's own DataIndexDirError, which the caller cannot tell from a bug of ours."""
    commit = history()["1.0.0"].commit
    held = subprocess.run(["git", "cat-file", "-e", f"{commit}^{{commit}}"], cwd=ROOT, capture_output=True).returncode == 0
    needs(held, "this clone does not hold the commit of 1.0.0 (a shallow clone)")
    code = (
        "import sys, stalking_flanders as s\n"
        "try:\n"
        "    s.load('observations', rev=sys.argv[1], repo=sys.argv[2])\n"
        "except s.NotFetched as error:\n"
        "    print(isinstance(error, s.PackageError), 'DataIndexDirError' in str(error))\n"
    )
    out = subprocess.run([sys.executable, "-c", code, commit, str(ROOT)], env=env(), capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "True"]


def test_a_pull_from_a_remote_missing_a_file_fails_and_changes_nothing(published, http_remote, tmp_path):
    path, _, _ = published
    folder, _ = http_remote
    broken = tmp_path / "broken-remote"
    shutil.copytree(folder, broken)
    missing = next(p for p in sorted(broken.rglob("*")) if p.is_file() and not p.name.endswith(".dir"))
    missing.unlink()
    with http_folder(broken) as url:
        clone = tmp_path / "clone"
        run(["git", "clone", "-q", str(path), str(clone)], tmp_path)
        dvc(["remote", "add", "--local", "broken", url], clone)
        before = sha256_tree(clone, skip=(".git", ".dvc"))
        result = dvc(["pull", "-r", "broken"], clone, check=False)
    assert result.returncode != 0
    message = result.stdout + result.stderr
    # DVC says so in one of two ways, depending on where the download stops; both name the missing object
    said = ("failed to pull data from the cloud", "failed to transfer")
    assert any(words in message for words in said) and missing.parent.name + missing.name in message.replace("/", "")
    assert sha256_tree(clone, skip=(".git", ".dvc")) == before and sha256_tree(clone, *OUTPUTS) == {}
    assert run(["git", "status", "--porcelain"], clone).stdout == ""
