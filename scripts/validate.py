"""Pipeline step: check all extracted tables together and write them to data/validated/."""

from _step import definitions, run_step
from stalking_flanders import repo
from stalking_flanders.pipeline.validated import make_validated

if __name__ == "__main__":
    run_step(lambda: make_validated(repo.EXTRACTED, repo.ARCHIVE, definitions(), repo.VALIDATED))
