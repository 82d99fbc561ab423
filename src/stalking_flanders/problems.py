"""What went wrong, and where: the one shape every check reports in.

Each problem has a stable ``code`` (tests and scripts match codes, never the English message),
the file, the line (for a CSV file, the header is line 1) or key path, the column, what was found
and what was expected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_VALUE_CHARS = 200  # the longest value a message shows
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")

# Every code a problem can have, with what it means. Frictionless' own error types are reported
# as "frictionless/<type>".
CODES = {
    # files and descriptors
    "file-missing": "a file the descriptor or registry names is not there",
    "file-hash": "a file's sha256 differs from the one recorded for it",
    "file-size": "a file's size differs from the one recorded for it",
    "path-outside": "a path leads outside the package folder",
    "descriptor-json": "the descriptor is not JSON",
    "descriptor-shape": "the descriptor is not a Data Package descriptor this package can read",
    "file-unsafe": "a file is reached through a link, is not a regular file, or is too large to read",
    "release-unknown": "the package is not a version of stalking-flanders this installed package knows",
    "release-differs": "the descriptor differs from the published release of the version it claims",
    # CSV cells and columns
    "column-missing": "a column of the Table Schema is missing",
    "column-extra": "a column is not in the Table Schema",
    "column-order": "the columns are out of order",
    "csv-unreadable": "the file cannot be read as CSV",
    "value-required": "a required value is missing",
    "value-type": "a value is not of its field's type",
    "value-constraint": "a value breaks a constraint of its field",
    "primary-key": "the primary key is not unique",
    "spreadsheet-formula": "a text value starts as a spreadsheet formula would (=, +, -, @, tab, carriage return)",
    # rules across tables
    "foreign-key": "a row refers to no row of the table it refers to",
    "year-outside-series": "a year lies outside the years of its series",
    "format-unreadable": "a file of another format than CSV (Parquet, the workbook) cannot be read",
    "format-differs": "a file of another format than CSV does not hold the rows of the table's CSV file",
    # the figures against the archived answer
    "source-unregistered": "a source question is not registered with this package",
    "source-text-changed": "an archived text is not the registered one",
    "source-line": "a line number is not a line of the archived text",
    "figure-differs": "a figure differs from the archived answer",
    "figure-missing": "a figure of the archived answer is missing",
    "label-not-on-lines": "a label does not stand on its recorded lines",
    "year-not-in-header": "a year is not in its table's header in the answer",
    # extracting an archived answer
    "layout-key": "a key of a layout file is missing, unknown or of the wrong type",
    "quote-not-found": "a value of the layout file does not stand in the archived text",
    "paragraphs": "the numbered paragraphs of the text are not numbered 1, 2, 3, ...",
    "subquestion": "a sub-question has no question or no answer",
    "table-header": "a table's header (heading and years) is missing or differs",
    "table-row": "a table row is unexpected, duplicated, missing or has the wrong counts",
    "count-not-whole": "a count in the text is not a whole number",
}


def printable(value, limit: int = MAX_VALUE_CHARS) -> str:
    """``value`` as text that is safe to print: control and direction characters escaped, and cut
    after ``limit`` characters with a count of what was left out.

    >>> printable("\\x1b[2Jvalid")
    '\\\\x1b[2Jvalid'
    >>> printable("x" * 250)[-30:]
    'xxxxxx... (50 more characters)'
    """
    text = CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(value))
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text) - limit} more characters)"


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

    def __post_init__(self):
        if self.code not in CODES and not self.code.startswith("frictionless/"):
            raise ValueError(f"unknown problem code {self.code!r}; add it to problems.CODES")

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


class DataError(ValueError):
    """Raised with every problem found, not only the first."""

    def __init__(self, problems: list[Problem], what: str = "the data"):
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in {what}:\n{lines}")


def raise_if_any(problems: list[Problem], what: str = "the data") -> None:
    if problems:
        raise DataError(problems, what)
