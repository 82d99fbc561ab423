"""The Frictionless Data Package descriptor of a release, built from the Table Schemas, the
package metadata, the tables themselves, the registry of formats and the bytes of every
published file."""

from __future__ import annotations

import json
from pathlib import Path

from ..caveats import with_caveats
from ..facts import LICENCES
from ..formats import FORMATS, TEXT, Content
from ..hashes import file_facts
from ..tableschema import records
from ..text import dutch_date
from ..texts import text
from ..untrusted import V2_PROFILES
from .definitions import Definitions

PROFILE = V2_PROFILES + "datapackage.json"  # the one a package may name (untrusted.PROFILES)


def source_title(q) -> str:
    return (
        f"{q.parliament}, {q.document_type} nr. {q.number} van {dutch_date(q.date)} "
        f"({q.questioner} aan {q.minister}): {q.title_nl}; {q.answer_type_nl.lower()}"
    )


def _text_resource(q, release: Path) -> dict:
    return {
        "name": f"source-{q.source_question}",
        "path": q.archived_text,
        "title": f"Archived text: {source_title(q)}",
        "description": f"{text('archived_text', 'description')} {text('licence', 'archived_text')}",
        "translations": {
            "nl": {
                "title": f"{text('archived_text', 'title', 'nl')}: {source_title(q)}",
                "description": f"{text('archived_text', 'description', 'nl')} {text('licence', 'archived_text', 'nl')}",
            }
        },
        "format": TEXT.name,
        "mediatype": TEXT.mediatype,
        "encoding": TEXT.encoding,
        **file_facts(release / q.archived_text),
    }


def descriptor_head(defs: Definitions, tables: dict) -> dict:
    """The descriptor of the release of ``tables`` (the frames by name) but its resources: the
    package's facts as the descriptor gives them, which a format with room for them carries (the
    workbook's first sheet)."""
    meta = defs.meta
    return {
        "$schema": PROFILE,
        "name": meta["name"],
        "title": meta["title"],
        "description": with_caveats(meta["description"], tables),
        "version": defs.version,
        "translations": {
            lang: {
                "title": t["title"],
                "description": with_caveats(t["description"], tables, lang),
                "keywords": t.get("keywords", []),
            }
            for lang, t in meta.get("translations", {}).items()
        },
        "keywords": meta["keywords"],
        # each with its title as the EU vocabulary gives it (facts.LICENCES, which the portal record reads too)
        "licenses": [{**licence, "title": LICENCES[licence["name"]].title} for licence in meta["licenses"]],
        "sources": [{"title": source_title(q), "path": q.archived_text} for q in records(tables["source_questions"])],
    }


def build_descriptor(defs: Definitions, content: Content, release: Path) -> dict:
    """The descriptor of the release in ``release`` (whose files are written), with paths relative to it."""
    tables = {name: table.frame for name, table in content.tables.items()}
    resources = [resource for fmt in FORMATS for resource in fmt.resources(content, release)]
    resources += [_text_resource(q, release) for q in records(tables["source_questions"])]
    return {**descriptor_head(defs, tables), "resources": resources}


def dump(descriptor: dict) -> str:
    return json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"
