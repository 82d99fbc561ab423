"""`stalking-flanders diff` on a second, synthetic version made here (never in the real release)."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path

import pytest

from helpers import ROOT, cli, edit_descriptor, edit_file, rehash, release_as_git_holds_it
from stalking_flanders.datapackage import BUNDLED, DataPackage

pytestmark = pytest.mark.hostile  # every folder left in tmp_path is swept: see conftest.py

KEY = "vp-sv-186-beke-2021-12-21, cgg-perpetration-registrations, Gedragsproblemen - agressie"


def synthetic(tmp_path, edit, version="9.9.9"):
    """A copy of the release, changed by ``edit``, re-hashed and given another version."""
    folder = tmp_path / f"v{version}"
    shutil.copytree(BUNDLED, folder)
    edit(folder)
    edit_descriptor(folder, lambda d: d.update(version=version))
    rehash(folder)
    return folder


def diff(old, new, *extra):
    result = cli("diff", old, new, *extra, cwd=old)
    assert result.returncode == 0, result.stderr
    return result.stdout


def change_figures(folder):
    csv = folder / "observations.csv"
    text = csv.read_text().replace(",2019,846,82", ",2019,864,82")
    csv.write_text(text + "vp-sv-186-beke-2021-12-21,cgg-perpetration-registrations,Gedragsproblemen - agressie,2021,7,82\n")


def test_no_difference():
    assert "change level none" in diff(BUNDLED, BUNDLED)


def test_the_root_descriptor_is_its_release():
    """The repository's datapackage.json names the release's files data/release/...: the same files."""
    assert diff(ROOT / "data" / "release", ROOT / "datapackage.json").endswith(
        "change level none\n- No differences in tables, rows, figures or metadata\n"
    )


def test_a_changed_figure_and_an_added_row_as_text(tmp_path):
    out = diff(BUNDLED, synthetic(tmp_path, change_figures))
    assert out.startswith(f"{DataPackage().descriptor['version']} -> 9.9.9: change level minor")
    assert f"\n    - ~ ({KEY}, 2019) count: 846 -> 864\n" in out
    assert f"+ ({KEY}, 2021)" in out


def test_as_json(tmp_path):
    result = json.loads(diff(BUNDLED, synthetic(tmp_path, change_figures), "--format", "json"))
    table = result["tables"]["observations"]
    assert result["bump"] == "minor" and result["new"]["version"] == "9.9.9"
    assert table["cells_changed"] == [
        {"key": KEY.split(", ") + ["2019"], "field": "count", "old": "846", "new": "864", "figure": True, "meaning": False}
    ]
    assert table["rows_added"] == [KEY.split(", ") + ["2021"]] and table["rows_removed"] == []


def test_rows_added_only_is_minor_and_a_label_change_is_patch(tmp_path):
    def add_row(folder):
        with (folder / "observations.csv").open("a") as fh:
            fh.write("vp-sv-186-beke-2021-12-21,cgg-perpetration-registrations,Gedragsproblemen - agressie,2021,7,82\n")

    def relabel(folder):
        csv = folder / "categories.csv"
        csv.write_text(
            csv.read_text().replace("Behavioural problems - aggression", "Behavioural problems - aggressive behaviour")
        )

    assert "change level minor" in diff(BUNDLED, synthetic(tmp_path, add_row, "1.1.0"))
    out = diff(BUNDLED, synthetic(tmp_path, relabel, "1.0.1"))
    assert "change level patch" in out and "other value(s) changed" in out and "label_en" in out


def remove_subquestions(folder):
    """The table subquestions gone, as a release without it would be: no file, no key refers to it."""
    (folder / "subquestions.csv").unlink(), (folder / "subquestions.parquet").unlink()

    def unkeyed(d):
        for resource in d["resources"]:
            keys = resource.get("schema", {}).get("foreignKeys", [])
            keys[:] = [k for k in keys if k["reference"]["resource"] not in ("subquestions", "subquestions-parquet")]

    edit_descriptor(folder, unkeyed)


def test_a_removed_table_is_major(tmp_path):
    out = diff(BUNDLED, synthetic(tmp_path, remove_subquestions))
    assert "change level major" in out and "Tables removed: subquestions" in out


def test_a_tampered_release_is_refused(tmp_path):
    folder = synthetic(tmp_path, change_figures)
    (folder / "observations.csv").write_text("tampered\n")
    result = cli("diff", BUNDLED, folder, cwd=tmp_path)
    assert result.returncode == 1 and "observations.csv is not the file the descriptor describes" in result.stderr


def rename_code(folder):
    """The change of 1.0.1: the code no-figures of subquestions.figures renamed (to none, here)."""

    def schema(d):
        for r in d["resources"]:
            if r["name"].startswith("subquestions"):
                field = next(f for f in r["schema"]["fields"] if f["name"] == "figures")
                field["constraints"]["enum"] = ["none" if c == "no-figures" else c for c in field["constraints"]["enum"]]

    edit_descriptor(folder, schema)
    csv = folder / "subquestions.csv"
    csv.write_text(csv.read_text().replace(",no-figures,", ",none,"))


def flip_flag(folder):
    csv = folder / "series.csv"
    lines = csv.read_text().splitlines(keepends=True)
    csv.write_text("".join(line.replace(",false,", ",true,") if "cgg-perpetration" in line else line for line in lines))


def add_row(folder):
    with (folder / "observations.csv").open("a") as fh:
        fh.write("vp-sv-186-beke-2021-12-21,cgg-perpetration-registrations,Gedragsproblemen - agressie,2021,7,82\n")


def rekey(folder):
    """The primary key of observations changed: the rows of one key are not rows of the other."""
    edit_descriptor(folder, lambda d: d["resources"][0]["schema"].update(primaryKey=["source_line"]))


def correct_figure(folder):
    csv = folder / "observations.csv"
    csv.write_text(csv.read_text().replace(",2019,846,82", ",2019,864,82"))


def change_archived_text(folder):
    text = next((folder / "sources").iterdir())
    edit_file(text, "846", "864")  # the evidence itself, its sha256 recomputed


def move_everything(folder):
    (folder / "v2").mkdir()
    for path in list(folder.iterdir()):
        if path.name not in ("datapackage.json", "v2"):
            path.rename(folder / "v2" / path.name)

    def moved(d):
        for item in [*d["resources"], *d["sources"]]:
            item["path"] = "v2/" + item["path"]

    edit_descriptor(folder, moved)


def remove_workbook(folder):
    (folder / "stalking-flanders.xlsx").unlink()  # rehash drops its resource


def move_workbook(folder):
    (folder / "stalking-flanders.xlsx").rename(folder / "workbook.xlsx")
    edit_descriptor(folder, lambda d: next(r for r in d["resources"] if r["name"] == "workbook").update(path="workbook.xlsx"))


def add_file(folder):
    shutil.copyfile(folder / "stalking-flanders.xlsx", folder / "copy.xlsx")
    workbook = next(r for r in json.loads((folder / "datapackage.json").read_text())["resources"] if r["name"] == "workbook")
    edit_descriptor(folder, lambda d: d["resources"].append({**workbook, "name": "workbook-copy", "path": "copy.xlsx"}))


def move_csv(folder):
    (folder / "series.csv").rename(folder / "series2.csv")
    edit_descriptor(folder, lambda d: next(r for r in d["resources"] if r["name"] == "series").update(path="series2.csv"))


def describe_parquet_field(folder):
    def describe(d):
        parquet = next(r for r in d["resources"] if r["name"] == "observations-parquet")
        parquet["schema"]["fields"][0]["description"] = "Other."

    edit_descriptor(folder, describe)


def describe_workbook(folder):
    edit_descriptor(folder, lambda d: next(r for r in d["resources"] if r["name"] == "workbook").update(description="Other."))


def reorder_columns(folder):
    """Two columns of categories swap places, in its file and its schema: a reader by position breaks."""
    import csv as csv_module
    import io

    path = folder / "categories.csv"
    rows = list(csv_module.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    out = io.StringIO(newline="")
    csv_module.writer(out, lineterminator="\n").writerows([*row[:2], row[3], row[2], *row[4:]] for row in rows)
    path.write_text(out.getvalue(), encoding="utf-8")

    def swap(d):
        fields = next(r for r in d["resources"] if r["name"] == "categories")["schema"]["fields"]
        fields[2], fields[3] = fields[3], fields[2]

    edit_descriptor(folder, swap)


def unlink_categories(folder):
    """The foreign key of observations to categories dropped: a join a reader relies on is no longer held (the
    loader gives no labels), though every row stays the same."""

    def unlinked(d):
        keys = next(r for r in d["resources"] if r["name"] == "observations")["schema"]["foreignKeys"]
        keys[:] = [k for k in keys if k["reference"]["resource"] != "categories"]

    edit_descriptor(folder, unlinked)


def link_series(folder):
    """A foreign key added: observations' series to the table series."""
    key = {"fields": ["series"], "reference": {"resource": "series", "fields": ["series"]}}
    observations = lambda d: next(r for r in d["resources"] if r["name"] == "observations")  # noqa: E731
    edit_descriptor(folder, lambda d: observations(d)["schema"]["foreignKeys"].append(key))


def repoint_subquestion(folder):
    """The series' sub-questions swapped (5 and 4): each series now joins to the other's, and a filter on
    subquestions.figures == "specific" finds the CGG figures, which are not stalking's."""
    edit_file(folder / "series.csv", ",vp-sv-186-beke-2021-12-21,5,", ",vp-sv-186-beke-2021-12-21,X,")
    edit_file(folder / "series.csv", ",vp-sv-186-beke-2021-12-21,4,", ",vp-sv-186-beke-2021-12-21,5,")
    edit_file(folder / "series.csv", ",vp-sv-186-beke-2021-12-21,X,", ",vp-sv-186-beke-2021-12-21,4,")


def swap_labels(folder):
    """Two categories' English labels swapped: a filter on label_en finds the other category's figures."""
    aggression, other = "Behavioural problems - aggression", "Behavioural problems - other behavioural problem"
    edit_file(folder / "categories.csv", aggression, "X")
    edit_file(folder / "categories.csv", other, aggression)
    edit_file(folder / "categories.csv", ",X,", f",{other},")


def label_taken(folder):
    """A CGG category given the CAW label: a filter on label_en == "Belaging (stalking)" finds CGG figures too."""
    edit_file(folder / "categories.csv", ",Behavioural problems - aggression,", ",Belaging (stalking),")


def count_optional(folder):
    """observations.count may be empty: no cell changed, but the loader refuses it, and pandas reads another dtype."""
    observations = lambda d: next(r for r in d["resources"] if r["name"] == "observations")  # noqa: E731
    edit_descriptor(folder, lambda d: observations(d)["schema"]["fields"][4]["constraints"].update(required=False))


def label_to_a_new_category(folder):
    """A category's English label corrected, and its old label handed to a category added in the same release."""
    edit_file(folder / "categories.csv", ",Behavioural problems - aggression,", ",Behavioural problems - aggressive behaviour,")
    with (folder / "categories.csv").open("a", encoding="utf-8") as fh:
        fh.write("cgg-perpetration-registrations,Gedragsproblemen - nieuw,Behavioural problems - aggression,89\n")


def text_unhashed(folder):
    """The archived text's sha256 and size dropped from the descriptor, and the text changed."""
    source = next(p for p in (folder / "sources").iterdir())
    source.write_text(source.read_text(encoding="utf-8") + "x", encoding="utf-8")

    def unhashed(d):
        for resource in d["resources"]:
            if resource["path"].startswith("sources/"):
                del resource["hash"], resource["bytes"]

    edit_descriptor(folder, unhashed)


def lines_shifted(folder):
    """Every category's lines one further on (the text re-extracted with a line more at its top): each
    takes the next row's old value, a correction, not a label now another row's."""
    path = folder / "categories.csv"
    shift = lambda span: "-".join(str(int(n) + 1) for n in span.split("-"))  # noqa: E731
    rows = path.read_text(encoding="utf-8").splitlines(True)
    moved = [f"{row.rsplit(',', 1)[0]},{shift(row.rsplit(',', 1)[1].strip())}\n" for row in rows[1:]]
    path.write_text("".join([rows[0], *moved]))


def parquet_of_another_table(folder):
    """observations.parquet replaced by the bytes of categories.parquet: the descriptor records no sha256 of either."""
    (folder / "observations.parquet").write_bytes((folder / "categories.parquet").read_bytes())


def no_missing_values(folder):
    """No value of series is read as missing: its empty heading is an empty text, to pandas' isna and to R."""
    edit_descriptor(folder, lambda d: next(r for r in d["resources"] if r["name"] == "series")["schema"].update(missingValues=[]))


def field_put_first(folder):
    """A field added before the others: every column after it is one further on, for a reader by position."""
    path = folder / "source_questions.csv"
    path.write_text("".join(f"{'extra' if i == 0 else 'x'},{line}" for i, line in enumerate(path.read_text().splitlines(True))))
    field = {"name": "extra", "type": "string"}
    source = lambda d: next(r for r in d["resources"] if r["name"] == "source_questions")  # noqa: E731
    edit_descriptor(folder, lambda d: source(d)["schema"]["fields"].insert(0, field))


def tables_swapped(folder):
    """The tables categories and series in each other's place: the workbook's sheets follow the tables."""

    def swap(d):
        names = [r["name"] for r in d["resources"]]
        i, j = names.index("categories"), names.index("series")
        d["resources"][i], d["resources"][j] = d["resources"][j], d["resources"][i]

    edit_descriptor(folder, swap)


def other_licence(folder):
    def relicensed(d):
        d["licenses"][0].update(name="CC-BY-NC-4.0", path="https://creativecommons.org/licenses/by-nc/4.0/")

    edit_descriptor(folder, relicensed)


def licence_relinked(folder):
    """The same licence, its name in other letters and its link written otherwise: no other licence."""
    edit_descriptor(folder, lambda d: d["licenses"][0].update(name="cc-by-4.0", path=d["licenses"][0]["path"].rstrip("/")))


def zeros_before_years(folder):
    """observations.csv written otherwise (2019 as 02019): every value reads the same, its bytes do not."""
    path = folder / "observations.csv"
    path.write_text(re.sub(r",(20\d\d),(\d+),(\d+)\n", r",0\1,\2,\3\n", path.read_text()))


@pytest.mark.parametrize(
    ("change", "level", "said"),
    [
        (reorder_columns, "major", "Fields at another position: series, category, source_lines, label_en"),
        (remove_workbook, "major", "Files removed: workbook"),
        (move_workbook, "major", "Files moved: workbook"),
        (add_file, "minor", "Files added: workbook-copy"),
        (describe_workbook, "patch", "Files described differently: workbook"),
        (move_csv, "major", "Its CSV file moved to another path"),
        (describe_parquet_field, "patch", "Files described differently: observations-parquet"),
        (change_archived_text, "patch", "Files changed: source-vp-sv-186-beke-2021-12-21"),
        (move_everything, "major", "Files moved: observations-parquet"),
        (rename_code, "major", "Codes removed in figures: no-figures"),
        (flip_flag, "major", "stalking_specific: false -> true"),
        (rekey, "major", "The primary key changed"),
        (add_row, "minor", "1 row(s) added"),
        (correct_figure, "patch", "count: 846 -> 864"),
        (unlink_categories, "major", "Foreign keys removed: series, category -> categories (series, category)\n"),
        (link_series, "minor", "Foreign keys added: series -> series (series)\n"),
        (repoint_subquestion, "major", "row's):\n    - ~ (caw-perpetrators-belaging) subquestion: 5 -> 4"),
        (swap_labels, "major", "another row's):\n    - ~ (cgg-perpetration-registrations, Gedragsproblemen - agressie)"),
        (label_taken, "major", "label_en: Behavioural problems - aggression -> Belaging (stalking)"),
        (label_to_a_new_category, "major", "- ~ (cgg-perpetration-registrations, Gedragsproblemen - agressie) label_en"),
        (count_optional, "major", "Fields that may now be empty (every row had a value): count"),
        (lines_shifted, "patch", "7 other value(s) changed:\n    - ~ (caw-perpetrators-belaging, Belaging (stalking)) source_"),
        (parquet_of_another_table, "patch", "- Files changed: observations-parquet\n"),
        (no_missing_values, "major", "Table series (series):\n  - The values read as missing changed\n"),
        (field_put_first, "major", "Fields at another position: source_question, parliament, document_type,"),
        (tables_swapped, "major", "Tables at another position: observations, series, categories, subquestions"),
        (other_licence, "major", "The licence changed"),
        (licence_relinked, "patch", "Package metadata changed: licenses\n"),
        (zeros_before_years, "patch", "Its CSV file is written differently; its values read the same"),
    ],
    ids=[
        "reordered columns",
        "removed file",
        "moved file",
        "added file",
        "file described",
        "moved csv",
        "parquet field described",
        "archived text changed",
        "every file moved",
        "renamed code",
        "flipped flag",
        "new key",
        "new row",
        "corrected figure",
        "foreign key removed",
        "foreign key added",
        "foreign key value changed",
        "labels swapped",
        "another row's label taken",
        "a label handed to a new category",
        "a field made optional",
        "lines shifted",
        "a parquet file of other bytes",
        "missing values changed",
        "field put first",
        "tables swapped",
        "other licence",
        "licence relinked",
        "csv written otherwise",
    ],
)
def test_what_changed_for_the_reader_decides_the_level(change, level, said, tmp_path):
    out = diff(BUNDLED, synthetic(tmp_path, change))
    assert f"change level {level}" in out and said in out, out


def test_labels_swapped_beside_one_two_rows_share_are_major(tmp_path):
    """One category under two series with one English label: the swap of two other labels is still found."""

    def shared(folder):
        with (folder / "categories.csv").open("a", encoding="utf-8") as fh:
            fh.write("caw-perpetrators-belaging,Gedragsproblemen - agressie,Behavioural problems - aggression,101\n")

    old = synthetic(tmp_path, shared, "9.9.8")
    new = synthetic(tmp_path, lambda folder: (shared(folder), swap_labels(folder)))
    out = diff(old, new)
    assert "change level major" in out and "label now another row's):" in out, out


def test_a_file_whose_sha256_is_no_longer_recorded_is_still_compared(tmp_path):
    folder = synthetic(tmp_path, lambda folder: None)
    text_unhashed(folder)  # after the re-hashing, which would record them again
    out = diff(BUNDLED, folder)
    source = "source-vp-sv-186-beke-2021-12-21"
    said = f"- Files whose size or sha256 is no longer recorded: {source}\n- Files changed: {source}\n"
    assert "change level patch" in out and said in out, out


def test_a_changed_file_in_a_copy_gets_advice_for_a_copy(tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(BUNDLED, copy)
    correct_figure(copy)  # changed, not re-hashed
    result = cli("diff", BUNDLED, copy)
    assert result.returncode == 1 and "restore the file from that release" in result.stderr
    assert "Reinstall the package" not in result.stderr


@pytest.mark.parametrize("gone", ["stalking-flanders.xlsx", "observations.parquet", "sources"])
def test_a_file_gone_behind_the_descriptors_back_is_not_compared_as_whole(tmp_path, gone):
    copy = shutil.copytree(BUNDLED, tmp_path / "copy")
    shutil.rmtree(copy / gone) if (copy / gone).is_dir() else (copy / gone).unlink()
    for old, new in ((BUNDLED, copy), (copy, BUNDLED)):
        result = cli("diff", old, new)
        assert result.returncode == 1 and "the file is missing" in result.stderr and "No differences" not in result.stdout


def test_a_long_value_changed_near_its_end_shows_the_change(tmp_path):
    def lengthened(tail):
        return lambda f: edit_file(f / "series.csv", "The CAW register", "x" * 2500 + tail + " The CAW register")

    old, new = synthetic(tmp_path / "old", lengthened("OLD-END"), "9.0.0"), synthetic(tmp_path / "new", lengthened("NEW-END"))
    line = next(line for line in diff(old, new).splitlines() if line.lstrip().startswith("- ~"))
    assert "OLD-END" in line and "NEW-END" in line and len(line) < 600, line


def no_key(folder):
    edit_descriptor(folder, lambda d: [r["schema"].pop("primaryKey", None) for r in d["resources"] if r["name"] == "categories"])


def test_a_table_without_a_key_on_either_side_has_its_rows_compared_whole(tmp_path):
    # Two identical tables without a primary key were "major: the primary key changed".
    old = synthetic(tmp_path / "old", no_key)
    assert "No differences in tables, rows, figures or metadata" in diff(old, synthetic(tmp_path / "same", no_key))
    relabelled = synthetic(tmp_path / "new", lambda f: (no_key(f), edit_file(f / "categories.csv", ",101\n", ",102\n")))
    out = diff(old, relabelled)
    assert "1 row(s) added" in out and "1 row(s) removed" in out and "change level major" in out, out


def test_the_same_rows_twice_on_both_sides_are_no_change(tmp_path):
    # A row repeated, on both sides alike, was "major: rows share a primary key".
    def repeated(folder):
        path = folder / "observations.csv"
        path.write_text(path.read_text() + path.read_text().splitlines()[-1] + "\n")

    for edit in (repeated, lambda f: (no_key(f), repeated(f))):
        same = synthetic(tmp_path / str(id(edit)), edit)
        assert "No differences in tables, rows, figures or metadata" in diff(same, same)


def test_the_json_of_a_table_always_has_the_same_keys(tmp_path):
    def repeated(folder):
        path = folder / "observations.csv"
        path.write_text(path.read_text() + path.read_text().splitlines()[-1] + "\n")

    shared = synthetic(tmp_path, repeated)
    tables = [json.loads(diff(BUNDLED, folder, "--format", "json"))["tables"]["observations"] for folder in (BUNDLED, shared)]
    assert tables[1]["key_repeated"] and set(tables[0]) == set(tables[1]), tables


def test_rows_that_share_a_key_cannot_be_compared(tmp_path):
    # A repeated row was merged with the first of its key: "No differences".
    def repeated(folder):
        path = folder / "observations.csv"
        path.write_text(path.read_text() + path.read_text().splitlines()[-1] + "\n")

    out = diff(BUNDLED, synthetic(tmp_path, repeated))
    assert "Rows share a primary key; rows cannot be compared" in out and "change level major" in out, out


def test_changed_values_past_a_thousand_are_counted_not_listed():
    from stalking_flanders.diff import _changed_cells

    field = {"name": "v", "type": "string"}
    old = {(str(i),): {"v": "a"} for i in range(1500)}
    new = {(str(i),): {"v": "b"} for i in range(1500)}
    changed = _changed_cells(old, new, ["v"], "t", {"v": field}, {"v": field}, set())
    assert len(changed["cells_changed"]) == 1000 and changed["cells_changed_more"] == 500


def test_rows_added_or_removed_past_a_thousand_are_counted_not_listed(tmp_path):
    # Each added key was listed: 12,000 rows of long keys made 4 MB of text and 5 MB of JSON.
    def many_categories(folder):
        path = folder / "categories.csv"
        last = path.read_text(encoding="utf-8").splitlines()[-1].split(",")
        added = [",".join([last[0], f"{last[1]} {i}", *last[2:]]) for i in range(1200)]
        path.write_text(path.read_text(encoding="utf-8") + "\n".join(added) + "\n", encoding="utf-8")

    grown = synthetic(tmp_path, many_categories)
    result = json.loads(diff(BUNDLED, grown, "--format", "json"))["tables"]["categories"]
    assert (len(result["rows_added"]), result["rows_added_more"]) == (1000, 200)
    out = diff(BUNDLED, grown)
    assert "1200 row(s) added" in out and "200 more row(s) added, not listed one by one" in out, out
    assert out.count("\n    + ") == 1000
    back = json.loads(diff(grown, BUNDLED, "--format", "json"))["tables"]["categories"]
    assert (len(back["rows_removed"]), back["rows_removed_more"]) == (1000, 200)


@pytest.mark.system  # runs git on this repository
def test_no_earlier_release_is_rated_past_the_version_it_took():
    """Each release since 2.0.0 against the one before, as git holds them: the level diff gives is never
    past the bump its version took. A rule of diff's that rated a change people already took as a patch
    major would say those releases broke their readers (and refuse such a release again)."""
    from stalking_flanders.diff import BUMPS, diff_releases
    from stalking_flanders.releases import history

    versions = [r.version for r in history().values() if r.sums_sha256]  # the releases whose files git holds
    assert len(versions) >= 30
    past = []
    with tempfile.TemporaryDirectory() as tmp:  # our own releases: nothing for the sweep of hostile folders
        folders = {}
        for v in versions:
            try:
                folders[v] = release_as_git_holds_it(v, Path(tmp) / v)
            except pytest.skip.Exception:
                if v != versions[-1]:  # the latest has no commit while the release script cuts it
                    raise  # a shallow clone: the test is skipped
        held = [v for v in versions if v in folders]
        for old, new in zip(held, held[1:]):
            a, b = (tuple(map(int, v.split("."))) for v in (old, new))
            took = "major" if b[0] > a[0] else "minor" if b[1] > a[1] else "patch"
            level = diff_releases(folders[old], folders[new])["bump"]
            if BUMPS.index(level) > BUMPS.index(took):
                past.append(f"{old} -> {new}: {level}, the version took {took}")
    assert past == []


def test_releases_given_the_other_way_round_are_said_to_be(tmp_path):
    # 2.4.2 -> 1.9.0 said nothing of it: the changes read backwards, a row added as one removed
    out = diff(BUNDLED, synthetic(tmp_path, lambda folder: None, "1.9.0"))
    assert "- NEW (1.9.0) is an earlier version than OLD (" in out and "were they given the other way round?" in out
    assert "other way round" not in diff(synthetic(tmp_path / "a", lambda folder: None, "1.9.0"), BUNDLED)


def test_two_packages_of_one_version_that_differ_are_said_not_both_to_be_that_release(tmp_path):
    # a maintainer's build of a version not cut yet against the release of that number read "2.6.4 -> 2.6.4"
    version = json.loads((BUNDLED / "datapackage.json").read_text())["version"]
    out = diff(BUNDLED, synthetic(tmp_path, change_figures, version))
    assert out.startswith(f"{version} -> {version}: change level minor\n"), out
    assert f"- Both say version {version}, yet they differ: one of them is not {version} as published" in out
    assert "Both say version" not in diff(BUNDLED, synthetic(tmp_path / "a", lambda folder: None, version))


def test_the_values_listed_are_bounded_in_characters_as_well_as_in_number(tmp_path, monkeypatch):
    # Keys and values of 60,000 characters in a package within every cap: the JSON output listed a
    # thousand of each whole, past the bound on memory (exit 1 for a package the text output reads).
    from stalking_flanders import diff as module

    monkeypatch.setattr(module, "MAX_LISTED_CHARS", 100_000)

    def long_labels(folder):
        path = folder / "categories.csv"
        rows = path.read_text(encoding="utf-8").splitlines(True)
        long = [f"{row.rsplit(',', 2)[0]},{chr(0x41 + i) * 30_000},{row.rsplit(',', 1)[1]}" for i, row in enumerate(rows[1:])]
        path.write_text("".join([rows[0], *long]), encoding="utf-8")

    table = module.diff_releases(BUNDLED, synthetic(tmp_path, long_labels))["tables"]["categories"]
    assert (len(table["cells_changed"]), table["cells_changed_more"]) == (3, 4)  # the first three, the rest counted
    assert all(len(c["new"]) == 30_000 for c in table["cells_changed"])  # each whole


def test_a_row_removed_too_long_to_list_is_major_all_the_same(tmp_path, monkeypatch):
    # Past the bound on what is listed, the one row removed was only counted, and the release was
    # called a patch whose CSV file was "written differently"
    from stalking_flanders import diff as module

    monkeypatch.setattr(module, "MAX_LISTED_CHARS", 10)

    def remove_row(folder):
        path = folder / "observations.csv"
        path.write_text("".join(path.read_text(encoding="utf-8").splitlines(True)[:-1]), encoding="utf-8")

    result = module.diff_releases(BUNDLED, synthetic(tmp_path, remove_row))
    table = result["tables"]["observations"]
    assert (table["rows_removed"], table["rows_removed_more"], result["bump"]) == ([], 1, "major")
    text = module.as_text(result)
    assert "  - 1 row(s) removed, not listed one by one\n" in text and "written differently" not in text, text


def test_a_meaning_changed_among_the_values_only_counted_is_said(tmp_path, monkeypatch):
    # The level was major and the text gave no reason: "1 changed value(s), not listed one by one"
    from stalking_flanders import diff as module

    monkeypatch.setattr(module, "MAX_LISTED_CHARS", 10)
    text = module.as_text(module.diff_releases(BUNDLED, synthetic(tmp_path, flip_flag)))
    assert "change level major" in text and "Among them, value(s) that change what a row means" in text, text
