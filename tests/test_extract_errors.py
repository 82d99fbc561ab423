"""Bad input is rejected with a message that names the file, the line and what was expected.

Each test damages a copy of the archived answer (re-registering its hash, except where the hash
is the point) and runs the real extractor on it."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from helpers import ROOT, SEED_ID
from stalking_flanders import repo
from stalking_flanders.pipeline.extract import extract
from stalking_flanders.problems import DataError
from stalking_flanders.sources import load_registry

TEXT = (ROOT / repo.ARCHIVE / f"{SEED_ID}.txt").read_bytes()


def archive_with(tmp_path: Path, text: bytes, register: bool = True):
    archive = tmp_path / "archive"
    shutil.copytree(ROOT / repo.ARCHIVE, archive)
    path = archive / f"{SEED_ID}.txt"
    path.chmod(0o644)
    path.write_bytes(text)
    if register:
        registry = archive / "registry.toml"
        original = hashlib.sha256(TEXT).hexdigest()
        registry.write_text(registry.read_text().replace(original, hashlib.sha256(text).hexdigest()))
    return load_registry(archive)[SEED_ID]


def replace_line(number: int, new: str) -> bytes:
    lines = TEXT.decode("utf-8").split("\n")
    lines[number - 1] = new
    return "\n".join(lines).encode("utf-8")


def problems_of(tmp_path, text: bytes, register: bool = True) -> str:
    with pytest.raises(DataError) as caught:
        extract(archive_with(tmp_path, text, register))
    return str(caught.value)


def test_the_unchanged_text_extracts(tmp_path):
    tables = extract(archive_with(tmp_path, TEXT))
    assert len(tables["observations"]) == 21


def test_a_changed_byte_is_refused_naming_the_file_and_both_hashes(tmp_path):
    damaged = TEXT.replace(b"955", b"956")
    message = problems_of(tmp_path, damaged, register=False)
    assert f"{SEED_ID}.txt" in message
    assert hashlib.sha256(TEXT).hexdigest() in message
    assert hashlib.sha256(damaged).hexdigest() in message


def test_a_missing_row(tmp_path):
    message = problems_of(tmp_path, replace_line(84, ""))
    assert "'Gedragsproblemen - dader intrafamiliaal geweld' is missing" in message
    assert "lines 82-90" in message


def test_a_negative_count(tmp_path):
    message = problems_of(tmp_path, replace_line(85, "Gedragsproblemen - dader lichamelijk geweld 29 -41 31"))
    assert "line 85" in message and "year 2019" in message
    assert "found '-41', expected a whole number of 0 or more" in message


@pytest.mark.parametrize("value", ["7.5", "seven", "1.234"])
def test_a_count_that_is_not_a_whole_number(tmp_path, value):
    message = problems_of(tmp_path, replace_line(101, f"Belaging (stalking) 21 {value} 57"))
    assert "line 101" in message and "year 2020" in message and f"found {value!r}" in message


def test_a_duplicate_row(tmp_path):
    message = problems_of(tmp_path, replace_line(86, "Gedragsproblemen - agressie 1 2 3"))
    assert "line 86" in message and "'Gedragsproblemen - agressie' stands a second time (first on line 82)" in message


def test_an_unknown_category(tmp_path):
    message = problems_of(tmp_path, replace_line(83, "Gedragsproblemen - iets anders 304 249 169"))
    assert "line 83" in message and "not one of the expected rows" in message
    assert "found 'Gedragsproblemen - iets anders 304 249 169'" in message
    assert "expected one of the categories the source's layout file gives series" in message  # where to add one


def test_a_year_outside_the_tables_years(tmp_path):
    message = problems_of(tmp_path, replace_line(99, "Daders – misdrijf detail 2019 2020 2022"))
    assert "line 99" in message and "found '2019 2020 2022', expected 2019 2020 2021" in message


def test_a_missing_year(tmp_path):
    message = problems_of(tmp_path, replace_line(81, " 2018 2020"))
    assert "line 81" in message and "expected 2018 2019 2020" in message


def test_a_missing_or_extra_number(tmp_path):
    assert "found '29 41', expected 3 whole numbers" in problems_of(
        tmp_path / "missing", replace_line(85, "Gedragsproblemen - dader lichamelijk geweld 29 41")
    )
    assert "found '21 47 57 60', expected 3 whole numbers" in problems_of(
        tmp_path / "extra", replace_line(101, "Belaging (stalking) 21 47 57 60")
    )


def test_a_wrapped_label_whose_numbers_never_come(tmp_path):
    message = problems_of(tmp_path, replace_line(90, ""))
    assert "'Gedragsproblemen - maatschappelijk niet aanvaard gedrag' has no counts" in message
    assert "line 87" in message


def test_a_quoted_statement_that_is_not_in_the_text(tmp_path):
    message = problems_of(tmp_path, replace_line(94, "5. De CAW registreren iets anders. Stalking valt onder de term "))
    assert "measure_nl" in message and "does not stand in lines 94-101" in message
    assert "word for word (the package's own words belong in a note, note_nl and note_en)" in message


def test_a_unit_that_is_no_word_of_the_measure(tmp_path):
    # What each figure counts is the answer's own word, on the lines of what it says they count.
    source = archive_with(tmp_path, TEXT)
    layout = source.layout_path.read_text(encoding="utf-8")
    assert layout.count('unit_nl = "daders"') == 1
    source.layout_path.write_text(layout.replace('unit_nl = "daders"', 'unit_nl = "slachtoffers"'), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        extract(source)
    said = str(caught.value)
    assert "series caw-perpetrators-belaging unit_nl" in said and "does not stand in lines 94-94" in said


@pytest.mark.parametrize("entry", ['text = "a.txt"\nlayout = "a.layout.toml"\n', 'text = "a.txt"\nsha256 = 5\nlayout = "a"\n'])
def test_a_registered_source_without_a_key_is_named_with_the_key_not_a_traceback(tmp_path, entry):
    # A source registered by hand: a missing or ill-typed key was a KeyError in every pipeline step.
    (tmp_path / "registry.toml").write_text(f"[sources.vp-sv-2]\n{entry}", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_registry(tmp_path)
    said = str(caught.value)
    assert "column 'sources.vp-sv-2.sha256': a registered source lacks a key or gives it as other than text" in said
    assert "[registry-key]" in said and said.count("[registry-key]") == 1


def test_a_layout_file_the_registry_names_that_is_not_there_names_the_registry_and_the_key(tmp_path):
    source = archive_with(tmp_path, TEXT)
    source.layout_path.unlink()
    with pytest.raises(DataError) as caught:
        extract(source)
    said = str(caught.value)
    assert f"registry.toml, column 'sources.{SEED_ID}.layout': the layout file registered for source {SEED_ID}" in said
    assert f"found '{SEED_ID}.layout.toml'" in said and "[file-missing]" in said


def test_a_question_number_the_heading_does_not_give_is_told_to_check_the_heading_not_to_quote(tmp_path):
    source = archive_with(tmp_path, TEXT)
    layout = source.layout_path.read_text(encoding="utf-8")
    source.layout_path.write_text(layout.replace("number = 186", "number = 305", 1), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        extract(source)
    said = str(caught.value)
    assert "the heading that question.number and question.date make" in said and "does not stand in lines" in said
    assert "the text's heading gives the question's number and date" in said and "word for word" not in said


def test_a_text_in_another_encoding_than_utf8_is_named_with_its_line_and_byte(tmp_path):
    # The answer saved as Windows-1252 (’ is the byte 0x92) raised UnicodeDecodeError: an internal error.
    saved = TEXT.decode("utf-8").encode("cp1252", errors="replace")
    first = next(i for i, line in enumerate(saved.split(b"\n"), start=1) if any(b > 127 for b in line))
    message = problems_of(tmp_path, saved)
    assert f"line {first}: the archived text is not UTF-8" in message and "[source-text-encoding]" in message


@pytest.mark.parametrize("line", [22])
def test_a_question_paragraph_of_its_number_only_is_a_problem_not_an_index_error(tmp_path, line):
    text = TEXT.decode("utf-8").split("\n")
    assert text[line - 1].startswith("3. ")
    text[line - 1], text[line] = "3. ", ""
    message = problems_of(tmp_path, "\n".join(text).encode("utf-8"))
    assert "sub-question 3: its paragraph holds its number only" in message and f"line {line}" in message


@pytest.mark.parametrize(
    ("line", "printed", "what"),
    [
        (101, "BELAGING (STALKING) 21 47 57", "a row that is not one of the expected rows"),
        (99, "DADERS – MISDRIJF DETAIL 2019 2020 2021", "the table heading before the years differs"),
        (94, "5. DE CAW REGISTREREN HET DETAIL VAN HET MISDRIJF BIJ DADERS. Stalking valt onder de term ", "measure_nl"),
        (95, "BELAGING. Onderstaande cijfers zijn voorhanden.", "series caw-perpetrators-belaging caveat_nl"),
        (
            54,
            "Er is geen specifieke registratie voor ‘STALKING’ bij de CAW, noch als thema, noch als ",
            "sub-question 1 statement_nl",
        ),
        (
            87,
            "Gedragsproblemen - Maatschappelijk niet aanvaard",
            "line 87: series cgg-perpetration-registrations: a row that is not one",
        ),
    ],
)
def test_a_label_heading_or_quotation_in_other_letters_than_the_text_prints_is_refused(tmp_path, line, printed, what):
    # They are published as the text prints them, and validate holds them to their lines letter for
    # letter: the extractor let them through in the layout's letter case, for validate to refuse.
    assert problems_of(tmp_path, replace_line(line, printed)).count(what) >= 1


def test_a_paragraph_numbered_in_other_digits_than_ascii_is_not_a_numbered_paragraph(tmp_path):
    message = problems_of(
        tmp_path, replace_line(94, "٥. De CAW registreren het detail van het misdrijf bij daders. Stalking valt onder de term ")
    )
    assert "[paragraphs]" in message


def test_a_field_the_extractor_writes_that_the_schema_lacks_is_a_problem_not_left_out(tmp_path):
    # csv_tables writes the schema's fields only: a field added to the extractor but not to the
    # schema vanished from every output without a word.
    from stalking_flanders import csv_tables
    from stalking_flanders.model import Schema

    schema = Schema.parse({"fields": [{"name": "n", "type": "integer"}]}, "s")
    with pytest.raises(DataError) as caught:
        csv_tables.write_rows([{"n": 1, "unit_lines": "94", "unit_line": "9"}], tmp_path / "s.csv", schema)
    said = str(caught.value)
    assert "s.csv, column 'unit_lines': the rows hold a field the table's schema (in schemas/) does not define" in said
    assert "column 'unit_line'" in said and str(tmp_path) not in said
    assert not (tmp_path / "s.csv").exists()


def test_a_kind_no_shared_field_defines_is_a_problem_of_the_package_not_a_traceback(tmp_path):
    from stalking_flanders.pipeline.definitions import _complete
    from stalking_flanders.problems import PackageError

    with pytest.raises(PackageError) as caught:
        _complete({"name": "unit_lines", "kind": "linespan"}, {"line_span": {}}, tmp_path / "series.schema.json")
    assert "field 'unit_lines': names the kind 'linespan', which" in str(caught.value)


def test_a_paragraph_number_of_thousands_of_digits_is_a_problem_not_an_error(tmp_path):
    # Python converts no more than 4,300 digits to a number: int() raised ValueError.
    line = "5" * 5000 + ". De CAW registreren het detail van het misdrijf bij daders. Stalking valt onder de term "
    assert "[paragraphs]" in problems_of(tmp_path, replace_line(94, line))


def test_a_unit_in_other_letters_than_the_text_prints_is_refused(tmp_path):
    source = archive_with(tmp_path, TEXT)
    layout = source.layout_path.read_text(encoding="utf-8")
    source.layout_path.write_text(layout.replace('unit_nl = "daders"', 'unit_nl = "Daders"'), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        extract(source)
    assert "series caw-perpetrators-belaging unit_nl" in str(caught.value)


@pytest.mark.parametrize("sources", ['sources = "x"\n', "sources = [1]\n"])
def test_a_registry_whose_sources_are_not_a_table_is_a_problem_not_an_error(tmp_path, sources):
    (tmp_path / "registry.toml").write_text(sources, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_registry(tmp_path)
    assert "column 'sources': the registry's sources are not a table" in str(caught.value)


def test_a_file_registered_in_a_subfolder_that_is_not_there_names_the_registry_itself(tmp_path):
    entry = '[sources.vp-sv-2]\ntext = "texts/a.txt"\nsha256 = "0"\nlayout = "layouts/a.layout.toml"\n'
    (tmp_path / "registry.toml").write_text(entry, encoding="utf-8")
    source = load_registry(tmp_path)["vp-sv-2"]
    with pytest.raises(DataError) as caught:
        extract(source)
    assert f"{tmp_path / 'registry.toml'}, column 'sources.vp-sv-2.layout'" in str(caught.value)
