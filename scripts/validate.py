"""Pipeline step: check all extracted tables together and write them to data/validated/."""

from _step import definitions, run

from stalking_flanders import build, repo


def main() -> None:
    build.validate(repo.EXTRACTED, repo.ARCHIVE, definitions(), repo.VALIDATED)


if __name__ == "__main__":
    run(main)
