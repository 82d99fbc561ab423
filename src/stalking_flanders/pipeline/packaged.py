"""Step 5, src/stalking_flanders/data/: the release and the archive's registry, copied into the
Python package, so that a wheel or sdist built from the checkout carries them (the repository
holds no symbolic link). Each copy replaces the last in one atomic step."""

from __future__ import annotations

import shutil
from pathlib import Path

from .atomic import locked, replacing, write_atomically


def make_packaged(release_dir: Path, registry: Path, package_data: Path, package_registry: Path) -> None:
    """Copy the release folder to ``package_data`` and the registry file to ``package_registry``."""
    with locked(package_data):
        with replacing(package_data, lock=False) as tmp:
            shutil.copytree(release_dir, tmp, dirs_exist_ok=True)
        write_atomically(Path(package_registry), Path(registry).read_bytes())
