"""The Frictionless Data Package descriptor of a release, built from the Table Schemas, the
package metadata, the tables themselves, the registry of formats and the bytes of every
published file."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pandas as pd

from ..caveats import caveats
from ..formats import TABLE_FORMATS, TEXT, Format, csv, xlsx
from ..hashes import file_facts
from ..texts import text
from .definitions import Definitions

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"


def _table_resource(defs: Definitions, name: str, fmt: Format, release: Path) -> dict:
    meta = defs.meta["tables"][name]
    schema = copy.deepcopy(defs.schemas[name].raw)
    path = fmt.file_name(name)
    if fmt is csv.FORMAT:
        named = {"name": name, "type": "table", "path": path, "title": meta["title"], "description": meta["description"]}
    else:
        # A table of its own, so that Frictionless checks its content against the Table Schema;
        # no "bytes" and "hash" where the format records none (see formats/parquet.py). The
        # foreign keys are the CSV tables'.
        schema.pop("foreignKeys", None)
        named = {
            "name": fmt.resource_name(name),
            "type": "table",
            "path": path,
            "title": f"{meta['title']} ({fmt.label})",
            "description": f"{meta['description']} The same rows as {csv.FORMAT.file_name(name)}, in "
            f"{fmt.label} with typed columns.",
        }
    resource = {**named, "format": fmt.name, "mediatype": fmt.mediatype}
    if fmt.encoding:
        resource["encoding"] = fmt.encoding
    if fmt.hashed:
        resource.update(file_facts(release / path))
    if fmt is csv.FORMAT:
        resource["dialect"] = dict(csv.DIALECT)
    resource["schema"] = schema
    return resource


def _workbook_resource(defs: Definitions, release: Path) -> dict:
    return {
        "name": xlsx.RESOURCE_NAME,
        "path": xlsx.FILE_NAME,
        "title": "Workbook for spreadsheet users: every table on a sheet of its own (XLSX)",
        "description": f"A first sheet '{xlsx.READ_ME}' with the caveats, the licence and how to cite, then one sheet "
        f"per table ({', '.join(defs.tables)}) with the same rows as its CSV file, typed cells and a frozen header "
        "row. The CSV files are the reference.",
        "format": xlsx.FORMAT.name,
        "mediatype": xlsx.FORMAT.mediatype,
        **file_facts(release / xlsx.FILE_NAME),
    }


def source_title(q) -> str:
    return (
        f"{q.parliament}, {q.document_type} nr. {q.number} van {q.date.strftime('%Y-%m-%d')} "
        f"({q.questioner} aan {q.minister}): {q.title_nl}; {q.answer_type_nl.lower()}"
    )


def _text_resource(q, release: Path) -> dict:
    return {
        "name": f"source-{q.source_question}",
        "path": q.archived_text,
        "title": f"Archived text: {source_title(q)}",
        "description": f"{text('archived_text', 'description')} {text('licence', 'archived_text')}",
        "format": TEXT.name,
        "mediatype": TEXT.mediatype,
        "encoding": TEXT.encoding,
        **file_facts(release / q.archived_text),
    }


def build_descriptor(defs: Definitions, tables: dict[str, pd.DataFrame], release: Path) -> dict:
    """The descriptor of the release in ``release``, with paths relative to it."""
    meta = defs.meta
    resources = [_table_resource(defs, name, fmt, release) for fmt in TABLE_FORMATS for name in defs.tables]
    questions = list(tables["source_questions"].itertuples())
    resources.append(_workbook_resource(defs, release))
    resources += [_text_resource(q, release) for q in questions]
    return {
        "$schema": PROFILE,
        "name": meta["name"],
        "title": meta["title"],
        "description": meta["description"].strip() + "\n\n" + caveats(tables),
        "version": defs.version,
        "translations": {
            lang: {
                "title": t["title"],
                "description": t["description"].strip() + "\n\n" + caveats(tables, lang),
                "keywords": t.get("keywords", []),
            }
            for lang, t in meta.get("translations", {}).items()
        },
        "keywords": meta["keywords"],
        "licenses": meta["licenses"],
        "sources": [{"title": source_title(q), "path": q.archived_text} for q in questions],
        "resources": resources,
    }


def relocate(descriptor: dict, prefix: str) -> dict:
    """The same descriptor with every path put under ``prefix`` (a relative folder)."""
    moved = copy.deepcopy(descriptor)
    prefix = Path(prefix).as_posix().rstrip("/") + "/"
    for resource in moved["resources"]:
        resource["path"] = prefix + resource["path"]
    for source in moved.get("sources", []):
        if "path" in source:
            source["path"] = prefix + source["path"]
    return moved


def dump(descriptor: dict) -> str:
    return json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"
