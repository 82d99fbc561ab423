"""The limits cannot be caught: past the time limit a run stops even where the code swallows every
exception, and past the memory bound the process ends, each with a message and exit 1."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import tool_env

pytestmark = pytest.mark.system  # each run is a process of its own, which the limits may end

SWALLOW = {
    "exception": "except Exception: pass",  # what a library's broad handler does
    "everything": "except BaseException: pass",  # and one that catches everything: the watchdog ends it
}


def validate_with(body: str, **limits) -> tuple[subprocess.CompletedProcess, float]:
    """``stalking-flanders validate`` in a process of its own, with validate_package replaced by ``body``."""
    settings = "".join(f"limits.{name} = {value}; " for name, value in limits.items())
    code = (
        f"import time\nimport stalking_flanders.limits as limits\n{settings}\n"
        "import stalking_flanders.validation as validation\n"
        f"def stuck(*args):\n{body}\n"
        "validation.validate_package = stuck\n"
        "from stalking_flanders.cli import main\nraise SystemExit(main(['validate']))\n"
    )
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=tool_env(), timeout=120)
    return result, time.monotonic() - started


@pytest.mark.parametrize("swallow", SWALLOW)
def test_the_time_limit_cannot_be_swallowed(swallow):
    body = f"    while True:\n        try:\n            time.sleep(0.05)\n        {SWALLOW[swallow]}\n"
    result, seconds = validate_with(body, TIME_LIMIT=0.5, GRACE=0.5)
    assert result.returncode == 1 and seconds < 30, (result.returncode, seconds, result.stderr)
    assert "took longer than 0.5 s, the bound on any input; stopped" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_memory_bound_ends_the_run():
    body = "    held = []\n    while True:\n        held.append(bytearray(32 * 2**20)); time.sleep(0.01)\n"
    result, seconds = validate_with(body, MEMORY_LIMIT=400 * 2**20, HEADROOM=0)
    assert result.returncode == 1 and seconds < 60, (result.returncode, seconds, result.stderr)
    assert "needed more than 400 MiB of memory, the bound on any input; stopped" in result.stderr


def test_a_run_the_watchdog_ends_leaves_no_staged_folder_behind(tmp_path):
    # os._exit runs no finally: the copies validate staged for Frictionless stayed in the temporary folder
    body = (
        "    with limits.temporary_folder('stalking-flanders-') as folder:\n"
        "        open(folder + '/observations.csv', 'w').write('staged')\n"
        "        print(folder, flush=True)\n"
        "        held = []\n"
        "        while True:\n"
        "            held.append(bytearray(32 * 2**20)); time.sleep(0.01)\n"
    )
    result, _ = validate_with(body, MEMORY_LIMIT=400 * 2**20, HEADROOM=0)
    assert result.returncode == 1 and "the bound on any input; stopped" in result.stderr, result.stderr
    (folder,) = result.stdout.split()
    assert not Path(folder).exists()


def test_the_address_space_bound_refuses_memory_the_watchdog_would_not_see():
    # 3 GiB of zeros that are never touched: the resident memory stays small, so only a resource
    # limit on the writable memory stops it (without one, the run ends "valid").
    body = "    held = bytes(3 * 2**30)\n    return []\n"
    result, seconds = validate_with(body)
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    assert "needed more memory than the bound on any input (1536 MiB of writable memory); stopped" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("imported", [True, False], ids=["pyarrow imported before", "pyarrow imported within"])
def test_a_run_leaves_most_of_the_address_space_bound_to_what_it_reads(imported):
    # pyarrow's own allocator (mimalloc) maps a gigabyte at its first allocation, which the bound
    # counts: a diff of two 4 MB tables ran out of it. Within a run pyarrow allocates with malloc;
    # afterwards an allocator the caller had is back.
    code = (
        f"import io\nimport os\n{'import pyarrow' if imported else ''}\n"
        "from stalking_flanders.limits import bounded, data_bytes\n"
        f"before = {'pyarrow.default_memory_pool().backend_name' if imported else 'None'}\n"
        "with bounded('reading'):\n"
        "    import pandas as pd\n"
        "    pd.read_csv(io.StringIO('a\\nx\\n'), dtype=str)\n"
        "    mapped = data_bytes()\n"
        "import pyarrow\n"
        "after = pyarrow.default_memory_pool().backend_name\n"
        "print(mapped, before == after if before else after, 'ARROW_DEFAULT_MEMORY_POOL' in os.environ)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=tool_env(), check=True).stdout
    mapped, allocator, left_set = out.split()
    assert int(mapped) < 512 * 2**20, out
    assert allocator == ("True" if imported else "system") and left_set == "False", out


def test_the_address_space_bound_is_restored_after_a_run():
    import resource

    from stalking_flanders.limits import address_space

    before = resource.getrlimit(resource.RLIMIT_DATA)
    with address_space(), pytest.raises(MemoryError):
        bytes(64 * 2**30)
    assert resource.getrlimit(resource.RLIMIT_DATA) == before


def test_runs_of_two_threads_share_one_address_space_bound_and_the_last_restores_it():
    # A resource limit belongs to the process: runs that overlap (two threads of one program) set it
    # once and put it back once the last ends, whatever order they end in.
    import resource

    from stalking_flanders.limits import address_space

    before = resource.getrlimit(resource.RLIMIT_DATA)
    with contextlib.ExitStack() as second_run:
        with contextlib.ExitStack() as first_run:
            first_run.enter_context(address_space())
            lowered = resource.getrlimit(resource.RLIMIT_DATA)
            if lowered == before:
                pytest.skip("the system's own limit is already below the bound: nothing is lowered")
            second_run.enter_context(address_space())
        assert resource.getrlimit(resource.RLIMIT_DATA) == lowered  # the first ended: the second is still bounded
    assert resource.getrlimit(resource.RLIMIT_DATA) == before


API = {
    # the doors of the Python API that open a package they were handed
    "validate_package": "from stalking_flanders.validation import validate_package\nvalidate_package(FOLDER)\n",
    "DataPackage": "from stalking_flanders.datapackage import DataPackage\nDataPackage(FOLDER)\n",
    "load": (
        "from stalking_flanders.datapackage import DataPackage\nfrom stalking_flanders.loader import load\n"
        "package = DataPackage(FOLDER)\nuntrusted.read_file = stuck\nload('observations', release=package)\n"
    ),
    "diff_releases": "from stalking_flanders import diff\ndiff._checked = stuck\ndiff.diff_releases(FOLDER, FOLDER)\n",
}


@pytest.mark.parametrize("door", API)
def test_the_python_api_runs_within_the_limits(door, tmp_path):
    # A reader stuck on the package, swallowing every Exception: the API raises LimitExceeded
    # (which `except Exception` in the caller's code does not catch either).
    import shutil

    from stalking_flanders.datapackage import BUNDLED

    shutil.copytree(BUNDLED, tmp_path / "p")
    code = (
        f"import time\nimport stalking_flanders.limits as limits\nlimits.TIME_LIMIT = 0.5\nFOLDER = {str(tmp_path / 'p')!r}\n"
        "import stalking_flanders.untrusted as untrusted\n"
        "def stuck(*args, **kwargs):\n    while True:\n"
        "        try:\n            time.sleep(0.05)\n        except Exception:\n            pass\n"
        + ("" if door in ("load", "diff_releases") else "untrusted.read_file = stuck\n")
        + "try:\n"
        + "".join(f"    {line}\n" for line in API[door].splitlines())
        + "except Exception as error:\n    print('swallowed', repr(error))\n"
        "except limits.LimitExceeded as error:\n    print('limit:', error)\n"
    )
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=tool_env(), timeout=60)
    assert time.monotonic() - started < 30
    assert result.stdout.startswith(f"limit: {door} took longer than 0.5 s"), (result.stdout, result.stderr)


def test_the_callers_own_timer_and_alarm_handler_are_left_as_they_were(tmp_path, monkeypatch):
    # A program that calls the API within a timeout of its own (signal.setitimer, signal.alarm): no
    # door cancels its timer or replaces its handler; reading the bundled release (not handed to us)
    # sets no alarm and no memory limit; a package handed to us is read within both.
    import resource
    import shutil
    import signal

    import stalking_flanders
    from stalking_flanders import datapackage, untrusted
    from stalking_flanders.datapackage import BUNDLED, DataPackage
    from stalking_flanders.loader import load
    from stalking_flanders.validation import validate_package

    shutil.copytree(BUNDLED, tmp_path / "p")
    seen = []  # (timer, handler, memory limit) while each descriptor is read
    reading = untrusted.read_descriptor

    def watched(*args, **kwargs):
        seen.append(
            (signal.getitimer(signal.ITIMER_REAL)[0], signal.getsignal(signal.SIGALRM), resource.getrlimit(resource.RLIMIT_DATA))
        )
        return reading(*args, **kwargs)

    monkeypatch.setattr(untrusted, "read_descriptor", watched)
    unbounded = resource.getrlimit(resource.RLIMIT_DATA)

    def callers(signum, frame):
        raise AssertionError("the caller's timer fired during the test")

    previous = signal.signal(signal.SIGALRM, callers)
    signal.setitimer(signal.ITIMER_REAL, 600)
    try:
        datapackage._bundled.cache_clear()  # read here, not taken from what an earlier test read
        stalking_flanders.tables()
        stalking_flanders.load("observations")
        bundled, seen[:] = list(seen), []
        load("observations", release=DataPackage(tmp_path / "p"))
        assert validate_package(tmp_path / "p") == []
        assert 500 < signal.getitimer(signal.ITIMER_REAL)[0] <= 600 and signal.getsignal(signal.SIGALRM) is callers
        handed_while_timed = list(seen)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert bundled and all(timer > 500 and handler is callers and limit == unbounded for timer, handler, limit in bundled)
    assert handed_while_timed and all(timer > 500 and handler is callers for timer, handler, _ in handed_while_timed)
    # without a timer of the caller's, a handed package is read with the alarm set, which is cleared after
    seen.clear()
    DataPackage(tmp_path / "p")
    ((timer, handler, limit),) = seen
    assert 0 < timer and handler is not previous and (limit != unbounded or unbounded[0] != resource.RLIM_INFINITY)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0) and signal.getsignal(signal.SIGALRM) is previous


@pytest.mark.parametrize("found", ["default", "ignored", "the program's own"])
def test_a_command_handles_a_stop_only_where_the_signal_has_its_default_action(found):
    """The command line handles SIGTERM and SIGHUP for its run where they have their default action
    and puts that back after; a signal the program ignores (nohup ignores SIGHUP) or handles itself
    keeps its handling, and the API (a program that calls cli.main) keeps its own."""
    import signal

    from stalking_flanders.limits import STOPS, stopped_cleanly

    own = lambda signum, frame: None  # noqa: E731
    handler = {"default": signal.SIG_DFL, "ignored": signal.SIG_IGN, "the program's own": own}[found]
    for number in STOPS:
        previous = signal.signal(number, handler)
        try:
            with stopped_cleanly():
                assert (signal.getsignal(number) is handler) == (found != "default")
            assert signal.getsignal(number) is handler
        finally:
            signal.signal(number, previous)
    assert set(STOPS) == {signal.SIGTERM, signal.SIGHUP}


def test_a_stop_while_the_folder_is_made_waits_until_it_is_known(tmp_path):
    """A stop that comes between the making of a temporary folder and its being known (here at once
    after the folder is made, while another thread runs, as the watchdog does) removes it too."""
    code = """
import os, signal, tempfile, threading, time
from stalking_flanders import limits
threading.Thread(target=time.sleep, args=(30,), daemon=True).start()
made = tempfile.TemporaryDirectory
def made_then_stopped(**given):
    folder = made(**given)
    os.kill(os.getpid(), signal.SIGTERM)
    return folder
tempfile.TemporaryDirectory = made_then_stopped
with limits.stopped_cleanly(), limits.temporary_folder("stalking-flanders-"):
    time.sleep(5)
    print("not stopped")
"""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {**tool_env(), "TMPDIR": str(temporary)}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout, result.stderr) == (-15, "", "")
    assert list(temporary.iterdir()) == []
