"""schema.org Dataset metadata of a release, for the JSON-LD block of its page: the package's facts
(:mod:`stalking_flanders.facts`) and the files' sizes and hashes, each computed once by the page."""

from __future__ import annotations

import pandas as pd

from ..datapackage import cite
from ..facts import CODES, PLACES, years_covered
from ..hashes import hex_of


def dataset(descriptor: dict, tables: dict[str, pd.DataFrame], files: dict[str, dict], said: dict[str, dict], lang: str) -> dict:
    """The Dataset of the release whose ``descriptor`` and ``tables`` are given, named and described
    in ``lang`` (the page's language) as ``said`` gives (title, description and keywords by language), its
    titles in the other languages beside; ``files`` holds the size and hash of each file, by its path."""
    first, last = years_covered(tables["series"])
    others = [said[code]["title"] for code in CODES if code != lang]
    return {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": said[lang]["title"],
        "alternateName": [t for t in [*others, descriptor["name"]] if t],
        "description": said[lang]["description"],
        "version": descriptor["version"],
        "keywords": said[lang]["keywords"],
        "license": descriptor["licenses"][0]["path"],
        "inLanguage": list(CODES),
        "isAccessibleForFree": True,
        "spatialCoverage": {"@type": "Place", "name": ", ".join(f"{place.nl} ({place.en})" for place in PLACES)},
        "temporalCoverage": f"{first}/{last}",
        "isBasedOn": [s["title"] for s in descriptor.get("sources", [])],
        "citation": [cite(descriptor, lang) for lang in CODES],
        "distribution": [
            {
                "@type": "DataDownload",
                "name": r["name"],
                "contentUrl": r["path"],
                "encodingFormat": r["mediatype"],
                "contentSize": f"{files[r['path']]['bytes']} B",
                "sha256": hex_of(files[r["path"]]["hash"]),
            }
            for r in descriptor["resources"]
        ],
    }
