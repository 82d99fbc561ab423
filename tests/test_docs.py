"""The README's generated sections are those the committed descriptor generates, and the docs
agree with the package on the version."""

from __future__ import annotations

import json

from stalking_flanders import docs, repo

from conftest import ROOT


def test_readme_sections_are_generated_from_the_descriptor():
    descriptor = json.loads((ROOT / repo.DESCRIPTOR).read_text(encoding="utf-8"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert docs.update(readme, descriptor) == readme, "run: python scripts/readme.py"
    for resource in descriptor["resources"]:
        if resource.get("type") == "table":
            assert f"### `{resource['name']}`" in readme
            for field in resource["schema"]["fields"]:
                assert f"| `{field['name']}` |" in readme


def test_readme_shows_the_caveats_and_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "NOT stalking-specific" in readme and "belaging" in readme
    assert "make release" in readme and "make test" in readme


def test_changelog_and_citation_name_the_package_version(defs):
    assert f"## [{defs.version}]" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"version {defs.version}" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert json.loads((ROOT / repo.DESCRIPTOR).read_text())["version"] == defs.version


def test_ci_runs_the_readmes_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
