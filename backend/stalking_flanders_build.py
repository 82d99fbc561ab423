"""The build backend: setuptools, after putting the release inside the package.

A wheel or sdist must carry the release (`src/stalking_flanders/data/` and `registry.toml`), which
`make release` copies there from `data/release/` and `data/archive/registry.toml`. A checkout that
was never built (for example under `pip install "git+<repository>@v<version>"`) still has both in
git: this backend makes the same copies, after checking every file of the release against its
`SHA256SUMS`. Where the release is missing or damaged the build stops with what to do; a package
without its data is never built.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from setuptools import build_meta as _setuptools
from setuptools.build_meta import *  # noqa: F403 - every hook this backend does not change

ROOT = Path(__file__).resolve().parents[1]
RELEASE = ROOT / "data" / "release"  # repo.RELEASE (the backend runs without the package)
REGISTRY = ROOT / "data" / "archive" / "registry.toml"  # repo.ARCHIVE / registry.toml
PACKAGE_DATA = ROOT / "src" / "stalking_flanders" / "data"  # repo.PACKAGE_DATA
PACKAGE_REGISTRY = ROOT / "src" / "stalking_flanders" / "registry.toml"  # repo.PACKAGE_REGISTRY
SUMS = "SHA256SUMS"  # sums.NAME
DESCRIPTOR = "datapackage.json"  # untrusted.DESCRIPTOR_NAME


class MissingRelease(RuntimeError):
    """The release the package must carry is neither built nor whole in the checkout."""


def _checked_release() -> None:
    """Refuse a release that is not there, or whose files differ from its SHA256SUMS."""
    hint = "run `make release` in a checkout of the repository, and build again"
    listing = RELEASE / SUMS
    if not listing.is_file():
        raise MissingRelease(f"{listing.relative_to(ROOT)} is missing: the package would have no data; {hint}")
    for line in listing.read_text(encoding="utf-8").splitlines():
        digest, name = line.split(maxsplit=1)
        path = RELEASE / name.lstrip("*")
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            raise MissingRelease(f"{path.relative_to(ROOT)} is missing or differs from {SUMS}: {hint}")


def ensure_release() -> None:
    """Copy the release and the registry into the package, unless a build already did."""
    if (PACKAGE_DATA / DESCRIPTOR).is_file() and PACKAGE_REGISTRY.is_file():
        return
    _checked_release()
    with tempfile.TemporaryDirectory(dir=PACKAGE_DATA.parent, prefix=".build-") as tmp:
        shutil.copytree(RELEASE, Path(tmp, "data"))
        shutil.copyfile(REGISTRY, Path(tmp, "registry.toml"))
        shutil.rmtree(PACKAGE_DATA, ignore_errors=True)
        os.replace(Path(tmp, "data"), PACKAGE_DATA)
        os.replace(Path(tmp, "registry.toml"), PACKAGE_REGISTRY)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    ensure_release()
    return _setuptools.build_wheel(wheel_directory, config_settings, metadata_directory)


def build_sdist(sdist_directory, config_settings=None):
    ensure_release()
    return _setuptools.build_sdist(sdist_directory, config_settings)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    ensure_release()
    return _setuptools.build_editable(wheel_directory, config_settings, metadata_directory)
