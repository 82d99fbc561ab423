"""What went wrong, and where: the one shape every check reports in.

Each problem has a stable ``code`` (tests and scripts match codes, never the English message),
the file, the line (for a CSV file, the header is line 1) or key path, the column, what was found
and what was expected.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

MAX_VALUE_CHARS = 200  # the longest value a message shows
MAX_PROBLEMS_KEPT = 1000  # the problems of one kind a file's check keeps; the rest are counted in one more


class Code(StrEnum):
    """Every code a problem can have, with what it means. A code is a string (``Code.VALUE_TYPE ==
    "value-type"``); Frictionless' own error types are reported as ``frictionless/<type>``.

    >>> Code("value-type").meaning
    "a value is not of its field's type"
    """

    def __new__(cls, value: str, meaning: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.meaning = meaning
        return member

    def __repr__(self) -> str:
        return repr(self.value)  # a code reads as the string it is

    # files and descriptors
    FILE_MISSING = "file-missing", "a file the descriptor or registry names is not there"
    FILE_HASH = "file-hash", "a file's sha256 differs from the one recorded for it"
    FILE_SIZE = "file-size", "a file's size differs from the one recorded for it"
    PATH_OUTSIDE = "path-outside", "a path leads outside the package folder"
    DESCRIPTOR_JSON = "descriptor-json", "the descriptor is not JSON"
    DESCRIPTOR_SHAPE = "descriptor-shape", "the descriptor is not a Data Package descriptor this package can read"
    FILE_UNSAFE = "file-unsafe", "a file is reached through a link, is not a regular file, or is too large to read"
    RELEASE_UNKNOWN = "release-unknown", "the package is not a version of stalking-flanders this installed package knows"
    RELEASE_DIFFERS = "release-differs", "the descriptor differs from the published release of the version it claims"
    SUMS_MISSING = "sums-missing", "the release has no SHA256SUMS"
    SUMS_SHAPE = "sums-shape", "a line of SHA256SUMS is not a sha256 and a path inside the release"
    SUMS_UNLISTED = "sums-unlisted", "a file of the release is not in SHA256SUMS, or SHA256SUMS lists a missing file"
    SUMS_DIFFERS = "sums-differs", "a file's sha256 differs from SHA256SUMS"
    # CSV cells and columns
    COLUMN_MISSING = "column-missing", "a column of the Table Schema is missing"
    COLUMN_EXTRA = "column-extra", "a column is not in the Table Schema"
    COLUMN_ORDER = "column-order", "the columns are out of order"
    CSV_UNREADABLE = "csv-unreadable", "the file cannot be read as CSV"
    VALUE_REQUIRED = "value-required", "a required value is missing"
    VALUE_TYPE = "value-type", "a value is not of its field's type"
    VALUE_CONSTRAINT = "value-constraint", "a value breaks a constraint of its field"
    PRIMARY_KEY = "primary-key", "the primary key is not unique"
    SPREADSHEET_FORMULA = "spreadsheet-formula", "a text starts as a spreadsheet formula would (=, +, -, @, tab, CR)"
    # rules across tables
    FOREIGN_KEY = "foreign-key", "a row refers to no row of the table it refers to"
    TABLE_EMPTY = "table-empty", "a table holds no rows where at least one is needed"
    YEAR_OUTSIDE_SERIES = "year-outside-series", "a year lies outside the years of its series"
    FORMAT_UNREADABLE = "format-unreadable", "a file of another format than CSV (Parquet, the workbook) cannot be read"
    FORMAT_DIFFERS = "format-differs", "a file of another format than CSV does not hold the rows of the table's CSV file"
    # the figures against the archived answer
    SOURCE_UNREGISTERED = "source-unregistered", "a source question is not registered with this package"
    SOURCE_TEXT_CHANGED = "source-text-changed", "an archived text is not the registered one"
    SOURCE_TEXT_ENCODING = "source-text-encoding", "an archived text is not UTF-8"
    SOURCE_LINE = "source-line", "a line number is not a line of the archived text"
    FIGURE_DIFFERS = "figure-differs", "a figure differs from the archived answer"
    FIGURE_MISSING = "figure-missing", "a figure of the archived answer is missing"
    LABEL_NOT_ON_LINES = "label-not-on-lines", "a label does not stand on its recorded lines"
    QUOTE_NOT_ON_LINES = "quote-not-on-lines", "a quotation of the answer does not stand on its recorded lines"
    QUESTION_NOT_IN_TEXT = "question-not-in-text", "a fact of a source question does not stand in its archived text"
    YEAR_NOT_IN_HEADER = "year-not-in-header", "a year is not in its table's header in the answer"
    # extracting an archived answer
    REGISTRY_KEY = "registry-key", "a source of the registry of archived texts lacks a key or gives it as other than text"
    LAYOUT_KEY = "layout-key", "a key of a layout file is missing, unknown or of the wrong type"
    QUOTE_NOT_FOUND = "quote-not-found", "a value of the layout file does not stand in the archived text"
    PARAGRAPHS = "paragraphs", "the numbered paragraphs of the text are not numbered 1, 2, 3, ..."
    SUBQUESTION = "subquestion", "a sub-question has no question or no answer"
    TABLE_HEADER = "table-header", "a table's header (heading and years) is missing or differs"
    TABLE_ROW = "table-row", "a table row is unexpected, duplicated, missing or has the wrong counts"
    COUNT_NOT_WHOLE = "count-not-whole", "a count in the text is not a whole number"


CODES = {code.value: code.meaning for code in Code}  # code -> meaning, for the documentation
FRICTIONLESS = "frictionless/"


def escaped(text: str, keep: str = "") -> str:
    r"""``text`` with every character of Unicode category C (controls, format and direction
    characters, surrogates such as the bytes of a name that is not UTF-8, private use, unassigned)
    and every line or paragraph separator written as its escape (:func:`unsafe`), except those in
    ``keep``: the one escaping function of everything the package prints.

    >>> print(escaped("a\x1b[2J\u202eb\U000e0041\udcff"))
    a\x1b[2J\u202eb\U000e0041\udcff
    >>> escaped("a\tb\n", keep="\t\n") == "a\tb\n"
    True
    """
    if text.isascii() and text.isprintable():
        return text
    # a printable ASCII character is never unsafe: only the others are looked at, one by one
    return _NOT_PRINTABLE_ASCII.sub(lambda m: escape_character(c) if (c := m.group()) not in keep and unsafe(c) else c, text)


_NOT_PRINTABLE_ASCII = re.compile(r"[^\x20-\x7e]")


def unsafe(character: str) -> bool:
    r"""Whether ``character`` must not reach a terminal raw: Unicode category C, and the line and
    paragraph separators (U+2028, U+2029), where a viewer may start a line that the output does not
    hold (the one test of :func:`escaped` and of the record's escapes in its own formats).

    >>> unsafe("\u202e"), unsafe("\udcff"), unsafe("\u2028"), unsafe("é")
    (True, True, True, False)
    """
    category = unicodedata.category(character)
    return category.startswith("C") or category in ("Zl", "Zp")


def escape_character(character: str) -> str:
    r"""``character`` as Python writes it escaped.

    >>> escape_character("\x1b"), escape_character("\u203a"), escape_character("\U000e0041")
    ('\\x1b', '\\u203a', '\\U000e0041')
    """
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(value, limit: int = MAX_VALUE_CHARS) -> str:
    r"""``value`` as one line that is safe to print: escaped (:func:`escaped`), and cut after
    ``limit`` characters with a count of what was left out.

    >>> print(printable("\x1b[2Jvalid"))
    \x1b[2Jvalid
    >>> printable("x" * 250)[-30:]
    'xxxxxx... (50 more characters)'
    >>> printable("\xad" * 60_000, 12)
    '\\xad\\xad\\xad... (60135 more characters)'

    Only what can be shown is escaped (each character escapes to one or more): a value of 60,000
    soft hyphens, escaped whole, took about 0.2 s, and ``diff`` shows thousands of values. What is
    left out is counted as escaped up to four times ``limit`` characters, and as written past them.
    """
    raw = str(value)
    looked = raw[: 4 * limit + 1]
    text = escaped(looked)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text) - limit + len(raw) - len(looked)} more characters)"


def apart(found, expected, limit: int = MAX_VALUE_CHARS) -> tuple[str, str]:
    """``found`` and ``expected`` shown as :func:`printable` shows their ``repr``; two texts alike
    further than a message shows each from a little before the first character where they differ,
    which would otherwise be cut off from both.

    >>> apart("x" * 300 + "found", "x" * 300 + "given")
    ("(from character 281) 'xxxxxxxxxxxxxxxxxxxxfound'", "(from character 281) 'xxxxxxxxxxxxxxxxxxxxgiven'")
    >>> apart(1, "1")
    ('1', "'1'")
    """
    if not (isinstance(found, str) and isinstance(expected, str)) or found == expected:
        return printable(repr(found), limit), printable(repr(expected), limit)
    alike = len(os.path.commonprefix([found, expected]))
    if len(printable(repr(found[:alike]), 10 * limit)) < limit // 2:  # shown whole, the difference is in sight
        return printable(repr(found), limit), printable(repr(expected), limit)
    start = alike  # up to twenty characters alike before the first that differs, as long as they show short
    while start > 0 and alike - start < 20 and len(escaped(repr(found[start - 1 : alike]))) <= limit // 4:
        start -= 1
    lead = f"(from character {start + 1}) "
    return lead + printable(repr(found[start:]), limit), lead + printable(repr(expected[start:]), limit)


@dataclass(frozen=True)
class Problem:
    """One problem found in a file.

    ``line`` is the 1-based line of the file (for a CSV file, the header is line 1), ``column``
    the column, field or key path, ``found`` what stands there and ``expected`` what should.

    >>> p = Problem("value-type", "observations.csv", "count is not a whole number", line=4, column="count",
    ...             found="7.5", expected="a whole number")
    >>> print(p)
    observations.csv, line 4, column 'count': count is not a whole number: found '7.5', expected a whole number [value-type]
    >>> p.code
    'value-type'
    """

    code: str
    file: str
    message: str
    line: int | None = None
    column: str | None = None
    found: object = None
    expected: str | None = None
    more: int = 0  # further problems this one stands for, not listed one by one (see Kept)

    def __post_init__(self):
        if not str(self.code).startswith(FRICTIONLESS):
            object.__setattr__(self, "code", Code(self.code))  # a code no enumeration holds is a bug: ValueError

    def __str__(self) -> str:
        """One line, safe to print: every part escaped (:func:`printable`) and cut if long."""
        where = [printable(self.file, 2 * MAX_VALUE_CHARS)]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column {printable(repr(self.column))}")
        text = f"{', '.join(where)}: {printable(self.message, 2 * MAX_VALUE_CHARS)}"
        if self.found is not None:
            text += f": found {printable(repr(self.found))}"
        if self.expected is not None:
            expected = printable(self.expected)
            text += f", expected {expected}" if self.found is not None else f": expected {expected}"
        return f"{text} [{self.code}]"


def counted(problems: list[Problem]) -> int:
    """How many problems ``problems`` lists or stands for."""
    return sum(1 + problem.more for problem in problems)


class Kept:
    """The problems of the file ``file`` as a check finds them: at most ``MAX_PROBLEMS_KEPT`` of
    each code are kept, the rest counted, so that a file of a million bad cells costs a count,
    not a million problems. Ask :meth:`keep` before building a problem.

    >>> kept = Kept("t.csv", at_most=2)
    >>> for line in range(5):
    ...     if kept.keep("value-type"):
    ...         kept.add(Problem("value-type", "t.csv", "not a whole number", line))
    >>> [str(p) for p in kept.problems()][-1], counted(kept.problems())
    ('t.csv: 3 more problem(s) of this kind, not listed one by one [value-type]', 5)
    """

    def __init__(self, file: str, at_most: int = MAX_PROBLEMS_KEPT):
        self.file, self.at_most, self.listed, self.seen = file, at_most, [], {}

    def keep(self, code: str) -> bool:
        self.seen[code] = self.seen.get(code, 0) + 1
        return self.seen[code] <= self.at_most

    def add(self, problem: Problem) -> None:
        self.listed.append(problem)

    def problems(self) -> list[Problem]:
        more = [(code, seen - self.at_most) for code, seen in self.seen.items() if seen > self.at_most]
        return self.listed + [
            Problem(code, self.file, f"{n} more problem(s) of this kind, not listed one by one", more=n - 1) for code, n in more
        ]


class PackageError(Exception):
    """The base of every error this package raises on purpose: most say that something is wrong
    with what it was given (a package, a name, a setting), and the command line says each in one
    line and exits 1 or 2 (``cli.EXIT_CODES``). One says a slip of the package's own makers
    (``texts.MissingText``, a text of ours that ``texts.toml`` lacks): an internal error, exit 3.

    Its text is safe to print as the command line prints it, whoever reads it: every character
    :func:`escaped` escapes is escaped, line breaks too (a path with a right-to-left override in it
    came through raw); a :class:`DataError` keeps the line breaks between its problems, each
    escaped on its own, and ``portal_settings.SettingsError`` those between the settings it names.

    >>> print(PackageError("observations\\u202evsc.csv: gone"))
    observations\\u202evsc.csv: gone
    """

    def __str__(self) -> str:
        return escaped(super().__str__())


class DataError(PackageError, ValueError):
    """Raised with every problem found, not only the first."""

    def __init__(self, problems: list[Problem], what: str = "the data"):
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{counted(self.problems)} problem(s) in {escaped(what)}:\n{lines}")

    def __str__(self) -> str:
        return escaped(Exception.__str__(self), keep="\n")  # its lines: the header and each problem, escaped


def refuse(
    code: Code,
    file: str,
    message: str,
    line: int | None = None,
    column: str | None = None,
    *,
    found=None,
    expected: str | None = None,
) -> DataError:
    """The :class:`DataError` of one problem, to raise."""
    return DataError([Problem(code, file, message, line, column, found=found, expected=expected)], file)


def raise_if_any(problems: list[Problem], what: str = "the data") -> None:
    if problems:
        raise DataError(problems, what)
