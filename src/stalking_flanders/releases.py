"""What each published version of the package is, as far as this installed package knows it: the
bundled release for its own version, and for every release the facts ``scripts/cut_release.py``
recorded when it cut it (``releases.toml``): when it was released, the commit it was cut from and
the sha256 of its descriptor in canonical form. Nothing here, or anywhere at run time, reads git.

A copy whose descriptor claims a version must be that version's descriptor: a rewritten licence,
caveat or version with the data files' hashes left intact is a difference, and is reported. This
detects damage and differences from a known release; it is not a signature.
"""

from __future__ import annotations

import datetime
import functools
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .hashes import sha256_bytes
from .model import version_order
from .problems import Problem
from .rooting import unrooted

RECORD = Path(__file__).resolve().parent / "releases.toml"
NAME = "stalking-flanders"
# How the release scripts name a release in git: the subject of its commit and its annotated tag.
COMMIT_SUBJECT = "Release {version}"
TAG = "v{version}"
TAG_MESSAGE = "stalking-flanders {version}"


def canonical(descriptor: dict) -> bytes:
    """The descriptor as bytes that do not depend on where it stands: resource and source paths
    relative to the release folder (:func:`~stalking_flanders.rooting.unrooted`), keys sorted, no
    white space.

    >>> canonical({"resources": [{"path": "data/release/a.csv"}, {"path": "data/release/s/b.txt"}]})
    b'{"resources":[{"path":"a.csv"},{"path":"s/b.txt"}]}'
    """
    return json.dumps(unrooted(descriptor), sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class Recorded:
    """One release as ``releases.toml`` records it."""

    version: str
    released: datetime.datetime  # when it was cut, with its UTC offset
    cut_from: str  # the commit it was cut from; its release commit is the next one
    descriptor_sha256: str
    sums_sha256: str | None = None  # the sha256 of its SHA256SUMS (releases from 1.0.1 on have one)
    commit: str | None = None  # its release commit; recorded by the next release (the latest has none)


def history(path: Path = RECORD) -> dict[str, Recorded]:
    """Every release recorded in ``releases.toml``, by version, oldest first.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = (Path(tmp) / "r.toml").write_text('[releases."1.0.0"]\\nreleased = 2026-11-30T02:22:48Z\\n'
    ...                                         'cut_from = "abc"\\ndescriptor_sha256 = "0f"\\n')
    ...     history(Path(tmp) / "r.toml")["1.0.0"].released.isoformat()
    '2026-11-30T02:22:48+00:00'
    """
    if not path.is_file():
        return {}
    return dict(_parsed(path.read_bytes()))  # a dict of its own: the caller may change it


@functools.lru_cache(maxsize=4)  # by content: a command asks three times, and the release script changes the file
def _parsed(data: bytes) -> dict[str, Recorded]:
    entries = tomllib.loads(data.decode("utf-8")).get("releases", {})
    found = {version: Recorded(version, **entry) for version, entry in entries.items()}
    return dict(sorted(found.items(), key=lambda item: item[1].released))


def recorded() -> dict[str, str]:
    """version -> sha256 of the canonical descriptor, of every release recorded in ``releases.toml``."""
    return {version: entry.descriptor_sha256 for version, entry in history().items()}


def differences(a, b, where: str = "") -> list[str]:
    """The key paths where two JSON values differ.

    >>> differences({"licenses": [{"name": "X"}], "v": 1}, {"licenses": [{"name": "Y"}], "v": 1})
    ['licenses[0].name']
    >>> differences({"header": True, "bytes": 1}, {"header": 1, "bytes": 1.0})
    ['bytes', 'header']
    """
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b), key=str):
            out += differences(a.get(key), b.get(key), f"{where}.{key}" if where else str(key))
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in differences(x, y, f"{where}[{i}]")]
    return [] if a == b and type(a) is type(b) else [where or "(the whole descriptor)"]  # 1, 1.0 and true differ


def as_what(published: bool, built_otherwise: bool, listed: bool = False) -> str:
    """What a copy of a version is held to, in words: the release as published, this installed
    package's build of the version (not cut yet, or not built again since the code changed), or
    either where both are known and differ; ``listed``: the differences are listed from the build.

    >>> as_what(True, False), as_what(False, True)
    ('as published', 'as this installed package builds it (not as published)')
    >>> as_what(True, True), as_what(True, True, listed=True)
    ('as published or as this installed package builds it', 'as this installed package builds it (not as published)')
    """
    if not built_otherwise:
        return "as published"
    if published and not listed:
        return "as published or as this installed package builds it"
    return "as this installed package builds it (not as published)"


def release_problems(descriptor: dict, file: str, bundled: dict | None) -> list[Problem]:
    """Problems where ``descriptor`` is not the release it claims to be: another package, a
    version this installed package does not know, or a difference from the known release."""
    name, version = descriptor.get("name"), descriptor.get("version")
    if name != NAME:
        return [
            Problem("release-unknown", file, "not a stalking-flanders package", column="name", found=name, expected=repr(NAME))
        ]
    known = recorded()
    if version in known and sha256_bytes(canonical(descriptor)) == known[version]:
        return []  # the release as published (the bundled one may be a later build of the same version)
    if bundled is not None and version == bundled.get("version"):
        mine, theirs = json.loads(canonical(descriptor)), json.loads(canonical(bundled))
        # the differences are from the build this package holds: the published release where it is
        # that one, else a build of the version not cut yet, or not rebuilt since the code changed
        said = as_what(version in known, known.get(version) != sha256_bytes(canonical(bundled)), listed=True)
        return [
            Problem(
                "release-differs",
                file,
                f"differs from version {version} {said}",
                column=path,
                expected="that value (a rewritten licence, caveat or version is a difference)",
            )
            for path in differences(mine, theirs)[:50]
        ]
    if version in known:
        return [
            Problem(
                "release-differs",
                file,
                f"differs from version {version} as published",
                column="(descriptor)",
                expected=f"the descriptor of {version} (canonical sha256 {known[version]})",
            )
        ]
    versions = sorted({*known, *([bundled["version"]] if bundled else [])}, key=version_order)  # 2.0.9 before 2.0.10
    return [
        Problem(
            "release-unknown",
            file,
            "a version this installed package does not know, so it cannot be checked",
            column="version",
            found=version,
            expected=f"one of {', '.join(versions)} (or install a newer stalking-flanders)",
        )
    ]
