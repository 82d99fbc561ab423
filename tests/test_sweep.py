"""The sweep (conftest.py) catches a door that ends in exit 3, and leaves only what it has seen end
well: a door the test itself handed the folder as it is now, or a folder of the same content."""

from __future__ import annotations

import shutil

from conftest import readers_last, sweep

import helpers
from helpers import GONE_THROUGH, digest, went_through
from stalking_flanders import validation
from stalking_flanders.datapackage import BUNDLED


def broken(*args, **kwargs):
    raise RuntimeError("a bug of ours")


def test_a_door_ending_in_exit_3_is_caught_unless_the_test_saw_it_end_well_on_the_same_bytes(tmp_path, monkeypatch):
    folder = tmp_path / "copy"
    shutil.copytree(BUNDLED, folder)
    before = digest(folder)
    went_through(["validate", folder], 1, "invalid: 1 problem(s)")  # as the test's own run ended
    seen = frozenset(GONE_THROUGH)
    assert ("validate", str(folder), before) in seen
    monkeypatch.setattr(validation, "validate_package", broken)  # the door now ends in exit 3
    assert sweep(folder, before, seen) == []  # seen ending well on these very bytes: not handed again
    (folder / "observations.csv").write_bytes((folder / "observations.csv").read_bytes() + b"\n")
    after = digest(folder)
    assert after != before
    wrong = sweep(folder, after, seen)
    assert len(wrong) == 1 and wrong[0].startswith("validate: exit 3"), wrong


def test_only_a_door_that_ended_well_on_an_absolute_folder_is_noted(tmp_path):
    folder = tmp_path / "copy"
    shutil.copytree(BUNDLED, folder)
    GONE_THROUGH.clear()
    went_through(["validate", folder], 3, "")
    went_through(["validate", folder], 1, "Traceback (most recent call last):")
    went_through(["validate", "copy"], 0, "")
    went_through(["validate", folder, "--json"], 0, "")  # not a door's command as the sweep runs it
    assert GONE_THROUGH == set()
    went_through(["dcat", "--release", folder], 0, "")  # the sweep's dcat door takes its settings
    assert GONE_THROUGH == set()


def test_a_folder_too_large_to_compare_has_no_digest_and_is_always_swept(tmp_path, monkeypatch):
    # (a folder nested past the stack and PATH_MAX: test_every_door.py's deepest folder)
    monkeypatch.setattr(helpers, "DIGEST_ENTRIES", 100)
    many = tmp_path / "many"
    many.mkdir()
    for i in range(101):
        (many / str(i)).touch()
    assert digest(many) is None
    (many / "0").unlink()
    assert digest(many) is not None
    (many / "1").write_bytes(b"x" * (helpers.DIGEST_LIMIT + 1))
    assert digest(many) is None


def test_the_modules_that_read_the_build_run_after_the_others(request):
    """The workers go through what needs no build while it is made (conftest.py): once a module that
    reads it comes, none that does not follows; each module's tests keep their order."""

    class Item:
        def __init__(self, nodeid, *fixturenames):
            self.nodeid, self.fixturenames = nodeid, fixturenames

    items = [Item("a.py::one", "built"), Item("b.py::one"), Item("a.py::two"), Item("c.py::one", "tmp_path", "built")]
    items += [Item("d.py::one"), Item("d.py::two")]
    readers_last(items)
    assert [item.nodeid for item in items] == ["d.py::one", "d.py::two", "b.py::one", "a.py::one", "a.py::two", "c.py::one"]
    # pytest-xdist hands out the modules in that order, not by their size alone
    assert request.config.getoption("loadscopereorder") is False
    modules = list(dict.fromkeys(item.nodeid.split("::", 1)[0] for item in request.session.items))
    reading = {item.nodeid.split("::", 1)[0] for item in request.session.items if "built" in item.fixturenames}
    first = next((i for i, module in enumerate(modules) if module in reading), len(modules))
    assert all(module in reading for module in modules[first:]), modules
