"""Finding phrases in an archived text by line, with white space (and, unless asked not to, letter case) folded."""

from __future__ import annotations

import bisect
import functools
import re

# ASCII digits only (\d takes the digits of other scripts too), and few enough for int() to convert
NUMBERED = re.compile(r"^([0-9]{1,9})\.\s")
# Dutch month names, as the answer's heading dates its question ("op vraag nr. 186 van 21 december 2021")
MONTHS_NL = ("januari", "februari", "maart", "april", "mei", "juni", "juli")
MONTHS_NL += ("augustus", "september", "oktober", "november", "december")


def dutch_date(date) -> str:
    """A date as the archived texts write it.

    >>> import datetime
    >>> dutch_date(datetime.date(2021, 12, 21))
    '21 december 2021'
    """
    return f"{date.day} {MONTHS_NL[date.month - 1]} {date.year}"


def question_heading(number: int, date) -> str:
    """How the answer's heading names the question it answers (the extractor finds it there).

    >>> import datetime
    >>> question_heading(186, datetime.date(2021, 12, 21))
    'vraag nr. 186 van 21 december 2021'
    """
    return f"vraag nr. {number} van {dutch_date(date)}"


def fold(text: str) -> str:
    """White space folded to single spaces.

    >>> fold("  Stalking  -\\n Ondersteuning ")
    'Stalking - Ondersteuning'
    """
    return " ".join(text.split())


def lowered(text: str) -> str:
    """``text`` in lower case letter for letter, as long as ``text``: each letter lowered on its own
    (the same letter the same way wherever it stands: ``str.lower`` makes a word's last Σ a ς), and a
    letter whose lower case is longer (the dotted capital İ, U+0130, is two letters in lower case)
    kept as it is, so that a position in the one is the same position in the other.

    >>> lowered("Ilker İnce ΟΔΟΣ"), len(lowered("İİ")) == len("İİ")
    ('ilker İnce οδοσ', True)
    """
    low = text.lower()
    if len(low) == len(text) and "Σ" not in text:  # Σ is the one letter str.lower reads in its context
        return low
    return "".join(map(_lowered_letter, text))


@functools.cache
def _lowered_letter(letter: str) -> str:
    low = letter.lower()
    return low if len(low) == 1 else letter


def span(first: int, last: int) -> str:
    """A line span as the tables record it.

    >>> span(4, 4), span(87, 88)
    ('4', '87-88')
    """
    return str(first) if first == last else f"{first}-{last}"


class ArchivedText:
    """The lines of an archived text, 1-based, and phrase search across line breaks.

    >>> t = ArchivedText("a b\\n\\nc  d\\ne")
    >>> t.find("B c d")
    (1, 3)
    >>> t.find("b c", first=2) is None
    True
    >>> ArchivedText("bij de Testdienst.").find("Testdienst"), ArchivedText("Testdiensten").find("Testdienst")
    ((1, 1), None)
    >>> t.find("B c d", exact_case=True) is None, t.find("b c d", exact_case=True)
    (True, (1, 3))
    """

    def __init__(self, text: str, name: str = "text"):
        self.name = name
        self.lines = text.split("\n")
        tokens, starts, token_lines = [], [], []
        offset = 0
        for number, line in enumerate(self.lines, start=1):
            for token in line.split():
                tokens.append(token)
                starts.append(offset)
                token_lines.append(number)
                offset += len(token) + 1
        self._joined = " ".join(tokens)
        self._folded = lowered(self._joined)  # letter for letter: a position in one is one in the other
        self._starts = starts
        self._token_lines = token_lines
        self._matches: dict[tuple[str, bool], tuple[list[int], list[int]]] = {}

    def __len__(self) -> int:
        return len(self.lines)

    def line(self, number: int) -> str:
        """Line ``number`` (1-based)."""
        return self.lines[number - 1]

    def find(self, phrase: str, first: int = 1, last: int | None = None, exact_case: bool = False) -> tuple[int, int] | None:
        """The first and last line of the first occurrence of ``phrase`` as whole words (not inside
        a longer word; punctuation may follow or precede it) that starts
        on or after line ``first`` and ends on or before line ``last``; None if there is none.
        White space is folded; letter case too, unless ``exact_case`` (a label as printed)."""
        needle = fold(phrase) if exact_case else lowered(fold(phrase))
        if not needle:
            return None
        last = len(self.lines) if last is None else last
        los, his = self._lines_of(needle, exact_case)
        # occurrences in the text's order: their first and last lines never go down, so the first
        # that starts on or after ``first`` is the one that ends soonest
        k = bisect.bisect_left(los, first)
        return (los[k], his[k]) if k < len(los) and his[k] <= last else None

    def _lines_of(self, needle: str, exact_case: bool) -> tuple[list[int], list[int]]:
        """The first and last lines of every occurrence of ``needle`` as whole words, in the
        text's order: found once for each phrase (a package from anywhere may quote one letter on
        60,000 rows, each looked up on other lines)."""
        if (needle, exact_case) in self._matches:
            return self._matches[needle, exact_case]
        haystack, los, his = self._joined if exact_case else self._folded, [], []
        at = haystack.find(needle)
        while at != -1:
            end = at + len(needle)
            starts_word = at == 0 or not haystack[at - 1].isalnum() or not needle[0].isalnum()
            ends_word = end == len(haystack) or not haystack[end].isalnum() or not needle[-1].isalnum()
            if starts_word and ends_word:
                los.append(self._token_lines[bisect.bisect_right(self._starts, at) - 1])
                his.append(self._token_lines[bisect.bisect_right(self._starts, end - 1) - 1])
            at = haystack.find(needle, at + 1)
        self._matches[needle, exact_case] = (los, his)
        return los, his

    def numbered_paragraphs(self, first: int, last: int) -> list[tuple[int, int, int]]:
        """Paragraphs that start with "N. " between lines ``first`` and ``last``:
        (N, first line, last non-blank line) each, in order."""
        starts = [(int(m.group(1)), n) for n in range(first, last + 1) if (m := NUMBERED.match(self.line(n)))]
        result = []
        for k, (number, start) in enumerate(starts):
            end = starts[k + 1][1] - 1 if k + 1 < len(starts) else last
            while end > start and not self.line(end).strip():
                end -= 1
            result.append((number, start, end))
        return result
