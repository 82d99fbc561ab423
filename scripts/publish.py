"""Pipeline step: publish the validated tables as CSV and Parquet in data/release/, with the
archived texts, the descriptor (also written to datapackage.json at the root) and the dataset page
with its chart (the PNG also to docs/chart.png, for the README)."""

from _step import definitions, run

from stalking_flanders import build, repo


def main() -> None:
    build.publish(repo.VALIDATED, repo.ARCHIVE, definitions(), repo.RELEASE, repo.DESCRIPTOR, repo.README_CHART)


if __name__ == "__main__":
    run(main)
