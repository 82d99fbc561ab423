"""Pipeline step: extract the tables of one archived source into data/extracted/<source>/."""

import argparse

from _step import definitions, run_step
from stalking_flanders import repo
from stalking_flanders.pipeline.extracted import make_extracted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("source_id", metavar="SOURCE_ID", help="a source id registered in data/archive/registry.toml")
    source_id = parser.parse_args().source_id
    run_step(lambda: make_extracted(source_id, repo.ARCHIVE, definitions(), repo.EXTRACTED / source_id))


if __name__ == "__main__":
    main()
