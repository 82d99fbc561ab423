"""Pipeline step: extract the tables of one archived source into data/extracted/<source>/.

Usage: python scripts/extract.py SOURCE_ID
"""

import sys

from _step import definitions, run

from stalking_flanders import build, repo


def main(source_id: str) -> None:
    build.extract_source(source_id, repo.ARCHIVE, definitions(), repo.EXTRACTED / source_id)


if __name__ == "__main__":
    run(main, *sys.argv[1:])
