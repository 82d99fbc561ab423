"""The boundary between what a `pip install` user runs and the build-time pipeline, and the
shape every unit of src/ keeps."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import tomllib

import pytest

from helpers import ROOT

RUNTIME = {
    "the loader": "import stalking_flanders as s; s.load('observations', lang='en'); s.citation()",
    "validate": "from stalking_flanders.validation import validate_package; assert validate_package() == []",
    "diff": "from stalking_flanders.diff import diff_releases; from stalking_flanders.datapackage import BUNDLED; "
    "diff_releases(BUNDLED, BUNDLED)",
    "dcat": "import stalking_flanders.dcat, stalking_flanders.cli; stalking_flanders.cli._parser()",
    "the command line": "from stalking_flanders.cli import main; main(['info'])",
}


@pytest.mark.system  # a new interpreter each
@pytest.mark.parametrize("what", RUNTIME)
def test_the_runtime_never_imports_the_pipeline(what):
    code = RUNTIME[what] + (
        "; import sys; print(sorted(m for m in sys.modules if m.startswith('stalking_flanders.pipeline')"
        " or m.split('.')[0] in ('dvc', 'matplotlib', 'jinja2')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_no_runtime_module_imports_the_pipeline_even_lazily():
    package = ROOT / "src" / "stalking_flanders"
    for path in package.rglob("*.py"):
        if "pipeline" in path.relative_to(package).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                target = ("." * node.level) + (node.module or "")
                assert "pipeline" not in target.split("."), f"{path}: imports {target}"


def test_no_function_is_longer_than_60_lines_and_no_class_than_150():
    """In src/ and scripts/, methods included."""
    too_long = []
    for path in sorted((ROOT / "src").rglob("*.py")) + sorted((ROOT / "scripts").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            length = getattr(node, "end_lineno", 0) - getattr(node, "lineno", 0) + 1
            limit = (
                150
                if isinstance(node, ast.ClassDef)
                else 60
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                else None
            )
            if limit is not None and length > limit:
                too_long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({length} lines)")
    assert too_long == []


def test_sha256_is_computed_in_one_module():
    users = [p.relative_to(ROOT).as_posix() for p in (ROOT / "src").rglob("*.py") if "hashlib" in p.read_text()]
    assert users == ["src/stalking_flanders/hashes.py"]


def test_no_runtime_module_can_run_a_program():
    """What a user runs on a folder it was handed never starts git or any other program: no module
    of the runtime imports a way to."""
    package = ROOT / "src" / "stalking_flanders"
    # modules that start a program or process (asyncio's subprocesses, concurrent's process pools,
    # a browser, C's system() through ctypes), beside os's functions (STARTS_A_PROGRAM)
    starters = {"subprocess", "_posixsubprocess", "pty", "multiprocessing", "concurrent", "asyncio", "pexpect"}
    starters |= {"webbrowser", "ctypes"}
    found = []
    for path in sorted(package.rglob("*.py")):
        if "pipeline" in path.relative_to(package).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            names += [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            found += [f"{path.name}: {n}" for n in names if n.split(".")[0] in starters]
            if isinstance(node, ast.ImportFrom) and node.module in ("os", "posix"):  # from os import execve
                found += [f"{path.name}:{node.lineno} os.{a.name}" for a in node.names if STARTS_A_PROGRAM.match(a.name)]
            if isinstance(node, ast.Attribute) and STARTS_A_PROGRAM.match(node.attr):
                found.append(f"{path.name}:{node.lineno} os.{node.attr}")
    assert found == []


# The functions of os that start a program or a process: exec*, spawn*, posix_spawn*, fork*, system, popen
STARTS_A_PROGRAM = re.compile(r"^(exec[lv]p?e?|spawn[lv]p?e?|posix_spawnp?|fork|forkpty|system|popen)$")


def test_the_check_for_a_way_to_run_a_program_knows_each_of_os():
    import os

    starters = {n for n in dir(os) if STARTS_A_PROGRAM.match(n)}
    assert {"execve", "execlp", "spawnvpe", "posix_spawnp", "fork", "system", "popen"} <= starters
    # every function of os whose name begins as one of those does: none is left unmatched
    begins = re.compile(r"^(exec|spawn|posix_spawn|fork|system|popen)")
    assert {n for n in dir(os) if begins.match(n) and callable(getattr(os, n))} == starters
    assert not STARTS_A_PROGRAM.match("execute") and not STARTS_A_PROGRAM.match("systems")


def test_every_error_the_package_raises_on_purpose_has_one_base():
    """Each exception class of the runtime derives from PackageError, which the command line maps to
    an exit code; anything else reaching it is a bug (exit 3)."""
    from stalking_flanders.problems import PackageError

    package = ROOT / "src" / "stalking_flanders"
    classes = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                getattr(base, "id", "").endswith(("Error", "Exception")) or getattr(base, "id", "") in ("OSError",)
                for base in node.bases
            ):
                classes.append((path, node))
    assert len(classes) >= 8
    for path, node in classes:
        if node.name in ("PackageError", "LimitExceeded"):  # the base, and the limit no handler may catch
            continue
        names = {getattr(base, "id", "") for base in node.bases}
        assert names & {"PackageError", "DataError"}, f"{path.name}: class {node.name} does not derive from PackageError"
    assert PackageError.__module__ == "stalking_flanders.problems"


def test_archived_texts_are_checked_against_the_registry_in_one_place():
    """The pipeline (the texts of its archive) and validate (those of a package) differ only in where
    a text stands: both go through sources.registered_texts, which alone names the problems and
    calls the checks of a text."""
    marks = ('"source-text-changed"', '"source-unregistered"', "text_problems(", "unregistered(")
    users = sorted(
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "src").rglob("*.py")
        if p.name != "problems.py" and any(mark in p.read_text() for mark in marks)
    )
    assert users == ["src/stalking_flanders/sources.py"]
    callers = sorted(
        p.name for p in (ROOT / "src").rglob("*.py") if "registered_texts(" in p.read_text() and p.name != "sources.py"
    )
    assert callers == ["validated.py", "validation.py"]


def test_the_caveats_are_added_to_a_description_and_taken_off_in_one_module():
    """The descriptor's descriptions end with the caveats; the workbook's first sheet shows them
    without: both through :mod:`stalking_flanders.caveats`, nowhere else."""
    users = sorted(
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "src").rglob("*.py")
        if any(join in p.read_text() for join in ('"\\n\\n" + caveats(', 'removesuffix("\\n\\n"'))
    )
    assert users == ["src/stalking_flanders/caveats.py"]


def test_the_formatter_is_never_switched_off():
    marked = [
        p.name
        for p in sorted((ROOT / "src").rglob("*.py")) + sorted((ROOT / "scripts").glob("*.py"))
        if "fmt: skip" in p.read_text()
    ]
    assert marked == []


def test_paths_are_put_under_a_folder_and_taken_out_in_one_place():
    """The root descriptor is the release's, re-rooted by rooting.py; nothing else strips or adds a prefix."""
    import json

    from stalking_flanders import repo
    from stalking_flanders.rooting import rooted

    release = json.loads((ROOT / repo.RELEASE / "datapackage.json").read_text(encoding="utf-8"))
    assert json.loads((ROOT / repo.DESCRIPTOR).read_text(encoding="utf-8")) == rooted(release, repo.RELEASE.as_posix())
    strippers = [
        p.name
        for p in (ROOT / "src").rglob("*.py")
        if p.name != "rooting.py" and re.search(r'endswith\("/"|removeprefix\(prefix', p.read_text())
    ]
    assert strippers == []


def test_the_repository_holds_no_symbolic_link():
    """The package's copy of the release is made by the build, not linked (links break on some systems)."""
    listed = subprocess.run(["git", "ls-files", "-s"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert [line for line in listed.splitlines() if line.startswith("120000")] == []


@pytest.mark.system  # a new interpreter
def test_the_extract_step_imports_no_pandas_and_writes_what_the_repository_holds(tmp_path):
    # The first step of every rebuild: parsing the archived answer needs neither pandas nor pyarrow,
    # and a process that imports them costs a forced rebuild as much again as the step's own work.
    code = (
        "import sys; from pathlib import Path; sys.path.insert(0, 'scripts'); from _step import definitions; "
        "from stalking_flanders import repo; from stalking_flanders.pipeline.extracted import make_extracted; "
        f"make_extracted(sys.argv[1], repo.ARCHIVE, definitions(), Path({str(tmp_path / 'out')!r})); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pandas', 'pyarrow', 'numpy', 'frictionless')))"
    )
    for source in sorted(p.name for p in (ROOT / "data" / "extracted").iterdir() if p.is_dir()):
        result = subprocess.run([sys.executable, "-c", code, source], capture_output=True, text=True, cwd=ROOT)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip().splitlines()[-1] == "[]"
        committed = ROOT / "data" / "extracted" / source
        assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(p.name for p in committed.iterdir())
        for path in committed.iterdir():
            assert (tmp_path / "out" / path.name).read_bytes() == path.read_bytes(), path.name


def test_the_gate_stands_below_every_reader_of_a_package():
    """untrusted.py, which every package passes through first, imports only the modules of problems
    and process-wide settings: datapackage, the model and the readers import it, never the
    other way round (no import of the package waits inside a function to dodge a cycle)."""
    gate = ROOT / "src" / "stalking_flanders" / "untrusted.py"
    imported = {
        node.module
        for node in ast.walk(ast.parse(gate.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and node.level
    }
    assert imported == {"problems", "process_wide"}
    datapackage = (ROOT / "src" / "stalking_flanders" / "datapackage.py").read_text(encoding="utf-8")
    nested = [
        node.module
        for function in ast.walk(ast.parse(datapackage))
        if isinstance(function, ast.FunctionDef)
        for node in ast.walk(function)
        if isinstance(node, ast.ImportFrom)
        and node.level
        and node.module in {"untrusted", "model", "problems", "texts", "limits"}
    ]
    assert nested == []


def test_the_licence_s_title_is_written_once():
    """The descriptor, the page and the portal record give the licence's title as facts.LICENCES does."""
    from stalking_flanders.facts import LICENCES

    title = LICENCES["CC-BY-4.0"].title
    written = sorted(
        p.relative_to(ROOT).as_posix()
        for folder in ("src", "schemas")
        for p in (ROOT / folder).rglob("*")
        if p.suffix in {".py", ".toml", ".json", ".j2"} and "data" not in p.relative_to(ROOT).parts and title in p.read_text()
    )
    assert written == ["src/stalking_flanders/facts.py"]


def test_the_years_of_the_answer_are_bounded_once():
    """Every year field takes its bounds from the kind "year" of schemas/fields.json."""
    import json

    bounded = sorted(
        p.name
        for p in (ROOT / "schemas").glob("*.json")
        if re.search(r'"(?:minimum|maximum)": (?:19|20)[0-9]{2}\b', p.read_text(encoding="utf-8"))
    )
    assert bounded == ["fields.json"]
    years = [
        f
        for p in (ROOT / "schemas").glob("*.schema.json")
        for f in json.loads(p.read_text(encoding="utf-8"))["fields"]
        if "year" in f["name"]
    ]
    assert len(years) == 3 and all(f.get("kind") == "year" for f in years)


def test_no_module_but_the_model_asks_a_field_which_type_it_is():
    """What a field type means (free text, whole numbers, a flag, what a workbook cell's value is
    written as, its cell format in a workbook, its pandera dtype) is the type's own, in model.py: no
    other module compares a type's name or a dtype's, or picks a type by its name."""
    asks = re.compile(
        r"""type\.name [!=]= ["']|field(?:\.get\(["']type["']\)|\[["']type["']\]) [!=]= ["']"""
        r"""|dtype [!=]= ["']|TYPES\[["']"""
    )
    found = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in sorted((ROOT / "src" / "stalking_flanders").rglob("*.py"))
        if p.name != "model.py"
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if asks.search(line)
    ]
    assert found == []


def test_every_table_schema_names_the_profile_the_code_writes():
    """The v2 profile's address is the code's (``untrusted.V2_PROFILES``, which writes the
    descriptor's); each Table Schema of ``schemas/`` names it as its own ``$schema``, held to it here."""
    from stalking_flanders import repo
    from stalking_flanders.untrusted import V2_PROFILES

    schemas = sorted((ROOT / repo.SCHEMAS).glob("*.schema.json"))
    assert schemas
    for path in schemas:
        assert json.loads(path.read_text(encoding="utf-8"))["$schema"] == V2_PROFILES + "tableschema.json", path.name


def test_the_extras_a_user_installs_are_those_pyproject_declares_and_the_readme_lists():
    """The extras a user installs (``extras.EXTRAS``) are declared in pyproject.toml; each command
    that needs one names one of them (``cli.NEEDS``); the README's table of what to install says, for
    each command of ``cli.NEEDS``, its extra, and lists every extra."""
    import tomllib

    from stalking_flanders.cli import NEEDS
    from stalking_flanders.extras import EXTRAS

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert set(EXTRAS) <= set(declared) and set(NEEDS.values()) <= set(EXTRAS)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = [line for line in readme.splitlines() if line.startswith("| ") and " extra" in line]
    assert {re.search(r"the `([a-z]+)` extra", row).group(1) for row in rows if "the `" in row} == set(EXTRAS)
    for command, extra in NEEDS.items():
        assert any(f"`stalking-flanders {command}`" in row and f"the `{extra}` extra" in row for row in rows), command


def test_an_extra_found_whole_is_not_looked_for_again_one_that_is_not_is(monkeypatch):
    from importlib import metadata

    from stalking_flanders import extras

    looked, installed = [], {"absent": False}

    def version(name):
        looked.append(name)
        if name == "pandera" and not installed["absent"]:
            raise metadata.PackageNotFoundError(name)
        return "1"

    monkeypatch.setattr(extras, "_WHOLE", set())
    monkeypatch.setattr(extras.metadata, "version", version)
    assert extras.missing("validate") == ["pandera"]
    installed["absent"] = True  # installed while the process runs: seen
    assert extras.missing("validate") == [] and looked.count("pandera") == 2
    looked.clear()
    assert extras.missing("validate") == [] and looked == []


def test_the_releases_recorded_are_read_again_when_the_file_changes(tmp_path):
    from stalking_flanders.releases import history

    entry = 'released = 2026-11-30T02:22:48Z\ncut_from = "abc"\ndescriptor_sha256 = "0f"\n'
    path = tmp_path / "releases.toml"
    path.write_text(f'[releases."1.0.0"]\n{entry}', encoding="utf-8")
    first = history(path)
    first.clear()  # the caller's own dict
    assert list(history(path)) == ["1.0.0"]
    path.write_text(f'[releases."1.0.0"]\n{entry}[releases."1.0.1"]\n{entry.replace("02:22", "03:22")}', encoding="utf-8")
    assert list(history(path)) == ["1.0.0", "1.0.1"]


def test_the_versions_names_and_licence_the_docs_write_by_hand_are_the_projects():
    """What the docs name of the standards, tools and files the tests use is what the project pins
    or makes: the DCAT-AP Vlaanderen standard, CKAN and its DCAT harvester, the R reader, the
    workbook's first two sheets and the code's licence."""
    from test_clients import R_SOURCE_NAME

    from stalking_flanders.facts import DCAT_AP_VL
    from stalking_flanders.formats.xlsx import READ_ME, STALKING

    def flat(page: str) -> str:
        return re.sub(r"\s+", " ", (ROOT / page).read_text(encoding="utf-8"))

    docs = {p: flat(p) for p in ["README.md", *(f"docs/{d.name}" for d in sorted((ROOT / "docs").glob("*.md")))]}
    vl_date = re.compile(r"(?:Vlaanderen \(|standard of )(\d{4}-\d{2}-\d{2})|`(\d{4}-\d{2}-\d{2})/shacl/")
    dated = {d for said in docs.values() for pair in vl_date.findall(said) for d in pair if d}
    assert dated == {DCAT_AP_VL}, dated
    pins = dict(re.findall(r"^([a-z-]+)==(\S+)", (ROOT / "requirements" / "ckan.in").read_text(), re.M))
    assert f"ckanext-dcat {pins['ckanext-dcat']}," in docs["docs/portals.md"]
    assert f"CKAN {pins['ckan']}," in docs["docs/portals.md"]
    r_version = re.fullmatch(r"frictionless_([0-9.]+)\.tar\.gz", R_SOURCE_NAME).group(1)
    assert f"`frictionless` {r_version} from `../shared/r/`" in docs["docs/testing.md"]
    for page in ("docs/clients.md", "docs/data-package.md"):
        assert f'"{READ_ME}"' in docs[page] and f'"{STALKING}"' in docs[page], page
    licence = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["license"]
    assert f"The code: {licence} (`LICENSE`)" in docs["README.md"]
    assert (ROOT / "LICENSE").read_text().startswith(f"{licence} License\n")


def test_every_page_that_names_a_dcat_ap_version_names_the_one_the_record_is_made_to():
    """``facts.DCAT_AP`` is the version of DCAT-AP the record is made to (the command's help says it,
    the shape tests read that version's shapes); the docs and the module's own words name no other."""
    from stalking_flanders.facts import DCAT_AP

    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), *sorted((ROOT / "src").rglob("*.py"))]
    named = {(p.name, v) for p in pages for v in re.findall(r"DCAT-AP (\d+\.\d+(?:\.\d+)?)", p.read_text(encoding="utf-8"))}
    assert named and {v for _, v in named} == {DCAT_AP}, sorted(named)


def test_the_examples_in_the_scripts_docstrings_run():
    """pytest runs the examples of ``src/`` (``--doctest-modules``); the scripts' are run here."""
    import doctest
    import importlib

    sys.path.insert(0, str(ROOT / "scripts"))
    with_examples = [p.stem for p in sorted((ROOT / "scripts").glob("*.py")) if ">>> " in p.read_text(encoding="utf-8")]
    assert with_examples
    for name in with_examples:
        result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
        assert result.attempted and not result.failed, name


def test_every_text_that_names_the_stalking_figures_names_them_as_the_facts_do():
    """How a series of stalking figures is named is ``facts.SPECIFIC`` (its wording changed twice):
    every mention of "belaging" in the package's own texts (its modules, templates and texts.toml,
    and the definitions of ``schemas/``) is that naming, word for word and ended there, or one of
    the few other mentions listed here (the answer's own label and words, the series' name, the
    keywords, what the CAW registered), so that a change of the naming leaves no copy behind."""
    from stalking_flanders.facts import SPECIFIC

    tails = [SPECIFIC[lang][True].split(" ", 2)[2] for lang in SPECIFIC]  # "belaging, waaronder stalking"
    naming = "|".join(re.escape(tail) + r"(?=[,.;)\"']|\Z)" for tail in tails)  # the words, then no more of them
    other = (
        r"Belaging \(stalking\)"  # the answer's label of the CAW's figures (line 101)
        r"|term belaging"  # "Stalking valt onder de term belaging" (lines 94-95)
        r"|perpetrators-belaging"  # the series' name
        r'|"belaging"(?=[,\]])'  # a keyword
        r"|registered 'belaging'|‘belaging’ registreerden"  # what the CAW registered, in the series' notes
        r"|Belaging per jaar"  # the workbook's sheet of those figures, named after their category as published
    )
    files = [p for p in (ROOT / "src" / "stalking_flanders").rglob("*") if p.suffix in {".py", ".toml", ".j2"}]
    files = [p for p in files if "data" not in p.relative_to(ROOT / "src").parts and p.name != "facts.py"]
    namings, unlisted = set(), []
    for path in files + sorted((ROOT / "schemas").iterdir()):
        text = path.read_text("utf-8")
        covered = {}  # where a listed mention of each kind stands
        for kind, pattern in (("naming", naming), ("other", other)):
            for m in re.finditer(pattern, text, re.IGNORECASE):
                covered.update(dict.fromkeys(range(m.start(), m.end()), kind))
        for m in re.finditer("belaging", text, re.IGNORECASE):
            if covered.get(m.start()) == "naming":
                namings.add(path.name)
            elif m.start() not in covered:
                unlisted.append((path.name, text[max(0, m.start() - 40) : m.end() + 40]))
    assert {"xlsx.py", "texts.toml", "package.toml", "series.schema.json"} <= namings
    assert unlisted == []
