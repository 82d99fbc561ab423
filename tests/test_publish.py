"""Publishing is one command (`make publish`: scripts/distribute.py), proven end to end against
local stand-ins: a bare git repository (the git remote), a package index (pypiserver, in
.venv-pypiserver), an S3-compatible server (moto) and a folder served over HTTP (the site), all on
127.0.0.1. Afterwards a fresh folder gets the same bytes through each published route; a missing
setting stops it before anything is sent, and a failure half way leaves what was sent whole and
says what is missing."""

from __future__ import annotations

import json
import os
import sys
import tomllib
import urllib.request
from pathlib import Path

import pytest
from conftest import BUCKET, CREDENTIALS

from helpers import ROOT, free_port, fresh_repository, fresh_venv, http_folder, needs, run, serving, sha256_tree, tool_env
from stalking_flanders import repo

pytestmark = pytest.mark.system  # runs outside programs: see conftest.py

PYPISERVER = Path(os.environ.get("STALKING_FLANDERS_PYPISERVER_BIN", ROOT / ".venv-pypiserver" / "bin")) / "pypi-server"
VERSION = tomllib.loads((ROOT / repo.PYPROJECT).read_text())["project"]["version"]
PORTAL = {"publisher_name": "Test publisher (test fixture)", "contact_email": "contact@test-fixture.invalid"}


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    """A package index on 127.0.0.1 that takes uploads without credentials."""
    needs(PYPISERVER.is_file(), f"no package index server at {PYPISERVER}: `make test` installs it (requirements/pypiserver.txt)")
    packages = tmp_path_factory.mktemp("index")
    port = free_port()
    command = [PYPISERVER, "run", "-i", "127.0.0.1", "-p", str(port), "-a", ".", "-P", ".", "--disable-fallback", packages]
    with serving(command, f"http://127.0.0.1:{port}/") as url:
        yield url


def release_checkout(tmp_path: Path) -> tuple[Path, str]:
    """A checkout of this working tree as a cut release (tagged), with a bare repository as its
    git remote."""
    work = fresh_repository(tmp_path / "work")
    run(["git", "tag", "-a", f"v{VERSION}", "-m", VERSION], work, env=git_env())
    bare = tmp_path / "published.git"
    run(["git", "init", "-q", "--bare", str(bare)], tmp_path)
    return work, f"file://{bare}"


def git_env() -> dict:
    return {
        **tool_env(),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@localhost",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@localhost",
    }


def publish(work: Path, settings: str, s3_url: str | None = None):
    (work / "publish.toml").write_text(settings, encoding="utf-8")
    env = {**git_env(), **CREDENTIALS, "TWINE_USERNAME": "test-only", "TWINE_PASSWORD": "test-only"}
    return run([sys.executable, "scripts/distribute.py", "--config", "publish.toml"], work, check=False, env=env)


def config(git: str = "", index: str = "", site: str = "", endpoint: str = "", base_url: str = "") -> str:
    lines = ["[publish]"]
    lines += [f'git_remotes = ["{git}"]'] if git else []
    lines += [f'index_url = "{index}"'] if index else []
    lines += [f'site = "{site}"'] if site else []
    lines += [f'site_endpoint_url = "{endpoint}"'] if endpoint else []
    if site:
        lines += ["", "[portal]", f'base_url = "{base_url}"', *(f'{k} = "{v}"' for k, v in PORTAL.items())]
    return "\n".join(lines) + "\n"


def test_publish_sends_to_every_destination_and_each_route_gives_the_same_bytes(index, tmp_path):
    work, git_url = release_checkout(tmp_path)
    site = tmp_path / "site"
    site.mkdir()
    with http_folder(site) as site_url:
        result = publish(work, config(git=git_url, index=index, site=str(site), base_url=f"{site_url}{VERSION}/"))
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == f"published {VERSION}: git, index, site"
        # git: a fresh clone of the tag carries the release
        run(["git", "clone", "-q", "--branch", f"v{VERSION}", git_url, "clone"], tmp_path)
        assert sha256_tree(tmp_path / "clone" / repo.RELEASE) == sha256_tree(work / repo.RELEASE)
        # the site: every file over HTTP, and the record's download URLs answer with those bytes
        for name, digest in sha256_tree(work / repo.RELEASE).items():
            got = urllib.request.urlopen(f"{site_url}{VERSION}/{name}", timeout=10).read()
            assert __import__("hashlib").sha256(got).hexdigest() == digest, name
        turtle = urllib.request.urlopen(f"{site_url}{VERSION}/dcat.ttl", timeout=10).read().decode()
        assert f"<{site_url}{VERSION}/observations.csv>" in turtle
    # the index: a fresh environment installs the version by name from it, offline, and loads
    python = fresh_venv(tmp_path / "venv")  # the dependencies borrowed: only the index is asked
    pip = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--index-url", f"{index}simple/"]
    pip += ["--no-deps", "--ignore-installed"]  # the borrowed environment lists this project's own checkout
    run([*pip, f"stalking-flanders=={VERSION}"], tmp_path)
    loaded = run([python, "-c", "import stalking_flanders as s; print(len(s.load('observations')), s.__version__)"], tmp_path)
    assert loaded.stdout.split() == ["21", VERSION]


def test_publish_to_an_s3_bucket(s3, tmp_path):
    work, _ = release_checkout(tmp_path)
    site = f"s3://{BUCKET}/site"
    result = publish(work, config(site=site, endpoint=s3, base_url=f"https://example.invalid/site/{VERSION}/"))
    assert result.returncode == 0, result.stderr
    code = (
        "import json, sys, hashlib, boto3\n"
        f"c = boto3.client('s3', endpoint_url={s3!r}, region_name='us-east-1')\n"
        f"keys = [o['Key'] for o in c.list_objects_v2(Bucket={BUCKET!r}, Prefix='site/{VERSION}/')['Contents']]\n"
        f"body = lambda k: c.get_object(Bucket={BUCKET!r}, Key=k)['Body'].read()\n"
        "print(json.dumps({k.split('/', 2)[2]: hashlib.sha256(body(k)).hexdigest() for k in keys}))\n"
    )
    s3_python = Path(os.environ.get("STALKING_FLANDERS_S3SERVER_BIN", ROOT / ".venv-s3server" / "bin")) / "python"
    listed = json.loads(run([s3_python, "-c", code], tmp_path, env={**tool_env(), **CREDENTIALS}).stdout)
    assert listed.pop("dcat.ttl") and listed == sha256_tree(work / repo.RELEASE)


def test_a_missing_setting_stops_before_anything_is_sent(tmp_path):
    work, git_url = release_checkout(tmp_path)
    result = publish(work, config(git=git_url, site=str(tmp_path / "site"), base_url=""))
    assert result.returncode == 1 and "base_url" in result.stderr and "[portal]" in result.stderr, result.stderr
    assert run(["git", "ls-remote", git_url], tmp_path).stdout == "" and not (tmp_path / "site").exists()
    result = publish(work, "[publish]\nbucket = 'x'\n")
    assert result.returncode == 1 and "bucket: not a setting" in result.stderr and "no destination" in result.stderr


def test_a_missing_settings_file_says_where_an_example_is(tmp_path):
    result = run([sys.executable, "scripts/distribute.py", "--config", str(tmp_path / "publish.toml")], ROOT, check=False)
    assert result.returncode == 1 and "no such file" in result.stderr and "docs/maintainers.md" in result.stderr


def test_a_failure_half_way_keeps_what_was_sent_and_says_what_is_missing(index, tmp_path):
    work, git_url = release_checkout(tmp_path)
    closed = f"http://127.0.0.1:{free_port()}/"  # nothing listens there
    site = tmp_path / "site"
    result = publish(work, config(git=git_url, index=closed, site=str(site), base_url=f"https://example.invalid/{VERSION}/"))
    assert result.returncode == 1 and "published: git; not published: index, site (run again to send them)" in result.stderr
    assert f"refs/tags/v{VERSION}" in run(["git", "ls-remote", git_url], tmp_path).stdout  # what was sent stays whole
    assert not site.exists()
    # Run again with the index up: the rest is sent, git again changes nothing.
    result = publish(work, config(git=git_url, index=index, site=str(site), base_url=f"https://example.invalid/{VERSION}/"))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in site.iterdir()) == [VERSION]


def test_publish_refuses_a_checkout_that_is_not_the_cut_release(tmp_path):
    work = fresh_repository(tmp_path / "work")  # not tagged
    result = publish(work, config(site=str(tmp_path / "site"), base_url="https://example.invalid/"))
    assert result.returncode == 1 and f"HEAD is not the release {VERSION}" in result.stderr
    assert not (tmp_path / "site").exists()


def test_a_clone_without_tags_publishes_the_release_commit_releases_toml_records_and_tags_it(tmp_path):
    """Tags do not travel with a clone: the release commit is known by releases.toml (the commit
    `Release <version>` right after the one it was cut from), and is tagged when it is pushed."""
    work = fresh_repository(tmp_path / "work")
    bare = tmp_path / "published.git"
    run(["git", "init", "-q", "--bare", str(bare)], tmp_path)
    settings = config(git=f"file://{bare}")
    run(["git", "commit", "-q", "--allow-empty", "-m", f"Release {VERSION}"], work, env=git_env())
    refused = publish(work, settings)  # the right subject, but not after the commit it was cut from
    assert refused.returncode == 1 and f"HEAD is not the release {VERSION}" in refused.stderr, refused.stderr
    run(["git", "reset", "-q", "--hard", "HEAD~1"], work)
    record = work / "src" / "stalking_flanders" / "releases.toml"
    cut_from = tomllib.loads(record.read_text())["releases"][VERSION]["cut_from"]
    record.write_text(record.read_text().replace(cut_from, run(["git", "rev-parse", "HEAD"], work).stdout.strip()))
    run(["git", "commit", "-qam", f"Release {VERSION}"], work, env=git_env())
    result = publish(work, settings)
    assert result.returncode == 0, result.stderr
    pushed = run(["git", "ls-remote", f"file://{bare}"], tmp_path).stdout
    head = run(["git", "rev-parse", "HEAD"], work).stdout.strip()
    tag = run(["git", "rev-parse", f"v{VERSION}^{{commit}}"], work).stdout.strip()
    assert f"refs/tags/v{VERSION}" in pushed and tag == head
