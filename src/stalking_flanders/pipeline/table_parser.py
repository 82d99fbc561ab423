"""A pure parser of one table of an archived answer: numbered lines, the expected row labels and
the years of the header in; rows and problems out. It reads no file and knows no figure.

A row is a label followed by one whole number per year. A label may wrap over several lines, and
its numbers may stand on the line after it.

>>> rows, problems = parse_table([(10, "Agressie 1 2"), (11, "Dader"), (12, "lichamelijk geweld"), (13, "3 4")],
...                              ["Agressie", "Dader lichamelijk geweld"], [2019, 2020], "s", "t.txt")
>>> [(r.label, r.label_lines, r.count_line, r.counts) for r in rows], problems
([('Agressie', (10, 10), 10, [1, 2]), ('Dader lichamelijk geweld', (11, 12), 13, [3, 4])], [])
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import INT64, count_of
from ..problems import Problem
from ..text import fold


@dataclass(frozen=True)
class Row:
    label: str  # as the layout file gives it, white space folded
    label_lines: tuple[int, int]  # the first and last line the label stands on
    count_line: int  # the line the numbers stand on
    counts: list[int]  # one per year, in the header's order


def parse_table(
    lines: list[tuple[int, str]], labels: list[str], years: list[int], series: str, file: str
) -> tuple[list[Row], list[Problem]]:
    """The rows of the table in ``lines`` ((line number, text) pairs), and every problem found:
    an unexpected row, a label standing twice, a label with no numbers, a wrong number of counts,
    a count that is not a whole number, an expected label that is missing."""
    parser = _Parser([fold(label) for label in labels], years, series, file)
    for number, text in lines:
        parser.feed(number, fold(text))
    return parser.finish(lines[0][0] if lines else 0, lines[-1][0] if lines else 0)


class _Parser:
    def __init__(self, labels: list[str], years: list[int], series: str, file: str):
        self.labels, self.years, self.series, self.file = labels, years, series, file
        self.rows: list[Row] = []
        self.problems: list[Problem] = []
        self.seen: dict[str, int] = {}
        self.pending: tuple[str, int] | None = None  # the start of a wrapped label, and its first line
        self.waiting: tuple[str, int, int] | None = None  # a whole label whose numbers are on the next line

    def problem(self, message: str, line: int | None, found=None, expected=None, code: str = "table-row"):
        self.problems.append(Problem(code, self.file, f"series {self.series}: {message}", line, found=found, expected=expected))

    def feed(self, number: int, line: str) -> None:
        if not line:
            return
        if self.waiting is not None:
            label, first, last = self.waiting
            self.waiting = None
            self.record(label, (first, last), number, line.split())
            return
        start = self.pending[1] if self.pending else number
        candidate = f"{self.pending[0]} {line}" if self.pending else line
        self.pending = None
        label = self.match(candidate)
        if label is not None:
            rest = candidate[len(label) :].split()
            if rest:
                self.record(label, (start, number), number, rest)
            else:
                self.waiting = (label, start, number)
        elif any(lab.startswith(candidate + " ") for lab in self.labels):
            self.pending = (candidate, start)
        else:
            self.problem(
                "a row that is not one of the expected rows",
                number,
                found=candidate,
                expected=f"one of the categories the source's layout file gives series {self.series} "
                f"({'; '.join(self.labels)}) followed by {len(self.years)} whole numbers (for {', '.join(map(str, self.years))})",
            )

    def match(self, candidate: str) -> str | None:
        """The longest expected label that ``candidate`` is, or starts with (as whole words), letter
        for letter: a label is published as the text prints it (``validate`` holds it to its lines)."""
        hits = [lab for lab in self.labels if candidate == lab or candidate.startswith(lab + " ")]
        return max(hits, key=len, default=None)

    def record(self, label: str, label_lines: tuple[int, int], line: int, tokens: list[str]) -> None:
        if label in self.seen:
            self.problem(f"category {label!r} stands a second time (first on line {self.seen[label]})", line)
            return
        self.seen[label] = label_lines[0]
        if len(tokens) != len(self.years):
            self.problem(
                f"category {label!r}: wrong number of counts",
                line,
                found=" ".join(tokens),
                expected=f"{len(self.years)} whole numbers, one for each of {', '.join(map(str, self.years))}",
            )
            return
        counts = [count_of(token) for token in tokens]  # a whole number of 0 or more that an int64 holds, or None
        bad = [(year, token) for year, token, count in zip(self.years, tokens, counts) if count is None]
        for year, token in bad:
            self.problem(
                f"category {label!r}, year {year}: the count is not a whole number",
                line,
                found=token if len(token) <= 60 else f"{token[:60]}… ({len(token)} characters)",
                expected=f"a whole number of 0 or more, at most {INT64[1]} (a 64-bit integer)",
                code="count-not-whole",
            )
        if not bad:
            self.rows.append(Row(label, label_lines, line, counts))

    def finish(self, first: int, last: int) -> tuple[list[Row], list[Problem]]:
        if self.pending or self.waiting:
            label, start = (self.pending[0], self.pending[1]) if self.pending else (self.waiting[0], self.waiting[1])
            self.problem(
                f"the row {label!r} has no counts before line {last + 1}", start, expected=f"{len(self.years)} whole numbers"
            )
        for label in self.labels:
            if label not in self.seen:
                self.problem(
                    f"category {label!r} is missing from the table in lines {first}-{last}",
                    None,
                    expected=f"a row {label!r} followed by {len(self.years)} whole numbers",
                )
        return self.rows, self.problems
