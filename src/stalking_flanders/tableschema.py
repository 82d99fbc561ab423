"""The Table Schemas, and everything derived from them: typed reading and writing of CSV,
the Arrow schema of the Parquet files, and the pandera model of each table.

A Table Schema is the one definition of a table. ``pandera`` is imported only when a pandera
model is asked for.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pandas as pd

from .problems import DataError, Problem

# Table Schema type -> the pandas dtype a table holds it in.
PANDAS_DTYPES = {"string": "str", "integer": "int64", "boolean": "bool", "date": "object"}
TRUE, FALSE = "true", "false"
INTEGER = re.compile(r"^-?[0-9]+$")


def load_schema(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def field_names(schema: dict) -> list[str]:
    return [f["name"] for f in schema["fields"]]


def _parse(value: str, field: dict):
    """(parsed value, None) or (None, what was expected)."""
    kind = field["type"]
    if kind == "string":
        return value, None
    if kind == "integer":
        return (int(value), None) if INTEGER.match(value) else (None, "a whole number")
    if kind == "boolean":
        return ({TRUE: True, FALSE: False}[value], None) if value in (TRUE, FALSE) else (None, "true or false")
    if kind == "date":
        try:
            return date.fromisoformat(value), None
        except ValueError:
            return None, "a date as YYYY-MM-DD"
    raise ValueError(f"unsupported Table Schema type {kind!r} in field {field['name']!r}")


def read_csv(path: Path, schema: dict) -> pd.DataFrame:
    """Read a CSV file into a typed DataFrame, as its Table Schema says.

    Raises :class:`DataError` listing every cell that is not of its field's type (with its line,
    the header being line 1), every missing required value and every missing or extra column.
    Constraints beyond the types are the pandera model's work (:func:`pandera_schema`).
    """
    name = str(path)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8")
    expected = field_names(schema)
    problems = []
    if list(raw.columns) != expected:
        for column in expected:
            if column not in raw.columns:
                problems.append(Problem(name, "a column is missing", 1, column, expected=f"the columns {expected}"))
        for column in raw.columns:
            if column not in expected:
                problems.append(Problem(name, "a column is not in the Table Schema", 1, column, expected=f"the columns {expected}"))
        if not problems:
            problems.append(Problem(name, "the columns are out of order", 1, found=list(raw.columns), expected=str(expected)))
        raise DataError(problems, name)
    missing = set(schema.get("missingValues", [""]))
    columns = {}
    for field in schema["fields"]:
        required = field.get("constraints", {}).get("required", False)
        values = []
        for i, cell in enumerate(raw[field["name"]]):
            if cell in missing:
                if required:
                    problems.append(Problem(name, "a required value is missing", i + 2, field["name"], found=cell, expected="a value"))
                values.append(None)
                continue
            value, want = _parse(cell, field)
            if want:
                problems.append(Problem(name, f"not a value of type {field['type']}", i + 2, field["name"], found=cell, expected=want))
            values.append(value)
        columns[field["name"]] = values
    if problems:
        raise DataError(problems, name)
    return frame(columns, schema)


def frame(columns: dict[str, list], schema: dict) -> pd.DataFrame:
    """A DataFrame of ``columns`` (name -> values) in the schema's dtypes and column order."""
    data = {}
    for field in schema["fields"]:
        values = columns[field["name"]]
        dtype = PANDAS_DTYPES[field["type"]]
        if field["type"] in ("integer", "boolean") and any(v is None for v in values):
            dtype = {"integer": "Int64", "boolean": "boolean"}[field["type"]]
        data[field["name"]] = pd.Series(values, dtype=dtype)
    return pd.DataFrame(data, columns=field_names(schema))


def rows_frame(rows: list[dict], schema: dict) -> pd.DataFrame:
    return frame({n: [r.get(n) for r in rows] for n in field_names(schema)}, schema)


def _format(value, kind: str) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if kind == "boolean":
        return TRUE if value else FALSE
    if kind == "date":
        return value.isoformat()
    return str(value)


def write_csv(df: pd.DataFrame, path: Path, schema: dict) -> None:
    """Write ``df`` as UTF-8 CSV with a header row, LF line endings and no BOM."""
    text = pd.DataFrame(
        {f["name"]: [_format(v, f["type"]) for v in df[f["name"]]] for f in schema["fields"]},
        columns=field_names(schema),
    )
    text.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def arrow_schema(schema: dict):
    """The Arrow schema of the Parquet file of a table."""
    import pyarrow as pa

    types = {"string": pa.string(), "integer": pa.int64(), "boolean": pa.bool_(), "date": pa.date32()}
    return pa.schema(
        [
            pa.field(f["name"], types[f["type"]], nullable=not f.get("constraints", {}).get("required", False))
            for f in schema["fields"]
        ]
    )


def write_parquet(df: pd.DataFrame, path: Path, schema: dict) -> None:
    """Write ``df`` as Parquet with the column types the Table Schema gives."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(df, schema=arrow_schema(schema), preserve_index=False)
    pq.write_table(table, path, compression="zstd")


def pandera_schema(schema: dict, name: str):
    """The pandera model of a table, derived field by field from its Table Schema.

    Types are checked, never coerced: a count of 7.5 fails, it does not become 7.
    """
    import pandera.pandas as pa

    columns = {}
    for field in schema["fields"]:
        c = field.get("constraints", {})
        checks = []
        if "minimum" in c:
            checks.append(pa.Check.ge(c["minimum"]))
        if "maximum" in c:
            checks.append(pa.Check.le(c["maximum"]))
        if "enum" in c:
            checks.append(pa.Check.isin(c["enum"]))
        if "pattern" in c:
            checks.append(pa.Check.str_matches(f"^(?:{c['pattern']})$"))
        if field["type"] == "date":
            checks.append(pa.Check(lambda s: s.map(lambda v: isinstance(v, date)), name="is a date"))
        columns[field["name"]] = pa.Column(
            PANDAS_DTYPES[field["type"]] if field["type"] != "date" else None,
            checks,
            nullable=not c.get("required", False),
            unique=c.get("unique", False),
            coerce=False,
            title=field.get("title"),
            description=field.get("description"),
        )
    return pa.DataFrameSchema(
        columns,
        strict=True,
        ordered=True,
        coerce=False,
        unique=schema.get("primaryKey"),
        report_duplicates="all",
        name=name,
    )


def validate_frame(df: pd.DataFrame, schema: dict, name: str, file: str) -> list[Problem]:
    """Every problem the pandera model finds in ``df``; rows are named by their CSV line
    (the row at index i is line i + 2)."""
    import pandera.errors

    problems = _non_integers(df, schema, file)
    try:
        pandera_schema(schema, name).validate(df, lazy=True)
    except pandera.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        key = schema.get("primaryKey", [])
        duplicate = cases["check"].astype(str) == "multiple_fields_uniqueness"
        for index, group in cases[duplicate].groupby("index", sort=True):
            found = dict(zip(group["column"], group["failure_case"]))
            problems.append(Problem(file, "the primary key is not unique", _line(index), ",".join(key),
                                    found=tuple(found.get(k) for k in key), expected=f"one row per ({', '.join(key)})"))
        for case in cases[~duplicate].itertuples(index=False):
            column = case.column if isinstance(case.column, str) else None
            problems.append(Problem(file, f"fails the check {case.check}", _line(case.index), column,
                                    found=case.failure_case, expected=_expected(schema, column, str(case.check))))
    return problems


def _line(index) -> int | None:
    return None if index is None or pd.isna(index) else int(index) + 2


def _non_integers(df: pd.DataFrame, schema: dict, file: str) -> list[Problem]:
    """Cells of integer fields that hold something other than a whole number, such as 7.5."""
    problems = []
    for field in schema["fields"]:
        column = field["name"]
        if field["type"] != "integer" or column not in df or pd.api.types.is_integer_dtype(df[column]):
            continue
        for index, value in df[column].items():
            whole = isinstance(value, int) and not isinstance(value, bool)
            if not whole and not (value is None or (isinstance(value, float) and pd.isna(value))):
                problems.append(Problem(file, "not a whole number (values are never rounded)", _line(index), column,
                                        found=value, expected="a whole number"))
    return problems


def _expected(schema: dict, column: str | None, check: str) -> str:
    for field in schema["fields"]:
        if field["name"] == column:
            c = {k: v for k, v in field.get("constraints", {}).items() if k != "required"}
            return f"type {field['type']}" + (f" with {c}" if c else "")
    return check
