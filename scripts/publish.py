"""Pipeline step: publish the validated tables as CSV and Parquet in data/release/, with the
archived texts and the descriptor (also written to datapackage.json at the root)."""

from _step import definitions, run

from stalking_flanders import build, repo


def main() -> None:
    build.publish(repo.VALIDATED, repo.ARCHIVE, definitions(), repo.RELEASE, repo.DESCRIPTOR)


if __name__ == "__main__":
    run(main)
