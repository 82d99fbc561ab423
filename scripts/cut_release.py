"""Cut a release: version VERSION of the code and the data, recorded in CHANGELOG.md and tagged
vVERSION.

    python scripts/cut_release.py VERSION [--test-command "make test"]

In order, it:
1. refuses a working tree that is not clean, a version that is not X.Y.Z, a version that is
   already tagged or released in CHANGELOG.md, and a version not above the last release: the
   highest of the tags and of the CHANGELOG's dated entries (tags do not always travel with a
   clone; the CHANGELOG does);
2. writes VERSION into pyproject.toml (the one place of the version) and, with the date, into
   CITATION.cff; rebuilds the release (`dvc repro`) and records its descriptor in
   src/stalking_flanders/releases.toml, with the commit of the previous release (the revision
   users fetch that version by: tags do not travel with a clone, the file does);
3. takes the previous release from git alone (in a temporary worktree of its tag or, in a clone
   without tags, of the commit that wrote its CHANGELOG entry: the release that commit holds),
   compares it with the new one
   (`stalking-flanders diff`) and refuses a version whose bump is smaller than the change needs, as
   `diff` judges it for the reader (its module's docstring and docs/maintainers.md list the rules:
   a table, field, row or code removed or renamed, a type or key changed, another licence: major;
   tables, fields, rows or codes added: minor; a corrected figure, label or translation: patch),
   and one smaller than the "Unreleased" notes need ("### Added": minor);
4. moves the "Unreleased" notes of CHANGELOG.md under "## [VERSION] - DATE" with the generated
   data-change summary, and rebuilds the README's generated sections;
5. runs the test command (default `make test`) on the release as it will be committed, and stops
   if it fails;
6. commits the files a release changes, the data with them (and nothing else the tests may have
   left), and creates the annotated tag vVERSION.

On a refusal, a failure or a stop (SIGTERM, SIGINT, SIGHUP) nothing is committed or tagged, and
the tracked files and the built data (every folder of ``BUILT``: data/extracted, data/validated,
data/charts, data/release and the package's bundled data) are restored as they were.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from changelog import NAME, heading, released

import _step  # noqa: F401 - puts this checkout's src/ first on the path
from stalking_flanders import csv_tables, repo, sums
from stalking_flanders.datapackage import DataPackage
from stalking_flanders.diff import BUMPS, as_text, diff_releases
from stalking_flanders.hashes import sha256_bytes
from stalking_flanders.model import ADDED_IN, TABLES_ADDED_IN
from stalking_flanders.releases import COMMIT_SUBJECT, TAG, TAG_MESSAGE, canonical

VERSION = re.compile(r"(\d+)\.(\d+)\.(\d+)", re.ASCII)  # matched whole (fullmatch)
CHANGELOG = Path(NAME)
UNRELEASED = "## [Unreleased]"


class Refused(Exception):
    pass


def git(*args: str, check: bool = True) -> str:
    result = subprocess.run(["git", *args], capture_output=True, text=True)
    if check and result.returncode != 0:
        raise Refused(f"git {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout.strip()


def release_commit(version: str, day: datetime.date) -> str | None:
    """The commit of this repository that wrote the CHANGELOG entry of ``version`` (its release
    commit), if the clone has it."""
    found = git("log", "--format=%H", "-S", heading(version, day), "--", str(CHANGELOG), check=False)
    return found.splitlines()[-1] if found else None


def version_of(tag: str) -> str:
    """The version a release's tag (:data:`~stalking_flanders.releases.TAG`) names; "" for another tag.

    >>> version_of(TAG.format(version="2.4.0")), version_of("other")
    ('2.4.0', '')
    """
    before, _, after = TAG.partition("{version}")
    fits = tag.startswith(before) and tag.endswith(after) and len(tag) > len(before) + len(after)
    return tag[len(before) : len(tag) - len(after)] if fits else ""


def parse(version: str) -> tuple[int, int, int]:
    """A version's numbers; :class:`Refused` where it is not X.Y.Z whole.

    >>> parse("2.4.1")
    (2, 4, 1)
    >>> parse("2.4.1\\n")
    Traceback (most recent call last):
    ...
    cut_release.Refused: '2.4.1\\n' is not a version of the form X.Y.Z
    """
    m = VERSION.fullmatch(version)
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


def check_can_release(version: str) -> tuple[tuple[str, str] | None, tuple]:
    """The last release as (version, git revision of its release), and the new version; or a refusal."""
    new = parse(version)
    if git("status", "--porcelain"):
        raise Refused("the working tree is not clean: commit or stash the changes first")
    tags = {v for t in git("tag", "--list", TAG.format(version="*")).split() if VERSION.fullmatch(v := version_of(t))}
    dated = released(CHANGELOG.read_text(encoding="utf-8"))
    if version in tags:
        raise Refused(f"version {version} exists already: the tag {TAG.format(version=version)} is there")
    if version in dated:
        raise Refused(f"version {version} is already released in {CHANGELOG}")
    undated = sorted(tags - set(dated), key=parse)
    if undated:
        raise Refused(f"the tag(s) {', '.join(TAG.format(version=v) for v in undated)} have no dated entry in {CHANGELOG}")
    previous = max(dated, key=parse, default=None)
    if previous is None:
        return None, new
    if new <= parse(previous):
        raise Refused(f"version {version} is not above the last release, {previous} (from {CHANGELOG} and the tags)")
    revision = TAG.format(version=previous) if previous in tags else release_commit(previous, dated[previous])
    if revision is None:
        raise Refused(
            f"the release commit of {previous} is not in this clone (no tag {TAG.format(version=previous)}, and no commit wrote "
            f"its {CHANGELOG} entry: a shallow clone?); fetch the history or the tags first"
        )
    return (previous, revision), new


CITATION = Path("CITATION.cff")


def set_version(version: str, day: datetime.date) -> None:
    """The version into pyproject.toml (its one place), and into CITATION.cff with today's date."""
    for path, pattern, line in (
        (Path(repo.PYPROJECT), r'(?m)^version = "[^"]*"$', f'version = "{version}"'),
        (CITATION, r"(?m)^version: .*$", f"version: {version}"),
        (CITATION, r"(?m)^date-released: .*$", f'date-released: "{day.isoformat()}"'),
    ):
        text, n = re.subn(pattern, line, path.read_text(encoding="utf-8"), count=1)
        if n != 1:
            raise Refused(f"no line matching {pattern} in {path}")
        path.write_text(text, encoding="utf-8")


STOP_GRACE = 30  # seconds a step's process group has after SIGTERM before SIGKILL


def run_command(command: list[str] | str, what: str, cwd: str | None = None) -> None:
    """Run ``command`` in a process group of its own; if the release stops (a signal, an error),
    the whole group stops with it, so no test it started runs on."""
    try:
        process = subprocess.Popen(command, shell=isinstance(command, str), cwd=cwd, start_new_session=True)
    except OSError as error:  # dvc not on the PATH: the project's environment is not active
        raise Refused(f"{what} could not start ({error}); run the script with the project's .venv active") from None
    try:
        returncode = process.wait()
    except BaseException:
        ignore_stops()  # the group is ended, whatever else arrives meanwhile
        for signum in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(process.pid, signum)
                process.wait(timeout=STOP_GRACE)
                break
            except ProcessLookupError:  # the group is gone already
                break
            except subprocess.TimeoutExpired:  # it outlived SIGTERM
                continue
        raise
    if returncode != 0:
        raise Refused(f"{what} failed (exit {returncode})")


def previous_release(revision: str, workdir: Path) -> Path:
    """The release of ``revision`` as that commit holds it, from git alone, in a temporary worktree
    (every pipeline output is committed with its release, so this is what its users got)."""
    git("worktree", "add", "--detach", str(workdir), revision)
    if not (workdir / repo.RELEASE / sums.NAME).is_file():
        raise Refused(
            f"the commit {revision} holds no release with a {sums.NAME} in {repo.RELEASE} (a release from before "
            "the outputs were committed, 1.0.x): there is nothing to compare the new release with"
        )
    return workdir / repo.RELEASE


def summary(previous: tuple[str, str] | None) -> tuple[str, str, dict]:
    """The data-change summary for CHANGELOG.md, the bump the change needs, and ``diff``'s result."""
    if previous is None:
        names = DataPackage(repo.RELEASE).tables()
        return f"First release: tables {', '.join(names)}.\n", "none", {"tables": {}}
    version, revision = previous
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp) / "previous"
        try:
            result = diff_releases(previous_release(revision, workdir), repo.RELEASE)
            check_texts_kept(workdir / repo.RELEASE, repo.RELEASE, version)
        finally:
            git("worktree", "remove", "--force", str(workdir), check=False)
    text = "\n".join(as_text(result).splitlines()[1:])  # Markdown as it is: its sub-items nest under their table
    return f"Compared with {version} (change level {result['bump']}):\n\n{text}\n", result["bump"], result


def check_texts_kept(previous: Path, new: Path, version: str) -> None:
    """:class:`Refused` where a source question of the release ``version`` (its folder ``previous``)
    stands in the release ``new`` with another archived text (another sha256): an archived text is
    never edited, since every earlier release is held to the text its registry entry names; a
    corrected answer is a source of its own (docs/maintainers.md, "A corrected answer")."""

    def texts(release: Path) -> dict[str, str]:
        with (release / csv_tables.file_name("source_questions")).open(encoding="utf-8", newline="") as fh:
            return {row["source_question"]: row["sha256"] for row in csv.DictReader(fh)}

    before, after = texts(previous), texts(new)
    edited = sorted(q for q in before.keys() & after.keys() if before[q] != after[q])
    if edited:
        raise Refused(
            f"the archived text of {', '.join(edited)} is not the one {version} published (another sha256): every "
            "earlier release would fail validate. Restore it, and archive a corrected answer as a new source "
            '(docs/maintainers.md, "A corrected answer")'
        )


def check_additions_recorded(result: dict, version: str, previous: str) -> None:
    """:class:`Refused` where the release ``version`` adds, within the major version of ``previous``,
    a table or a field (``diff``'s ``result``) that ``model.TABLES_ADDED_IN`` or ``model.ADDED_IN``
    does not record as added in ``version``: ``validate`` would report every earlier release of that
    major version as lacking it, and with a later version let a package of this one lack it. A new
    major version's tables and fields are its own.

    >>> added = {"tables_added": [], "tables": {"series": {"fields_added": ["unit_nl", "unit_lines"]}}}
    >>> check_additions_recorded(added, "2.1.0", "2.0.6")
    Traceback (most recent call last):
    ...
    cut_release.Refused: model.ADDED_IN does not record series.unit_lines as added in 2.1.0: ...
    >>> check_additions_recorded(added | {"tables_added": ["answers"]}, "2.7.0", "2.6.4")
    Traceback (most recent call last):
    ...
    cut_release.Refused: model.TABLES_ADDED_IN does not record answers as added in 2.7.0: ...
    >>> check_additions_recorded(added, "3.0.0", "2.5.3")  # a new major version: nothing to record
    """
    if parse(version)[0] != parse(previous)[0]:
        return
    tables = [table for table in result["tables_added"] if TABLES_ADDED_IN.get(table) != version]
    if tables:
        said = f"model.TABLES_ADDED_IN does not record {', '.join(tables)} as added in {version}"
        raise Refused(f"{said}: give each ({{table: {version!r}}}) so that earlier releases stay valid")
    added = [(table, field) for table, changes in result["tables"].items() for field in changes["fields_added"]]
    unrecorded = [f"{table}.{field}" for table, field in added if ADDED_IN.get((table, field)) != version]
    if unrecorded:
        said = f"model.ADDED_IN does not record {', '.join(unrecorded)} as added in {version}"
        raise Refused(f"{said}: give each ({{(table, field): {version!r}}}) so that earlier releases stay valid")


def noted_bump(changelog: str) -> str:
    r"""The least change level the notes under "Unreleased" ask for: minor where they list something
    added (a column, an attribute, a command), whatever the data's own change; else none.

    >>> noted_bump("## [Unreleased]\n\n### Added\n\n- a column\n\n## [1.0.0] - 2026-01-01\n")
    'minor'
    >>> noted_bump("## [Unreleased]\n\n### Fixed\n\n- a typo\n\n## [1.0.0] - 2026-01-01\n### Added\n- x\n")
    'none'
    """
    notes = changelog.split(UNRELEASED, 1)[1].split("\n## [", 1)[0] if UNRELEASED in changelog else ""
    added = re.search(r"(?m)^### Added\s*\n(?:\s*\n)*- ", notes)
    return "minor" if added else "none"


def update_changelog(version: str, data_changes: str, day: datetime.date) -> None:
    text = CHANGELOG.read_text(encoding="utf-8")
    entry = heading(version, day)
    block = f"{entry}\n\n### Data changes\n\n{data_changes}"
    if UNRELEASED in text:
        head, rest = text.split(UNRELEASED, 1)
        notes, sep, tail = rest.partition("\n## [")
        notes = notes.strip("\n")
        text = f"{head}{UNRELEASED}\n\n{block}" + (f"\n{notes}\n" if notes else "") + (f"\n{sep.lstrip()}{tail}" if sep else "")
    else:
        first = text.find("\n## [")
        text = text[: first + 1] + block + "\n" + text[first + 1 :] if first >= 0 else text + "\n" + block
    CHANGELOG.write_text(text, encoding="utf-8")


# What a release changes, and so commits: nothing else the test command may leave behind.
RELEASE_FILES = [
    repo.PYPROJECT,
    CITATION,
    CHANGELOG,
    Path("README.md"),
    Path("docs/data-package.md"),
    Path("dvc.lock"),
    repo.DESCRIPTOR,
    repo.README_CHART,
    repo.RELEASES,
    # the data: every pipeline output is committed, so that the repository alone carries them
    repo.EXTRACTED,
    repo.VALIDATED,
    repo.CHARTS,
    repo.RELEASE,
]
# the pipeline's outputs (the last is not in git)
BUILT = [repo.EXTRACTED, repo.VALIDATED, repo.CHARTS, repo.RELEASE, repo.PACKAGE_DATA]


class Stopped(BaseException):
    """The release was stopped by a signal."""


STOPS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


class Untagged(Exception):
    """The release commit is made, its tag not (the releases are known from CHANGELOG.md and
    releases.toml without it; tag it by hand, or `make publish` tags it when it pushes)."""


def on_signal(signum, frame):
    raise Stopped(f"stopped by signal {signal.Signals(signum).name}")


def record_release(version: str, now: datetime.datetime) -> None:
    """Add the new release's facts to src/stalking_flanders/releases.toml: when it is cut, the
    commit it is cut from, its descriptor (canonical sha256) and its SHA256SUMS (sha256). The
    runtime reads them from there, never from git."""
    digest = sha256_bytes(canonical(DataPackage(repo.RELEASE).descriptor))
    listed = sha256_bytes((repo.RELEASE / sums.NAME).read_bytes())
    entry = (
        f'[releases."{version}"]\nreleased = {now.isoformat()}\ncut_from = "{git("rev-parse", "HEAD")}"\n'
        f'descriptor_sha256 = "{digest}"\nsums_sha256 = "{listed}"\n'
    )
    path = repo.RELEASES
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + entry, encoding="utf-8")


def record_commit(previous: tuple[str, str]) -> None:
    """Add the commit of the release ``previous`` (version, revision) to its entry in
    src/stalking_flanders/releases.toml, unless it has one: a commit cannot name itself, so each
    release records the one before it. Only that line is added; the entry is otherwise kept."""
    version, revision = previous
    path = repo.RELEASES
    text = path.read_text(encoding="utf-8")
    before = tomllib.loads(text)["releases"]
    if version not in before or "commit" in before[version]:
        return
    start = text.index(f'[releases."{version}"]\n')
    end = text.find("\n\n[", start)
    end = len(text.rstrip("\n")) if end < 0 else end
    commit = git("rev-parse", f"{revision}^{{commit}}")
    text = f'{text[:end]}\ncommit = "{commit}"{text[end:]}'
    after = tomllib.loads(text)["releases"]
    if after != {**before, version: {**before[version], "commit": commit}}:
        raise Refused(f"could not add the commit of {version} to {path} alone: check the file by hand")
    path.write_text(text, encoding="utf-8")


def release(version: str, test_command: str) -> None:
    previous, new = check_can_release(version)
    start = git("rev-parse", "HEAD")
    try:
        with tempfile.TemporaryDirectory() as saved:
            for folder in BUILT:  # restored on a refusal: the bundled data and __version__ stay as they were
                if folder.exists():
                    shutil.copytree(folder, Path(saved) / folder, symlinks=True)
            try:
                cut(version, test_command, previous, new)
            except BaseException:
                ignore_stops()  # a second stop must not cut the restore short
                if git("rev-parse", "HEAD", check=False) == start:
                    restore(Path(saved))
                raise
        git("tag", "-a", TAG.format(version=version), "-m", TAG_MESSAGE.format(version=version))
        ignore_stops()  # released: nothing is left to undo
    except BaseException as error:
        ignore_stops()
        if git("rev-parse", "HEAD", check=False) == start:  # nothing committed: all as it was
            raise
        if not git("tag", "--list", TAG.format(version=version), check=False):
            raise Untagged(f"{version} is committed ({git('rev-parse', '--short', 'HEAD')}), but not tagged: {error}") from None
    print(f"released {version}: commit {git('rev-parse', '--short', 'HEAD')}, tag {TAG.format(version=version)}")
    left = git("status", "--porcelain")
    if left:
        print(f"not committed (left by the test command?):\n{left}", file=sys.stderr)


def cut(version: str, test_command: str, previous: tuple[str, str] | None, new: tuple) -> None:
    """Build, record, describe, test and commit the release ``version``."""
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    set_version(version, now.date())
    run_command(["dvc", "repro", "--quiet"], "dvc repro")
    record_release(version, now)
    if previous:
        record_commit(previous)
    data_changes, bump, result = summary(previous)
    allowed = BUMPS.index(needed_bump(parse(previous[0]), new)) if previous else len(BUMPS)
    if BUMPS.index(bump) > allowed:
        raise Refused(f"the change from {previous[0]} needs a {bump} version, not {version}:\n{data_changes}")
    if previous:
        check_additions_recorded(result, version, previous[0])
    noted = noted_bump(CHANGELOG.read_text(encoding="utf-8"))
    if BUMPS.index(noted) > allowed:
        said = f"the notes under {UNRELEASED!r} in {CHANGELOG} add something (### Added)"
        raise Refused(f"{said}: a {noted} version, not {version}")
    update_changelog(version, data_changes, now.date())
    run_command([sys.executable, "scripts/readme.py"], "regenerating the README")
    run_command(test_command, f"the test command ({test_command})")  # on the release as it will be committed
    git("add", "--", *map(str, RELEASE_FILES))
    git("commit", "-q", "-m", COMMIT_SUBJECT.format(version=version))


def restore(saved: Path) -> None:
    """Back to the last commit (the tree was clean): its index and files, and the built data as
    saved. What git cannot restore (its index locked by a git stopped with the release, or
    another) is said, with where it stands."""
    failed = []
    for args in (["reset", "-q"], ["checkout", "--", "."]):
        result = subprocess.run(["git", *args], capture_output=True, text=True)
        failed += [f"git {' '.join(args)}: {result.stderr.strip()}"] if result.returncode else []
    for folder in BUILT:
        shutil.rmtree(folder, ignore_errors=True)
        if (saved / folder).exists():
            shutil.copytree(saved / folder, folder, symlinks=True)
    if failed:
        print(
            "the tracked files could not be put back as they were (" + "; ".join(failed) + "): see `git status`; "
            "once no git runs, remove a .git/index.lock left behind, then `git reset -q && git checkout -- .`",
            file=sys.stderr,
        )


def ignore_stops() -> None:
    for signum in STOPS:
        signal.signal(signum, signal.SIG_IGN)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("version", metavar="VERSION", help="the new version, X.Y.Z")
    parser.add_argument("--test-command", default="make test", help="the tests that must pass (default: make test)")
    args = parser.parse_args(argv)
    os.chdir(git("rev-parse", "--show-toplevel"))
    for signum in STOPS:
        signal.signal(signum, on_signal)
    try:
        release(args.version, args.test_command)
    except (Refused, Stopped) as error:
        print(f"release refused: {error}", file=sys.stderr)
        return 1
    except Untagged as error:
        print(f"released without its tag: {error}; tag it with `git tag -a {TAG.format(version=args.version)}`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
