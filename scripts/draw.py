"""Pipeline step: draw the chart of the validated tables in every language into data/charts/."""

from _step import definitions, run_step
from stalking_flanders import repo
from stalking_flanders.pipeline.drawn import make_charts

if __name__ == "__main__":
    run_step(lambda: make_charts(repo.VALIDATED, definitions(), repo.CHARTS))
