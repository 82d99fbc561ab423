"""Which regular expressions a package may give as a field's ``pattern``: those that Python's
matcher (``re``, which Frictionless and pandera use on every cell) matches in time linear in the
cell's length.

``re`` backtracks: given ``(a|aa)+`` and forty ``a`` followed by ``!`` it tries every way of
splitting the ``a`` among the alternatives (22 s), and ``[a-z]*[a-z0-9]*`` on a long cell tries
every split between the two (quadratic). A pattern is accepted where, at every point of a match,
the next character can be taken by one part of the pattern only, reached one way only (the
pattern is deterministic, as XML Schema asks of content models): then each try that fails, fails
at the character it looks at, and no part of the cell can be taken in more than one way. The
test is that of Glushkov's construction: each part that takes a character is a position; the
positions a match may start with, and those that may follow each position, must take disjoint
sets of characters, with no position reached twice. A counted repetition is counted out, each
copy with positions of its own (``(?:[0-9]{2})+`` passes; one too long to count out is taken as a
loop, which refuses more). The test refuses some patterns that are harmless (``.*x``); a
release's patterns (``^[a-z0-9]+(-[a-z0-9]+)*$`` and others) pass it.

>>> backtracking("^[a-z0-9]+(-[a-z0-9]+)*$") is None
True
>>> backtracking("(a|aa)+")
'the character a can be taken by more than one part of the pattern at one point'
>>> backtracking("[a-z]*[a-z0-9]*")
'the character a can be taken by more than one part of the pattern at one point'
>>> backtracking("(a*)*")
'a repeated part may match nothing (each repetition may then be split in many ways)'
>>> backtracking("(?:[0-9]{2})+") is None
True
>>> backtracking("(?:x(?:a?)?)*")
'an optional part may match nothing (it may then match nothing in two ways)'
"""

from __future__ import annotations

import functools
import re
from re import _constants as sre
from re import _parser

from .problems import PackageError

MAX_CODE_POINT = 0x10FFFF
# Python keeps the marks of every capturing group at each repetition and each alternative it enters,
# until the match ends: 370 groups around 30 alternatives nested took 5.8 GiB over a cell of 32,768
# characters; at most 16 levels and 8 groups of that shape took about 200 MB over a cell of 64 KiB
MAX_NESTING = 16  # groups, alternatives and repetitions within each other (a release's: 2)
MAX_GROUPS = 8  # capturing groups (a release's: 1 a pattern); (?:...) groups without capturing
# repetitions are counted out up to this many character ranges in all (\W alone is about 700)
MAX_COUNTED_RANGES = 1024
# the character ranges the test compares in all, each point against the others that may follow
# (a release's patterns: 8; an e-mail address's with \w, about 2,200): the test of one stays under
# a tenth of a second, a descriptor's 4,096 characters of patterns about a second
MAX_COMPARED = 20_000
# Python keeps a mark at each repetition and alternative a match enters, at each turn of a loop
# around them, until the match ends: 495 optional characters in a loop took 1.4 GB over a cell of
# 16,384 characters; 16 of them with 8 groups, about 200 MB over one of 64 KiB
MAX_CHOICES = 16  # repetitions and alternations (a release's: 3 a pattern)
# how \d, \s and \w read a str pattern (without the ASCII flag, which a pattern may not set)
CATEGORIES = {sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_SPACE: r"\s", sre.CATEGORY_WORD: r"\w"}
NEGATED = {sre.CATEGORY_NOT_DIGIT: sre.CATEGORY_DIGIT, sre.CATEGORY_NOT_SPACE: sre.CATEGORY_SPACE}
NEGATED[sre.CATEGORY_NOT_WORD] = sre.CATEGORY_WORD
ZERO_WIDTH = (sre.AT,)  # ^, $, \A, \Z, \b, \B take no character
Ranges = tuple[tuple[int, int], ...]  # code points, inclusive, sorted, apart


class Refused(PackageError):
    """Why a pattern is refused (:func:`backtracking` returns it as text)."""


@functools.lru_cache(maxsize=256)
def backtracking(pattern: str) -> str | None:
    """Why ``re`` may go back over a cell more than once to match ``pattern`` against it (the
    pattern is refused), or None. ``pattern`` must compile."""
    try:
        return _Glushkov(pattern).problem()
    except Refused as why:
        return str(why)


class _Glushkov:
    """The positions of a pattern (each part that takes one character, with the characters it
    takes), the positions a match may start with, and those that may follow each position."""

    def __init__(self, pattern: str) -> None:
        self.sets: list[Ranges] = []
        self.follow: list[list[int]] = []
        self.ranges = 0  # of every position together
        self.choices = 0
        self.copies = 0  # how deep within a repetition's copy beyond its first (its choices are counted once)
        _, self.first, _ = self._sequence(_parser.parse(pattern), 0)

    def problem(self) -> str | None:
        compared = 0
        for reachable in (self.first, *self.follow):
            if len(set(reachable)) < len(reachable):
                raise Refused("a part of the pattern can be reached in more than one way at one point")
            if len(reachable) > 1:  # one position's ranges are apart already
                compared += sum(len(self.sets[p]) for p in reachable)
                if compared > MAX_COMPARED:
                    raise Refused(f"it takes more than {MAX_COMPARED:,} character ranges to compare (too long to test)")
                _apart([self.sets[p] for p in reachable])
        return None

    def _position(self, ranges: Ranges) -> tuple[bool, list[int], list[int]]:
        self.sets.append(ranges)
        self.ranges += max(1, len(ranges))  # a class that takes no character is a position still: its copies count
        self.follow.append([])
        p = len(self.sets) - 1
        return False, [p], [p]

    def _sequence(self, items, depth: int) -> tuple[bool, list[int], list[int]]:
        """(whether it may match nothing, its first positions, its last positions)."""
        if depth > MAX_NESTING:
            raise Refused(f"groups, alternatives and repetitions nested more than {MAX_NESTING} deep")
        result: tuple[bool, list[int], list[int]] = (True, [], [])
        for item in items:
            result = self._then(result, self._item(item, depth))
        return result

    def _then(self, before, after) -> tuple[bool, list[int], list[int]]:
        """``before`` followed by ``after``, each (may match nothing, first positions, last positions)."""
        before_empty, before_first, before_last = before
        after_empty, after_first, after_last = after
        for p in before_last:
            self.follow[p].extend(after_first)
        first = before_first + after_first if before_empty else before_first
        last = after_last + before_last if after_empty else after_last
        return before_empty and after_empty, first, last

    def _item(self, item, depth: int) -> tuple[bool, list[int], list[int]]:
        op, value = item
        if op is sre.LITERAL:
            return self._position(((value, value),))
        if op is sre.NOT_LITERAL:
            return self._position(_complement(((value, value),)))
        if op is sre.ANY:  # no flag may make it take a line break
            return self._position(_complement(((10, 10),)))
        if op is sre.IN:
            return self._position(_in(tuple(value)))
        if op in ZERO_WIDTH:
            return True, [], []
        if op is sre.SUBPATTERN:
            group, add_flags, del_flags, items = value
            if add_flags or del_flags:
                raise Refused("a group sets flags, which change what its parts take")
            if group is not None and group > MAX_GROUPS:
                raise Refused(f"it has more than {MAX_GROUPS} capturing groups (a group written (?:...) captures nothing)")
            return self._sequence(items, depth + 1)
        if op is sre.BRANCH:
            self._choice()
            return self._branch(value[1], depth)
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            self._choice()
            return self._repeat(*value, depth)
        raise Refused(f"it uses {str(op).lower().replace('_', ' ')}, which this package does not check")

    def _choice(self) -> None:
        self.choices += self.copies == 0
        if self.choices > MAX_CHOICES:
            raise Refused(f"it has more than {MAX_CHOICES} repetitions and alternations")

    def _branch(self, alternatives, depth: int) -> tuple[bool, list[int], list[int]]:
        results = [self._sequence(a, depth + 1) for a in alternatives]
        if sum(empty for empty, _, _ in results) > 1:
            raise Refused("more than one alternative may match nothing")
        return any(e for e, _, _ in results), [p for _, f, _ in results for p in f], [p for _, _, la in results for p in la]

    def _repeat(self, least: int, most: int, items, depth: int) -> tuple[bool, list[int], list[int]]:
        """A repetition as Python's matcher counts it, each copy with positions of its own:
        ``x{2,4}`` is read as ``xx(?:x(?:x)?)?`` and ``x{3,}`` as ``xxx+``."""
        start = self.ranges
        once = empty, first, last = self._sequence(items, depth + 1)
        if empty and most > 1:
            raise Refused("a repeated part may match nothing (each repetition may then be split in many ways)")
        if empty and least == 0:
            raise Refused("an optional part may match nothing (it may then match nothing in two ways)")
        unbounded = most == sre.MAXREPEAT
        copies = least if unbounded else most
        if most == 0:
            return True, [], []
        if most == 1 or copies <= 1 or start + copies * (self.ranges - start) > MAX_COUNTED_RANGES:
            # one copy: x, x?, x* and x+, or a repetition too long to count out, taken as a loop
            # (which lets through no pattern that counting out would refuse)
            if most > 1:
                self._repeat_last(once)
            return empty or least == 0, first, last
        self.copies += 1
        parts = [once] + [self._sequence(items, depth + 1) for _ in range(copies - 1)]
        self.copies -= 1
        if unbounded:  # the last copy repeats
            self._repeat_last(parts[-1])
        tail: tuple[bool, list[int], list[int]] = (True, [], [])
        for part in reversed(parts[least:]):  # (?:x(?:x)?)?: each copy past the least is optional
            _, part_first, part_last = self._then(part, tail)
            tail = (True, part_first, part_last)
        result: tuple[bool, list[int], list[int]] = (True, [], [])
        for part in [*parts[:least], tail]:
            result = self._then(result, part)
        return result

    def _repeat_last(self, part) -> None:
        _, first, last = part
        for p in last:
            self.follow[p].extend(first)


def _apart(sets: list[Ranges]) -> None:
    """Refused where two of ``sets`` share a character."""
    spans = sorted((lo, hi) for ranges in sets for lo, hi in ranges)
    for (_, hi), (next_lo, _) in zip(spans, spans[1:]):
        if next_lo <= hi:
            shared = chr(next_lo) if chr(next_lo).isprintable() else f"U+{next_lo:04X}"
            raise Refused(f"the character {shared} can be taken by more than one part of the pattern at one point")


@functools.lru_cache(maxsize=256)
def _in(items: tuple) -> Ranges:
    """The characters a class ``[...]`` takes (found once for each class: ``\\W`` is about 700 ranges)."""
    negate, ranges = False, []
    for op, value in items:
        if op is sre.NEGATE:
            negate = True
        elif op is sre.LITERAL:
            ranges.append((value, value))
        elif op is sre.RANGE:
            ranges.append(value)
        elif op is sre.CATEGORY and value in CATEGORIES:
            ranges.extend(_category(value))
        elif op is sre.CATEGORY and value in NEGATED:
            ranges.extend(_complement(_category(NEGATED[value])))
        else:
            raise Refused(f"its class uses {str(op).lower()}, which this package does not check")
    merged = _merged(ranges)
    return _complement(merged) if negate else merged


@functools.cache
def _category(category) -> Ranges:
    """The code points \\d, \\s or \\w takes, as ``re`` reads them, found once by trying each."""
    every = "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, MAX_CODE_POINT + 1)))
    point = lambda i: i if i < 0xD800 else i + 0x800  # noqa: E731 - the string skips the surrogates
    found = re.finditer(CATEGORIES[category] + "+", every)
    return _merged([(point(m.start()), point(m.end() - 1)) for m in found])


def _merged(ranges) -> Ranges:
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return tuple(out)


def _complement(ranges: Ranges) -> Ranges:
    out, start = [], 0
    for lo, hi in ranges:
        if lo > start:
            out.append((start, lo - 1))
        start = hi + 1
    if start <= MAX_CODE_POINT:
        out.append((start, MAX_CODE_POINT))
    return tuple(out)
