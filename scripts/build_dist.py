"""Build the wheel and the sdist into dist/, with every timestamp set to the last commit's time
(SOURCE_DATE_EPOCH), so that the same commit gives the same wheel bytes.

Run after `make release` (or in a checkout whose release is in the repository's store): the wheel
ships the release.

Usage: python scripts/build_dist.py [OUT_DIR]
"""

import os
import subprocess
import sys
from pathlib import Path


def build(out: Path) -> list[Path]:
    epoch = subprocess.run(["git", "log", "-1", "--format=%ct"], capture_output=True, text=True, check=True).stdout.strip()
    os.environ["SOURCE_DATE_EPOCH"] = epoch
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "backend"))
    import stalking_flanders_build as backend  # the project's backend (pyproject.toml): setuptools, release inside

    out.mkdir(parents=True, exist_ok=True)
    return [out / backend.build_wheel(str(out)), out / backend.build_sdist(str(out))]


if __name__ == "__main__":
    for path in build(Path(sys.argv[1] if len(sys.argv) > 1 else "dist").resolve()):
        print(path)
