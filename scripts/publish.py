"""Pipeline step: publish the validated tables in every format in data/release/, with the
archived texts, the descriptor (also written to datapackage.json at the root) and the dataset page
with the charts of data/charts/ (the PNG also to docs/chart.png, for the docs)."""

from _step import definitions, run_step
from stalking_flanders import repo
from stalking_flanders.pipeline.published import make_release

if __name__ == "__main__":
    run_step(
        lambda: make_release(
            repo.VALIDATED,
            repo.CHARTS,
            repo.ARCHIVE,
            definitions(),
            repo.RELEASE,
            repo.DESCRIPTOR,
            repo.README_CHART,
        )
    )
