"""Rewrite the README's generated sections (caveats, data dictionary) from datapackage.json.

Usage: python scripts/readme.py
"""

import json
from pathlib import Path

import _step  # noqa: F401 - puts this checkout's src/ first on the path
from stalking_flanders import repo
from stalking_flanders.pipeline import readme_sections

README = Path("README.md")

if __name__ == "__main__":
    descriptor = json.loads(repo.DESCRIPTOR.read_text(encoding="utf-8"))
    README.write_text(readme_sections.update(README.read_text(encoding="utf-8"), descriptor), encoding="utf-8")
