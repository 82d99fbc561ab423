"""The pure table parser, on three-line inputs: rows and problems, with their lines and codes."""

from __future__ import annotations

import pytest

from stalking_flanders.pipeline.table_parser import parse_table

LABELS = ["Agressie", "Dader lichamelijk geweld"]
YEARS = [2019, 2020]


def parse(*lines: str, first: int = 10):
    return parse_table(list(enumerate(lines, start=first)), LABELS, YEARS, "s", "t.txt")


def test_rows_on_one_line_and_wrapped_with_numbers_on_a_later_line():
    rows, problems = parse("Agressie 1 2", "Dader lichamelijk", "geweld 3 4")
    assert problems == []
    assert [(r.label, r.label_lines, r.count_line, r.counts) for r in rows] == [
        ("Agressie", (10, 10), 10, [1, 2]),
        ("Dader lichamelijk geweld", (11, 12), 12, [3, 4]),
    ]


def test_blank_lines_and_white_space_are_folded():
    rows, problems = parse("  Agressie   1  2 ", "", "Dader  lichamelijk geweld 3 4")
    assert problems == [] and [r.counts for r in rows] == [[1, 2], [3, 4]]


def test_letter_case_is_not_folded():
    # A label is published as the text prints it, and validate holds it to its lines letter for
    # letter: the extractor let "DADER lichamelijk geweld" through as the layout's label.
    _, problems = parse("agressie 1 2", "", "Dader lichamelijk geweld 3 4")
    assert [(p.code, p.line, p.found) for p in problems][:1] == [("table-row", 10, "agressie 1 2")]


@pytest.mark.parametrize("count", ["9" * 5000, "9223372036854775808", "9999999999999999999"])
def test_a_count_past_what_an_int64_holds_is_a_problem_not_an_error(count):
    # Python converts no more than 4,300 digits to a number: int() raised ValueError; and 19 digits
    # past 2**63 - 1 were extracted, for the validate step to refuse.
    _, problems = parse(f"Agressie 1 {count}", "Dader lichamelijk geweld 3 4", "")
    assert [(p.code, p.line) for p in problems] == [("count-not-whole", 10)]


def test_the_largest_count_an_int64_holds_is_read():
    rows, problems = parse("Agressie 1 9223372036854775807", "Dader lichamelijk geweld 3 4", "")
    assert problems == [] and rows[0].counts == [1, 2**63 - 1]


CASES = {
    "an unexpected row": (("Agressie 1 2", "Iets anders 5 6", "Dader lichamelijk geweld 3 4"), [("table-row", 11)]),
    "a label standing twice": (("Agressie 1 2", "Agressie 5 6", "Dader lichamelijk geweld 3 4"), [("table-row", 11)]),
    "too few counts": (("Agressie 1", "Dader lichamelijk geweld 3 4", ""), [("table-row", 10)]),
    "too many counts": (("Agressie 1 2 3", "Dader lichamelijk geweld 3 4", ""), [("table-row", 10)]),
    "a count that is not whole": (("Agressie 1 2.5", "Dader lichamelijk geweld 3 4", ""), [("count-not-whole", 10)]),
    "a negative count": (("Agressie -1 2", "Dader lichamelijk geweld 3 4", ""), [("count-not-whole", 10)]),
    "a missing row": (("Agressie 1 2", "", ""), [("table-row", None)]),
    "a wrapped label whose numbers never come": (
        ("Agressie 1 2", "Dader lichamelijk", ""),
        [("table-row", 11), ("table-row", None)],
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_problems(case):
    lines, expected = CASES[case]
    rows, problems = parse(*lines)
    assert [(p.code, p.line) for p in problems] == expected, [str(p) for p in problems]
    assert all(p.file == "t.txt" for p in problems)
    assert all(r.label in LABELS for r in rows)  # a bad row yields no row: nothing half parsed


def test_the_problem_names_what_was_found_and_expected():
    _, problems = parse("Agressie 1 x", "Dader lichamelijk geweld 3 4", "")
    assert (
        problems[0].found == "x"
        and problems[0].expected == "a whole number of 0 or more, at most 9223372036854775807 (a 64-bit integer)"
    )
    assert "year 2020" in problems[0].message


def test_a_missing_row_names_the_whole_table_even_after_an_unfinished_one():
    _, problems = parse("", "", "Dader lichamelijk")  # Agressie missing; the wrapped label never gets numbers
    missing = [p for p in problems if "is missing" in p.message]
    assert missing and {p.message.rsplit(" ", 1)[-1] for p in missing} == {"10-12"}
