"""Step 4, data/release/: every table in every format of the registry, the archived texts, the
descriptor (in the release, with paths relative to it, and at the repository root, with paths
from there), and the dataset page with the charts of step 3 (the PNG also for the README). The
release is opened through the package's own gate (:class:`~stalking_flanders.datapackage.DataPackage`)
and validated with Frictionless before it replaces the last one."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .. import sums
from ..datapackage import DESCRIPTOR_NAME, DataPackage
from ..formats import FORMATS, Content, Table
from ..frictionless_report import frictionless_problems
from ..problems import raise_if_any
from ..rooting import rooted
from ..sources import load_registry, read_text
from .atomic import clean_leftovers, locked, replacing, write_atomically
from .definitions import Definitions
from .drawn import read_charts, read_validated
from .extracted import SOURCES_FOLDER, archived_name


def make_release(
    validated_dir: Path,
    charts_dir: Path,
    archive_dir: Path,
    defs: Definitions,
    release_dir: Path,
    root_descriptor: Path,
    readme_chart: Path,
) -> None:
    """The release in ``release_dir``, and its descriptor at ``root_descriptor`` and chart at
    ``readme_chart``; all or nothing, one run at a time (see :mod:`.atomic`). The charts come from
    ``charts_dir`` (step 3), drawn from the very tables of ``validated_dir``."""
    from .descriptor import dump

    with locked(release_dir):
        for derived in (root_descriptor, readme_chart):
            clean_leftovers(derived)
        tables, drawn_from = read_validated(validated_dir, defs)
        charts = read_charts(charts_dir, drawn_from)
        with replacing(release_dir, lock=False) as tmp:
            descriptor, chart_png = _build(tmp, tables, archive_dir, defs, charts)
            root = dump(rooted(descriptor, os.path.relpath(release_dir, Path(root_descriptor).parent)))
        # killed here, the next run writes these again (DVC sees them differ from dvc.lock)
        write_atomically(Path(root_descriptor), root.encode("utf-8"))
        write_atomically(Path(readme_chart), chart_png)


def _build(tmp: Path, tables: dict, archive_dir: Path, defs: Definitions, charts: dict) -> tuple[dict, bytes]:
    """Every file of the release into the folder ``tmp``, checked with Frictionless, with the
    ``charts`` (SVG and PNG by language); the descriptor and the chart's PNG."""
    from . import page
    from .descriptor import build_descriptor, descriptor_head, dump

    registry = load_registry(archive_dir)
    content = Content(
        {
            name: Table(
                tables[name],
                schema,
                defs.meta["tables"][name]["title"],
                defs.meta["tables"][name]["description"],
                defs.meta["tables"][name].get("title_nl", ""),
                defs.meta["tables"][name].get("description_nl", ""),
            )
            for name, schema in defs.schemas.items()
        },
        descriptor_head(defs, tables),
    )
    for fmt in FORMATS:
        fmt.write(tmp, content)
    (tmp / SOURCES_FOLDER).mkdir()
    for source_id in tables["source_questions"]["source_question"]:
        source = registry[source_id]
        read_text(source)  # refuses a text whose hash is not the registered one
        shutil.copyfile(source.text_path, tmp / archived_name(source_id))
    descriptor = build_descriptor(defs, content, tmp)
    (tmp / DESCRIPTOR_NAME).write_text(dump(descriptor), encoding="utf-8")
    # the one gate every reader opens a package through (DataError): a descriptor that the loader,
    # validate or diff would refuse (a key or a dialect of a new format the typed model does not know) is never published
    DataPackage(tmp / DESCRIPTOR_NAME)
    raise_if_any(frictionless_problems(tmp / DESCRIPTOR_NAME), f"{tmp / DESCRIPTOR_NAME} (Frictionless validation)")
    chart_png = page.write(tmp, descriptor, tables, charts)
    (tmp / sums.NAME).write_bytes(sums.render({path: (tmp / path).read_bytes() for path in sums.files_of(tmp)}))
    return descriptor, chart_png
