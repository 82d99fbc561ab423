"""Step 3, data/release/: every table in every format of the registry, the archived texts, the
descriptor (in the release, with paths relative to it, and at the repository root, with paths
from there), and the dataset page with its chart (the PNG also for the README). The release is
validated with Frictionless before it replaces the last one."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..datapackage import DESCRIPTOR_NAME
from ..formats import TABLE_FORMATS, csv, xlsx
from ..frictionless_report import frictionless_problems
from ..problems import raise_if_any
from ..sources import load_registry, read_text
from .atomic import replacing
from .definitions import Definitions
from .extracted import SOURCES_FOLDER, archived_name


def make_release(
    validated_dir: Path, archive_dir: Path, defs: Definitions, release_dir: Path, root_descriptor: Path, readme_chart: Path
) -> None:
    """The release in ``release_dir``, and its descriptor at ``root_descriptor`` and chart at ``readme_chart``."""
    from . import page, workbook
    from .descriptor import build_descriptor, dump, relocate, source_title

    tables, problems = csv.read_all({n: Path(validated_dir) / csv.FORMAT.file_name(n) for n in defs.schemas}, defs.schemas)
    raise_if_any(problems, str(validated_dir))
    registry = load_registry(archive_dir)
    with replacing(release_dir) as tmp:
        for name, schema in defs.schemas.items():
            for fmt in TABLE_FORMATS:
                fmt.write(tables[name], tmp / fmt.file_name(name), schema)
        (tmp / SOURCES_FOLDER).mkdir()
        for source_id in tables["source_questions"]["source_question"]:
            source = registry[source_id]
            read_text(source)  # refuses a text whose hash is not the registered one
            shutil.copyfile(source.text_path, tmp / archived_name(source_id))
        sources = [{"title": source_title(q)} for q in tables["source_questions"].itertuples()]
        xlsx.write(tmp / xlsx.FILE_NAME, tables, defs.schemas, workbook.about(defs, tables, sources))
        descriptor = build_descriptor(defs, tables, tmp)
        (tmp / DESCRIPTOR_NAME).write_text(dump(descriptor), encoding="utf-8")
        raise_if_any(frictionless_problems(tmp / DESCRIPTOR_NAME), f"{tmp / DESCRIPTOR_NAME} (Frictionless validation)")
        chart_png = page.write(tmp, descriptor, tables)
        rooted = relocate(descriptor, os.path.relpath(release_dir, Path(root_descriptor).parent))
        staged = Path(root_descriptor).with_name(f".{Path(root_descriptor).name}.new")
        staged.write_text(dump(rooted), encoding="utf-8")
        staged_png = Path(readme_chart).with_name(f".{Path(readme_chart).name}.new")
        staged_png.parent.mkdir(parents=True, exist_ok=True)
        staged_png.write_bytes(chart_png)
    os.replace(staged, root_descriptor)
    os.replace(staged_png, readme_chart)
