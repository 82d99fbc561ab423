"""Extract the tables of one archived answer, as its layout file describes them.

The extractor holds no figure: it reads every number from the archived text, checks the text
against what the layout file expects (categories, years, quoted statements), and fails with the
line and what it expected where the text does not fit.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date

from .problems import Problem, raise_if_any
from .sources import Source, read_text
from .text import ArchivedText, fold, span

DUTCH_MONTHS = (
    "januari februari maart april mei juni juli augustus september oktober november december"
).split()
WHOLE_NUMBER = re.compile(r"^[0-9]+$")
YEAR = re.compile(r"^[0-9]{4}$")


def load_layout(source: Source) -> dict:
    with source.layout_path.open("rb") as fh:
        return tomllib.load(fh)


def extract(source: Source, archived_name: str | None = None) -> dict[str, list[dict]]:
    """Rows of every table for ``source``, read from its archived text.

    ``archived_name`` is the path the archived text will have inside the data package.
    Raises :class:`~stalking_flanders.problems.DataError` listing every problem found.
    """
    layout = load_layout(source)
    text = ArchivedText(read_text(source), str(source.text_path))
    return _Extractor(source, layout, text, archived_name or source.text_path.name).run()


class _Extractor:
    def __init__(self, source: Source, layout: dict, text: ArchivedText, archived_name: str):
        self.source = source
        self.layout = layout
        self.text = text
        self.archived_name = archived_name
        self.problems: list[Problem] = []

    def problem(self, message, line=None, found=None, expected=None, column=None):
        self.problems.append(Problem(self.text.name, message, line, column, found, expected))

    def quote(self, what: str, phrase: str, first: int = 1, last: int | None = None) -> str:
        """The line span of ``phrase`` (a value from the layout file) in the text."""
        where = self.text.find(phrase, first, last)
        if where is None:
            last = len(self.text) if last is None else last
            self.problem(
                f"{what} (from {self.source.layout_path.name}) does not stand in lines {first}-{last}",
                expected=repr(fold(phrase)),
            )
            return ""
        return span(*where)

    def run(self) -> dict[str, list[dict]]:
        q = self.layout["question"]
        sid = self.source.id
        for key, value in q.items():
            if key.endswith("_nl") or key in ("questioner", "minister"):
                self.quote(f"question.{key}", value)
        asked = q["date"]
        self.quote(
            "question.number and question.date",
            f"vraag nr. {q['number']} van {asked.day} {DUTCH_MONTHS[asked.month - 1]} {asked.year}",
        )
        raise_if_any(self.problems, f"source {sid}")

        answer_start = self.text.find(q["answer_nl"])[0]
        asked_end = self.text.find(q["also_put_to_nl"])[0] - 1
        questions = self.paragraphs("question", 1, asked_end)
        answers = self.paragraphs("answer", answer_start + 1, len(self.text))
        raise_if_any(self.problems, f"source {sid}")

        subquestions = [self.subquestion(sq, questions, answers) for sq in self.layout["subquestions"]]
        series, categories, observations = [], [], []
        for spec in self.layout["series"]:
            if spec["subquestion"] not in answers:
                self.problem(f"series {spec['id']}: its sub-question {spec['subquestion']} has no answer")
                continue
            s, cats, obs = self.series(spec, answers[spec["subquestion"]])
            series.append(s)
            categories += cats
            observations += obs
        raise_if_any(self.problems, f"source {sid}")

        source_question = {
            "source_question": sid,
            "parliament": q["parliament"],
            "document_type": q["document_type"],
            "number": q["number"],
            "date": asked if isinstance(asked, date) else date.fromisoformat(str(asked)),
            "questioner": q["questioner"],
            "minister": q["minister"],
            "minister_title_nl": q["minister_title_nl"],
            "minister_title_en": q["minister_title_en"],
            "title_nl": q["title_nl"],
            "title_en": q["title_en"],
            "also_put_to_nl": q["also_put_to_nl"],
            "answer_type_nl": q["answer_nl"],
            "archived_text": self.archived_name,
            "sha256": self.source.sha256,
        }
        return {
            "source_questions": [source_question],
            "subquestions": subquestions,
            "series": series,
            "categories": categories,
            "observations": observations,
        }

    def paragraphs(self, what: str, first: int, last: int) -> dict[int, tuple[int, int]]:
        found = self.text.numbered_paragraphs(first, last)
        numbers = [n for n, _, _ in found]
        expected = list(range(1, len(found) + 1))
        if numbers != expected:
            self.problem(
                f"the {what} paragraphs in lines {first}-{last} are not numbered 1, 2, 3, ...",
                found=numbers,
                expected=str(expected),
            )
        return {n: (a, b) for n, a, b in found}

    def subquestion(self, spec: dict, questions: dict, answers: dict) -> dict:
        n = spec["number"]
        if n not in questions or n not in answers:
            self.problem(f"sub-question {n} (from {self.source.layout_path.name}) has no question or no answer")
            return {}
        (qa, qb), (aa, ab) = questions[n], answers[n]
        question = fold(" ".join(self.text.lines[qa - 1 : qb]))
        return {
            "source_question": self.source.id,
            "subquestion": n,
            "question_nl": question.split(" ", 1)[1],
            "question_en": spec["question_en"],
            "question_lines": span(qa, qb),
            "answer_lines": span(aa, ab),
            "figures": spec["figures"],
            "statement_nl": fold(spec["statement_nl"]),
            "statement_en": spec["statement_en"],
            "statement_lines": self.quote(f"sub-question {n} statement_nl", spec["statement_nl"], aa, ab),
        }

    def series(self, spec: dict, answer: tuple[int, int]):
        sid, first, last = spec["id"], answer[0], answer[1]
        sq = spec["subquestion"]
        where = {k: self.quote(f"series {sid} {k}", spec[k], *(answer if k != "organisation_nl" else (1, None)))
                 for k in ("measure_nl", "caveat_nl", "organisation_nl")}
        anchor = self.text.find(spec["after_nl"], first, last)
        if anchor is None:
            self.quote(f"series {sid} after_nl", spec["after_nl"], first, last)
            return {}, [], []
        header = next((n for n in range(anchor[1] + 1, last + 1)
                       if (tokens := self.text.line(n).split()) and YEAR.match(tokens[-1])), None)
        if header is None:
            self.problem(f"series {sid}: no table header (a line ending in years) after line {anchor[1]}",
                         expected=f"{spec['heading_nl']} {' '.join(map(str, spec['years']))}".strip())
            return {}, [], []
        years = self.header(spec, header)
        row = {
            "series": sid,
            "source_question": self.source.id,
            "subquestion": sq,
            "organisation_nl": fold(spec["organisation_nl"]),
            "organisation_en": spec["organisation_en"],
            "heading_nl": spec["heading_nl"] or None,
            "first_year": min(spec["years"]),
            "last_year": max(spec["years"]),
            "header_line": header,
            "measure_nl": fold(spec["measure_nl"]),
            "measure_en": spec["measure_en"],
            "measure_lines": where["measure_nl"],
            "stalking_specific": spec["stalking_specific"],
            "caveat_nl": fold(spec["caveat_nl"]),
            "caveat_en": spec["caveat_en"],
            "caveat_lines": where["caveat_nl"],
        }
        if years is None:
            return row, [], []
        categories, observations = self.rows(spec, years, header + 1, last)
        return row, categories, observations

    def header(self, spec: dict, line: int) -> list[int] | None:
        tokens = fold(self.text.line(line)).split()
        k = len(tokens)
        while k > 0 and YEAR.match(tokens[k - 1]):
            k -= 1
        heading, years = " ".join(tokens[:k]), [int(t) for t in tokens[k:]]
        ok = True
        if heading.lower() != fold(spec["heading_nl"]).lower():
            self.problem(f"series {spec['id']}: the table heading before the years differs",
                         line, found=heading, expected=repr(fold(spec["heading_nl"])))
            ok = False
        if years != spec["years"]:
            self.problem(f"series {spec['id']}: the years of the table header differ",
                         line, found=" ".join(map(str, years)),
                         expected=" ".join(map(str, spec["years"])))
            ok = False
        return years if ok else None

    def rows(self, spec: dict, years: list[int], first: int, last: int):
        sid = spec["id"]
        labels = [fold(c["nl"]) for c in spec["categories"]]
        english = {fold(c["nl"]): c["en"] for c in spec["categories"]}
        seen: dict[str, int] = {}
        categories, observations = [], []
        pending, pending_from, complete = "", None, None

        def expect_row() -> str:
            return (f"a category of series {sid} ({'; '.join(labels)}) followed by "
                    f"{len(years)} whole numbers (for {', '.join(map(str, years))})")

        def record(label: str, label_from: int, label_to: int, tokens: list[str], line: int):
            if label in seen:
                self.problem(f"series {sid}: category {label!r} stands a second time (first on line {seen[label]})", line)
                return
            seen[label] = label_from
            if len(tokens) != len(years):
                self.problem(f"series {sid}, category {label!r}: wrong number of counts", line,
                             found=" ".join(tokens), expected=f"{len(years)} whole numbers, one for each of {', '.join(map(str, years))}")
                return
            bad = False
            for year, token in zip(years, tokens):
                if not WHOLE_NUMBER.match(token):
                    self.problem(f"series {sid}, category {label!r}, year {year}: the count is not a whole number",
                                 line, found=token, expected="a whole number of 0 or more")
                    bad = True
            if bad:
                return
            categories.append({"series": sid, "category": label, "label_en": english[label],
                               "source_lines": span(label_from, label_to)})
            observations.extend(
                {"source_question": self.source.id, "series": sid, "category": label,
                 "year": year, "count": int(token), "source_line": line}
                for year, token in zip(years, tokens)
            )

        for n in range(first, last + 1):
            line = fold(self.text.line(n))
            if not line:
                continue
            if complete is not None:
                label, label_from, label_to = complete
                record(label, label_from, label_to, line.split(), n)
                complete = None
                continue
            candidate = f"{pending} {line}".strip()
            lower = candidate.lower()
            match = max((lab for lab in labels if lower == lab.lower() or lower.startswith(lab.lower() + " ")),
                        key=len, default=None)
            if match is not None:
                rest = candidate[len(match):].split()
                start = pending_from or n
                pending, pending_from = "", None
                if rest:
                    record(match, start, n, rest, n)
                else:
                    complete = (match, start, n)
            elif any(lab.lower().startswith(lower + " ") for lab in labels):
                pending, pending_from = candidate, pending_from or n
            else:
                self.problem(f"series {sid}: a row that is not one of the expected rows", n,
                             found=candidate, expected=expect_row())
                pending, pending_from = "", None
        if pending or complete:
            label = pending or complete[0]
            self.problem(f"series {sid}: the row {label!r} has no counts before line {last + 1}",
                         pending_from or complete[1], expected=f"{len(years)} whole numbers")
        for label in labels:
            if label not in seen:
                self.problem(f"series {sid}: category {label!r} is missing from the table in lines {first}-{last}",
                             expected=f"a row {label!r} followed by {len(years)} whole numbers")
        return categories, observations
