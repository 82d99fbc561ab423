"""Publish a cut release to every destination a configuration file names (`make publish`).

    python scripts/distribute.py [--config publish.toml]

The `[publish]` table of the file names the destinations; none is assumed, and none is invented:

    [publish]
    git_remotes = ["origin"]              # push the release commit and its tag v<version> (made if missing)
    dvc_remotes = []                      # push the DVC cache (only once the outputs are cached)
    index_url = "https://<index>/legacy/" # upload the wheel and sdist with twine
    site = "s3://<bucket>/<path>/"        # or a folder: the release folder and its DCAT record
    site_endpoint_url = "https://<s3-compatible-endpoint>"  # for an S3-compatible service

and its `[portal]` table the settings of the DCAT record (docs/portals.md), whose `base_url` is
where `site/<version>/` is served (`{version}` stands for the release's version). Credentials
come from the environment, never from the file: TWINE_USERNAME/TWINE_PASSWORD for the index,
AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY for S3.

Before anything is sent, it checks the settings, that HEAD is the release (tagged v<version>, or
in a clone without tags the commit `Release <version>` that releases.toml records), that
the release is valid, and builds the wheel and sdist (`twine check --strict`) and the record. Then
it sends to each destination in turn: git, DVC, the index, the site. A destination that fails
stops the run and the rest are not attempted; what was sent stays whole (a version's folder on
the site appears at once, or its record last; the index keeps what it took), and the message
says what was published and what is missing. Running it again sends what is missing (git and
DVC push again, twine skips what the index has, the site keeps a version folder whose files are
the same and refuses one whose files differ).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import _step  # noqa: F401 - puts this checkout's src/ first on the path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "backend"))
from stalking_flanders_build import MissingRelease, ensure_release  # noqa: E402 - the build backend's copy

from stalking_flanders import repo  # noqa: E402
from stalking_flanders.datapackage import DataPackage  # noqa: E402
from stalking_flanders.dcat import record  # noqa: E402
from stalking_flanders.portal_settings import SettingsError, load_settings, setting_problem  # noqa: E402
from stalking_flanders.problems import counted  # noqa: E402
from stalking_flanders.releases import COMMIT_SUBJECT, TAG, TAG_MESSAGE, history  # noqa: E402
from stalking_flanders.validation import validate_package  # noqa: E402

DESTINATIONS = ("git_remotes", "dvc_remotes", "index_url", "site")
SETTINGS = {*DESTINATIONS, "site_endpoint_url"}
RECORD = "dcat.ttl"  # the DCAT record, beside the release's files in site/<version>/


class Stop(Exception):
    """Publishing cannot start (a setting, the checkout) or a destination failed."""


def settings_of(config: Path) -> tuple[dict, dict | None]:
    """The [publish] table, checked, and the portal settings (None without a site)."""
    if not config.is_file():
        raise Stop(f"{config}: no such file; write it (docs/maintainers.md has an example) or name one: PUBLISH_CONFIG=<file>")
    try:
        document = tomllib.loads(config.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise Stop(f"{config}: cannot be read as TOML: {error}") from None
    publish = document.get("publish")
    if not isinstance(publish, dict):
        raise Stop(f"{config}: no [publish] table; it names the destinations (see scripts/distribute.py)")
    problems = [f"{k}: not a setting (known: {', '.join(sorted(SETTINGS))})" for k in publish if k not in SETTINGS]
    for key in ("git_remotes", "dvc_remotes"):
        if not isinstance(publish.get(key, []), list) or not all(isinstance(v, str) and v for v in publish.get(key, [])):
            problems.append(f"{key}: must be a list of remote names or URLs")
    for key in ("index_url", "site_endpoint_url"):
        if key in publish and (problem := setting_problem("base_url", publish[key])):
            problems.append(f"{key}: {problem}")
    if "site" in publish and (not isinstance(publish["site"], str) or not publish["site"]):
        problems.append("site: must be an s3:// URL or a folder")
    if not any(publish.get(k) for k in DESTINATIONS):
        problems.append(f"no destination: give at least one of {', '.join(DESTINATIONS)}")
    if problems:
        raise Stop(f"{config}: the [publish] table cannot be used:\n" + "\n".join(f"  - {p}" for p in problems))
    if not publish.get("site"):
        return publish, None
    try:
        return publish, load_settings(config)
    except SettingsError as error:
        raise Stop(f"{config}: the record of the site needs its [portal] settings: {error}") from None


def run(command: list[str], what: str) -> str:
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1", "TERM": "dumb"})
    if result.returncode != 0:
        raise Stop(f"{what} failed (exit {result.returncode}): {(result.stderr or result.stdout).strip()[-2000:]}")
    return result.stdout


def prepared(version: str, portal: dict | None, work: Path) -> tuple[list[Path], Path | None]:
    """Check the checkout and build what is sent: the wheel and sdist, and the record."""
    if run(["git", "status", "--porcelain", "--untracked-files=no"], "git status").strip():
        raise Stop("the working tree has changes: publish a release as it was cut (scripts/cut_release.py)")
    if not is_the_release(version):
        raise Stop(
            f"HEAD is not the release {version} (neither tagged {TAG.format(version=version)} nor the commit "
            f"'{COMMIT_SUBJECT.format(version=version)}' that releases.toml records): publish a release as it was "
            "cut (scripts/cut_release.py)"
        )
    ensure_release()  # the package's copies of the release, as a build makes them (checked against SHA256SUMS)
    problems = validate_package(repo.RELEASE)
    if problems:
        raise Stop(f"the release is not valid ({counted(problems)} problem(s)); run `stalking-flanders validate {repo.RELEASE}`")
    run([sys.executable, "scripts/build_dist.py", str(work / "dist")], "building the wheel and sdist")
    dists = sorted((work / "dist").iterdir())
    run([sys.executable, "-m", "twine", "check", "--strict", *map(str, dists)], "twine check")
    if portal is None:
        return dists, None
    (work / RECORD).write_text(record(DataPackage(repo.RELEASE), portal), encoding="utf-8")
    return dists, work / RECORD


def is_the_release(version: str) -> bool:
    """Whether HEAD is the commit of the release ``version``: tagged so where it was cut, or, in a
    clone (tags do not travel with one), the commit ``Release <version>`` right after the commit
    ``releases.toml`` records it was cut from."""
    if TAG.format(version=version) in run(["git", "tag", "--points-at", "HEAD"], "git tag").split():
        return True
    entry = history().get(version)
    if entry is None:
        return False
    parents, subject = run(["git", "log", "-1", "--format=%P%n%s", "HEAD"], "git log").split("\n")[:2]
    return parents.split() == [entry.cut_from] and subject == COMMIT_SUBJECT.format(version=version)


def send_git(remotes: list[str], version: str) -> None:
    tag = TAG.format(version=version)
    if remotes and tag not in run(["git", "tag", "--points-at", "HEAD"], "git tag").split():
        # a clone without the tag: tag the release commit as the release script does where it cuts one
        run(["git", "tag", "-a", tag, "-m", TAG_MESSAGE.format(version=version), "HEAD"], f"git tag {tag}")
    for remote in remotes:
        run(["git", "push", "--quiet", remote, "HEAD", f"refs/tags/{tag}"], f"git push to {remote}")


def send_dvc(remotes: list[str], version: str) -> None:
    for remote in remotes:
        run(["dvc", "push", "--quiet", "-r", remote], f"dvc push to {remote}")


ALREADY_THERE = "already exists"  # what PyPI and pypiserver answer to a file they hold (twine --verbose shows it)


def send_index(url: str, dists: list[Path]) -> None:
    """Each file with twine; a file the index holds already is left as it is (an index never
    replaces a file: twine's --skip-existing works only for a few named indexes)."""
    command = [sys.executable, "-m", "twine", "upload", "--non-interactive", "--disable-progress-bar", "--verbose"]
    command += ["--repository-url", url]
    for dist in dists:
        try:
            run([*command, str(dist)], f"twine upload of {dist.name} to {url}")
        except Stop as error:
            if ALREADY_THERE not in str(error):
                raise


def site_files(record_path: Path | None) -> dict[str, Path]:
    """What goes to site/<version>/: every file of the release folder, and the record (last)."""
    files = {p.relative_to(repo.RELEASE).as_posix(): p for p in sorted(repo.RELEASE.rglob("*")) if p.is_file()}
    return {**files, RECORD: record_path} if record_path else files


def send_folder(site: str, version: str, files: dict[str, Path]) -> None:
    """Into a folder: the version's folder appears whole, in one rename, or not at all."""
    root = Path(site.removeprefix("file://"))
    target = root / version
    if target.exists():
        same = {p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()} == set(files) and all(
            (target / name).read_bytes() == path.read_bytes() for name, path in files.items()
        )
        if not same:
            raise Stop(f"{target} exists with other files: a published version is never overwritten")
        return
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=root, prefix=f".{version}.tmp-"))
    try:
        for name, path in files.items():
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, staging / name)
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def send_s3(site: str, endpoint: str | None, version: str, files: dict[str, Path]) -> None:
    """Into an S3 bucket: every file, then the record last (a record names only files that are there)."""
    import s3fs

    fs = s3fs.S3FileSystem(client_kwargs={"endpoint_url": endpoint} if endpoint else {})
    prefix = site.removeprefix("s3://").rstrip("/") + f"/{version}/"
    for name, path in files.items():
        key = prefix + name
        if fs.exists(key):
            if fs.cat_file(key) != path.read_bytes():
                raise Stop(f"s3://{key} exists with other bytes: a published version is never overwritten")
            continue
        fs.put_file(str(path), key)


def send_site(publish: dict, version: str, record_path: Path | None) -> None:
    site, files = publish["site"], site_files(record_path)
    if site.startswith("s3://"):
        send_s3(site, publish.get("site_endpoint_url"), version, files)
    else:
        send_folder(site, version, files)


def publish_all(publish: dict, version: str, dists: list[Path], record_path: Path | None) -> list[str]:
    """Send to each destination in turn; stop at the first that fails, saying what was sent."""
    steps = [
        ("git", publish.get("git_remotes"), lambda: send_git(publish["git_remotes"], version)),
        ("DVC", publish.get("dvc_remotes"), lambda: send_dvc(publish["dvc_remotes"], version)),
        ("index", publish.get("index_url"), lambda: send_index(publish["index_url"], dists)),
        ("site", publish.get("site"), lambda: send_site(publish, version, record_path)),
    ]
    steps = [(name, send) for name, wanted, send in steps if wanted]
    done = []
    for i, (name, send) in enumerate(steps):
        try:
            send()
        except Stop as error:
            missing = ", ".join(n for n, _ in steps[i:])
            raise Stop(
                f"{error}\npublished: {', '.join(done) or 'nothing'}; not published: {missing} (run again to send them)"
            ) from None
        done.append(name)
    return done


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=Path("publish.toml"), help="the settings (default: publish.toml)")
    args = parser.parse_args(argv)
    version = DataPackage(repo.RELEASE).descriptor["version"]
    try:
        publish, portal = settings_of(args.config)
        with tempfile.TemporaryDirectory() as work:
            dists, record_path = prepared(version, portal, Path(work))
            done = publish_all(publish, version, dists, record_path)
    except (Stop, MissingRelease) as error:
        print(f"publish: {error}", file=sys.stderr)
        return 1
    print(f"published {version}: {', '.join(done)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
