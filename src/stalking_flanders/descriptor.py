"""The Frictionless Data Package descriptor of a release, built from the Table Schemas, the
package metadata, the tables themselves and the bytes of every published file."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import pandas as pd

from .package import Definitions

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
FORMATS = {
    "csv": {"format": "csv", "mediatype": "text/csv", "encoding": "utf-8"},
    "parquet": {"format": "parquet", "mediatype": "application/vnd.apache.parquet"},
}
PARQUET_SUFFIX = "-parquet"  # resource name of a table's Parquet file: <table>-parquet


def file_facts(path: Path) -> dict:
    data = Path(path).read_bytes()
    return {"bytes": len(data), "hash": f"sha256:{hashlib.sha256(data).hexdigest()}"}


def _table_resource(defs: Definitions, name: str, kind: str, release: Path) -> dict:
    meta = defs.meta["tables"][name]
    schema = copy.deepcopy(defs.schemas[name])
    path = f"{name}.{kind}"
    if kind == "csv":
        named = {"name": name, "type": "table", "path": path, "title": meta["title"],
                 "description": meta["description"]}
    else:
        # Frictionless reads Parquet through pandas and cannot count its bytes, so the Parquet
        # copy is described as a file: Frictionless checks its hash and size, the tests prove
        # its rows and types equal the CSV's.
        schema.pop("foreignKeys", None)
        named = {"name": name + PARQUET_SUFFIX, "type": "file", "path": path,
                 "title": meta["title"] + " (Parquet)",
                 "description": f"{meta['description']} The same rows as {name}.csv, in Parquet with typed columns."}
    resource = {
        **named,
        **FORMATS[kind],
        **file_facts(release / path),
    }
    if kind == "csv":
        resource["dialect"] = {"delimiter": ",", "header": True}
    resource["schema"] = schema
    return resource


def caveats(tables: dict[str, pd.DataFrame], lang: str = "en") -> str:
    """What each series counts and does not, and which sub-questions have no figures, as text:
    in English, or in Dutch quoted from the answer (``lang="nl"``)."""
    words = {"en": ("stalking-specific", "NOT stalking-specific", "Sub-question", "no figures"),
             "nl": ("telt stalking", "telt GEEN stalking", "Deelvraag", "geen cijfers")}[lang]
    lines = []
    for s in tables["series"].itertuples():
        kind = words[0] if s.stalking_specific else words[1]
        organisation = getattr(s, f"organisation_{lang}")
        lines.append(f"- {s.series} ({organisation}; {kind}): {getattr(s, f'measure_{lang}')} {getattr(s, f'caveat_{lang}')}")
    for q in tables["subquestions"].itertuples():
        if q.figures == "none":
            lines.append(f"- {words[2]} {q.subquestion} ({q.source_question}): {words[3]}. {getattr(q, f'statement_{lang}')}")
    return "\n".join(lines)


def source_title(q) -> str:
    return (f"{q.parliament}, {q.document_type} nr. {q.number} van {q.date.isoformat()} "
            f"({q.questioner} aan {q.minister}): {q.title_nl}; {q.answer_type_nl.lower()}")


def build_descriptor(defs: Definitions, tables: dict[str, pd.DataFrame], release: Path) -> dict:
    """The descriptor of the release in ``release``, with paths relative to it."""
    meta = defs.meta
    resources = [_table_resource(defs, name, "csv", release) for name in defs.tables]
    resources += [_table_resource(defs, name, "parquet", release) for name in defs.tables]
    questions = list(tables["source_questions"].itertuples())
    for q in questions:
        resources.append({
            "name": f"source-{q.source_question}",
            "path": q.archived_text,
            "title": f"Archived text: {source_title(q)}",
            "description": ("The text of the question and the answer, archived byte for byte; every figure's "
                            "source_line refers to a line of it. The text states no licence; this package "
                            "claims none for it."),
            "format": "txt",
            "mediatype": "text/plain",
            "encoding": "utf-8",
            **file_facts(release / q.archived_text),
        })
    return {
        "$schema": PROFILE,
        "name": meta["name"],
        "title": meta["title"],
        "description": meta["description"].strip() + "\n\n" + caveats(tables),
        "version": defs.version,
        "translations": {
            lang: {"title": text["title"], "description": text["description"].strip() + "\n\n" + caveats(tables, lang)}
            for lang, text in meta.get("translations", {}).items()
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
