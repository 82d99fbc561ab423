"""What the package writes for others to open stays inert whatever the data says: the page's JSON-LD
cannot end its script block, no free text can start a spreadsheet formula, the DCAT record takes
only URLs and addresses that are what they claim; and every dependency is installed by hash."""

from __future__ import annotations

import json
import re
import shutil
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_page import Page

from helpers import DCAT_ARGS, ROOT, cli, edit_descriptor, edit_file, generated, rehash
from stalking_flanders.checks import check_tables
from stalking_flanders.datapackage import BUNDLED, DataPackage
from stalking_flanders.formats import csv
from stalking_flanders.portal_settings import SettingsError, load_settings

pytestmark = pytest.mark.hostile  # every folder left in tmp_path is swept: see conftest.py

HOSTILE = "<!--<script>alert(1)</script>--> & </script><marquee>"


def test_the_json_ld_cannot_leave_its_script_block(tmp_path):
    from stalking_flanders.pipeline import page
    from stalking_flanders.pipeline.chart import file_names as chart_files

    package = DataPackage()
    descriptor = json.loads(json.dumps(package.descriptor))  # every language's description, first and last paragraph
    for said in (descriptor, descriptor["translations"]["nl"]):
        said["description"] = HOSTILE + said["description"] + HOSTILE
    tables = {name: csv.read(BUNDLED / f"{name}.csv", package.schema(name)) for name in package.tables()}
    for lang in page.PAGES:  # every language's page
        html = page.page(BUNDLED, descriptor, tables, (BUNDLED / chart_files(lang)[0]).read_bytes(), lang)
        _inert(html)


def test_the_record_in_json_ld_cannot_leave_a_script_block_and_starts_no_line(tmp_path):
    import rdflib

    copy = shutil.copytree(BUNDLED, tmp_path / "copy")
    title = HOSTILE + " \u2028 \u2029"  # with the line and paragraph separators
    edit_descriptor(copy, lambda d: d.update(version="9.0.0", title=title))
    for fmt in ("json-ld", "turtle"):
        result = cli("dcat", "--release", copy, *DCAT_ARGS, "--format", fmt)
        assert result.returncode == 0, result.stderr
        assert "\u2028" not in result.stdout and "\u2029" not in result.stdout
        if fmt == "json-ld":
            assert re.search(r"[<>&]", result.stdout) is None
        graph = rdflib.Graph().parse(data=result.stdout, format=fmt)
        assert rdflib.Literal(title, lang="en") in set(graph.objects(None, rdflib.DCTERMS.title))  # kept, only escaped


def test_what_the_command_line_prints_starts_no_line_of_its_own(tmp_path):
    copy = shutil.copytree(BUNDLED, tmp_path / "copy")
    edit_file(copy / "categories.csv", "Behavioural problems - aggression", "Behavioural problems\u2028fake line")
    edit_descriptor(copy, lambda d: d.update(version="9.0.0"))
    rehash(copy)
    result = cli("diff", BUNDLED, copy)
    assert result.returncode == 0 and "\\u2028fake line" in result.stdout and "\u2028" not in result.stdout


@pytest.mark.parametrize("changed", ["stalking-flanders.xlsx", "observations.csv", "sources/vp-sv-186-beke-2021-12-21.txt"])
def test_the_record_never_states_a_size_or_sha256_its_file_does_not_have(tmp_path, changed):
    copy = shutil.copytree(BUNDLED, tmp_path / "copy")
    (copy / changed).write_bytes(b"x")  # the descriptor still states the file as released
    result = cli("dcat", "--release", copy, *DCAT_ARGS)
    assert result.returncode == 1 and result.stdout == "" and changed in result.stderr
    # a file whose size and sha256 the descriptor does not record (Parquet): the record states the file's own
    (copy / changed).unlink()
    shutil.copy(BUNDLED / changed, copy / changed)
    (copy / "observations.parquet").write_bytes(b"x")
    result = cli("dcat", "--release", copy, *DCAT_ARGS)
    assert result.returncode == 0 and '"1"^^xsd:nonNegativeInteger' in result.stdout


def _inert(html: str) -> None:
    parsed = Page(html)
    (ld,) = parsed.scripts
    assert re.search(r"[<>&]", ld) is None
    assert json.loads(ld)["description"].endswith(HOSTILE)  # the text itself is kept, only escaped
    assert parsed.meta["description"].startswith(HOSTILE)  # an attribute's value, escaped
    tags = [tag for tag, _ in parsed.tags]
    assert tags.count("script") == 1 and "marquee" not in tags  # nothing became markup


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_free_text_that_a_spreadsheet_would_run_is_refused(start):
    package = DataPackage()
    schemas = {name: package.schema(name) for name in package.tables()}
    tables = {name: csv.read(BUNDLED / f"{name}.csv", schemas[name]) for name in schemas}
    tables["categories"].loc[0, "label_en"] = start + 'HYPERLINK("http://example.invalid")'
    problems = check_tables(tables, schemas, {}, {name: f"{name}.csv" for name in schemas})
    assert [(p.code, p.line, p.column) for p in problems] == [("spreadsheet-formula", 2, "label_en")]


REQUIRED = dict(base_url="https://example.invalid/", publisher_name="P", contact_email="p@example.invalid")


@pytest.mark.parametrize(
    "key, value",
    [
        ("base_url", "https://example.invalid/a b/"),
        ("base_url", 'https://example.invalid/">'),
        ("base_url", "http://"),
        ("base_url", "ftp://example.invalid/"),
        ("base_url", "https://[x/"),  # urlsplit raised: exit 3
        ("base_url", "https://[abc]/"),
        ("base_url", "https://example.invalid:99999/"),
        ("base_url", "https://example.invalid/#f/"),  # every file's address a fragment
        ("base_url", "https://example.invalid/?q"),
        ("dataset_iri", "https://h]/"),
        ("contact_email", "a{b@example.invalid"),  # rdflib cannot write it as a mailto: address (exit 3)
        ("contact_email", "a`b@example.invalid"),
        ("publisher_url", "javascript:alert(1)"),
        ("publisher_url", "https://example.invalid/<x>"),
        ("contact_email", "@"),
        ("contact_email", "a b@example.invalid"),
        ("publisher_name", "P\x1b[2J"),
        ("name_language", "dutch language"),
        # "$" matched before a last line break: each passed, and went into the record's IRIs and literals
        ("base_url", "https://example.invalid/\n"),
        ("publisher_url", "https://example.invalid\n"),
        ("dataset_iri", "https://example.invalid/d\n"),
        ("contact_email", "p@example.invalid\n"),
        ("name_language", "nl\n"),
        ("name_language", "NL"),  # a language code as the descriptor's translations are given (model.LANGUAGE)
        # a TOML value that is not a string was written as its Python text: foaf:name "['a', 'b']"
        ("publisher_name", ["a", "b"]),
        ("contact_name", 1.5),
        ("publisher_url", {"a": "https://example.invalid"}),
        ("name_language", True),
        ("issued", 2021),
    ],
)
def test_dcat_settings_are_checked(key, value):
    with pytest.raises(SettingsError, match=key):
        load_settings(**{**REQUIRED, key: value})


VALID = {
    "base_url": "https://example.invalid/{version}/",
    "publisher_url": "https://example.invalid",
    "dataset_iri": "https://example.invalid/dataset",
    "contact_email": "p@example.invalid",
    "name_language": "nl",
}


AROUND = st.characters(categories=["Cc", "Zs", "Zl", "Zp"])  # controls, spaces, line and paragraph breaks


@generated(60)
@given(
    key=st.sampled_from(sorted(VALID)),
    before=st.text(AROUND, max_size=2),
    after=st.one_of(st.sampled_from(["\n", "\r\n", " "]), st.text(AROUND, min_size=1, max_size=2)),
)
def test_an_address_or_language_with_a_space_or_control_character_around_it_is_refused(key, before, after):
    """A value that an address or a language tag can be is refused with a space, a line break or a
    control character before or after it (what a pattern's ``$`` let through, into the record)."""
    assert load_settings(**{**REQUIRED, key: VALID[key]})[key] == VALID[key]
    with pytest.raises(SettingsError, match=key):
        load_settings(**{**REQUIRED, key: before + VALID[key] + after})


def test_release_dates_written_unquoted_in_the_settings_file_are_date_times(tmp_path):
    """TOML writes a date-time without quotes too: such a value of ``issued`` or ``modified`` is taken
    as the date-time it is (only the other settings must be quoted text)."""
    import datetime

    from stalking_flanders.portal_settings import release_dates

    config = tmp_path / "portal.toml"
    quoted = "\n".join(f'{k} = "{v}"' for k, v in REQUIRED.items())
    config.write_text(f"[portal]\n{quoted}\nissued = 2022-01-10T09:00:00Z\nmodified = 2026-12-07T12:00:00+01:00\n")
    issued, modified = release_dates(load_settings(config), "9.9.9")
    assert issued == datetime.datetime(2022, 1, 10, 9, tzinfo=datetime.UTC)
    assert modified == datetime.datetime(2026, 12, 7, 11, tzinfo=datetime.UTC)


def test_a_name_longer_than_a_message_shows_is_a_name_not_a_control_character():
    """Names were held to the length a message shows of a value (200 characters), and refused as
    holding control characters past it."""
    name = "Departement Welzijn, Volksgezondheid en Gezin " * 6
    assert load_settings(**{**REQUIRED, "publisher_name": name, "contact_name": name})["publisher_name"] == name


def requirement_blocks(text: str) -> list[str]:
    """The requirements of a pip requirements file, each with its continuation lines joined."""
    joined = re.sub(r"\s*\\\n\s*", " ", text)
    return [line.strip() for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_every_lock_pins_a_hash_and_is_installed_by_hash():
    """The locks are standard pip requirements files (as uv pip compile --generate-hashes writes
    them, which dependency updaters and audit tools read): each package pinned with ==, with its
    sha256 hashes; every role of pyproject.toml and every tool environment has one; the Makefile
    installs each with --require-hashes."""
    locks = {p.stem: p for p in (ROOT / "requirements").glob("*.txt")}
    roles = {"loader", *tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]}
    assert set(locks) >= roles | {"bootstrap", "lock", "s3server", "ckan"}
    pin = re.compile(r"[A-Za-z0-9._\[\],-]+==\S+( --hash=sha256:[0-9a-f]{64})+")
    for name, lock in locks.items():
        blocks = requirement_blocks(lock.read_text())
        assert blocks and all(pin.fullmatch(b) for b in blocks), name
    bootstrap = requirement_blocks(locks["bootstrap"].read_text())
    assert [b.split("==")[0] for b in bootstrap] == ["pip", "setuptools"]
    makefile = (ROOT / "Makefile").read_text()
    installs = [line for line in makefile.splitlines() if "PIP_INSTALL)" in line and " -r " in line]
    assert installs and all("--require-hashes" in line for line in installs)
    assert not list(ROOT.glob("requirements*.lock"))  # one kind of lock
    npm = json.loads((ROOT / "tests" / "js" / "package-lock.json").read_text())
    packages = {k: v for k, v in npm["packages"].items() if k}
    assert packages and all(v.get("integrity", "").startswith("sha512-") for v in packages.values())
    assert "npm ci" in makefile


def test_the_docs_quote_the_test_commands_the_makefile_runs():
    """``make test`` and ``make test-fast`` run the pytest commands the maintainers' pages quote."""
    makefile = (ROOT / "Makefile").read_text()
    for target in ("test", "test-fast"):
        recipe = re.search(rf"^{target}:.*\n\tpython -m (pytest .+)$", makefile, re.M).group(1)
        for page in ("maintainers.md", "testing.md"):
            said = re.sub(r"\s+", " ", (ROOT / "docs" / page).read_text(encoding="utf-8"))
            assert f"(`{recipe}`" in said, (target, page, recipe)


def test_the_python_version_and_the_build_backend_pin_are_said_alike_everywhere():
    """The Python version is ``requires-python`` of pyproject.toml (its lowest); the Makefile's
    interpreter, the locks' target, the linter's and the two commands' prose say the same one. The
    build backend's pin of pyproject.toml (what ``pip install git+...`` builds with) is the bootstrap
    lock's (what ``make`` installs, and builds with, without build isolation), and its source's."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    version = re.fullmatch(r">=(3\.[0-9]+)", pyproject["project"]["requires-python"]).group(1)
    makefile = (ROOT / "Makefile").read_text()
    assert f"PYTHON ?= python{version}\n" in makefile and f"--python-version {version} " in makefile
    assert pyproject["tool"]["ruff"]["target-version"] == "py" + version.replace(".", "")
    for page in ("README.md", "docs/maintainers.md"):
        said = set(re.findall(r"Python (3\.[0-9]+)", (ROOT / page).read_text()))
        assert said == {version}, page
    (backend,) = pyproject["build-system"]["requires"]
    assert backend in (ROOT / "requirements" / "bootstrap.in").read_text().split()  # what the lock is made from
    locked = requirement_blocks((ROOT / "requirements" / "bootstrap.txt").read_text())  # what make installs
    assert backend in {block.split()[0] for block in locked}


ENCODINGS = ["utf-8", "ascii", "latin-1", "cp1252", "utf-16", "cp037", "no such encoding"]


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(),
    keep=st.sampled_from(["", "\t\n"]),
    fmt=st.sampled_from(["turtle", "json-ld"]),
    encoding=st.sampled_from(ENCODINGS),
)
def test_the_escapes_are_those_of_each_character_whatever_the_text(text, keep, fmt, encoding):
    """What is printed is escaped character by character, as :func:`~stalking_flanders.problems.unsafe`
    and the encoding say (the functions look only at characters other than printable ASCII, for speed)."""
    from stalking_flanders.dcat import _holds, in_format_escapes
    from stalking_flanders.problems import escape_character, escaped, unsafe

    assert escaped(text, keep) == "".join(escape_character(c) if c not in keep and unsafe(c) else c for c in text)
    markup = "<>&" if fmt == "json-ld" else ""
    for c, out in zip(text, (in_format_escapes(c, fmt, encoding) for c in text)):
        assert out == c if c in "\n\t" or (c not in markup and not unsafe(c) and _holds(encoding, c)) else out.startswith("\\")
    assert in_format_escapes(text, fmt, encoding) == "".join(in_format_escapes(c, fmt, encoding) for c in text)


@generated(300)
@given(
    # alike in any characters, or in a run of one, that may escape long (a control, a direction mark)
    alike=st.text(max_size=400)
    | st.builds(
        lambda c, n, tail: c * n + tail,
        st.sampled_from("a\x00\x1b\u202e\xe9\U0001f600'"),
        st.integers(0, 300),
        st.text(max_size=20),
    ),
    one=st.text(min_size=1, max_size=50),
    other=st.text(min_size=1, max_size=50),
)
def test_two_texts_that_differ_are_shown_differing_however_long_they_are_alike(alike, one, other):
    """A message shows two values side by side, each cut after 200 characters: two texts alike
    further than that (or alike in characters that escape long, such as controls) were cut at the
    same place, before their difference, and read the same."""
    from hypothesis import assume

    from stalking_flanders.problems import MAX_VALUE_CHARS, apart

    assume(one[0] != other[0])
    shown = [re.sub(r"\.\.\. \(\d+ more characters\)$", "", s) for s in apart(alike + one, alike + other)]
    assert shown[0] != shown[1]
    assert all(len(s) <= MAX_VALUE_CHARS + len("(from character 100000) ") for s in shown)


def test_an_error_of_the_api_names_a_path_escaped(tmp_path):
    # A resource path with a right-to-left override passed the gate, and the header of the DataError
    # ("1 problem(s) in ...") and the IntegrityError of a changed file carried it raw to whoever printed it.
    from helpers import damaged_copy
    from stalking_flanders.loader import load
    from stalking_flanders.problems import PackageError

    name = "observations\u202evsc.csv"

    def renamed(folder):
        (folder / "observations.csv").rename(folder / name)
        edit_file(folder / name, ",955,", ",9x5,")
        edit_descriptor(folder, lambda d: d["resources"][0].update(path=name))
        edit_descriptor(folder, lambda d: d.update(version="9.9.9"))
        rehash(folder)

    folder = damaged_copy(BUNDLED, tmp_path / "copy", renamed)
    with pytest.raises(PackageError) as bad_cell:
        load("observations", release=DataPackage(folder))
    (folder / name).write_text((folder / name).read_text() + "\n")
    with pytest.raises(PackageError) as changed:
        load("observations", release=DataPackage(folder))
    for raised in (bad_cell, changed):
        assert "\u202e" not in str(raised.value) and "\\u202e" in str(raised.value), str(raised.value)
