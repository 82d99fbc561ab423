"""What went wrong, and where: the one shape every check reports in."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem found in a file.

    ``line`` is the 1-based line of the file (for a CSV file, the header is line 1), ``column``
    the column or field, ``found`` what stands there and ``expected`` what should.

    >>> print(Problem("observations.csv", "count is not a whole number", line=4, column="count",
    ...               found="7.5", expected="a whole number"))
    observations.csv, line 4, column 'count': count is not a whole number: found '7.5', expected a whole number
    """

    file: str
    message: str
    line: int | None = None
    column: str | None = None
    found: object = None
    expected: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        text = f"{', '.join(where)}: {self.message}"
        if self.found is not None:
            text += f": found {self.found!r}"
        if self.expected is not None:
            text += f", expected {self.expected}" if self.found is not None else f": expected {self.expected}"
        return text


class DataError(ValueError):
    """Raised with every problem found, not only the first."""

    def __init__(self, problems: list[Problem], what: str = "the data"):
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in {what}:\n{lines}")


def raise_if_any(problems: list[Problem], what: str = "the data") -> None:
    if problems:
        raise DataError(problems, what)
