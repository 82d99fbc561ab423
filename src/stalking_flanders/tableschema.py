"""Everything derived from the Table Schemas: typed tables, their rows as Python values, and the
pandera model of each table.

A Table Schema is the one definition of a table (read from ``schemas/`` by
:mod:`stalking_flanders.pipeline.definitions`), parsed into a :class:`~stalking_flanders.model.Schema`
(whose field types know their dtypes). In memory a table is a DataFrame with one dtype per field
type; :mod:`stalking_flanders.formats` reads and writes it. ``pandera`` is imported only when a
pandera model is asked for.
"""

from __future__ import annotations

import functools
from collections import namedtuple
from collections.abc import Iterator

import pandas as pd

from .model import Schema, csv_line
from .problems import Kept, Problem


def format_cell(value, field) -> str:
    """A typed value as its CSV text ("" where missing).

    >>> from stalking_flanders.model import Schema
    >>> s = Schema.parse({"fields": [{"name": "d", "type": "date"}, {"name": "b", "type": "boolean"}]}, "s")
    >>> format_cell(pd.Timestamp("2021-12-21"), s.field("d")), format_cell(True, s.field("b")), format_cell(None, s.field("b"))
    ('2021-12-21', 'true', '')
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return field.type.text(value)


def frame(columns: dict[str, list], schema: Schema) -> pd.DataFrame:
    """A DataFrame of ``columns`` (name -> values) in the schema's dtypes and column order."""
    data = {}
    for field in schema.fields:
        values = columns[field.name]
        dtype = field.type.nullable if any(v is None for v in values) else field.dtype  # a required one missing: reported
        data[field.name] = pd.array(values, dtype=dtype)  # an array, not a Series: half the cost of building one
    return pd.DataFrame(data, columns=schema.field_names, copy=False)  # the arrays are new: nothing to copy


def records(df: pd.DataFrame) -> Iterator[tuple]:
    """The rows of ``df`` one after the other, as ``df.itertuples(index=False)`` gives them: named
    tuples of its columns (a column whose name Python does not take as one renamed ``_<position>``),
    each holding what iterating its column gives. ``itertuples`` looks each column up by position and
    makes a class on every call, which cost the loader most of its caveats' time; a class is made
    here once for each set of columns.

    >>> [r.series for r in records(pd.DataFrame({"series": ["cgg", "caw"], "year": [2019, 2020]}))]
    ['cgg', 'caw']
    """
    row = _row(tuple(str(name) for name in df.columns))
    return map(row._make, zip(*(column for _, column in df.items())))


@functools.lru_cache(maxsize=64)  # a package from anywhere may hold many tables: the classes kept are bounded
def _row(names: tuple[str, ...]) -> type:
    return namedtuple("Row", names, rename=True)


def python_rows(df: pd.DataFrame, schema: Schema) -> list[dict]:
    """The rows of ``df`` as plain Python values (dates as ``datetime.date``, missing as None)."""
    columns = {
        f.name: [None if v is None or (not isinstance(v, str) and pd.isna(v)) else f.type.python(v) for v in df[f.name]]
        for f in schema.fields
    }
    return [dict(zip(columns, values)) for values in zip(*columns.values())] if columns else []


def for_arrow(df: pd.DataFrame, schema: Schema) -> pd.DataFrame:
    """``df`` with the columns whose type Arrow takes as Python values converted (dates as ``datetime.date``)."""
    out = df.copy()
    for field in schema.fields:
        if field.type.arrow_takes_python:
            out[field.name] = pd.Series([None if pd.isna(v) else field.type.python(v) for v in df[field.name]], dtype=object)
    return out


def pandera_schema(schema: Schema, name: str):
    """The pandera model of a table, derived field by field from its Table Schema.

    Types are checked, never coerced: a count of 7.5 fails, it does not become 7.
    """
    import pandera.pandas as pa

    columns = {
        field.name: pa.Column(
            field.type.pandera(field.dtype),
            field.constraints.pandera_checks(),
            nullable=not field.constraints.required,
            unique=field.constraints.unique,
            coerce=False,
            title=field.title,
            description=field.description,
        )
        for field in schema.fields
    }
    return pa.DataFrameSchema(
        columns,
        strict=True,
        ordered=True,
        coerce=False,
        unique=list(schema.primary_key) or None,
        report_duplicates="all",
        name=name,
    )


def validate_frame(df: pd.DataFrame, schema: Schema, name: str, file: str) -> list[Problem]:
    """Every problem the pandera model finds in ``df``; rows are named by their CSV line."""
    import pandera.errors

    problems, kept = _non_integers(df, schema, file), Kept(file)
    try:
        pandera_schema(schema, name).validate(df, lazy=True)
    except pandera.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        key = list(schema.primary_key)
        duplicate = cases["check"].astype(str) == "multiple_fields_uniqueness"
        for index, group in cases[duplicate].groupby("index", sort=True):
            if not kept.keep("primary-key"):
                continue
            found = dict(zip(group["column"], group["failure_case"]))
            kept.add(
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
        said = {}  # (column, check) -> the message and what was expected, made once: both quote an enum whole
        for case in cases[~duplicate].itertuples(index=False):
            if not kept.keep("value-constraint"):
                continue
            column, check = case.column if isinstance(case.column, str) else None, str(case.check)
            if (column, check) not in said:
                said[column, check] = (f"fails the check {check}", _expected(schema, column, check))
            message, expected = said[column, check]
            kept.add(
                Problem("value-constraint", file, message, _line(case.index), column, found=case.failure_case, expected=expected)
            )
    return problems + kept.problems()


def _line(index) -> int | None:
    return None if index is None or pd.isna(index) else csv_line(index)


def _non_integers(df: pd.DataFrame, schema: Schema, file: str) -> list[Problem]:
    """Cells of integer fields that hold something other than a whole number, such as 7.5."""
    problems = []
    for field in schema.fields:
        column = field.name
        if not field.type.whole or column not in df or pd.api.types.is_integer_dtype(df[column]):
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


def _expected(schema: Schema, column: str | None, check: str) -> str:
    for raw in schema.raw["fields"]:
        if raw["name"] == column:
            c = {k: v for k, v in raw.get("constraints", {}).items() if k != "required"}
            return f"type {raw['type']}" + (f" with {c}" if c else "")
    return check
