"""The archived text's phrase search (text.py): each phrase's occurrences found once, with the
answer it always gave."""

from __future__ import annotations

import bisect

from hypothesis import given
from hypothesis import strategies as st

from helpers import generated
from stalking_flanders.text import ArchivedText, fold


def _searched(text: ArchivedText, phrase: str, first: int, last: int | None, exact_case: bool):
    """The search as it was written before each phrase's occurrences were kept: a walk over the
    text from its start, for each call."""
    haystack = text._joined if exact_case else text._folded
    needle = fold(phrase) if exact_case else fold(phrase).lower()
    if not needle:
        return None
    last = len(text.lines) if last is None else last
    at = haystack.find(needle)
    while at != -1:
        end = at + len(needle)
        starts_word = at == 0 or not haystack[at - 1].isalnum() or not needle[0].isalnum()
        ends_word = end == len(haystack) or not haystack[end].isalnum() or not needle[-1].isalnum()
        if starts_word and ends_word:
            lo = text._token_lines[bisect.bisect_right(text._starts, at) - 1]
            hi = text._token_lines[bisect.bisect_right(text._starts, end - 1) - 1]
            if lo >= first and hi <= last:
                return lo, hi
            if lo > last:
                return None
        at = haystack.find(needle, at + 1)
    return None


WORDS = st.sampled_from(["a", "b", "ab", "A", "b.", "-", "x y", "é", "1"])


@generated(200)
@given(
    lines=st.lists(st.lists(WORDS, max_size=4).map(" ".join), min_size=1, max_size=8),
    phrases=st.lists(st.lists(WORDS, min_size=1, max_size=3).map(" ".join), min_size=1, max_size=6),
    first=st.integers(0, 10),
    span=st.integers(-2, 10),
    exact_case=st.booleans(),
)
def test_a_phrase_is_found_where_the_walk_over_the_text_found_it(lines, phrases, first, span, exact_case):
    text = ArchivedText("\n".join(lines))
    for phrase in phrases * 2:  # each asked twice: the second answer comes from what the first found
        last = first + span if span >= 0 else None
        assert text.find(phrase, first, last, exact_case) == _searched(text, phrase, first, last, exact_case)


def test_a_phrase_is_looked_for_once_however_many_rows_ask():
    # 60,000 rows quoting one letter on lines past the text each walked its 760 occurrences (62 s).
    text = ArchivedText("e e e\n" * 100)
    found = [text.find("e", 200, 201) for _ in range(1000)] + [text.find("E", 2, 2)]
    assert found == [None] * 1000 + [(2, 2)]
    assert list(text._matches) == [("e", False)]  # one walk over the text for all of them


@generated(100)
@given(
    before=st.lists(st.sampled_from(["İlker", "İNCE", "a", "İ", "ß", "ﬁ", "Ω", "ΟΔΟΣ"]), max_size=30),
    line=st.integers(min_value=1, max_value=5),
)
def test_a_phrase_after_letters_whose_lower_case_is_longer_is_found_on_its_own_line(before, line):
    # "İ".lower() is two letters: a search in the lower-cased text mapped its positions to later
    # lines, one letter more for each İ before the phrase, and the spans recorded came out too wide.
    lines = [" ".join(["İ", *before])] + ["x"] * (line - 1) + ["Specifieke cijfers", "zijn niet beschikbaar."]
    text = ArchivedText("\n".join(lines))
    assert text.find("specifieke cijfers") == (line + 1, line + 1)
    assert text.find("Specifieke cijfers", exact_case=True) == (line + 1, line + 1)


def test_a_word_ending_in_sigma_is_found_whatever_else_the_text_holds():
    # Lowered whole, "ΟΔΟΣ" ends in ς; lowered letter by letter (as a text holding İ was), in σ: the
    # phrase and the text were lowered apart and no longer met.
    for text in ("İlker zegt ΟΔΟΣ hier", "zegt ΟΔΟΣ hier"):
        assert ArchivedText(text).find("ΟΔΟΣ") == (1, 1) and ArchivedText(text).find("οδοσ hier") == (1, 1)
