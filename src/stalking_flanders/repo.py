"""Where things are in the repository: the one place for the pipeline's paths (dvc.yaml names
the same paths, and a test proves they agree)."""

from pathlib import Path

from .untrusted import DESCRIPTOR_NAME

ARCHIVE = Path("data/archive")  # archived source texts, their registry and layouts (in git)
EXTRACTED = Path("data/extracted")  # tables extracted from each source, one folder a source
VALIDATED = Path("data/validated")  # all sources' tables together, validated
CHARTS = Path("data/charts")  # the chart of the validated tables, in every language
RELEASE = Path("data/release")  # the published CSV and Parquet files, with their descriptor
SCHEMAS = Path("schemas")  # the Table Schemas and package metadata
DESCRIPTOR = Path(DESCRIPTOR_NAME)  # the release's descriptor, with paths from the root
README_CHART = Path("docs/chart.png")  # the release's chart, shown by docs/data-package.md
PYPROJECT = Path("pyproject.toml")  # holds the one version number
# What the build copies into the package, so that a wheel or sdist carries the release (ignored by git):
PACKAGE_DATA = Path("src/stalking_flanders/data")  # a copy of the release
PACKAGE_REGISTRY = Path("src/stalking_flanders/registry.toml")  # a copy of the archive's registry
RELEASES = Path("src/stalking_flanders/releases.toml")  # every release's facts (in git), read by the package
