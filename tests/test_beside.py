"""The helper process a step does work beside it in (pipeline/beside.py): its result comes back, its
failure is raised in the step, and it never outlives the step."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from stalking_flanders.pipeline.beside import helper

SRC = Path(__file__).resolve().parents[1] / "src"


def _fail(value):
    raise ValueError(f"no good: {value}")


def _not_ready():
    raise ImportError("nothing to import")


def test_the_result_comes_back():
    with helper(sorted) as sorting:
        sorting.hand(["b", "a"])
        assert sorting.result() == ["a", "b"]


def test_a_failure_beside_is_raised_in_the_step_with_its_traceback():
    with helper(_fail) as failing:
        failing.hand(7)
        with pytest.raises(ChildProcessError, match=r"(?s)ValueError: no good: 7"):
            failing.result()


def test_a_failure_getting_ready_is_raised_once_the_step_asks():
    with helper(lambda value: value, ready=_not_ready) as unready:
        unready.hand(1)
        with pytest.raises(ChildProcessError, match="ImportError: nothing to import"):
            unready.result()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie is gone for good
        return stat.read().rsplit(")", 1)[1].split()[0] != "Z"


def test_a_step_that_fails_ends_its_helper_at_once():
    started = time.monotonic()
    with pytest.raises(KeyError):
        with helper(lambda seconds: time.sleep(seconds)) as sleeping:
            sleeping.hand(60)
            raise KeyError("the step failed")
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("handed", [False, True], ids=["before handing", "while working"])
def test_a_killed_step_takes_its_helper_with_it(tmp_path, handed):
    pid_file = tmp_path / "helper.pid"
    step = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import os, sys, time
                sys.path.insert(0, {str(SRC)!r})
                from pathlib import Path
                from stalking_flanders.pipeline.beside import helper
                ready = lambda: Path({str(pid_file)!r}).write_text(str(os.getpid()))
                with helper(lambda seconds: time.sleep(seconds), ready) as sleeping:
                    if {handed!r}:
                        sleeping.hand(0.3)  # it ends once the work is done
                    time.sleep(600)
                """
            ),
        ]
    )
    try:
        deadline = time.monotonic() + 30
        while not pid_file.exists() or not pid_file.read_text():
            assert time.monotonic() < deadline, "the helper never got ready"
            time.sleep(0.05)
        pid = int(pid_file.read_text())
        assert alive(pid)
        step.send_signal(signal.SIGKILL)
        step.wait(timeout=30)
        deadline = time.monotonic() + 20
        while alive(pid):
            assert time.monotonic() < deadline, "the helper outlived the step"
            time.sleep(0.05)
    finally:
        step.kill()
