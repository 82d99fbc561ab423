"""A field's pattern, from a package handed to us, is one that Python's matcher (which Frictionless
and pandera run on every cell) matches in time linear in the cell: generated patterns that the
test of :mod:`stalking_flanders.patterns` lets through are matched fast against long cells made
to make a backtracking matcher go back (a pattern repeated, then a character that fails it)."""

from __future__ import annotations

import gc
import json
import re
import signal
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import ROOT, generated
from stalking_flanders.patterns import Refused, _Glushkov, backtracking

SETTINGS = generated(300)
CELL_CHARACTERS = 20_000  # a linear match of that many takes a millisecond; a quadratic one, minutes
SECONDS = 2.0  # for every try of one pattern together

# the patterns that made re go back over a cell again and again, exponentially or polynomially
SLOW = [
    "(a|aa)+",
    "(a+)+",
    "(a*)*",
    "(a|a)*",
    "(.*a){2}",
    "[a-z]*[a-z0-9]*",
    "\\d*\\d*\\d*x",
    "([a-z0-9]+-?)+$",
    "(\\w+\\s?)+$",
    "^(([a-z])+.)+[A-Z]([a-z])+$",
    # a part that may match nothing, made optional, may match nothing in two ways
    "(?:x(?:a?)?)*",
    "(?:x(?:)?)*",
    "(?:-(?:\\B)?)*",
    "(?:)?" * 24,
]
# linear, but Python keeps every capturing group's marks at each repetition and alternative:
# 370 groups around 30 alternatives nested took 5.8 GiB over a cell of 32,768 characters
NESTED = "a"
for level in range(30):
    NESTED = f"(?:{NESTED}|{chr(0x100 + level) * 2})"
# and a mark at each repetition and alternative: 495 optional characters in a loop took 1.4 GB over a
# cell of 16,384 characters
OPTIONALS = "(?:" + "()" * 8 + "a" + "".join(chr(0x100 + i) + "?" for i in range(495)) + ")+"
COSTLY = [
    "(?:" + "()" * 370 + NESTED + ")*",
    "(?:" + "()" * 9 + "a)*",
    "(?:" + NESTED + ")*",
    OPTIONALS,
    "(?:a" + "".join(chr(0x100 + i) + "?" for i in range(16)) + ")+",  # 17 repetitions
]
# a counted repetition is counted out (x{2,3} is xx(?:x)?), so that these pass, each with a cell
# that repeats what it takes; counted out, these still let a character be taken two ways
COUNTED = {
    "(?:[0-9]{2})+": "01",
    "^\\+?[0-9]{2,3}(?: [0-9]{2,3})*$": "12 345 ",
    "[0-9]{2}[0-9]*": "0",
    "a{2}a": "a",
    "(?:(?:(a)(b)){1,8}-)+": "abab-",
    "(?:(?:x(?:(y)(z)){2}){3}-)+": "xyzyzxyzyzxyzyz-",
    "(?:" + "()" * 8 + "(?:a|bb)){1,16}c": "abbc",
    "(?:[0-9]{2}){3000}": "0",  # too long to count out (past MAX_COUNTED_RANGES): taken as a loop
}
AMBIGUOUS = ["a{2,}a", "a{1,3}a", "(?:a{2})*a", "(?:[0-9]{2})+[0-9]", "(?:a{100}){100}a", "(?:ab|a){2}b"]


def _release_patterns() -> set[str]:
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    return {
        field["constraints"]["pattern"]
        for resource in descriptor["resources"]
        for field in resource.get("schema", {}).get("fields", [])
        if "pattern" in field.get("constraints", {})
    }


def test_the_releases_patterns_pass():
    patterns = _release_patterns()
    assert patterns and all(backtracking(p) is None for p in patterns)


REFUSED = SLOW + COSTLY + AMBIGUOUS
REFUSED_IDS = SLOW + ["370 groups, 30 levels", "9 groups", "30 levels", "495 optionals", "17 repetitions"] + AMBIGUOUS


@pytest.mark.parametrize("pattern", REFUSED, ids=REFUSED_IDS)
def test_patterns_that_backtrack_or_keep_much_are_refused(pattern):
    assert backtracking(pattern) is not None


@pytest.mark.parametrize("pattern", COUNTED)
def test_a_counted_repetition_is_counted_out(pattern):
    assert backtracking(pattern) is None
    unit = COUNTED[pattern]
    for last in ("!", "", unit[0]):
        _matched_in_time(pattern, unit * (CELL_CHARACTERS // len(unit)) + last)


atoms = st.sampled_from(
    ["a", "b", "-", "0", "[ab]", "[a-]", "[^a]", ".", "\\d", "\\w", "[0-9a]", "x", "(?:)", "\\b", "\\B", "$", "(?:a|)"]
)


REPEATS = ["*", "+", "?", "{2}", "{1,3}", "{0,2}", "{2,}", "{3}?", "*?", "+?"]


def _combined(children):
    return st.one_of(
        st.lists(children, min_size=2, max_size=3).map("".join),
        st.tuples(children, children).map(lambda pair: f"(?:{pair[0]}|{pair[1]})"),
        children.map(lambda p: f"({p})"),
        st.tuples(children, st.sampled_from(REPEATS)).map(lambda t: f"(?:{t[0]}){t[1]}"),
    )


patterns = st.recursive(atoms, _combined, max_leaves=8)
units = st.text(alphabet="ab-0x", min_size=1, max_size=4)


class _TooSlow(Exception):
    pass


def _stop(*_):
    raise _TooSlow


@SETTINGS
@given(pattern=patterns, unit=units, last=st.sampled_from(["!", "", "a", "\n"]))
def test_a_pattern_let_through_is_matched_in_linear_time(pattern, unit, last):
    if backtracking(pattern) is not None:
        return
    _matched_in_time(pattern, unit * (CELL_CHARACTERS // len(unit)) + last)


def _matched_in_time(pattern: str, cell: str) -> None:
    """``pattern`` matched against ``cell`` as Frictionless and pandera match it, from its start and
    shifted off it, within SECONDS together."""
    wrapped = [re.compile(f"^{pattern}$"), re.compile(f"^(?:{pattern})\\Z")]  # as Frictionless, as pandera
    previous = signal.signal(signal.SIGALRM, _stop)
    started = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, SECONDS)
    try:
        for compiled in wrapped:
            for start in (0, 1, 2):  # the cell, and the cell shifted off the unit's start
                compiled.match(cell[start:])
    except _TooSlow:
        pytest.fail(f"{pattern!r} took more than {SECONDS} s on {cell[:40]!r}...")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert time.monotonic() - started < SECONDS


def _alternatives(n: int) -> str:
    return "|".join(chr(0x100 + i) + chr(0x1000 + i) for i in range(n))  # two characters each, none folded


# the costliest patterns of at most 1,024 characters found for the test itself: many alternatives,
# counted out, each copy's last parts followed by the next copy's first ones; and classes of many
# ranges (\\W is about 700), many times or counted out
COSTLIEST = {
    "330 alternatives": f"(?:(?:{_alternatives(330)}){{1,3}}-)+",
    "250 alternatives": f"(?:{_alternatives(250)}){{0,2}}z",
    "50 copies": f"(?:(?:{_alternatives(10)}){{1,50}}-)+",
    "512 classes": "\\W" * 512,
    "a class counted out": "\\W{1024}",
    "a class counted out from 2": "\\w{2,1024}",
    "two classes counted out": "[^\\W\\d]{1024}[^\\W\\d]{1024}",
    # each of a thousand copies followed by four classes of about 1,500 ranges together
    "copies before classes": "\x00{0,1000}(?:[^\\W\\d\x00]|\\d|\\s|[^\\w\\s\x00])",
    "counted classes around": "\\Sa{1,1000}\\W?\\d[a-c]{1,1000}",
    # a class that takes no character counted no range: its copies were all counted out (4,294,967,294
    # of them kept every door busy until the bound on memory)
    "a class of nothing counted out": "[^\\s\\S]{100000}",
    "a class of nothing counted out in copies": "(?:a[^\\d\\D]{1000}){1000}",
}


@pytest.mark.parametrize("pattern", COSTLIEST.values(), ids=COSTLIEST)
def test_the_test_itself_is_cheap_on_the_costliest_patterns(pattern):
    """A package may give a pattern for each of its fields (4,096 characters of them together):
    the test of each stays a matter of milliseconds, however repetitions are counted out."""
    assert len(pattern) <= 1024
    backtracking("\\d\\s\\w")  # what \d, \s and \w take is found once a process
    assert min(_cost_of_the_test(pattern) for _ in range(3)) < 0.1


def _cost_of_the_test(pattern: str) -> float:
    """The processor time of one test of the pattern, without a collection of the whole process's
    garbage (in a long session of the suite, one such pass alone can take a tenth of a second)."""
    gc.disable()
    started = time.process_time()
    try:
        _Glushkov(pattern).problem()
    except Refused:
        pass
    finally:
        spent = time.process_time() - started
        gc.enable()
    return spent
