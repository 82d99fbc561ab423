"""The pandera models agree with the Table Schemas field by field, and the validate step catches
bad tables with file, line, column, value and expectation."""

from __future__ import annotations

import shutil

import pandas as pd
import pandera.pandas as pa
import pytest

from stalking_flanders import build, repo
from stalking_flanders.problems import DataError
from stalking_flanders.tableschema import PANDAS_DTYPES, pandera_schema, read_csv, validate_frame

from conftest import ROOT, SEED_ID


def test_pandera_models_agree_with_the_table_schemas(defs):
    for name, schema in defs.schemas.items():
        model = pandera_schema(schema, name)
        assert list(model.columns) == [f["name"] for f in schema["fields"]]
        assert model.unique == schema["primaryKey"] and model.strict is True and model.coerce is False
        for field in schema["fields"]:
            column = model.columns[field["name"]]
            c = field.get("constraints", {})
            assert column.nullable is (not c.get("required", False)), field["name"]
            assert column.coerce is False
            if field["type"] != "date":
                assert str(column.dtype) == str(pa.engines.pandas_engine.Engine.dtype(PANDAS_DTYPES[field["type"]]))
            stats = {check.name: check.statistics for check in column.checks}
            if "minimum" in c:
                assert stats["greater_than_or_equal_to"]["min_value"] == c["minimum"]
            if "maximum" in c:
                assert stats["less_than_or_equal_to"]["max_value"] == c["maximum"]
            if "enum" in c:
                assert list(stats["isin"]["allowed_values"]) == c["enum"]
            assert ("str_matches" in stats) == ("pattern" in c)


@pytest.fixture()
def tables(release, defs) -> dict[str, pd.DataFrame]:
    return {name: read_csv(release / f"{name}.csv", schema) for name, schema in defs.schemas.items()}


def obs_problems(tables, defs, df) -> str:
    return "\n".join(map(str, validate_frame(df, defs.schemas["observations"], "observations", "observations.csv")))


def test_the_release_passes_its_models(tables, defs):
    for name, schema in defs.schemas.items():
        assert validate_frame(tables[name], schema, name, f"{name}.csv") == []


def test_pandera_does_not_coerce_7_5_into_7(tables, defs):
    df = tables["observations"].copy()
    df["count"] = df["count"].astype("float64")
    df.loc[3, "count"] = 7.5
    message = obs_problems(tables, defs, df)
    assert "observations.csv, line 5, column 'count': not a whole number" in message and "found 7.5" in message
    assert "dtype('int64')" in message
    with pytest.raises(pa.errors.SchemaError):
        pandera_schema(defs.schemas["observations"], "observations").validate(df)


def test_seven_spelled_out_is_not_a_count(tables, defs):
    df = tables["observations"].astype({"count": object})
    df.loc[0, "count"] = "seven"
    assert "line 2, column 'count': not a whole number (values are never rounded): found 'seven'" in obs_problems(tables, defs, df)


def test_a_negative_count_and_a_duplicate_key(tables, defs):
    df = tables["observations"].copy()
    df.loc[1, "count"] = -3
    df = pd.concat([df, df.iloc[[0]]], ignore_index=True)
    message = obs_problems(tables, defs, df)
    assert "line 3, column 'count': fails the check greater_than_or_equal_to(0): found -3" in message
    assert "line 23, column 'source_question,series,category,year': the primary key is not unique" in message


def copy_extracted(tmp_path, built):
    extracted = tmp_path / "extracted"
    shutil.copytree(built / repo.EXTRACTED, extracted)
    return extracted / SEED_ID / "observations.csv"


def validate_problems(tmp_path, built, defs, edit) -> str:
    csv = copy_extracted(tmp_path, built)
    csv.write_text(edit(csv.read_text(encoding="utf-8")), encoding="utf-8")
    out = tmp_path / "validated"
    with pytest.raises(DataError) as caught:
        build.validate(csv.parents[1], ROOT / repo.ARCHIVE, defs, out)
    assert not out.exists(), "a failed step must not write its output"
    return str(caught.value)


def test_validate_step_rejects_an_unknown_category(tmp_path, built, defs):
    message = validate_problems(tmp_path, built, defs, lambda t: t.replace("- agressie,2019", "- onbekend,2019"))
    assert "observations.csv, line 3, column 'series,category': refers to no row of categories" in message


def test_validate_step_rejects_a_year_outside_the_series(tmp_path, built, defs):
    message = validate_problems(tmp_path, built, defs, lambda t: t.replace("(stalking),2019,21", "(stalking),2018,21"))
    assert "column 'year': the year is outside the table of series caw-perpetrators-belaging: found 2018, expected a year from 2019 to 2021" in message


def test_validate_step_rejects_a_figure_that_differs_from_the_answer(tmp_path, built, defs):
    message = validate_problems(tmp_path, built, defs, lambda t: t.replace(",2020,47,101", ",2020,48,101"))
    assert "column 'count': the count differs from the answer (line 101" in message and "found 48, expected 47" in message


def test_validate_step_rejects_a_missing_figure(tmp_path, built, defs):
    message = validate_problems(tmp_path, built, defs, lambda t: "\n".join(l for l in t.split("\n") if ",2021,57," not in l))
    assert "a figure of the answer is missing" in message and "year 2021" in message


def test_validate_step_rejects_non_integers_with_their_line(tmp_path, built, defs):
    message = validate_problems(tmp_path, built, defs, lambda t: t.replace(",2019,846,", ",2019,7.5,").replace(",2020,668,", ",2020,seven,"))
    assert "line 3, column 'count': not a value of type integer: found '7.5', expected a whole number" in message
    assert "line 4, column 'count': not a value of type integer: found 'seven', expected a whole number" in message


def test_validate_step_rejects_a_missing_column(tmp_path, built, defs):
    def drop_year(text):
        return "\n".join(",".join(c for i, c in enumerate(l.split(",")) if i != 3) for l in text.split("\n"))
    message = validate_problems(tmp_path, built, defs, drop_year)
    assert "line 1, column 'year': a column is missing" in message
