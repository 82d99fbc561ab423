"""The README's generated sections are those the committed descriptor generates, and the docs
agree with the package on the version."""

from __future__ import annotations

import json
import re
import subprocess

from helpers import ROOT
from stalking_flanders import repo
from stalking_flanders.pipeline import readme_sections


def test_readme_sections_are_generated_from_the_descriptor():
    descriptor = json.loads((ROOT / repo.DESCRIPTOR).read_text(encoding="utf-8"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_sections.update(readme, descriptor) == readme, "run: python scripts/readme.py"
    for resource in descriptor["resources"]:
        if resource.get("type") == "table" and resource["format"] == "csv":
            assert f"### `{resource['name']}`" in readme
            for field in resource["schema"]["fields"]:
                assert f"| `{field['name']}` |" in readme


def test_readme_shows_the_caveats_and_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "NOT stalking-specific" in readme and "belaging" in readme
    assert "make release" in readme and "make test" in readme


def test_versions_agree_across_changelog_citation_descriptor_and_tags(defs):
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in changelog or f"## [{defs.version}] - " in changelog
    assert f"version {defs.version}" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert json.loads((ROOT / repo.DESCRIPTOR).read_text())["version"] == defs.version
    released = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$", changelog, re.M)
    assert all(tuple(map(int, v.split("."))) <= tuple(map(int, defs.version.split("."))) for v in released)
    tags = subprocess.run(["git", "tag", "--list", "v*"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    for tag in tags:  # where the clone has tags, each agrees with the version it names
        version = tag[1:]
        assert version in released, f"{tag} has no CHANGELOG entry"
        pyproject = subprocess.run(["git", "show", f"{tag}:pyproject.toml"], cwd=ROOT, capture_output=True, text=True).stdout
        descriptor = subprocess.run(["git", "show", f"{tag}:datapackage.json"], cwd=ROOT, capture_output=True, text=True).stdout
        assert f'\nversion = "{version}"\n' in pyproject and json.loads(descriptor)["version"] == version


def test_ci_runs_the_readmes_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
