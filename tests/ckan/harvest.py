"""Parse DCAT records with CKAN's DCAT harvester (ckanext-dcat's RDFParser, profile
euro_dcat_ap_3) and print, as JSON, the CKAN datasets each makes, each dataset with the guid the
harvester matches it by on a later harvest (``harvest_guid``: the same guid updates the same
dataset). Runs in .venv-ckan, with no database and no CKAN configuration; one process for every
record, since importing CKAN costs about 2 s.

Usage: .venv-ckan/bin/python tests/ckan/harvest.py JOBS
(JOBS: a JSON file of a list of jobs, each {"record": path, "format": "turtle" or "json-ld",
"locale": the portal's ckan.locale_default or ""}: the language CKAN shows where a title or
description is given in several; CKAN's own default is en. Prints a list of each job's datasets.)
"""

import json
import sys

from ckanext.dcat.harvesters.rdf import DCATRDFHarvester
from ckanext.dcat.processors import RDFParser
from ckantoolkit import config


def harvest(path: str, fmt: str, locale: str) -> list[dict]:
    default = config.get("ckan.locale_default")
    config["ckan.locale_default"] = locale or default
    try:
        parser = RDFParser(profiles=["euro_dcat_ap_3"])  # a parser of its own: nothing carries over
        with open(path, encoding="utf-8") as fh:
            parser.parse(fh.read(), _format=fmt)
        harvester = DCATRDFHarvester()
        return [{**d, "harvest_guid": harvester._get_guid(d)} for d in parser.datasets()]
    finally:
        config["ckan.locale_default"] = default


def main(jobs: str) -> None:
    with open(jobs, encoding="utf-8") as fh:
        done = [harvest(job["record"], job["format"], job["locale"]) for job in json.load(fh)]
    json.dump(done, sys.stdout, default=str, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
