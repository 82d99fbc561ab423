"""Cut a release: version VERSION of the code and the data, recorded in CHANGELOG.md and tagged
vVERSION.

    python scripts/cut_release.py VERSION [--test-command "make test"]

In order, it:
1. refuses a working tree that is not clean, a version that is not X.Y.Z, a version that is
   already tagged or released in CHANGELOG.md, and a version not above the last tag;
2. writes VERSION into pyproject.toml (the one place of the version) and, with the date, into
   CITATION.cff; rebuilds the release
   (`dvc repro`) and the README's generated sections;
3. runs the test command (default `make test`) and stops if it fails;
4. rebuilds the previous tag's release from git alone (in a temporary worktree), compares it with
   the new one (`stalking-flanders diff`) and refuses a version whose bump is smaller than the
   change needs (a figure changed or removed: major; rows or tables added: minor; else patch);
5. moves the "Unreleased" notes of CHANGELOG.md under "## [VERSION] - DATE" with the generated
   data-change summary, commits, and creates the annotated tag vVERSION.

On a refusal or failure nothing is committed or tagged and the tree is restored.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import _step  # noqa: F401 - puts this checkout's src/ first on the path
from stalking_flanders import repo
from stalking_flanders.datapackage import DataPackage
from stalking_flanders.diff import BUMPS, as_text, diff_releases

VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
CHANGELOG = Path("CHANGELOG.md")
UNRELEASED = "## [Unreleased]"


class Refused(Exception):
    pass


def git(*args: str, check: bool = True) -> str:
    result = subprocess.run(["git", *args], capture_output=True, text=True)
    if check and result.returncode != 0:
        raise Refused(f"git {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout.strip()


def parse(version: str) -> tuple[int, int, int]:
    m = VERSION.match(version)
    if not m:
        raise Refused(f"{version!r} is not a version of the form X.Y.Z")
    return tuple(int(x) for x in m.groups())


def needed_bump(previous: tuple[int, int, int] | None, version: tuple[int, int, int]) -> str:
    if previous is None:
        return "major"
    if version[0] > previous[0]:
        return "major"
    if version[1] > previous[1]:
        return "minor"
    return "patch"


def check_can_release(version: str) -> tuple[str | None, tuple]:
    new = parse(version)
    if git("status", "--porcelain"):
        raise Refused("the working tree is not clean: commit or stash the changes first")
    tags = [t for t in git("tag", "--list", "v*").split() if VERSION.match(t[1:])]
    if f"v{version}" in tags:
        raise Refused(f"version {version} exists already: the tag v{version} is there")
    if re.search(rf"^## \[{re.escape(version)}\] - \d{{4}}-\d{{2}}-\d{{2}}", CHANGELOG.read_text(encoding="utf-8"), re.M):
        raise Refused(f"version {version} is already released in {CHANGELOG}")
    previous = max(tags, key=lambda t: parse(t[1:]), default=None)
    if previous and new <= parse(previous[1:]):
        raise Refused(f"version {version} is not above the last release, {previous}")
    return previous, new


CITATION = Path("CITATION.cff")


def set_version(version: str) -> None:
    """The version into pyproject.toml (its one place), and into CITATION.cff with today's date."""
    for path, pattern, line in (
        (Path(repo.PYPROJECT), r'(?m)^version = "[^"]*"$', f'version = "{version}"'),
        (CITATION, r"(?m)^version: .*$", f"version: {version}"),
        (CITATION, r"(?m)^date-released: .*$", f'date-released: "{datetime.date.today().isoformat()}"'),
    ):
        text, n = re.subn(pattern, line, path.read_text(encoding="utf-8"), count=1)
        if n != 1:
            raise Refused(f"no line matching {pattern} in {path}")
        path.write_text(text, encoding="utf-8")


def run_command(command: list[str] | str, what: str, cwd: str | None = None) -> None:
    result = subprocess.run(command, shell=isinstance(command, str), cwd=cwd)
    if result.returncode != 0:
        raise Refused(f"{what} failed (exit {result.returncode})")


def previous_release(tag: str, workdir: Path) -> Path:
    """The release of ``tag``, rebuilt from git alone in a temporary worktree."""
    git("worktree", "add", "--detach", str(workdir), tag)
    run_command(["dvc", "repro", "--quiet"], f"rebuilding the release of {tag}", cwd=str(workdir))
    return workdir / repo.RELEASE


def summary(previous: str | None, version: tuple) -> tuple[str, str]:
    """The data-change summary for CHANGELOG.md, and the bump the change needs."""
    if previous is None:
        names = DataPackage(repo.RELEASE).tables()
        return f"First release: tables {', '.join(names)}.\n", "none"
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp) / "previous"
        try:
            result = diff_releases(previous_release(previous, workdir), repo.RELEASE)
        finally:
            git("worktree", "remove", "--force", str(workdir), check=False)
    text = "\n".join(f"    {line}" if not line.startswith("-") else line for line in as_text(result).splitlines()[1:])
    return f"Compared with {previous} (change level {result['bump']}):\n\n{text}\n", result["bump"]


def update_changelog(version: str, data_changes: str) -> None:
    text = CHANGELOG.read_text(encoding="utf-8")
    today = datetime.date.today().isoformat()
    heading = f"## [{version}] - {today}"
    block = f"{heading}\n\n### Data changes\n\n{data_changes}"
    if UNRELEASED in text:
        head, rest = text.split(UNRELEASED, 1)
        notes, sep, tail = rest.partition("\n## [")
        notes = notes.strip("\n")
        text = f"{head}{UNRELEASED}\n\n{block}" + (f"\n{notes}\n" if notes else "") + (f"\n{sep.lstrip()}{tail}" if sep else "")
    else:
        first = text.find("\n## [")
        text = text[: first + 1] + block + "\n" + text[first + 1 :] if first >= 0 else text + "\n" + block
    CHANGELOG.write_text(text, encoding="utf-8")


def release(version: str, test_command: str) -> None:
    previous, new = check_can_release(version)
    try:
        set_version(version)
        run_command(["dvc", "repro", "--quiet"], "dvc repro")
        run_command([sys.executable, "scripts/readme.py"], "regenerating the README")
        run_command(test_command, f"the test command ({test_command})")
        data_changes, bump = summary(previous, new)
        if previous and BUMPS.index(bump) > BUMPS.index(needed_bump(parse(previous[1:]), new)):
            raise Refused(f"the change from {previous} needs a {bump} version, not {version}:\n{data_changes}")
        update_changelog(version, data_changes)
        git("add", "-A")
        git("commit", "-q", "-m", f"Release {version}")
    except BaseException:
        git("checkout", "--", ".", check=False)
        raise
    git("tag", "-a", f"v{version}", "-m", f"stalking-flanders {version}")
    print(f"released {version}: commit {git('rev-parse', '--short', 'HEAD')}, tag v{version}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("version", metavar="VERSION", help="the new version, X.Y.Z")
    parser.add_argument("--test-command", default="make test", help="the tests that must pass (default: make test)")
    args = parser.parse_args(argv)
    os.chdir(git("rev-parse", "--show-toplevel"))
    try:
        release(args.version, args.test_command)
    except Refused as error:
        print(f"release refused: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
