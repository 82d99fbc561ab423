"""Where a descriptor stands relative to its release folder: the one home of putting a release's
paths under a folder (the repository's root ``datapackage.json`` names ``data/release/...``) and of
taking them back out.

>>> root = rooted({"resources": [{"path": "a.csv"}], "sources": [{"path": "s/b.txt"}]}, "data/release")
>>> root
{'resources': [{'path': 'data/release/a.csv'}], 'sources': [{'path': 'data/release/s/b.txt'}]}
>>> folder_of(root), unrooted(root) == {"resources": [{"path": "a.csv"}], "sources": [{"path": "s/b.txt"}]}
('data/release/', True)
"""

from __future__ import annotations

import copy
from pathlib import PurePosixPath

from .repo import RELEASE

RELEASE_FOLDER = RELEASE.as_posix() + "/"  # where the repository's root descriptor puts a release's paths


def _items(descriptor: dict) -> list[dict]:
    """The resources and sources of ``descriptor`` that have a path."""
    items = [*descriptor.get("resources", []), *descriptor.get("sources", [])]
    return [item for item in items if isinstance(item, dict) and isinstance(item.get("path"), str)]


def rooted(descriptor: dict, folder: str) -> dict:
    """A copy of the release's ``descriptor`` with every path put under ``folder`` (relative)."""
    moved = copy.deepcopy(descriptor)
    prefix = PurePosixPath(folder).as_posix().rstrip("/") + "/"
    for item in _items(moved):
        item["path"] = prefix + item["path"]
    return moved


def folder_of(descriptor: dict) -> str:
    """What :func:`rooted` put before every resource path of ``descriptor``: the repository's
    release folder (``data/release/``) where every path lies in it, as the repository's root
    ``datapackage.json`` names them; else "" (a release's own descriptor, whose paths are relative
    to its folder whatever folders they name: a release whose files all moved to ``v2/`` moved).

    >>> folder_of({"resources": [{"path": "v2/a.csv"}, {"path": "v2/b.csv"}]})
    ''
    """
    paths = [r["path"] for r in _items({"resources": descriptor.get("resources", [])})]
    return RELEASE_FOLDER if paths and all(path.startswith(RELEASE_FOLDER) for path in paths) else ""


def unrooted(descriptor: dict) -> dict:
    """A copy of ``descriptor`` with the paths relative to its release folder again. A source's
    path outside that folder (beside the root descriptor, where no check of the release reads it)
    is given as it stands from the folder, and so differs from any path in it.

    >>> unrooted({"resources": [{"path": "data/release/a.csv"}], "sources": [{"path": "s/b.txt"}]})["sources"]
    [{'path': '../../s/b.txt'}]
    """
    prefix, moved = folder_of(descriptor), copy.deepcopy(descriptor)
    up = "../" * len(PurePosixPath(prefix).parts)
    for item in _items(moved):
        path = item["path"]
        item["path"] = path.removeprefix(prefix) if path.startswith(prefix) else up + path
    return moved


def in_release(descriptor: dict, path: str) -> str:
    """A resource's ``path`` as it stands relative to the release folder."""
    return path.removeprefix(folder_of(descriptor))
