"""Pipeline step: copy the release and the archive's registry into the Python package
(src/stalking_flanders/data/, src/stalking_flanders/registry.toml)."""

from _step import run_step
from stalking_flanders import repo
from stalking_flanders.pipeline.packaged import make_packaged
from stalking_flanders.sources import REGISTRY_NAME

if __name__ == "__main__":
    run_step(lambda: make_packaged(repo.RELEASE, repo.ARCHIVE / REGISTRY_NAME, repo.PACKAGE_DATA, repo.PACKAGE_REGISTRY))
