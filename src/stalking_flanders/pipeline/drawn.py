"""Step 3, data/charts/: the chart of the validated tables in every language (SVG and PNG, drawn
by :mod:`.chart`), and the sha256 of each table, of the package's name and licence and of
``texts.toml`` it was drawn with. A stage of its own, so that a release that changes none of them
(a new version, a new format) publishes the charts already drawn instead of drawing them again;
the publish step refuses charts drawn from other tables, name, licence or texts."""

from __future__ import annotations

import json
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

import pandas as pd

from .. import csv_tables, sums
from ..facts import CODES
from ..problems import PackageError, raise_if_any
from ..texts import TEXTS
from . import chart
from .atomic import replacing
from .definitions import Definitions

DRAWN_FROM = "drawn-from.SHA256SUMS"  # what the charts show, pinned by its sha256 (see read_validated)
# what the charts print beside the figures, listed in DRAWN_FROM under these names: the package's
# name and licence (from its metadata), and the texts they are drawn with
PRINTED_FACTS, PRINTED_TEXTS = "package-name-and-licence.json", "texts.toml"


class StaleCharts(PackageError):
    """The charts were drawn from other tables or facts than the ones published (run the draw step first)."""


def read_validated(validated_dir: Path, defs: Definitions) -> tuple[dict[str, pd.DataFrame], bytes]:
    """The validated tables, and what a chart drawn from them shows, pinned as a ``SHA256SUMS``
    lists files: the sha256 of each table's file, of the package's name and licence the chart
    prints (as JSON) and of the texts it is drawn with."""
    files = {name: Path(validated_dir) / csv_tables.file_name(name) for name in defs.schemas}
    contents = {name: path.read_bytes() for name, path in files.items()}
    tables, problems = csv_tables.read_all(files, defs.schemas, contents)
    raise_if_any(problems, str(validated_dir))
    printed = chart.printed(defs.meta)
    shown = {files[name].name: data for name, data in contents.items()}
    shown[PRINTED_FACTS] = json.dumps(printed, ensure_ascii=False, sort_keys=True).encode("utf-8")
    shown[PRINTED_TEXTS] = TEXTS.read_bytes()
    return tables, sums.render(shown)


def make_charts(validated_dir: Path, defs: Definitions, charts_dir: Path) -> None:
    """The chart of the tables in ``validated_dir`` in every language, into ``charts_dir``; all or nothing."""
    tables, drawn_from = read_validated(validated_dir, defs)
    drawn = draw_each_language(tables, defs.meta)
    with replacing(charts_dir) as tmp:
        for lang, images in drawn.items():
            for name, data in zip(chart.file_names(lang), images):
                (tmp / name).write_bytes(data)
        (tmp / DRAWN_FROM).write_bytes(drawn_from)


def draw_each_language(tables: dict[str, pd.DataFrame], meta: dict) -> dict[str, tuple[bytes, bytes]]:
    """The chart in every language (:func:`.chart.draw`), as (SVG, PNG) bytes by language code in the
    order of ``CODES``: each language in a process of its own, forked once matplotlib is imported.
    The chart is handed only what :func:`.chart.printed` takes of ``meta``, which
    :func:`read_validated` pins."""
    chart.import_matplotlib()
    fork = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=len(CODES), mp_context=fork) as pool:
        return dict(zip(CODES, pool.map(partial(chart.draw, tables, facts=chart.printed(meta)), CODES)))


def read_charts(charts_dir: Path, drawn_from: bytes) -> dict[str, tuple[bytes, bytes]]:
    """The charts in ``charts_dir`` as (SVG, PNG) bytes by language; :class:`StaleCharts` unless
    they were drawn from what ``drawn_from`` pins (:func:`read_validated`)."""
    charts_dir = Path(charts_dir)
    try:
        recorded = (charts_dir / DRAWN_FROM).read_bytes()
        charts = {lang: tuple((charts_dir / name).read_bytes() for name in chart.file_names(lang)) for lang in CODES}
    except FileNotFoundError as error:
        raise StaleCharts(f"{error.filename} is missing: run the draw step first (dvc repro)") from None
    if recorded != drawn_from:
        raise StaleCharts(
            f"the charts in {charts_dir} were drawn from other tables, or with another name, licence or texts, "
            f"than the ones published ({charts_dir / DRAWN_FROM} differs): run the draw step first (dvc repro)"
        )
    return charts
