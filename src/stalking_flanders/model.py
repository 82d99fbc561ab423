"""The typed model of a Table Schema: small frozen types that the descriptor and the schemas are
parsed into once, and that refuse, with the key path and what was expected, every shape they do
not understand.

Each field type knows everything that depends on it (its one home): how a CSV cell is read and
written, its pandas dtype, its Arrow type, its pandera dtype, and how a workbook cell holds it.
Nothing else maps types.

>>> schema = Schema.parse({"fields": [{"name": "n", "type": "integer", "constraints": {"required": True}}],
...                        "primaryKey": ["n"]}, "t.schema")
>>> schema.field("n").type.parse("7"), schema.primary_key
(7, ('n',))
>>> Schema.parse({"fields": [{"name": "n", "type": "number"}]}, "s")
Traceback (most recent call last):
...
stalking_flanders.model.ShapeError: s.fields[0].type: 'number' is not understood, expected one of boolean, date, integer, string
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from functools import cache
from pathlib import PurePosixPath
from typing import NamedTuple  # the typed descriptor's records: a frozen dataclass cost every import about 1 ms each

from .patterns import backtracking
from .problems import PackageError
from .untrusted import MAX_COLUMNS

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # a date cell: YYYY-MM-DD and nothing else
# a count as the answer writes it, and the digits of an integer cell (\Z: not even a newline after them)
WHOLE_NUMBER = re.compile(r"\A[0-9]+\Z")
INT64 = (-(2**63), 2**63 - 1)
MAX_DIGITS = 19  # an int64 has at most 19 digits: a longer cell is refused before it is converted
# Frictionless and pandera quote a field's enum or pattern in the message of every cell that fails
# it (Frictionless keeps a thousand a table): an enum of 190,000 values took a check to 1 GiB
MAX_ENUM_VALUES = 256  # a release's longest: 3
MAX_ENUM_CHARS = 1024  # the characters of an enum's values together
MAX_PATTERN_CHARS = 1024  # a release's longest: 24
# each pattern is tested before any cell is read (patterns.py: under a tenth of a second for the
# costliest found, 146 classes of many ranges each): all of a descriptor's together, about a second
MAX_PATTERNS_CHARS = 4096  # a release's: 580
MAX_RESOURCES = 100  # a release has 12; the record of 38,000 took 34 s and then 1 GiB
# sources, licences, keywords, languages of translations: a release has 1, 1, 8 and 1; the record of
# 60,000 sources took 35 s and then 1 GiB
MAX_LISTED = 100
# each foreign key reads the table it refers to again: 20,000 of them took a check 28 s
MAX_FOREIGN_KEYS = 16  # a release's most: 2
# every cell is compared with each missing value (100,000 of them over 38,000 rows took 6.6 s)
MAX_MISSING_VALUES = 64  # a release's: 1 (the empty text)


class ShapeError(PackageError, ValueError):
    """A descriptor or schema holds a shape the model does not understand, at ``where``."""

    def __init__(self, where: str, message: str):
        self.where, self.message = where, message
        super().__init__(f"{where}: {message}")


def csv_line(index: int) -> int:
    """The line of a CSV file that holds the row at 0-based ``index`` (the header is line 1).

    >>> csv_line(0)
    2
    """
    return int(index) + 2


def same_value(got, want) -> bool:
    """Equal and of the same type: a cell of 1 is no ``true`` and 2019.0 no 2019, though Python
    calls them equal.

    >>> same_value(2019, 2019), same_value(2019.0, 2019), same_value(1, True)
    (True, False, False)
    """
    return type(got) is type(want) and got == want


def same_values(got: tuple, want: tuple) -> bool:
    """Two rows of cells hold the same values, each of the same type (:func:`same_value`)."""
    return len(got) == len(want) and all(map(same_value, got, want))


# -- field types ------------------------------------------------------------------------------


def _plain_code(code) -> str:
    """A workbook number format as it reads: letter case folded, and the escape taken off every
    character but a letter or digit (``\\-`` is the separator ``-``; ``\\y`` stays the letter y)."""
    return re.sub(r"\\([^A-Za-z0-9])", r"\1", str(code)).casefold()


class FieldType:
    """A Table Schema type: a CSV cell's text to a value and back, and the dtypes that hold it."""

    name = ""
    pandas = "object"  # the dtype of a column without missing values
    nullable = "object"  # the dtype of a column with missing values
    expected = ""  # what a cell must look like, in words
    arrow_takes_python = False  # whether Arrow takes this type's pandas column as Python values
    holds_text = False  # free text (a cell a spreadsheet would run as a formula where it starts as one)
    whole = False  # whole numbers (a cell that holds 7.5 is refused, never rounded)
    flag = False  # true or false (a change of one changes what a row means)

    def parse(self, text: str):
        """The value of a CSV cell; ValueError where the text is not of this type."""
        raise NotImplementedError

    def text(self, value) -> str:
        """A value as its CSV text."""
        return str(value)

    def arrow(self):
        raise NotImplementedError

    def pandera(self, dtype: str):
        """pandera's data type of a column of this type in the pandas dtype ``dtype`` (:attr:`pandas`
        or :attr:`nullable`): that dtype's name, which pandera reads."""
        return dtype

    def python(self, value):
        """A pandas value as a plain Python value (what Arrow and a workbook take)."""
        return value

    # how a workbook shows the cell: the format alone decides what a reader sees ("956" shows on a
    # cell that holds 955 under the format '"956"'), so any other is refused when the workbook is read
    # (its letters in either case, its separators escaped or not: a spreadsheet that saves the
    # workbook again may write YYYY-MM-DD or yyyy\-mm\-dd)
    number_format = "General"

    def shows_as_written(self, number_format: str) -> bool:
        r"""Whether a cell of this type shown with ``number_format`` shows what it holds: the type's
        own format, in any case of its letters, a character other than a letter or digit escaped
        or not (the codes mean the same; an escaped letter is shown as itself, and is no code).

        >>> [TYPES["date"].shows_as_written(c) for c in ("YYYY-MM-DD", r"yyyy\-mm\-dd", r"\y\y\y\y-mm-dd")]
        [True, True, False]
        """
        return _plain_code(number_format) == _plain_code(self.number_format)

    def write_cell(self, sheet, row: int, column: int, value, formats: dict) -> None:
        """Write ``value`` into a workbook cell (XlsxWriter), typed, shown with :attr:`number_format`
        (``formats`` holds the workbook's cell format of each number format other than "General")."""
        sheet.write_string(row, column, value)

    def read_cell(self, value):
        """A workbook cell's value (openpyxl) as this type's Python value."""
        return value

    def __repr__(self) -> str:
        return f"<{self.name}>"


class StringType(FieldType):
    name, pandas, nullable, expected = "string", "str", "str", "text"
    holds_text = True

    def parse(self, text: str):
        return text

    def pandera(self, dtype: str):
        return _pandera_text()

    def arrow(self):
        import pyarrow as pa

        return pa.string()


class IntegerType(FieldType):
    name, pandas, nullable, expected = "integer", "int64", "Int64", "a whole number"
    whole = True

    def parse(self, text: str):
        digits = text[1:] if text.startswith("-") else text
        if not WHOLE_NUMBER.match(digits) or len(digits) > MAX_DIGITS:
            raise ValueError(self.expected)
        value = int(text)
        if not INT64[0] <= value <= INT64[1]:
            raise ValueError(self.expected)
        return value

    def arrow(self):
        import pyarrow as pa

        return pa.int64()

    def write_cell(self, sheet, row, column, value, formats) -> None:
        sheet.write_number(row, column, value)


def count_of(text: str) -> int | None:
    """``text`` as a count: a whole number of 0 or more, as an integer field reads it (an int64, of
    no more digits than Python converts), or None.

    >>> count_of("57"), count_of("-1"), count_of("1.234"), count_of("9" * 20)
    (57, None, None, None)
    """
    if not WHOLE_NUMBER.match(text):  # no sign: a count is never negative
        return None
    try:
        return IntegerType().parse(text)
    except ValueError:
        return None


class BooleanType(FieldType):
    name, pandas, nullable, expected = "boolean", "bool", "boolean", "true or false"
    flag = True
    TRUE, FALSE = "true", "false"

    def parse(self, text: str):
        if text not in (self.TRUE, self.FALSE):
            raise ValueError(self.expected)
        return text == self.TRUE

    def text(self, value) -> str:
        return self.TRUE if value else self.FALSE

    def arrow(self):
        import pyarrow as pa

        return pa.bool_()

    def write_cell(self, sheet, row, column, value, formats) -> None:
        sheet.write_boolean(row, column, value)


class DateType(FieldType):
    name, pandas, nullable, expected = "date", "datetime64[ns]", "datetime64[ns]", "a date as YYYY-MM-DD"
    number_format = "yyyy-mm-dd"
    arrow_takes_python = True  # Arrow's date32 takes datetime.date, not a pandas timestamp

    # What the frame's datetime64[ns] holds (1677-09-21 to 2262-04-11; these are the whole years within
    # it): a date outside it is refused as a value, not converted.
    FIRST, LAST = datetime.date(1678, 1, 1), datetime.date(2261, 12, 31)

    def parse(self, text: str):
        if not ISO_DATE.fullmatch(text):  # fromisoformat also takes 20211221 and 2021-W51-2
            raise ValueError(self.expected)
        try:
            value = datetime.date.fromisoformat(text)
        except ValueError:
            raise ValueError(self.expected) from None
        if not self.FIRST <= value <= self.LAST:
            raise ValueError(f"{self.expected}, from {self.FIRST} to {self.LAST}")
        return value

    def text(self, value) -> str:
        return value.strftime("%Y-%m-%d")

    def arrow(self):
        import pyarrow as pa

        return pa.date32()

    def python(self, value):
        return value.date() if isinstance(value, datetime.datetime) else value

    def write_cell(self, sheet, row, column, value, formats) -> None:
        sheet.write_datetime(row, column, datetime.datetime.combine(value, datetime.time()), formats[self.number_format])

    def read_cell(self, value):
        # the workbook holds a date as a date-time at midnight; one with a time of day is not that date
        midnight = isinstance(value, datetime.datetime) and value.time() == datetime.time()
        return value.date() if midnight else value


@cache
def _pandera_text():
    """pandas' string dtype, checked by the whole column: a column of that dtype holds text or
    nothing, whatever its cells, yet pandera (0.35) returns one verdict a cell and formats a
    report of the cells that failed even when none did (about a millisecond a column). Imports pandera."""
    from pandera.engines import pandas_engine

    class Text(pandas_engine.STRING):
        def check(self, pandera_dtype, data_container=None) -> bool:
            verdict = super().check(pandera_dtype, data_container)
            return verdict if isinstance(verdict, bool) else bool(verdict.all())

    return Text()


TYPES: dict[str, FieldType] = {t.name: t for t in (StringType(), IntegerType(), BooleanType(), DateType())}


def kind_of_cell(value) -> FieldType:
    """The field type a workbook cell's value is written as (a date as a date-time, text otherwise).

    >>> [kind_of_cell(v).name for v in (True, 7, 7.5, datetime.date(2021, 12, 21), "x")]
    ['boolean', 'integer', 'integer', 'date', 'string']
    """
    if isinstance(value, bool):
        return TYPES["boolean"]
    if isinstance(value, int | float):
        return TYPES["integer"]
    return TYPES["date"] if isinstance(value, datetime.date | datetime.datetime) else TYPES["string"]


# -- schemas ----------------------------------------------------------------------------------


def _expect(value, kind, where: str, what: str):
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ShapeError(where, f"{_shown(value)} is not understood, expected {what}")
    return value


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _keys(raw, allowed: set[str], where: str) -> dict:
    _expect(raw, dict, where, "an object")
    unknown = sorted(set(raw) - allowed, key=str)
    if unknown:
        raise ShapeError(
            f"{where}.{unknown[0]}", f"is not a key this package understands (it understands {', '.join(sorted(allowed))})"
        )
    return raw


def _strings(raw, where: str) -> tuple[str, ...]:
    _expect(raw, list, where, "a list of strings")
    return tuple(_expect(item, str, f"{where}[{i}]", "a string") for i, item in enumerate(raw))


def _enum(raw, where: str) -> tuple[str, ...]:
    values = _strings(raw, where)
    if len(values) > MAX_ENUM_VALUES or sum(map(len, values)) > MAX_ENUM_CHARS:
        raise ShapeError(
            where,
            f"holds {len(values)} values of {sum(map(len, values))} characters together, "
            f"expected at most {MAX_ENUM_VALUES} values of {MAX_ENUM_CHARS} characters",
        )
    return values


class Constraints(NamedTuple):
    required: bool = False
    unique: bool = False
    minimum: int | None = None
    maximum: int | None = None
    enum: tuple[str, ...] | None = None
    pattern: str | None = None

    @classmethod
    def parse(cls, raw, where: str, kind: FieldType) -> Constraints:
        _keys(raw, {"required", "unique", "minimum", "maximum", "enum", "pattern"}, where)
        bounds = {}
        for key in ("minimum", "maximum"):
            if key in raw:
                if not isinstance(kind, IntegerType):
                    raise ShapeError(f"{where}.{key}", f"a bound on a field of type {kind.name} is not understood")
                bounds[key] = _expect(raw[key], int, f"{where}.{key}", "a whole number")
                if not INT64[0] <= bounds[key] <= INT64[1]:
                    raise ShapeError(f"{where}.{key}", "is out of range, expected a 64-bit whole number")
        pattern = raw.get("pattern")
        if pattern is not None:
            if not isinstance(kind, StringType):
                raise ShapeError(f"{where}.pattern", f"a pattern on a field of type {kind.name} is not understood")
            _expect(pattern, str, f"{where}.pattern", "a regular expression")
            if len(pattern) > MAX_PATTERN_CHARS:
                raise ShapeError(f"{where}.pattern", f"is {len(pattern)} characters long, expected at most {MAX_PATTERN_CHARS}")
            try:  # as each checker wraps it: Frictionless, then pandera (a global flag must come first)
                re.compile(f"^{pattern}$"), re.compile(f"^(?:{pattern})\\Z")
            except (re.error, OverflowError) as error:  # OverflowError: a repetition counted past 2**32 - 2
                raise ShapeError(f"{where}.pattern", f"is not a regular expression ({error})") from None
            except RecursionError:  # Python's parser recurses once a group: "(" * 500 ran out of stack
                raise ShapeError(f"{where}.pattern", "nests groups too deep for Python to read it") from None
            why = backtracking(pattern)
            if why is not None:
                raise ShapeError(
                    f"{where}.pattern",
                    f"is a pattern Python's matcher may go back over a cell many times to match: {why}; "
                    "expected one in which each character of a cell can be taken by one part only",
                )
        return cls(
            required=_expect(raw.get("required", False), bool, f"{where}.required", "true or false"),
            unique=_expect(raw.get("unique", False), bool, f"{where}.unique", "true or false"),
            enum=_enum(raw["enum"], f"{where}.enum") if "enum" in raw else None,
            pattern=pattern,
            **bounds,
        )

    def pandera_checks(self) -> list:
        import pandera.pandas as pa

        checks = []
        if self.minimum is not None:
            checks.append(pa.Check.ge(self.minimum))
        if self.maximum is not None:
            checks.append(pa.Check.le(self.maximum))
        if self.enum is not None:
            checks.append(pa.Check.isin(list(self.enum)))
        if self.pattern is not None:
            checks.append(pa.Check.str_matches(f"^(?:{self.pattern})\\Z"))
        return checks


class Field(NamedTuple):
    name: str
    type: FieldType
    constraints: Constraints
    title: str | None = None
    description: str | None = None

    @classmethod
    def parse(cls, raw, where: str) -> Field:
        _keys(raw, {"name", "type", "title", "description", "constraints"}, where)
        name = _expect(raw.get("name"), str, f"{where}.name", "a string")
        kind = TYPES.get(raw.get("type")) if isinstance(raw.get("type"), str) else None
        if kind is None:
            raise ShapeError(
                f"{where}.type", f"{_shown(raw.get('type'))} is not understood, expected one of {', '.join(sorted(TYPES))}"
            )
        return cls(
            name,
            kind,
            Constraints.parse(raw.get("constraints", {}), f"{where}.constraints", kind),
            _expect(raw.get("title", ""), str, f"{where}.title", "a string") or None,
            _expect(raw.get("description", ""), str, f"{where}.description", "a string") or None,
        )

    @property
    def dtype(self) -> str:
        """The pandas dtype of this field's column, as tables are read and as pandera checks them:
        a field that may be empty takes its type's dtype for missing values."""
        return self.type.pandas if self.constraints.required else self.type.nullable


class ForeignKey(NamedTuple):
    fields: tuple[str, ...]
    resource: str
    reference_fields: tuple[str, ...]

    @property
    def same(self) -> tuple:
        """What makes two keys one: the table referred to and each field with the one it refers to,
        in any order.

        >>> ForeignKey(("a", "b"), "t", ("x", "y")).same == ForeignKey(("b", "a"), "t", ("y", "x")).same
        True
        """
        return self.resource, frozenset(zip(self.fields, self.reference_fields))

    def __str__(self) -> str:
        """The key as ``diff`` and the problems name it.

        >>> str(ForeignKey(("series", "category"), "categories", ("series", "category")))
        'series, category -> categories (series, category)'
        """
        return f"{', '.join(self.fields)} -> {self.resource} ({', '.join(self.reference_fields)})"

    @classmethod
    def parse(cls, raw, where: str) -> ForeignKey:
        _keys(raw, {"fields", "reference"}, where)
        reference = _keys(raw.get("reference"), {"resource", "fields"}, f"{where}.reference")
        fields = _strings(raw.get("fields"), f"{where}.fields")
        referred = _strings(reference.get("fields"), f"{where}.reference.fields")
        if len(fields) != len(referred) or not fields or len(set(fields)) != len(fields):
            raise ShapeError(
                where,
                "the fields and the fields referred to are not understood, expected lists of one length, of distinct fields",
            )
        return cls(
            fields, _expect(reference.get("resource"), str, f"{where}.reference.resource", "a table of this package"), referred
        )


class Schema(NamedTuple):
    """A Table Schema; ``raw`` is the object it was parsed from (what a descriptor writes)."""

    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]
    missing_values: tuple[str, ...]
    raw: dict

    KEYS = frozenset({"$schema", "fields", "primaryKey", "foreignKeys", "missingValues"})

    @classmethod
    def parse(cls, raw, where: str) -> Schema:
        _keys(raw, set(cls.KEYS), where)
        listed = _expect(raw.get("fields"), list, f"{where}.fields", "a list of fields")
        if len(listed) > MAX_COLUMNS:  # a problem of each missing column names them all: 10,000 took a check past 1 GiB
            raise ShapeError(f"{where}.fields", f"lists {len(listed)} fields, expected at most {MAX_COLUMNS} (a table's columns)")
        fields = tuple(Field.parse(f, f"{where}.fields[{i}]") for i, f in enumerate(listed))
        names = [f.name for f in fields]
        if not fields or len(set(names)) != len(names):
            raise ShapeError(f"{where}.fields", "is not understood, expected one or more fields with distinct names")
        # a name as Python reads it (NFKC): a row's attributes are its fields, and "\ufb01rst_year" is first_year
        # to Python (the class of a table's rows, tableschema.records, would hold both, and fail)
        for i, name in enumerate(names):
            if unicodedata.normalize("NFKC", name) != name:
                raise ShapeError(f"{where}.fields[{i}].name", f"{_shown(name)} is not understood, expected a name in NFKC form")
        key = _strings(raw.get("primaryKey", []), f"{where}.primaryKey")
        if len(set(key)) != len(key):  # a field named twice: 200,000 times took a check past 1 GiB
            raise ShapeError(f"{where}.primaryKey", "names a field more than once, expected distinct fields")
        listed = _expect(raw.get("foreignKeys", []), list, f"{where}.foreignKeys", "a list")
        if len(listed) > MAX_FOREIGN_KEYS:
            raise ShapeError(f"{where}.foreignKeys", f"lists {len(listed)} foreign keys, expected at most {MAX_FOREIGN_KEYS}")
        foreign = tuple(ForeignKey.parse(k, f"{where}.foreignKeys[{i}]") for i, k in enumerate(listed))
        for name in [*key, *(n for k in foreign for n in k.fields)]:
            if name not in names:
                raise ShapeError(where, f"the key names the field {_shown(name)}, which is not one of its fields")
        missing = _strings(raw.get("missingValues", [""]), f"{where}.missingValues")
        if len(missing) > MAX_MISSING_VALUES or sum(map(len, missing)) > MAX_ENUM_CHARS:
            raise ShapeError(
                f"{where}.missingValues",
                f"holds {len(missing)} values of {sum(map(len, missing))} characters together, "
                f"expected at most {MAX_MISSING_VALUES} values of {MAX_ENUM_CHARS} characters",
            )
        return cls(fields, key, foreign, missing, raw)

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


def check_references(schemas: dict[str, Schema], where: dict[str, str]) -> None:
    """Refuse (:class:`ShapeError`) a foreign key that refers to a table the package does not hold,
    or to fields that table does not have; ``""`` refers to the table itself, as Table Schema says.
    ``where`` gives each table's key path in the descriptor."""
    for name, schema in schemas.items():
        for i, key in enumerate(schema.foreign_keys):
            at = f"{where[name]}.foreignKeys[{i}].reference"
            referred = key.resource or name
            if referred not in schemas:
                raise ShapeError(f"{at}.resource", f"{_shown(key.resource)} is not understood, expected a table of this package")
            for field in key.reference_fields:
                if field not in schemas[referred].field_names:
                    raise ShapeError(f"{at}.fields", f"{_shown(field)} is not a field of the table {_shown(referred)}")


# -- the descriptor ---------------------------------------------------------------------------

PACKAGE_KEYS = {
    "$schema",
    "profile",
    "name",
    "title",
    "description",
    "version",
    "translations",
    "keywords",
    "licenses",
    "sources",
    "resources",
}
TABULAR_PROFILE = "tabular-data-resource"  # the v1 profile a CSV table names (for v1 readers such as R's)
TABLE_FORMAT = "csv"  # the format of a package's tables; the reference format plugin is named so


def table_names(resources: list[dict]) -> list[str]:
    """The names of a package's tables: its resources of type ``table`` in ``TABLE_FORMAT``, in order.

    >>> table_names([{"name": "a", "type": "table", "format": "csv"}, {"name": "b", "type": "table", "format": "parquet"}])
    ['a']
    """
    return [r["name"] for r in resources if r.get("type") == "table" and r.get("format") == TABLE_FORMAT]


RESOURCE_KEYS = {
    "$schema",
    "profile",
    "name",
    "type",
    "path",
    "title",
    "description",
    "format",
    "mediatype",
    "encoding",
    "bytes",
    "hash",
    "dialect",
    "schema",
    "translations",  # {lang: {"title", "description"}}: a file's title and description in another language
}


def _text(raw: dict, key: str, where: str, required: bool = True) -> None:
    if key in raw or required:
        _expect(raw.get(key), str, f"{where}.{key}", "a string")


def version_order(version: str) -> tuple:
    """What to order versions by, as semantic versioning orders them: the numbers of the version,
    compared as numbers however many digits they have (none is converted: 5,000 digits would not
    be); a pre-release (``-rc.1``) before its version, its parts in turn; build data (``+...``)
    not at all. A part that is not a number sorts before every number.

    >>> sorted(["2.1.0", "2.0.10", "10.0.0", "2.1.0-rc.1", "2.1.5-rc.1", "2.0.9", "2.1.0-rc", "2.1.0-1"], key=version_order)
    ['2.0.9', '2.0.10', '2.1.0-1', '2.1.0-rc', '2.1.0-rc.1', '2.1.0', '2.1.5-rc.1', '10.0.0']
    >>> version_order("1" * 5000 + ".0.0") > version_order("2.1.0") and version_order("2.1.0+b.1") == version_order("2.1.0")
    True
    """
    core, _, pre = version.partition("+")[0].partition("-")
    numbers = tuple(_part(part, 1) for part in core.split("."))
    return (numbers, (0, *(_part(part, 0) for part in pre.split(".")))) if pre else (numbers, (1,))


def _part(part: str, number_rank: int) -> tuple:
    """A part of a version, ordered: a number by its digits' count, then its digits, ranked
    ``number_rank`` against any other text (ordered by its characters): a version's numbers come
    after text (which it should not hold), a pre-release's before it, as semantic versioning says."""
    if part.isascii() and part.isdigit():
        digits = part.lstrip("0") or "0"
        return (number_rank, len(digits), digits)
    return (1 - number_rank, 0, part)


# Fields added to a table after the first release of its major version, with the version that
# added each: a package of an earlier version lacks them, and every reader takes them as absent.
ADDED_IN = {("series", "unit_nl"): "2.1.0", ("series", "unit_en"): "2.1.0"}


# Tables added after the first release of their major version, with the version that added each
# (none yet): a package of an earlier version lacks them, and every reader takes them as absent.
TABLES_ADDED_IN: dict[str, str] = {}


def added_after(table: str, field: str | None, version) -> bool:
    """Whether ``field`` of ``table`` (the whole table where ``field`` is None) was added after
    ``version`` (a package's own: it may lack it).

    >>> added_after("series", "unit_nl", "2.0.9"), added_after("series", "unit_nl", "2.1.0")
    (True, False)
    >>> added_after("series", None, "1.0.0")  # a table of the first release
    False
    """
    added = added_in(table, field)
    return added is not None and version_order(str(version)) < version_order(added)


def added_in(table: str, field: str | None = None) -> str | None:
    """The version that added ``field`` of ``table`` (the whole table where ``field`` is None)
    within its major version; None for one its major version's first release holds."""
    return ADDED_IN.get((table, field)) if field is not None else TABLES_ADDED_IN.get(table)


# What a version, a language code and a file's hash look like (ASCII only: "²" is a digit to Python).
VERSION = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+(?:[-+][0-9A-Za-z.+-]+)?", re.ASCII)
# A language code is a well-formed BCP 47 tag (RFC 5646, section 2.1) whose language is of two or three
# letters, in lower case: "nl", "nl-BE", "zh-Hant-TW", "de-1996", "en-u-ca-gregory", "nl-x-ours"; not
# "nl-a" (a singleton must introduce an extension) nor "nl-toolongtag". Languages of four to eight
# letters, grandfathered tags and tags of private use alone ("x-ours") are not taken.
LANGUAGE = re.compile(
    r"[a-z]{2,3}(?:-[A-Za-z]{3}){0,3}"  # the language, with at most three extended-language subtags
    r"(?:-[A-Za-z]{4})?"  # a script
    r"(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"  # a region
    r"(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"  # variants
    r"(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*"  # extensions, each introduced by a singleton
    r"(?:-[Xx](?:-[A-Za-z0-9]{1,8})+)?",  # private use
    re.ASCII,
)
HASH = re.compile(r"sha256:[0-9a-f]{64}", re.ASCII)
NAME = re.compile(r"[a-z0-9._-]+", re.ASCII)  # a package's or a resource's name, as Data Package says
NAME_EXPECTED = "lower-case letters, digits, '.', '-' and '_' (as Data Package says)"


def _matching(value: str, pattern: re.Pattern, where: str, expected: str) -> None:
    if not pattern.fullmatch(value):
        raise ShapeError(where, f"{_shown(value)} is not understood, expected {expected}")


def _translations(raw: dict, keys: set[str], where: str, required: bool) -> dict:
    """The ``translations`` of a package or resource: by language code, an object of ``keys``."""
    translations = _expect(raw.get("translations", {}), dict, f"{where}translations", "an object")
    _at_most(translations, f"{where}translations")
    for lang, translation in translations.items():
        _matching(lang, LANGUAGE, f"{where}translations", "a language code such as nl")
        _keys(translation, keys, f"{where}translations.{lang}")
        for key in ("title", "description"):
            _text(translation, key, f"{where}translations.{lang}", required=required)
    return translations


def _at_most(listed: list | tuple | dict, where: str) -> list | tuple | dict:
    """``listed`` (sources, licences, keywords, translations), refused where it holds more than
    ``MAX_LISTED`` entries: the record and the page state each one."""
    if len(listed) > MAX_LISTED:
        raise ShapeError(where, f"holds {len(listed)} entries, expected at most {MAX_LISTED}")
    return listed


def check_descriptor(raw: dict) -> None:
    """Refuse (:class:`ShapeError`) every shape of a descriptor this package does not understand:
    unknown keys, strings where objects belong and the reverse, sizes out of range, versions,
    language codes and hashes not of their form, resources of one name. The tables' schemas are
    parsed by :meth:`Schema.parse`; the tables a release must hold are checked against the bundled
    release's (:meth:`~stalking_flanders.datapackage.DataPackage.layout_problems`)."""
    _keys(raw, PACKAGE_KEYS, "descriptor")
    for key in ("name", "title", "description", "version"):
        _text(raw, key, "descriptor")
    _matching(raw["version"], VERSION, "descriptor.version", "a version such as 2.0.5")
    _matching(raw["name"], NAME, "descriptor.name", NAME_EXPECTED)
    _at_most(_strings(raw.get("keywords", []), "keywords"), "keywords")
    for lang, translation in _translations(raw, {"title", "description", "keywords"}, "", required=True).items():
        _at_most(_strings(translation.get("keywords", []), f"translations.{lang}.keywords"), f"translations.{lang}.keywords")
    licences = _at_most(_expect(raw.get("licenses"), list, "licenses", "a list of licences"), "licenses")
    if not licences:
        raise ShapeError("licenses", "is empty, expected at least one licence")
    for i, licence in enumerate(licences):
        _keys(licence, {"name", "path", "title"}, f"licenses[{i}]")
        _text(licence, "name", f"licenses[{i}]")
        _text(licence, "path", f"licenses[{i}]", required=False)
        _text(licence, "title", f"licenses[{i}]", required=False)
    for i, source in enumerate(_at_most(_expect(raw.get("sources", []), list, "sources", "a list"), "sources")):
        _keys(source, {"title", "path"}, f"sources[{i}]")
        _text(source, "title", f"sources[{i}]")
        _text(source, "path", f"sources[{i}]", required=False)
    resources = _expect(raw["resources"], list, "resources", "a list of resources")
    if len(resources) > MAX_RESOURCES:
        raise ShapeError("resources", f"lists {len(resources)} resources, expected at most {MAX_RESOURCES}")
    names = [_resource(resource, f"resources[{i}]") for i, resource in enumerate(resources)]
    if len(set(names)) != len(names):
        raise ShapeError("resources", "names one resource twice, expected each name once")
    paths = [resource["path"] for resource in resources]  # each file one resource: the record would describe it twice
    twice = next((i for i, path in enumerate(paths) if path in paths[:i]), None)
    if twice is not None:
        raise ShapeError(f"resources[{twice}].path", "names a file another resource lists, expected a file of its own")
    if (total := sum(map(len, _patterns(resources)))) > MAX_PATTERNS_CHARS:
        raise ShapeError(
            "resources", f"its fields' patterns are {total} characters together, expected at most {MAX_PATTERNS_CHARS}"
        )


def _patterns(resources: list) -> list[str]:
    """The fields' patterns of ``resources``, where they stand as Table Schema puts them (any other
    shape is refused when the schemas are parsed)."""
    found = []
    for resource in resources:
        schema = resource.get("schema")
        for field in schema.get("fields", []) if isinstance(schema, dict) and isinstance(schema.get("fields"), list) else []:
            constraints = field.get("constraints") if isinstance(field, dict) else None
            pattern = constraints.get("pattern") if isinstance(constraints, dict) else None
            found += [pattern] if isinstance(pattern, str) else []
    return found


COMPRESSED = (".gz", ".zip", ".bz2", ".xz", ".zst", ".7z", ".tgz")  # suffixes of compressed files


def _resource(raw, where: str) -> str:
    if isinstance(raw, dict) and "compression" in raw:
        raise ShapeError(f"{where}.compression", "a compressed resource is refused (it could unpack past every bound)")
    _keys(raw, RESOURCE_KEYS, where)
    for key in ("name", "path", "format"):
        _text(raw, key, where)
    _matching(raw["name"], NAME, f"{where}.name", NAME_EXPECTED)
    if PurePosixPath(raw["path"]).as_posix() != raw["path"]:  # else readers and diff would read it otherwise
        raise ShapeError(
            f"{where}.path", f"{_shown(raw['path'])} is not written plainly, expected no './', '//' or '/' at its end"
        )
    if raw["path"].lower().endswith(COMPRESSED):
        raise ShapeError(
            f"{where}.path", f"{_shown(raw['path'])} names a compressed file, which is refused (it could unpack past every bound)"
        )
    for key in ("title", "description", "mediatype", "encoding", "hash", "type"):
        _text(raw, key, where, required=False)
    if "hash" in raw:
        _matching(raw["hash"], HASH, f"{where}.hash", "sha256: and 64 hexadecimal digits")
    if raw.get("encoding", "utf-8").lower() != "utf-8":  # another would have Frictionless read other text
        raise ShapeError(f"{where}.encoding", f"{_shown(raw['encoding'])} is not understood, expected utf-8")
    _translations(raw, {"title", "description"}, f"{where}.", required=False)
    if "bytes" in raw and not 0 <= _expect(raw["bytes"], int, f"{where}.bytes", "a whole number") <= INT64[1]:
        raise ShapeError(f"{where}.bytes", "is out of range, expected a size in bytes")
    if raw.get("profile") not in (None, TABULAR_PROFILE) or ("profile" in raw and raw.get("format") != TABLE_FORMAT):
        raise ShapeError(
            f"{where}.profile", f"{_shown(raw.get('profile'))} is not understood, expected {TABULAR_PROFILE} on a CSV table"
        )
    if raw.get("type") not in (None, "table"):
        raise ShapeError(f"{where}.type", f"{_shown(raw.get('type'))} is not understood, expected table")
    if raw.get("type") == "table" and "schema" not in raw:
        raise ShapeError(f"{where}.schema", "is missing, expected the Table Schema of the table")
    if "dialect" in raw:
        _keys(raw["dialect"], {"delimiter", "header"}, f"{where}.dialect")
        if raw["dialect"] != {"delimiter": ",", "header": True} or raw["dialect"]["header"] is not True:  # 1 == 1.0 == True
            raise ShapeError(f"{where}.dialect", "is not understood, expected a comma and a header row")
    return raw["name"]
