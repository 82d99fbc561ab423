"""What each series counts and does not, what the answer itself says about its figures, the
package's own note, and which sub-questions have no figures, as text: the descriptor's description
ends with it, the loader attaches each series' part to a DataFrame, and ``stalking-flanders info``
prints it. No internal identifier appears in it."""

from __future__ import annotations

import pandas as pd

from .facts import SPECIFIC

# The words around the texts of the tables, in each language; quotations of the answer stand in
# quotation marks, the package's own note is named as such.
WORDS = {
    "en": {
        True: SPECIFIC["en"][True],
        False: SPECIFIC["en"][False],
        "subquestion": "Sub-question",
        "no_figures": "no figures",
        "answer": "The answer (translation made for this package)",
        "reading": "What the answer says about them (sub-question {n}, translation made for this package)",
        "note": "Note of this package",
    },
    "nl": {
        True: SPECIFIC["nl"][True],
        False: SPECIFIC["nl"][False],
        "subquestion": "Deelvraag",
        "no_figures": "geen cijfers",
        "answer": "Het antwoord",
        "reading": "Wat het antwoord erover zegt (deelvraag {n})",
        "note": "Opmerking van dit pakket",
    },
}
NO_FIGURES = "no-figures"  # the subquestions.figures code of a sub-question the answer gives no figures for


def series_caveat(series, subquestions: pd.DataFrame, lang: str = "en") -> str:
    """One series' caveat: what the answer says of its figures (quoted, or translated), the
    answer's own reading of them (the statement of its ``reading_subquestion``), and the
    package's note."""
    words = WORDS[lang]
    reading = subquestions[
        (subquestions["source_question"] == series.source_question) & (subquestions["subquestion"] == series.reading_subquestion)
    ]
    parts = [f"{words['answer']}: “{getattr(series, f'caveat_{lang}')}”"]
    if len(reading) and reading.iloc[0]["subquestion"] != series.subquestion:
        parts.append(f"{words['reading'].format(n=series.reading_subquestion)}: “{reading.iloc[0][f'statement_{lang}']}”")
    parts.append(f"{words['note']}: {getattr(series, f'note_{lang}')}")
    return " ".join(parts)


def caveats(tables: dict[str, pd.DataFrame], lang: str = "en") -> str:
    """The caveats of the tables ``series`` and ``subquestions``, in ``lang``."""
    words, subquestions = WORDS[lang], tables["subquestions"]
    lines, read = [], set()
    for s in tables["series"].itertuples():
        organisation, measure = getattr(s, f"organisation_{lang}"), getattr(s, f"measure_{lang}")
        kind = words[bool(s.stalking_specific)]
        lines.append(f"- {organisation} ({kind}): {measure} {series_caveat(s, subquestions, lang)}")
        read.add((s.source_question, s.reading_subquestion))
    for q in subquestions.itertuples():
        if q.figures == NO_FIGURES and (q.source_question, q.subquestion) not in read:
            lines.append(f"- {words['subquestion']} {q.subquestion}: {words['no_figures']}. “{getattr(q, f'statement_{lang}')}”")
    return "\n".join(lines)
