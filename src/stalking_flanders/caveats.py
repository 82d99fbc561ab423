"""What each series counts and does not, and which sub-questions have no figures, as text: the
descriptor's description ends with it, and ``stalking-flanders info`` prints it."""

from __future__ import annotations

import pandas as pd

from .facts import SPECIFIC

WORDS = {
    "en": (SPECIFIC["en"][True], SPECIFIC["en"][False], "Sub-question", "no figures"),
    "nl": (SPECIFIC["nl"][True], SPECIFIC["nl"][False], "Deelvraag", "geen cijfers"),
}
NO_FIGURES = "no-figures"  # the subquestions.figures code of a sub-question the answer gives no figures for


def caveats(tables: dict[str, pd.DataFrame], lang: str = "en") -> str:
    """The caveats of the tables ``series`` and ``subquestions``: in English, or in Dutch quoted
    from the answer (``lang="nl"``)."""
    words = WORDS[lang]
    lines = []
    for s in tables["series"].itertuples():
        kind = words[0] if s.stalking_specific else words[1]
        organisation = getattr(s, f"organisation_{lang}")
        lines.append(f"- {s.series} ({organisation}; {kind}): {getattr(s, f'measure_{lang}')} {getattr(s, f'caveat_{lang}')}")
    for q in tables["subquestions"].itertuples():
        if q.figures == NO_FIGURES:
            lines.append(f"- {words[2]} {q.subquestion} ({q.source_question}): {words[3]}. {getattr(q, f'statement_{lang}')}")
    return "\n".join(lines)
