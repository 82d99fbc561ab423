"""Parse a DCAT record with CKAN's DCAT harvester (ckanext-dcat's RDFParser, profile
euro_dcat_ap_3) and print the CKAN datasets it makes, as JSON, each with the guid the harvester
matches it by on a later harvest (``harvest_guid``: the same guid updates the same dataset). Runs
in .venv-ckan, with no database and no CKAN configuration.

Usage: .venv-ckan/bin/python tests/ckan/harvest.py RECORD FORMAT [LOCALE]
(FORMAT: turtle or json-ld; LOCALE: the portal's ckan.locale_default, whose language CKAN shows
where a title or description is given in several; CKAN's own default is en)
"""

import json
import sys

from ckanext.dcat.harvesters.rdf import DCATRDFHarvester
from ckanext.dcat.processors import RDFParser
from ckantoolkit import config


def main(path: str, fmt: str, locale: str | None = None) -> None:
    if locale:
        config["ckan.locale_default"] = locale
    parser = RDFParser(profiles=["euro_dcat_ap_3"])
    with open(path, encoding="utf-8") as fh:
        parser.parse(fh.read(), _format=fmt)
    harvester = DCATRDFHarvester()
    datasets = [{**d, "harvest_guid": harvester._get_guid(d)} for d in parser.datasets()]
    json.dump(datasets, sys.stdout, default=str, indent=1)


if __name__ == "__main__":
    main(*sys.argv[1:4])
