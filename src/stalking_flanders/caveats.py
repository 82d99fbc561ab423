"""What each series counts and does not, what the answer itself says about its figures, the
package's own note, and which sub-questions have no figures, as text: the descriptor's description
ends with it, the loader attaches each series' part to a DataFrame, and ``stalking-flanders info``
prints it. No internal identifier appears in it, but a source question's id where the package
holds more than one (:func:`several_sources`)."""

from __future__ import annotations

import functools
import re

import pandas as pd

from .facts import SPECIFIC
from .tableschema import records
from .texts import text


@functools.cache
def caveat_words(lang: str) -> dict:
    """The words around the texts of the tables, in ``lang`` (from ``texts.toml``, section
    ``caveats``), and how a series that does (``True``) or does not count stalking is named:
    quotations of the answer stand in quotation marks, the package's own note is named as such.
    Looked up once a language (every series' caveat asks for them); only read."""
    return {True: SPECIFIC[lang][True], False: SPECIFIC[lang][False], **{k: text("caveats", k, lang) for k in AROUND}}


AROUND = ("subquestion", "no_figures", "answer", "and", "reading", "note")
NO_FIGURES = "no-figures"  # the subquestions.figures code of a sub-question the answer gives no figures for
# Beside the figures (wherever they are shown or described), the answer's reading is quoted by its
# first sentences, marked as an excerpt: the first sentence of sub-question 6 (lines 103-106: how
# the minister evaluates the figures), which its answer follows with when he would act and with the
# registration of the Family Justice Centers, which is not about these figures. The whole statement
# stands with its sub-question.
READING_SENTENCES = 1
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“‘'(])")


def sentences(text: str) -> list[str]:
    """The sentences of ``text``.

    >>> sentences("Geen slachtoffers. Het zegt niet tot welke datum (21 december 2021): het dekt mogelijk niet alles.")
    ['Geen slachtoffers.', 'Het zegt niet tot welke datum (21 december 2021): het dekt mogelijk niet alles.']
    """
    return [part for part in _SENTENCE_END.split(text.strip()) if part]


class Readings:
    """The sub-questions by source question and number, each found at once: every series is
    looked up in them, and a package from anywhere may hold many of both (20,000 series, looked
    up by a filter each, took 21 s). Each statement's excerpt is made once, however many series
    read it, and kept as long as these readings are (not a process's lifetime: a package from
    anywhere may hold statements of megabytes)."""

    def __init__(self, subquestions: pd.DataFrame) -> None:
        self.rows: dict[tuple, dict] = {}
        self._excerpts: dict[tuple, tuple[str, bool]] = {}
        for row in subquestions.to_dict("records"):
            self.rows.setdefault((row["source_question"], row["subquestion"]), row)  # the first, as a filter finds

    def of(self, series) -> dict | None:
        """The sub-question whose statement is the answer's own reading of ``series``, or None."""
        return self.rows.get((series.source_question, series.reading_subquestion))

    def excerpt(self, read: dict, lang: str) -> tuple[str, bool]:
        """:func:`excerpt` of the statement of ``read`` (a row of the sub-questions) in ``lang``."""
        key = (read["source_question"], read["subquestion"], lang)
        if key not in self._excerpts:
            self._excerpts[key] = excerpt(read[f"statement_{lang}"])
        return self._excerpts[key]

    def quoted(self, read: dict, lang: str) -> str:
        """The first sentences of the statement of ``read`` in ``lang``, in quotation marks, "(…)"
        marking what is left out."""
        quoted, cut = self.excerpt(read, lang)
        return f"“{quoted}{' (…)' if cut else ''}”"


# The longest excerpt, in characters: the answer's is 286 (Dutch). Every series that reads a
# statement repeats its excerpt in its caveat, and a package from anywhere may hold thousands of
# series reading one statement of one long sentence (12,000 of 65,000 characters took the loader
# past 1 GiB): a longer one is cut at a word, marked as cut.
MAX_EXCERPT_CHARS = 1000


def excerpt(statement: str, count: int = READING_SENTENCES) -> tuple[str, bool]:
    """The first ``count`` sentences of ``statement`` (cut at a word within
    ``MAX_EXCERPT_CHARS``), and whether anything was left out.

    >>> excerpt("Een. Twee."), excerpt(" " * 5000 + "Een." + " " * 5000)
    (('Een.', True), ('Een.', False))
    >>> quoted, cut = excerpt("woord " * 1000)
    >>> len(quoted) <= MAX_EXCERPT_CHARS, quoted.endswith("woord"), cut
    (True, True, True)
    """
    statement = statement.strip()
    parts = sentences(statement[: MAX_EXCERPT_CHARS * 4])  # no more is ever shown: the rest is not split
    quoted = " ".join(parts[:count])
    if len(quoted) > MAX_EXCERPT_CHARS:
        return quoted[: MAX_EXCERPT_CHARS + 1].rsplit(" ", 1)[0][:MAX_EXCERPT_CHARS].rstrip(), True
    return quoted, len(parts) > count or len(statement) > MAX_EXCERPT_CHARS * 4


def quoted_reading(series, readings: Readings, lang: str) -> str:
    """The answer's own reading of ``series`` where its figures are shown first, in ``lang``: its
    label and the first sentences of the statement in quotation marks, "(…)" marking what is left
    out; empty where there is none."""
    read = readings.of(series)
    if read is None:
        return ""
    return f"{reading_label(series, lang)}: {readings.quoted(read, lang)}"


def reading_label(series, lang: str) -> str:
    """What stands before the answer's own reading of ``series``, in ``lang``."""
    return caveat_words(lang)["reading"].format(n=series.reading_subquestion)


def lines_named(span, lang: str) -> str:
    """A span of the archived text's lines in words, in ``lang``.

    >>> lines_named("74-75", "nl"), lines_named(94, "en")
    ('regels 74-75', 'line 94')
    """
    return f"{text('page', 'lines' if '-' in str(span) else 'line', lang)} {span}"


def full_text(span, lang: str) -> str:
    """Where the whole of a statement quoted in part stands, in ``lang``.

    >>> full_text("103-116", "nl")
    'volledige tekst: regels 103-116'
    """
    return f"{text('page', 'full', lang)}: {lines_named(span, lang)}"


def capitalised(text: str) -> str:
    """``text`` with its first letter a capital, for the start of a heading, list item or label: the
    answer writes some organisations' names in lower case within its sentences.

    >>> capitalised("centra voor geestelijke gezondheidszorg (CGG’s)")
    'Centra voor geestelijke gezondheidszorg (CGG’s)'
    """
    return text[:1].upper() + text[1:]


def in_answer_order(series: pd.DataFrame) -> pd.DataFrame:
    """The series in the order the answer gives them."""
    return series.sort_values(["source_question", "subquestion", "header_line"], kind="stable").reset_index(drop=True)


def first_shown(series: pd.DataFrame) -> pd.DataFrame:
    """The series as the README, the page's first screen and the chart show them: those that
    count stalking first, then in the answer's order."""
    ordered = in_answer_order(series)
    return ordered.sort_values("stalking_specific", ascending=False, kind="stable").reset_index(drop=True)


def caveat_parts(series, readings: Readings, lang: str = "en") -> list[str]:
    """The parts of one series' caveat, each a sentence ended by a full stop: what the answer says
    each figure counts and what it says of its figures (quoted, or translated), the answer's own
    reading of them (the first sentences of the statement of its ``reading_subquestion``: the rest
    of that statement is about other matters, and stands whole with its sub-question), and the
    package's note; each quotation with the lines it stands on. The one home of their words and
    order: :func:`series_caveat` joins them, the chart sets one a line."""
    words, read = caveat_words(lang), readings.of(series)
    measure = f"“{getattr(series, f'measure_{lang}')}” ({lines_named(series.measure_lines, lang)})"
    caveat = f"“{getattr(series, f'caveat_{lang}')}” ({lines_named(series.caveat_lines, lang)})"
    parts = [f"{words['answer']}: {measure} {words['and']} {caveat}"]
    if read is not None and read["subquestion"] != series.subquestion:
        parts.append(f"{quoted_reading(series, readings, lang)} ({full_text(read['statement_lines'], lang)})")
    parts.append(f"{words['note']}: {getattr(series, f'note_{lang}')}")
    return [part if part.endswith((".", "?", "!", "…")) else part + "." for part in parts]  # "(regels 94-95) Wat" ran on


def series_caveat(series, readings: Readings, lang: str = "en") -> str:
    """One series' caveat: :func:`caveat_parts`, one after the other."""
    return " ".join(caveat_parts(series, readings, lang))


def caveats(tables: dict[str, pd.DataFrame], lang: str = "en") -> str:
    """The caveats of the tables ``series`` and ``subquestions``, in ``lang``: :func:`caveat_list`, one a line."""
    return "\n".join(caveat_list(tables, lang))


def caveat_list(tables: dict[str, pd.DataFrame], lang: str = "en") -> list[str]:
    """The caveats of the tables ``series`` and ``subquestions``, in ``lang``, each as a list item
    ("- ..."): as many in every language (a caveat may hold a line break of its own)."""
    words, readings = caveat_words(lang), Readings(tables["subquestions"])
    lines = []
    several = several_sources(tables)
    for s in records(tables["series"]):
        organisation, kind = organisation_named(s, lang, several), words[bool(s.stalking_specific)]
        lines.append(f"- {organisation} ({kind}). {series_caveat(s, readings, lang)}")
    return lines + no_figures(tables, lang)


def with_caveats(description: str, tables: dict[str, pd.DataFrame], lang: str = "en") -> str:
    """A description of the package as its descriptor gives it: followed, after an empty line, by
    the caveats of ``tables`` in ``lang`` (:func:`caveats`); :func:`without_caveats` undoes it."""
    return description.strip() + "\n\n" + caveats(tables, lang)


def without_caveats(description, tables: dict[str, pd.DataFrame], lang: str = "en") -> str:
    """A descriptor's description without the caveats :func:`with_caveats` added (as it is
    where it has none)."""
    return str(description).removesuffix("\n\n" + caveats(tables, lang))


def several_sources(tables: dict[str, pd.DataFrame]) -> bool:
    """Whether the package (its ``tables`` by name) holds more than one source question, in any table
    that names one: every output then names each series' and each sub-question's question beside
    it (two CAW series, two sub-questions 2, are not one), the same for all of them.

    >>> import pandas as pd
    >>> one, two = pd.DataFrame({"source_question": ["a"]}), pd.DataFrame({"source_question": ["b"]})
    >>> several_sources({"series": one, "subquestions": one}), several_sources({"series": one, "subquestions": two})
    (False, True)
    """
    named = [set(frame["source_question"]) for frame in tables.values() if "source_question" in frame]
    return len(set().union(*named)) > 1


def organisation_named(s, lang: str, several: bool) -> str:
    """The organisation of series ``s`` as every output heads its figures, with a capital; where the
    package holds more than one source question (``several``: :func:`several_sources`), with its
    question's id.

    >>> import pandas as pd
    >>> s = next(pd.DataFrame({"organisation_nl": ["centra (CGG’s)"], "source_question": ["vp-sv-9"]}).itertuples())
    >>> organisation_named(s, "nl", False), organisation_named(s, "nl", True)
    ('Centra (CGG’s)', 'Centra (CGG’s) (vp-sv-9)')
    """
    named = capitalised(getattr(s, f"organisation_{lang}"))
    return f"{named} ({s.source_question})" if several else named


def subquestions_named(subquestions: pd.DataFrame, several: bool) -> list[str]:
    """Each row's sub-question as every output names it: its number, and where the package holds
    more than one source question (``several``: :func:`several_sources`), its question's id (two
    sub-questions 2 are not one).

    >>> import pandas as pd
    >>> sub = pd.DataFrame({"source_question": ["vp-sv-1", "vp-sv-9"], "subquestion": [2, 2]})
    >>> subquestions_named(sub[:1], False), subquestions_named(sub, True)
    (['2'], ['2 (vp-sv-1)', '2 (vp-sv-9)'])
    """
    pairs = zip(subquestions["subquestion"], subquestions["source_question"])
    return [f"{number} ({source})" if several else str(number) for number, source in pairs]


def no_figures(tables: dict[str, pd.DataFrame], lang: str = "en") -> list[str]:
    """Lines (Markdown list items) of the sub-questions the answer gives no figures for, each with
    what the answer says, whole, in ``lang``, and the lines it stands on; where the package holds
    more than one source question, each names its question (two sub-questions 2 are not one).

    >>> import pandas as pd
    >>> rows = [("vp-sv-1", 2, "no-figures", "Nee.", "54-56"), ("vp-sv-9", 2, "no-figures", "Ja.", "7")]
    >>> sub = pd.DataFrame(rows, columns=["source_question", "subquestion", "figures", "statement_nl", "statement_lines"])
    >>> no_figures({"subquestions": sub[:1]}, "nl")
    ['- Deelvraag 2: geen cijfers. Het antwoord: “Nee.” (regels 54-56)']
    >>> no_figures({"subquestions": sub}, "nl")[1]
    '- Deelvraag 2 (vp-sv-9): geen cijfers. Het antwoord: “Ja.” (regel 7)'
    """
    words, subquestions = caveat_words(lang), tables["subquestions"]
    return [
        f"- {words['subquestion']} {named}: {words['no_figures']}. "
        f"{words['answer']}: “{getattr(q, f'statement_{lang}')}” ({lines_named(q.statement_lines, lang)})"
        for q, named in zip(records(subquestions), subquestions_named(subquestions, several_sources(tables)))
        if q.figures == NO_FIGURES
    ]
