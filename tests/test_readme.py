"""The generated sections of the README and the docs are those the committed descriptor and the
release generate, the README is short and links nothing relative, and the docs agree with the
package on the version."""

from __future__ import annotations

import ast
import json
import re
import subprocess

from helpers import ROOT
from stalking_flanders import repo
from stalking_flanders.caveats import NO_FIGURES, lines_named
from stalking_flanders.datapackage import DataPackage
from stalking_flanders.pipeline import readme_sections

README_MOST_LINES = 200


def _descriptor() -> dict:
    return json.loads((ROOT / repo.DESCRIPTOR).read_text(encoding="utf-8"))


def test_the_sections_of_the_descriptor_are_generated_from_it():
    descriptor = _descriptor()
    rendered = readme_sections.sections(descriptor)  # no build needed: the tables' section is the test below
    for path, names in readme_sections.FILES.items():
        text = (ROOT / path).read_text(encoding="utf-8")
        assert readme_sections.update(text, {n: rendered[n] for n in names if n in rendered}) == text, (
            f"{path}: run python scripts/readme.py"
        )
    dictionary = (ROOT / "docs" / "data-package.md").read_text(encoding="utf-8")
    for resource in descriptor["resources"]:
        if resource.get("type") == "table" and resource["format"] == "csv":
            assert f"### `{resource['name']}`" in dictionary
            for field in resource["schema"]["fields"]:
                assert f"| `{field['name']}` |" in dictionary


def test_every_generated_section_is_the_one_the_release_generates(release):
    tables = readme_sections.read_tables(DataPackage(release))
    rendered = readme_sections.sections(_descriptor(), tables)
    for path, names in readme_sections.FILES.items():
        text = (ROOT / path).read_text(encoding="utf-8")
        assert readme_sections.update(text, {n: rendered[n] for n in names}) == text, f"{path}: run python scripts/readme.py"
    figures = rendered["figures"]
    caw = "| Belaging (stalking) | Belaging (stalking) (zoals gepubliceerd, niet vertaald / kept as published, not translated)"
    assert caw + " | 21 | 47 | 57 |" in figures  # as the answer prints them
    shown = [
        int(cell)
        for line in figures.splitlines()
        if re.match(r"\| (?!categorie|---)", line)
        for cell in line.strip("| ").split(" | ")[2:]
        if cell
    ]
    assert sorted(shown) == sorted(tables["observations"]["count"].tolist())  # every figure once, nothing computed


def test_what_the_readme_says_the_answer_does_not_give_is_what_the_notes_and_tables_say():
    """The README's own paragraph restates the makers' notes and what the tables hold: it is held to
    them, so that a note reworded or a field added is not contradicted by it."""
    import pandas as pd

    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    said = {
        lang: readme[readme.index(start) : readme.index(end)]
        for lang, start, end in (
            ("nl", "Wat het antwoord niet geeft", "What the answer does not give"),
            ("en", "What the answer does not give", "## De gegevens ophalen"),
        )
    }
    notes = pd.read_csv(ROOT / repo.RELEASE / "series.csv")
    for lang, phrases in {
        "nl": ("aan welk jaar", "meer dan eens geteld", "2021"),
        "en": ("to which year", "counted more than once", "2021"),
    }.items():
        note = " ".join(notes[f"note_{lang}"])
        for phrase in phrases:  # each in the README's paragraph and in a note of the series
            assert phrase in said[lang] and phrase in note, (lang, phrase)
    resources = json.loads((ROOT / repo.DESCRIPTOR).read_text(encoding="utf-8"))["resources"]
    fields = {f["name"] for r in resources if r["name"] == "source_questions" for f in r["schema"]["fields"]}
    assert not fields & {"answer_date", "url", "answered"}  # the answer's date and address: given by none


def test_every_quotation_of_the_answer_beside_the_figures_gives_its_lines():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    figures = readme[readme.index("<!-- begin figures -->") : readme.index("<!-- end figures -->")]
    quoted = re.findall(r"(?:Het antwoord|The answer \(translation made for this package\)): “[^”]*”(.{0,20})", figures)
    assert len(quoted) == 8  # what each series' figures count and what the answer says of them, in two languages
    assert all(re.match(r" \((regels?|lines?) \d+(-\d+)?\)", after) for after in quoted), quoted


def test_the_heading_of_each_of_the_answers_tables_stands_with_its_figures_as_published_with_its_line():
    # "Daders – misdrijf detail" (line 99): the answer's own word for what the CAW figures count
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    figures = readme[readme.index("<!-- begin figures -->") : readme.index("<!-- end figures -->")]
    tables = readme_sections.read_tables(DataPackage(ROOT / repo.DESCRIPTOR))
    archived = (ROOT / repo.ARCHIVE / "vp-sv-186-beke-2021-12-21.txt").read_text(encoding="utf-8").splitlines()
    headed = tables["series"][tables["series"]["heading_nl"].fillna("") != ""]
    assert len(headed) >= 1
    for s in headed.itertuples():
        assert archived[int(s.header_line) - 1].startswith(s.heading_nl)
        assert f"Kop van de tabel in het antwoord: “{s.heading_nl}” (regel {s.header_line})." in figures
        # the measure's lines end their sentence before the heading's: "(regel 94) Kop van de tabel" ran on
        assert f"({lines_named(s.measure_lines, 'nl')}). Kop van de tabel" in figures
        assert f"The table's heading in the answer (as published): “{s.heading_nl}” (line {s.header_line})." in figures


def test_the_readme_opens_in_dutch_on_the_stalking_figures_read_as_the_answer_means_them():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_screen = readme[: readme.index("**Centres for mental health care (CGG)**")]
    assert first_screen.index("**In het Nederlands:**") < first_screen.index("Every figure")  # Dutch first
    # what the figures count, before them: the answer's own term, not "stalking" alone nor "specific"
    # (the answer says the CAW have no specific registration of stalking, line 54)
    assert "(cijfers over belaging, waaronder stalking; aantal daders)" in first_screen
    assert "specifiek voor stalking" not in first_screen.replace("NIET specifiek voor stalking", "")
    assert "stalking-specific" not in first_screen.replace("NOT stalking-specific", "")
    assert "(figures on 'belaging', which covers stalking; number of perpetrators, series" in first_screen
    assert "(cijfers over stalking" not in first_screen and "(figures on stalking" not in first_screen
    caw = first_screen[first_screen.index("| 21 | 47 | 57 |") :]  # the CAW figures, then what stands with them
    for said in (
        "Wat het antwoord over deze cijfers zegt (deelvraag 6)",  # the answer's evaluation of the figures
        "exponentieel de hoogte in schiet",
        "niet om slachtoffers",
        "meer dan eens geteld",
        "dekt mogelijk niet het hele jaar",
        "rising exponentially",
        "not victims",
        "counted more than once",
        "may not cover the whole year",
    ):
        assert said in caw, said


def test_the_opening_paragraphs_give_each_series_years_as_the_release_holds_them_and_the_2021_caveat():
    # A Flemish reader who skims the first screen sees which years each institution's figures cover
    # (written by hand in the opening, held here to the release) and that the 2021 figure may be partial.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    dutch = readme[readme.index("**In het Nederlands:**") : readme.index("Every figure")]
    english = readme[readme.index("Every figure") : readme.index("## De cijfers")]
    tables = readme_sections.read_tables(DataPackage(ROOT / repo.DESCRIPTOR))
    observations = tables["observations"]
    for s in tables["series"].itertuples():  # the institution spelled out, as the table series names it
        years = observations.loc[observations["series"] == s.series, "year"].astype(int)
        organisation, span = s.series.split("-")[0].upper(), f"{years.min()}-{years.max()}"  # caw-..., cgg-...
        named = {lang: getattr(s, f"organisation_{lang}").split(" (")[0] for lang in ("nl", "en")}  # less "(CAW’s)"
        assert f"{organisation}-cijfers ({named['nl']}, {span})" in " ".join(dutch.split()), s.series
        assert f"{organisation} figures ({named['en']}, {span})" in " ".join(english.split()), s.series
    assert "het cijfer voor 2021 dekt mogelijk niet het hele jaar" in " ".join(dutch.split())
    assert "the 2021 figure may not cover the whole year" in " ".join(english.split())


def test_a_reader_of_the_files_is_told_where_the_caveats_stand_and_the_snippet_prints_dutch_first(defs):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    snippet = readme[readme.index("```python", readme.index("<!-- snippet: python -->")) :]
    snippet = snippet[: snippet.index("```", 3)]
    assert snippet.index('attrs["caveats_nl"]') < snippet.index('attrs["caveats"]')  # Dutch first
    told = " ".join(readme[readme.index("Read from the files themselves") :].split())
    told = told[: told.index("to join on `series`")]
    named = re.findall(r"`(\w+)`", told[told.index("`series.csv`") :])
    fields = [f.name for f in defs.schemas["series"].fields]
    assert named and all(name in fields for name in named), named  # columns the table series has
    assert {"measure_nl", "caveat_nl", "note_nl", "stalking_specific", "reading_subquestion"} <= set(named)


def test_every_series_stands_with_what_the_answer_says_of_it_and_our_note_dutch_first():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    tables = readme_sections.read_tables(DataPackage(ROOT / repo.DESCRIPTOR))
    said = [(s.caveat_nl, s.caveat_en) for s in tables["series"].itertuples()]
    said += [(s.note_nl, s.note_en) for s in tables["series"].itertuples()]
    # a statement a series quotes as its reading stands beside it by its first sentences, with its lines
    read = {(s.source_question, s.reading_subquestion) for s in tables["series"].itertuples()}
    said += [
        (q.statement_nl, q.statement_en)
        for q in tables["subquestions"].itertuples()
        if q.figures == NO_FIGURES and (q.source_question, q.subquestion) not in read
    ]
    for dutch, english in said:
        assert dutch in readme and english in readme and readme.index(dutch) < readme.index(english), dutch


def test_what_each_figure_counts_stands_as_the_answers_words_the_english_as_a_translation():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    tables = readme_sections.read_tables(DataPackage(ROOT / repo.DESCRIPTOR))
    for s in tables["series"].itertuples():
        assert f"Het antwoord: “{s.measure_nl}”" in readme, s.series
        assert f"The answer (translation made for this package): “{s.measure_en}”" in readme, s.series


def test_the_english_labels_of_the_figures_say_they_are_made_for_this_package():
    """The tables of figures give each category as published and the package's English label: the
    header of that column says whose label it is, in both languages, as every translation is marked."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    headers = [line for line in readme.splitlines() if line.startswith("| categorie (zoals gepubliceerd)")]
    assert len(headers) == len(readme_sections.read_tables(DataPackage(ROOT / repo.DESCRIPTOR))["series"])
    for header in headers:
        label = header.split("|")[2]
        assert "(gemaakt voor dit pakket)" in label and "(made for this package)" in label, header
    # a label kept as published (Belaging (stalking), line 101) does not read as a translation of ours
    categories = readme_sections.read_tables(DataPackage(ROOT / repo.DESCRIPTOR))["categories"]
    rows = {line.split("|")[1].strip(): line.split("|")[2].strip() for line in readme.splitlines() if line.startswith("| ")}
    kept = categories[categories["category"] == categories["label_en"]]
    assert len(kept) >= 1
    for c in categories.itertuples():
        marked = f"{c.label_en} (zoals gepubliceerd, niet vertaald / kept as published, not translated)"
        assert rows[c.category] == (marked if c.label_en == c.category else c.label_en), c.category


def test_readme_shows_the_caveats_and_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "NOT stalking-specific" in readme and "belaging" in readme
    assert "make release" in readme and "make test" in readme


# Calls that add figures up or summarise them, in Python (pandas, Polars), SQL, R and JavaScript.
ADDING_UP = re.compile(
    r"\bsum\(|\.sum\(|\.cumsum\(|\.mean\(|\.agg\(|\.aggregate\(|aggfunc|pivot_table|\.groupby\(|\.group_by\("
    r"|\bSUM\(|\bAVG\(|GROUP BY|\bcolSums\(|\browSums\(|\bsummari[sz]e\(|\.reduce\(",
    re.IGNORECASE,
)


def _examples() -> dict[str, list[str]]:
    """The examples a reader copies, by file: the doctest lines of the package's docstrings and the
    fenced code blocks of the README and the docs."""
    examples = {}
    for path in sorted((ROOT / "src").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                doc = ast.get_docstring(node) or ""
                lines = [line.strip() for line in doc.splitlines() if line.strip().startswith((">>>", "..."))]
                examples.setdefault(str(path.relative_to(ROOT)), []).extend(lines)
    for path in [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]:
        if path.is_file():
            blocks = re.findall(r"^[ \t]*```[^\n]*\n(.*?)^[ \t]*```", path.read_text(encoding="utf-8"), flags=re.M | re.S)
            examples[str(path.relative_to(ROOT))] = [line for block in blocks for line in block.splitlines()]
    return examples


def test_no_example_adds_up_figures_the_answer_does_not():
    """The answer adds up no years or categories, and the README says neither does this package:
    no example shows a total of ours (the package's docstring once summed each series)."""
    examples = _examples()
    assert any("load(" in line for line in examples["src/stalking_flanders/__init__.py"])  # the examples are read
    assert any("load(" in line for line in examples["README.md"])
    found = [f"{name}: {line}" for name, lines in examples.items() for line in lines if ADDING_UP.search(line)]
    assert not found


def test_the_routes_name_the_release_folder_and_the_portal_page_its_themes_and_years():
    """The README's routes to the data (not run as written: each is a test of its own) fetch the
    release's folder, and the portals' page names the record's themes and the years it covers."""
    from stalking_flanders.facts import THEMES, years_covered
    from stalking_flanders.loader import load

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    fetched = re.findall(r"^dvc (?:get|import) <repository> (\S+)", readme, re.M)
    assert len(fetched) == 3 and set(fetched) == {repo.RELEASE.as_posix()}, fetched
    assert f"# the release is in {repo.RELEASE.as_posix()}/" in readme
    portals = re.sub(r"\s+", " ", (ROOT / "docs" / "portals.md").read_text(encoding="utf-8"))
    assert f"data-theme vocabulary ({', '.join(THEMES)})" in portals
    first, last = years_covered(load("series", lang="en"))
    assert f"temporal coverage from the data ({first} to {last}, as years)" in portals


def test_readme_is_short():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MOST_LINES, f"README.md has {len(lines)} lines; move detail to docs/"


def test_readme_links_nothing_relative():
    """Where the README is a package's description on an index, a relative link or image breaks:
    every target is an absolute https URL or an anchor; the docs are named by path instead."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(\s*<?([^)\s>]*)", readme)  # [text](target) and ![alt](target)
    targets += re.findall(r"^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", readme, re.M)  # [label]: target
    targets += re.findall(r"""<(?:img|a|source)\b[^>]*?\b(?:src|href|srcset)\s*=\s*["']?([^"'\s>]+)""", readme, re.I)
    relative = [t for t in targets if not (t.startswith("https://") or t.startswith("#"))]
    assert not relative, f"relative links or images in README.md: {relative}"


def test_versions_agree_across_changelog_citation_descriptor_and_tags(defs):
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in changelog or f"## [{defs.version}] - " in changelog
    assert f"version {defs.version}" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert json.loads((ROOT / repo.DESCRIPTOR).read_text())["version"] == defs.version
    released = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$", changelog, re.M)
    assert all(tuple(map(int, v.split("."))) <= tuple(map(int, defs.version.split("."))) for v in released)
    tags = subprocess.run(["git", "tag", "--list", "v*"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    for tag in tags:  # where the clone has tags, each agrees with the version it names
        version = tag[1:]
        assert version in released, f"{tag} has no CHANGELOG entry"
        pyproject = subprocess.run(["git", "show", f"{tag}:pyproject.toml"], cwd=ROOT, capture_output=True, text=True).stdout
        descriptor = subprocess.run(["git", "show", f"{tag}:datapackage.json"], cwd=ROOT, capture_output=True, text=True).stdout
        assert f'\nversion = "{version}"\n' in pyproject and json.loads(descriptor)["version"] == version


def test_ci_runs_the_readmes_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_the_release_script_commits_every_file_with_generated_sections(monkeypatch):
    """A release rewrites the generated sections (the citation names the version); the release
    script commits only its RELEASE_FILES, so each file with generated sections must be one."""
    import importlib.util

    monkeypatch.syspath_prepend(str(ROOT / "scripts"))  # its helpers
    spec = importlib.util.spec_from_file_location("cut_release", ROOT / "scripts" / "cut_release.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert set(readme_sections.FILES) <= set(script.RELEASE_FILES)


def test_each_anchor_of_the_readme_is_one_of_its_headings():
    """A link to a section ("#de-gegevens-ophalen--get-the-data") names a heading as GitHub makes its
    anchor: lower case, punctuation other than hyphens dropped, each space a hyphen."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    headings = re.findall(r"^#+ (.+)$", readme, re.M)
    anchors = {re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-") for heading in headings}
    linked = re.findall(r"\]\(#([^)\s]+)\)", readme)
    assert linked and set(linked) <= anchors, (sorted(set(linked) - anchors), sorted(anchors))
