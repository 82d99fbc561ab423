"""Rewrite the generated sections of the README and the docs (the figures with their caveats, the
sub-questions without figures, the citation, the licence, the data dictionary) from
datapackage.json and the release it describes.

Usage: python scripts/readme.py
"""

import _step  # noqa: F401 - puts this checkout's src/ first on the path
from stalking_flanders import repo
from stalking_flanders.datapackage import DataPackage
from stalking_flanders.pipeline import readme_sections

if __name__ == "__main__":
    package = DataPackage(repo.DESCRIPTOR)  # the release's files, each read after its sha256 is checked
    rendered = readme_sections.sections(package.descriptor, readme_sections.read_tables(package))
    for path, names in readme_sections.FILES.items():
        text = path.read_text(encoding="utf-8")
        path.write_text(readme_sections.update(text, {name: rendered[name] for name in names}), encoding="utf-8")
