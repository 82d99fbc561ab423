"""Extract the tables of one archived answer, as its layout file describes them.

The extractor holds no figure: it reads every number from the archived text, checks the text
against what the layout file expects (categories, years, quoted statements), and fails with the
line and what it expected where the text does not fit. Nothing is returned unless every part of
the text fits.
"""

from __future__ import annotations

import re

from ..problems import Problem, raise_if_any
from ..sources import Source, read_text, registered_file
from ..text import ArchivedText, fold, question_heading, span
from .layout import Layout, Series, Subquestion, load_layout
from .table_parser import parse_table

YEAR = re.compile(r"^[0-9]{4}$")


def extract(source: Source, archived_name: str | None = None) -> dict[str, list[dict]]:
    """Rows of every table for ``source``, read from its archived text.

    ``archived_name`` is the path the archived text will have inside the data package.
    Raises :class:`~stalking_flanders.problems.DataError` listing every problem found.
    """
    layout = load_layout(registered_file(source, "layout"))
    text = ArchivedText(read_text(source), str(source.text_path))
    return _Extractor(source, layout, text, archived_name or source.text_path.name).tables()


class _Extractor:
    def __init__(self, source: Source, layout: Layout, text: ArchivedText, archived_name: str):
        self.source, self.layout, self.text, self.archived_name = source, layout, text, archived_name
        self.problems: list[Problem] = []

    def problem(self, code: str, message: str, line=None, found=None, expected=None):
        self.problems.append(Problem(code, self.text.name, message, line, None, found, expected))

    def check(self) -> None:
        """Stop here, with every problem found so far, if there are any."""
        raise_if_any(self.problems, f"source {self.source.id}")

    # why a value of the layout file must stand in the text, said where it does not
    QUOTES = "it quotes the answer, word for word (the package's own words belong in a note, note_nl and note_en)"

    def quote(self, what: str, phrase: str, first: int = 1, last: int | None = None, why: str = QUOTES, exact_case=False) -> str:
        """The line span of ``phrase`` (a value from the layout file) in the text ("" if absent):
        letter for letter where ``exact_case`` (a quotation published with its lines, which
        ``validate`` holds to them), otherwise up to letter case (a name the text prints in capitals)."""
        where = self.text.find(phrase, first, last, exact_case=exact_case)
        if where is None:
            last = len(self.text) if last is None else last
            said = f"{what} (from {self.source.layout_path.name}) does not stand in lines {first}-{last}: {why}"
            self.problem("quote-not-found", said, expected=repr(fold(phrase)))
            return ""
        return span(*where)

    def tables(self) -> dict[str, list[dict]]:
        questions, answers = self.question_and_answers()
        subquestions = [self.subquestion(sq, questions, answers) for sq in self.layout.subquestions]
        series, categories, observations = [], [], []
        for spec in self.layout.series:
            if spec.subquestion not in answers:
                self.problem("subquestion", f"series {spec.id}: its sub-question {spec.subquestion} has no answer")
                continue
            found = _series(self, spec, answers[spec.subquestion])
            if found is not None:
                series.append(found[0])
                categories += found[1]
                observations += found[2]
        self.check()  # nothing below runs unless every part of the text fitted
        return {
            "source_questions": [_source_question(self)],
            "subquestions": subquestions,
            "series": series,
            "categories": categories,
            "observations": observations,
        }

    def question_and_answers(self) -> tuple[dict, dict]:
        """The numbered paragraphs of the question and of the answer: number -> (first, last line)."""
        q = self.layout.question
        for key, value in q.quoted().items():
            self.quote(f"question.{key}", value)
        self.quote(
            "the heading that question.number and question.date make",
            question_heading(q.number, q.date),
            why="the text's heading gives the question's number and date (check both against the text)",
        )
        self.check()
        answer_start = self.text.find(q.answer_nl)[0]
        asked_end = self.text.find(q.also_put_to_nl)[0] - 1
        questions = self.paragraphs("question", 1, asked_end)
        answers = self.paragraphs("answer", answer_start + 1, len(self.text))
        self.check()
        return questions, answers

    def paragraphs(self, what: str, first: int, last: int) -> dict[int, tuple[int, int]]:
        found = self.text.numbered_paragraphs(first, last)
        numbers = [n for n, _, _ in found]
        expected = list(range(1, len(found) + 1))
        if numbers != expected:
            self.problem(
                "paragraphs",
                f"the {what} paragraphs in lines {first}-{last} are not numbered 1, 2, 3, ...",
                found=numbers,
                expected=str(expected),
            )
        return {n: (a, b) for n, a, b in found}

    def subquestion(self, spec: Subquestion, questions: dict, answers: dict) -> dict | None:
        n = spec.number
        if n not in questions or n not in answers:
            self.problem("subquestion", f"sub-question {n} (from {self.source.layout_path.name}) has no question or no answer")
            return None
        (qa, qb), (aa, ab) = questions[n], answers[n]
        question = fold(" ".join(self.text.lines[qa - 1 : qb]))
        if " " not in question:  # the paragraph's number and nothing after it
            self.problem("subquestion", f"sub-question {n}: its paragraph holds its number only", qa, found=question)
            return None
        return {
            "source_question": self.source.id,
            "subquestion": n,
            "question_nl": question.split(" ", 1)[1],
            "question_en": spec.question_en,
            "question_lines": span(qa, qb),
            "answer_lines": span(aa, ab),
            "figures": spec.figures,
            "statement_nl": fold(spec.statement_nl),
            "statement_en": spec.statement_en,
            "statement_lines": self.quote(f"sub-question {n} statement_nl", spec.statement_nl, aa, ab, exact_case=True),
        }


def _source_question(x: _Extractor) -> dict:
    q = x.layout.question
    return {
        "source_question": x.source.id,
        "parliament": q.parliament,
        "document_type": q.document_type,
        "number": q.number,
        "date": q.date,
        "questioner": q.questioner,
        "minister": q.minister,
        "minister_title_nl": q.minister_title_nl,
        "minister_title_en": q.minister_title_en,
        "title_nl": q.title_nl,
        "title_en": q.title_en,
        "also_put_to_nl": q.also_put_to_nl,
        "answer_type_nl": q.answer_nl,
        "archived_text": x.archived_name,
        "sha256": x.source.sha256,
    }


def _series(x: _Extractor, spec: Series, answer: tuple[int, int]) -> tuple[dict, list[dict], list[dict]] | None:
    where = {k: x.quote(f"series {spec.id} {k}", getattr(spec, k), *answer, exact_case=True) for k in ("measure_nl", "caveat_nl")}
    x.quote(f"series {spec.id} organisation_nl", spec.organisation_nl)  # anywhere in the text, in any letter case
    if where["measure_nl"]:  # the unit is a word of what the answer says each figure counts
        first, _, last = where["measure_nl"].partition("-")
        x.quote(f"series {spec.id} unit_nl", spec.unit_nl, int(first), int(last or first), exact_case=True)
    header = _header_line(x, spec, answer)
    if header is None or not _header_fits(x, spec, header):
        return None
    row = {
        "series": spec.id,
        "source_question": x.source.id,
        "subquestion": spec.subquestion,
        "organisation_nl": fold(spec.organisation_nl),
        "organisation_en": spec.organisation_en,
        "heading_nl": spec.heading_nl or None,
        "first_year": min(spec.years),
        "last_year": max(spec.years),
        "header_line": header,
        "measure_nl": fold(spec.measure_nl),
        "measure_en": spec.measure_en,
        "measure_lines": where["measure_nl"],
        "stalking_specific": spec.stalking_specific,
        "caveat_nl": fold(spec.caveat_nl),
        "caveat_en": spec.caveat_en,
        "caveat_lines": where["caveat_nl"],
        "reading_subquestion": spec.reading_subquestion,
        "note_nl": spec.note.nl,
        "note_en": spec.note.en,
        "unit_nl": spec.unit_nl,
        "unit_en": spec.unit_en,
    }
    lines = [(n, x.text.line(n)) for n in range(header + 1, answer[1] + 1)]
    rows, problems = parse_table(lines, [c.nl for c in spec.categories], spec.years, spec.id, x.text.name)
    x.problems += problems
    english = {fold(c.nl): c.en for c in spec.categories}
    categories = [
        {"series": spec.id, "category": r.label, "label_en": english[r.label], "source_lines": span(*r.label_lines)} for r in rows
    ]
    observations = [
        {
            "source_question": x.source.id,
            "series": spec.id,
            "category": r.label,
            "year": year,
            "count": count,
            "source_line": r.count_line,
        }
        for r in rows
        for year, count in zip(spec.years, r.counts)
    ]
    return row, categories, observations


def _header_line(x: _Extractor, spec: Series, answer: tuple[int, int]) -> int | None:
    """The first line after ``after_nl`` that ends in a year: the table's header."""
    first, last = answer
    anchor = x.text.find(spec.after_nl, first, last)
    if anchor is None:
        x.quote(f"series {spec.id} after_nl", spec.after_nl, first, last)
        return None
    header = next(
        (n for n in range(anchor[1] + 1, last + 1) if (tokens := x.text.line(n).split()) and YEAR.match(tokens[-1])), None
    )
    if header is None:
        x.problem(
            "table-header",
            f"series {spec.id}: no table header (a line ending in years) after line {anchor[1]}",
            expected=f"{spec.heading_nl} {' '.join(map(str, spec.years))}".strip(),
        )
    return header


def _header_fits(x: _Extractor, spec: Series, line: int) -> bool:
    tokens = fold(x.text.line(line)).split()
    k = len(tokens)
    while k > 0 and YEAR.match(tokens[k - 1]):
        k -= 1
    heading, years = " ".join(tokens[:k]), [int(t) for t in tokens[k:]]
    fits = True
    if heading != fold(spec.heading_nl):  # letter for letter: the heading is published as the text prints it
        x.problem(
            "table-header",
            f"series {spec.id}: the table heading before the years differs",
            line,
            found=heading,
            expected=repr(fold(spec.heading_nl)),
        )
        fits = False
    if years != spec.years:
        x.problem(
            "table-header",
            f"series {spec.id}: the years of the table header differ",
            line,
            found=" ".join(map(str, years)),
            expected=" ".join(map(str, spec.years)),
        )
        fits = False
    return fits
