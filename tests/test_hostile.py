"""`validate`, `diff` and `dcat` on packages from anywhere, built as an attacker or a careless user
would: nothing outside the package is read, nothing is fetched, nothing runs unbounded, nothing the
package says reaches the terminal raw, every malformed input gets a message and the exit code the
docs give (1 invalid, 2 usage), never a traceback."""

from __future__ import annotations

import bz2
import os
import resource
import sys
import time
import unicodedata
from pathlib import Path

import pytest

import helpers
from helpers import DCAT_ARGS, codes, damaged_copy, edit_descriptor, edit_file, free_port, rehash, run, serving
from stalking_flanders import untrusted
from stalking_flanders.datapackage import BUNDLED, DataPackage, IntegrityError
from stalking_flanders.loader import load

pytestmark = [pytest.mark.system, pytest.mark.hostile]  # runs the installed command: see conftest.py

ESCAPE = "\x1b[2J\x1b[H\x1b[32mvalid: all good"
MEMORY_BOUND = 1024 * 1024 * 1024  # the bound docs/security.md states for validate on any input


def cli(*args, cwd=None, seconds=None):
    """The command line on a hostile package: in-process, or, with ``seconds`` (a test of what
    takes time, memory or a device), as a process of its own that the limits may end."""
    if seconds is None:
        result = helpers.cli(*args, cwd=cwd)
    else:
        started = time.monotonic()
        result = run(["stalking-flanders", *map(str, args)], cwd or BUNDLED, check=False, timeout=seconds)
        result.seconds = time.monotonic() - started
    assert "Traceback" not in result.stderr, result.stderr
    assert "\x1b" not in result.stdout + result.stderr  # nothing the package says is printed raw
    return result


@pytest.fixture()
def package(tmp_path) -> Path:
    return damaged_copy(BUNDLED, tmp_path / "package")


set_descriptor = edit_descriptor


# 1. nothing outside the package is opened -------------------------------------------------------


@pytest.mark.parametrize("target", ["/etc/passwd", "/dev/zero", "/dev/urandom"])
def test_a_link_out_of_the_package_is_never_followed(target, package):
    (package / "observations.csv").unlink()
    (package / "observations.csv").symlink_to(target)
    result = cli("validate", package, seconds=30)
    assert result.returncode == 1 and result.seconds < 20
    assert "root:x:0" not in result.stderr and codes(result) & {"file-unsafe", "path-outside"}


def test_a_link_or_a_fifo_beside_the_release_files_is_reported_not_passed(package):
    # A release folder that validates is published as it is (a web server, `cp -rL`, an archiver):
    # a link in it would publish what it leads to. Each is named; none is followed or opened.
    (package / "passwd.csv").symlink_to("/etc/passwd")
    (package / "root").symlink_to("/")
    os.mkfifo(package / "sources" / "pipe")
    result = cli("validate", package, seconds=30)
    assert result.returncode == 1 and codes(result) == {"file-unsafe"} and "root:x:0" not in result.stderr
    for name in ("passwd.csv", "root", "sources/pipe"):
        assert f"{name}: a link, a device or a FIFO in the release folder" in result.stderr, name


def test_a_folder_swapped_for_a_link_after_the_check_leads_nowhere(package, tmp_path, monkeypatch):
    # The archived text sits in sources/. An attacker who swaps that folder for a link to one of
    # theirs between the check of the path and the read (here, at once after the check) must not
    # have the read follow it.
    from stalking_flanders import untrusted

    outside = tmp_path / "outside"
    text = next((package / "sources").iterdir())
    outside.mkdir()
    (outside / text.name).write_text("not the archived text")
    checked = untrusted.file_problem

    def then_swapped(root, relative):
        found = checked(root, relative)
        if relative.startswith("sources/") and not (package / "sources").is_symlink():
            (package / "sources").rename(tmp_path / "moved")
            (package / "sources").symlink_to(outside)
        return found

    monkeypatch.setattr(untrusted, "file_problem", then_swapped)  # looked up there at each read
    opened = DataPackage(package)
    resource = next(r for r in opened.descriptor["resources"] if r["path"].startswith("sources/"))
    with pytest.raises(IntegrityError, match="cannot be read"):
        opened.read_file(resource)


def test_a_fifo_is_never_opened(package):
    text = next((package / "sources").iterdir())
    text.unlink()
    os.mkfifo(text)
    result = cli("validate", package, seconds=30)
    assert result.returncode == 1 and "file-unsafe" in codes(result)


def test_a_path_out_of_the_folder_is_refused(package):
    set_descriptor(package, lambda d: d["resources"][0].update(path="../../../etc/passwd"))
    result = cli("validate", package)
    assert result.returncode == 1 and codes(result) == {"descriptor-shape"} and "root:x:0" not in result.stderr


@pytest.mark.parametrize("path", ["bomb.bz2?x", "bomb.bz2#", "bomb.bz2;x", "bomb.bz\t2", "bomb%2Ebz2"])
def test_a_compressed_file_whose_path_a_url_reader_reads_otherwise_is_refused_unread(path, package):
    # Frictionless reads a path as a URL: "bomb.bz2?x" (which the check of compressed suffixes let
    # through) was a bzip2 file to it, unpacked without a bound: 3 kB took validate past its memory
    # bound with no problem listed, and a zip member was copied whole into a temporary file left behind.
    (package / path).write_bytes(bz2.compress(b"\0" * (8 << 20)) * 32)  # 256 MiB unpacked
    bomb = {"name": "bomb", "path": path, "format": "txt", "mediatype": "text/plain", "encoding": "utf-8"}
    set_descriptor(package, lambda d: d["resources"].append(bomb))
    rehash(package)
    result = cli("validate", package, seconds=60)
    said = "holds a character a URL reader ends, drops or expands the path at"
    assert result.returncode == 1 and "descriptor-shape" in codes(result) and said in " ".join(result.stderr.split())


@pytest.mark.parametrize("path", ["c\tsv:categories.csv", "~categories.csv", "categories$HOME.csv"])
def test_a_table_whose_path_a_url_reader_reads_otherwise_is_refused(path, package):
    # "c<TAB>sv:categories.csv" has no scheme for the gate, but urllib drops the tab: Frictionless
    # saw the scheme "csv" and skipped the table, unsaid; "~" and "$" it would expand (it refuses them)
    (package / "categories.csv").rename(package / path)
    set_descriptor(package, lambda d: d["resources"][1].update(path=path))
    rehash(package)
    result = cli("validate", package)
    assert result.returncode == 1 and codes(result) == {"descriptor-shape"}


def test_one_file_listed_by_two_resources_is_refused(package):
    # validate said nothing, and the record described the file twice at one address
    def twice(d):
        d["resources"].append({**d["resources"][-1], "name": "again"})

    set_descriptor(package, twice)
    result = cli("validate", package)
    assert result.returncode == 1 and "names a file another resource lists" in " ".join(result.stderr.split())


def test_a_resource_in_the_descriptors_own_format_is_refused_unread(package):
    # JSON is the format of the descriptor, not of a file a release lists: Frictionless would read
    # it with a reader that knows no bounds (where its extra is installed)
    (package / "notes.json").write_text("[1, 2, 3]")
    set_descriptor(package, lambda d: d["resources"].append({"name": "notes", "path": "notes.json", "format": "json"}))
    rehash(package)
    result = cli("validate", package)
    assert result.returncode == 1 and "descriptor-shape" in codes(result)
    assert "the resource notes is of a format this package does not read" in " ".join(result.stderr.split())


# 2. nothing is fetched ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "edit",
    [
        lambda d, url: d["resources"][0].update(path=url + "observations.csv"),
        lambda d, url: d["resources"][0].update(schema=url + "schema.json"),
        lambda d, url: d["resources"][0].update(dialect=url + "dialect.json"),
        lambda d, url: d["resources"][5].update(schema=url + "schema.json"),  # a Parquet resource
        lambda d, url: d.update({"$schema": url + "profile.json"}),
    ],
    ids=["path", "schema", "dialect", "parquet-schema", "profile"],
)
def test_a_url_is_never_fetched(edit, package, tmp_path):
    log = tmp_path / "requests.log"
    port = free_port()
    server = [
        sys.executable,
        "-c",
        "import http.server, sys\n"
        "class H(http.server.SimpleHTTPRequestHandler):\n"
        "    def log_message(self, fmt, *args):\n"
        f"        open({str(log)!r}, 'a').write(self.path + '\\n')\n"
        f"http.server.ThreadingHTTPServer(('127.0.0.1', {port}), H).serve_forever()\n",
    ]
    with serving(server, f"http://127.0.0.1:{port}/ping") as url:
        log.write_text("")  # forget the readiness probe
        set_descriptor(package, lambda d: edit(d, url.removesuffix("ping")))
        result = cli("validate", package)
        requests = log.read_text()
    assert result.returncode == 1 and "descriptor-shape" in codes(result)
    assert requests == "", requests


ELSEWHERE = {  # where each profile Frictionless has built in stands in a descriptor
    value: where for where, keys in untrusted.PROFILES.items() for values in keys.values() for value in values
}
PLACES = {"package": lambda d: d, "resource": lambda d: d["resources"][0], "schema": lambda d: d["resources"][0]["schema"]}
PLACES["dialect"] = lambda d: d["resources"][0].setdefault("dialect", {})


@pytest.mark.parametrize(
    ("place", "key", "value"),
    [
        (place, key, value)
        for place in PLACES
        for key in ("$schema", "profile")
        if key in untrusted.PROFILES[place]
        for value in sorted(ELSEWHERE)
        if value not in untrusted.PROFILES[place][key]
    ],
)
def test_a_profile_of_another_place_is_refused_and_no_file_of_its_name_is_read(place, key, value, package, tmp_path, monkeypatch):
    """Frictionless takes a profile it has not built in for that place for a path or a URL: a
    package whose "profile" was "data-resource" had it read the file of that name in the working
    folder (through a link too) and show what it found."""
    work = tmp_path / "work"
    (work / value.rsplit("/", 1)[-1]).parent.mkdir(parents=True, exist_ok=True)
    (work / value.rsplit("/", 1)[-1]).write_text('{"type": "object", "required": ["READ_FROM_THE_WORKING_FOLDER"]}')
    monkeypatch.chdir(work)
    set_descriptor(package, lambda d: PLACES[place](d).update({key: value}))
    result = cli("validate", package)
    assert result.returncode == 1 and "descriptor-shape" in codes(result), result.stderr
    assert "READ_FROM_THE_WORKING_FOLDER" not in result.stdout + result.stderr


# 3. nothing the package says reaches the terminal raw -------------------------------------------


def test_control_characters_are_shown_escaped(package, tmp_path):
    edit_file(package / "categories.csv", "Behavioural problems - aggression", ESCAPE)
    rehash(package)
    result = cli("validate", package)
    assert result.returncode == 1 and not result.stdout.startswith("valid")
    assert "\\x1b[2J" in result.stderr
    older = damaged_copy(BUNDLED, tmp_path / "older")
    diff = cli("diff", older, package)
    assert diff.returncode == 0 and "\\x1b[2J" in diff.stdout
    as_json = cli("diff", older, package, "--format", "json")
    assert "\\u001b[2J" in as_json.stdout


# 4. a forged copy is not the release it claims to be -------------------------------------------


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d["licenses"][0].update(name="CC0-1.0", title="No rights reserved"),
        lambda d: d.update(description=d["description"].replace("NOT stalking-specific", "stalking-specific")),
        lambda d: d["translations"]["nl"].update(title="Iets anders"),
    ],
    ids=["licence", "caveat", "dutch-title"],
)
def test_a_rewritten_descriptor_with_intact_data_is_invalid(edit, package):
    set_descriptor(package, edit)
    result = cli("validate", package)  # the descriptor is not the published one, nor the one SHA256SUMS lists,
    # nor the one the workbook's first sheet was written from
    assert result.returncode == 1 and codes(result) == {"release-differs", "sums-differs", "format-differs"}
    with pytest.raises(IntegrityError, match="not the release it claims to be"):
        load("observations", release=DataPackage(package))


def test_a_version_the_installed_package_does_not_know_is_reported(package):
    set_descriptor(package, lambda d: d.update(version="9.9.9"))
    result = cli("validate", package)
    # (the workbook's first sheet says the version it was written for)
    assert result.returncode == 1 and codes(result) == {"release-unknown", "sums-differs", "format-differs"}
    assert load("observations", release=DataPackage(package)).attrs["verified"] is False


# 5. malformed input: a message and the right exit code, never a traceback ----------------------


@pytest.mark.parametrize(
    "text",
    [
        "[]",
        "{}",
        '{"resources": 5}',
        '{"resources": [{"name": "observations", "path": "observations.csv", "schema": "x"}]}',
        '{"resources": [{"name": "a", "path": ["a.csv", "b.csv"]}]}',
        "[" * 100_000 + "]" * 100_000,
        "\xff\xfe not utf-8",
        '{"resources": [',
    ],
    ids=["list", "empty", "resources-number", "schema-string", "path-list", "deep", "not-utf8", "truncated"],
)
def test_a_malformed_descriptor_is_invalid_data(text, tmp_path):
    (tmp_path / "datapackage.json").write_bytes(text.encode("latin-1") if text.startswith("\xff") else text.encode())
    result = cli("validate", tmp_path)
    assert result.returncode == 1 and result.stderr.startswith("- ") and codes(result) <= {"descriptor-json", "descriptor-shape"}


def test_a_folder_named_like_the_descriptor_is_invalid_data(tmp_path):
    (tmp_path / "datapackage.json").mkdir()
    for given in (tmp_path, tmp_path / "datapackage.json"):
        result = cli("validate", given)
        assert result.returncode == 1 and "not a regular file" in result.stderr


DCAT = DCAT_ARGS


@pytest.mark.parametrize("command", [["validate"], ["diff", BUNDLED], ["dcat"]])
def test_a_missing_path_is_a_usage_error_everywhere(command, tmp_path):
    if command[0] != "validate" and command[0] != "diff":
        command = ["dcat", *DCAT, "--release"]
    result = cli(*command, tmp_path / "nothing-here")
    assert result.returncode == 2 and "no such file" in result.stderr


def test_diff_and_dcat_on_a_malformed_package_exit_1(tmp_path):
    (tmp_path / "datapackage.json").write_text('{"resources": 5}')
    assert cli("diff", BUNDLED, tmp_path).returncode == 1
    assert cli("dcat", "--release", tmp_path, *DCAT).returncode == 1


# 6. bounds -----------------------------------------------------------------------------------------


def test_a_huge_file_is_refused_without_reading_it(package):
    with open(package / "observations.csv", "r+b") as fh:
        fh.truncate(200 * 1024 * 1024)  # 200 MB, sparse: nothing is written
    result = cli("validate", package, seconds=30)
    assert result.returncode == 1 and result.seconds < 15 and "too large" in result.stderr


def test_printed_problems_are_capped_and_values_cut(package):
    csv = package / "observations.csv"
    lines = csv.read_text().splitlines()
    huge = "x" * 60_000  # a 60 kB field, within the line cap (a longer line is refused: see below)
    bad = [lines[1].replace(",2018,", f",{huge},")] + [line.replace(",2018,", ",year,") for line in lines[1:]] * 500
    csv.write_text("\n".join([lines[0], *bad]) + "\n")
    rehash(package)
    result = cli("validate", package, seconds=60)
    assert result.returncode == 1 and result.seconds < 45
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # the largest child so far, in bytes
    assert peak < MEMORY_BOUND, f"{peak / 2**20:.0f} MiB"
    printed = [line for line in result.stderr.splitlines() if line.startswith("- ") and "more problem(s)" not in line]
    per_code = {code: sum(line.endswith(f"[{code}]") for line in printed) for code in codes(result)}
    assert max(per_code.values()) <= 20 and "more problem(s) of this kind [value-type]" in result.stderr
    assert max(map(len, printed)) < 1500 and "more characters" in result.stderr


def test_a_million_bad_cells_are_counted_not_listed(package):
    # rows of empty cells up to the cap on the tables' values (1 MB): a problem was made of each of
    # 1.8 million cells (100,000 rows, before the cap), and Frictionless made one more of each,
    # past the memory or time bound.
    series = package / "series.csv"
    header = series.read_text(encoding="utf-8").splitlines()[0]
    rows = (untrusted.MAX_CELLS - 1000) // (header.count(",") + 1)  # the other tables hold under 1,000 values
    series.write_text(header + "\n" + ("," * header.count(",") + "\n") * rows, encoding="utf-8")
    rehash(package)
    result, peak = helpers.run_measured(["validate", package], package.parent, timeout=120)
    assert result.returncode == 1 and "more problem(s) of this kind [value-required]" in result.stderr, result.stderr[-800:]
    total = int(result.stderr.rsplit("invalid: ", 1)[1].split()[0])
    assert total > 500_000 and peak < MEMORY_BOUND // 2, (total, f"{peak / 2**20:.0f} MiB")
    assert len(result.stderr.splitlines()) < 200


def test_a_line_past_the_cap_is_refused_before_it_is_parsed(package):
    csv = package / "observations.csv"
    csv.write_text(csv.read_text().replace(",2018,", f",{'x' * 3_000_000},", 1))  # a 3 MB field
    rehash(package)
    result = cli("validate", package, seconds=60)
    assert result.returncode == 1 and "csv-unreadable" in codes(result) and "a line longer than" in result.stderr


@pytest.mark.parametrize(
    "name",
    ["release\u202e\u2066", "release\U000e0041\u2060\u061c", os.fsdecode(b"release\xff")],
    ids=["bidi", "tags", "not-utf-8"],
)
def test_every_command_escapes_what_it_prints_and_takes_any_folder_name(tmp_path, name):
    folder = damaged_copy(BUNDLED, tmp_path / name)
    for args in (("validate", folder), ("diff", BUNDLED, folder), ("info",)):
        result = helpers.cli(*args, cwd=folder)
        assert result.returncode == 0, result.stderr
        shown = result.stdout + result.stderr
        assert not [c for c in shown if c not in "\n\t" and unicodedata.category(c).startswith("C")], args


UNREADABLE = """
import sys
from pathlib import Path
from stalking_flanders import PackageError, load
from stalking_flanders.diff import diff_releases
from stalking_flanders.datapackage import BUNDLED, DataPackage
from stalking_flanders.validation import validate_package

folder = Path(sys.argv[1])
print(sorted({p.code for p in validate_package(folder)}))
for call in (lambda: load("observations", release=folder), lambda: diff_releases(DataPackage(BUNDLED), DataPackage(folder))):
    try:
        call()
    except PackageError as error:
        print("refused:", type(error).__name__)
"""


def without_the_right_to_read_any_file(args: list, cwd: Path):
    """``args`` run in a process of its own that cannot read what its mode forbids: root reads any
    file, so a test run as root gives up that right (util-linux's setpriv)."""
    drop = "-dac_override,-dac_read_search"
    prefix = ["setpriv", "--bounding-set", drop, "--inh-caps", drop] if os.geteuid() == 0 else []
    return run([*prefix, *map(str, args)], cwd, check=False)


UNREADABLE_PARTS = {  # what is made unreadable, and how many of load and diff it stops (each with an error of the package)
    "observations.csv": (lambda f: (f / "observations.csv").chmod(0), 2),
    "datapackage.json": (lambda f: (f / "datapackage.json").chmod(0), 2),
    # each file can be opened by its path, but a folder on the way cannot be opened to read below
    # it: validate_package raised PermissionError (diff reads nothing in it)
    "a folder to search, not to list": (lambda f: (f / "sources").chmod(0o100), 1),
}


@pytest.mark.system  # a process of its own, without root's right to read any file
@pytest.mark.parametrize("case", UNREADABLE_PARTS)
def test_a_file_the_reader_may_not_read_is_a_problem_of_the_package_not_an_os_error(tmp_path, case):
    # validate_package, load and diff raised PermissionError (an OSError, no error of the package).
    edit, stopped = UNREADABLE_PARTS[case]
    folder = damaged_copy(BUNDLED, tmp_path / "unreadable", edit)
    result = without_the_right_to_read_any_file([sys.executable, "-c", UNREADABLE, folder], tmp_path)
    assert result.returncode == 0, result.stderr
    said = result.stdout.splitlines()
    assert said[0] == ("['file-unsafe']" if case != "datapackage.json" else "['descriptor-shape']"), said
    assert len(said) == 1 + stopped and all(line.startswith("refused: ") for line in said[1:]), said


@pytest.mark.system  # a process of its own, without root's right to read any file
def test_a_folder_that_cannot_be_listed_is_reported_not_passed_over(tmp_path):
    """A file the list does not name, in a folder the reader cannot list: "valid" it was."""

    def hidden(folder):
        (folder / "extra").mkdir()
        (folder / "extra" / "run-me.sh").write_text("echo\n", encoding="utf-8")
        (folder / "extra").chmod(0)

    folder = damaged_copy(BUNDLED, tmp_path / "hiding", hidden)
    result = without_the_right_to_read_any_file(["stalking-flanders", "validate", folder], tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "extra: a folder that cannot be listed (its mode)" in result.stdout + result.stderr
