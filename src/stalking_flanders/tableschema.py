"""The Table Schemas, and everything derived from them: the typed values of cells and columns,
and the pandera model of each table.

A Table Schema is the one definition of a table. In memory a table is a DataFrame with one dtype
per Table Schema type (``PANDAS_DTYPES``); :mod:`stalking_flanders.formats` reads and writes it.
``pandera`` is imported only when a pandera model is asked for.
"""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

import pandas as pd

from .problems import Problem

# Table Schema type -> the pandas dtype a table holds it in.
PANDAS_DTYPES = {"string": "str", "integer": "int64", "boolean": "bool", "date": "datetime64[ns]"}
NULLABLE_DTYPES = {"integer": "Int64", "boolean": "boolean"}  # where a column has missing values
TRUE, FALSE = "true", "false"
INTEGER = re.compile(r"^-?[0-9]+$")
SHARED_FIELDS = "fields.json"  # beside the Table Schemas: field kinds that several tables use


def load_schema(path: Path) -> dict:
    """A Table Schema from ``schemas/``, with every field that names a shared kind (``"kind"``)
    completed from ``fields.json`` beside it: its type and constraints come from the kind, the
    rest (title, description, ``required``) from the field itself."""
    path = Path(path)
    schema = json.loads(path.read_text(encoding="utf-8"))
    shared = path.with_name(SHARED_FIELDS)
    kinds = json.loads(shared.read_text(encoding="utf-8"))["kinds"] if shared.is_file() else {}
    schema["fields"] = [_complete(field, kinds, path) for field in schema["fields"]]
    return schema


def _complete(field: dict, kinds: dict, path: Path) -> dict:
    if "kind" not in field:
        return field
    kind = kinds.get(field["kind"])
    if kind is None:
        raise ValueError(
            f"{path}: field {field['name']!r} names the kind {field['kind']!r}, "
            f"which {SHARED_FIELDS} does not define (it defines: {', '.join(kinds)})"
        )
    done = {"name": field["name"], "type": kind["type"]}
    done.update({k: v for k, v in field.items() if k not in ("kind", "name", "constraints")})
    done["constraints"] = {**field.get("constraints", {}), **kind.get("constraints", {})}
    return done


def field_names(schema: dict) -> list[str]:
    return [f["name"] for f in schema["fields"]]


def parse_cell(value: str, field: dict):
    """(typed value, None), or (None, what was expected) when ``value`` is not of the field's type.

    >>> parse_cell("7", {"name": "n", "type": "integer"}), parse_cell("7.5", {"name": "n", "type": "integer"})
    ((7, None), (None, 'a whole number'))
    """
    kind = field["type"]
    if kind == "string":
        return value, None
    if kind == "integer":
        return (int(value), None) if INTEGER.match(value) else (None, "a whole number")
    if kind == "boolean":
        return ({TRUE: True, FALSE: False}[value], None) if value in (TRUE, FALSE) else (None, "true or false")
    if kind == "date":
        try:
            return datetime.date.fromisoformat(value), None
        except ValueError:
            return None, "a date as YYYY-MM-DD"
    raise ValueError(f"unsupported Table Schema type {kind!r} in field {field['name']!r}")


def format_cell(value, kind: str) -> str:
    """A typed value as its CSV text.

    >>> format_cell(pd.Timestamp("2021-12-21"), "date"), format_cell(True, "boolean"), format_cell(None, "integer")
    ('2021-12-21', 'true', '')
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if kind == "boolean":
        return TRUE if value else FALSE
    if kind == "date":
        return value.strftime("%Y-%m-%d")
    return str(value)


def frame(columns: dict[str, list], schema: dict) -> pd.DataFrame:
    """A DataFrame of ``columns`` (name -> values) in the schema's dtypes and column order."""
    data = {}
    for field in schema["fields"]:
        values = columns[field["name"]]
        dtype = PANDAS_DTYPES[field["type"]]
        if field["type"] in NULLABLE_DTYPES and any(v is None for v in values):
            dtype = NULLABLE_DTYPES[field["type"]]
        data[field["name"]] = pd.Series(values, dtype=dtype)
    return pd.DataFrame(data, columns=field_names(schema))


def rows_frame(rows: list[dict], schema: dict) -> pd.DataFrame:
    return frame({n: [r.get(n) for r in rows] for n in field_names(schema)}, schema)


def with_python_dates(df: pd.DataFrame, schema: dict) -> pd.DataFrame:
    """``df`` with its date columns as ``datetime.date`` objects (what Arrow's date32 takes)."""
    out = df.copy()
    for field in schema["fields"]:
        if field["type"] == "date":
            out[field["name"]] = pd.Series([None if pd.isna(v) else v.date() for v in df[field["name"]]], dtype=object)
    return out


def python_rows(df: pd.DataFrame, schema: dict) -> list[dict]:
    """The rows of ``df`` as plain Python values (dates as ``datetime.date``, missing as None)."""
    dated = with_python_dates(df, schema)
    return dated.astype(object).where(dated.notna(), None).to_dict("records")


def pandera_schema(schema: dict, name: str):
    """The pandera model of a table, derived field by field from its Table Schema.

    Types are checked, never coerced: a count of 7.5 fails, it does not become 7.
    """
    import pandera.pandas as pa

    columns = {}
    for field in schema["fields"]:
        c = field.get("constraints", {})
        columns[field["name"]] = pa.Column(
            PANDAS_DTYPES[field["type"]],
            _checks(c),
            nullable=not c.get("required", False),
            unique=c.get("unique", False),
            coerce=False,
            title=field.get("title"),
            description=field.get("description"),
        )
    return pa.DataFrameSchema(
        columns, strict=True, ordered=True, coerce=False, unique=schema.get("primaryKey"), report_duplicates="all", name=name
    )


def _checks(c: dict) -> list:
    import pandera.pandas as pa

    checks = []
    if "minimum" in c:
        checks.append(pa.Check.ge(c["minimum"]))
    if "maximum" in c:
        checks.append(pa.Check.le(c["maximum"]))
    if "enum" in c:
        checks.append(pa.Check.isin(c["enum"]))
    if "pattern" in c:
        checks.append(pa.Check.str_matches(f"^(?:{c['pattern']})$"))
    return checks


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
            problems.append(
                Problem(
                    "primary-key",
                    file,
                    "the primary key is not unique",
                    _line(index),
                    ",".join(key),
                    found=tuple(found.get(k) for k in key),
                    expected=f"one row per ({', '.join(key)})",
                )
            )
        for case in cases[~duplicate].itertuples(index=False):
            column = case.column if isinstance(case.column, str) else None
            problems.append(
                Problem(
                    "value-constraint",
                    file,
                    f"fails the check {case.check}",
                    _line(case.index),
                    column,
                    found=case.failure_case,
                    expected=_expected(schema, column, str(case.check)),
                )
            )
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
                problems.append(
                    Problem(
                        "value-type",
                        file,
                        "not a whole number (values are never rounded)",
                        _line(index),
                        column,
                        found=value,
                        expected="a whole number",
                    )
                )
    return problems


def _expected(schema: dict, column: str | None, check: str) -> str:
    for field in schema["fields"]:
        if field["name"] == column:
            c = {k: v for k, v in field.get("constraints", {}).items() if k != "required"}
            return f"type {field['type']}" + (f" with {c}" if c else "")
    return check
