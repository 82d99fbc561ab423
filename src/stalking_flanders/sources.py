"""The registry of archived source texts, and reading a text only when its hash is the registered one."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .hashes import sha256_bytes
from .model import csv_line
from .problems import Code, Problem, raise_if_any
from .text import ArchivedText

if TYPE_CHECKING:
    import pandas as pd

REGISTRY_NAME = "registry.toml"


@dataclass(frozen=True)
class Source:
    """An archived source text, as registered."""

    id: str
    text_path: Path
    sha256: str
    layout_path: Path
    registry: Path  # the registry that names it


# What each source of the registry gives: its key and what the value is.
REGISTRY_KEYS = {
    "text": "the archived text's file name, in the registry's folder",
    "sha256": "the archived text's sha256, 64 hexadecimal digits",
    "layout": "the layout file's name, in the registry's folder",
}


def load_registry(archive_dir: Path) -> dict[str, Source]:
    """Read ``registry.toml`` in ``archive_dir``: source id -> :class:`Source`.
    :class:`~stalking_flanders.problems.DataError` naming the source and the key where a source
    lacks one of :data:`REGISTRY_KEYS` or gives it as other than text (a new source registered by hand).

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / REGISTRY_NAME).write_text('[sources.vp-sv-1]\\ntext = "vp-sv-1.txt"\\n')
    >>> load_registry(folder)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    stalking_flanders.problems.DataError: 2 problem(s) in .../registry.toml:
      - .../registry.toml, column 'sources.vp-sv-1.sha256': a registered source lacks a key or gives it as other than text: ...
      - .../registry.toml, column 'sources.vp-sv-1.layout': a registered source lacks a key or gives it as other than text: ...
    """
    path = Path(archive_dir) / REGISTRY_NAME
    with path.open("rb") as fh:
        registry = tomllib.load(fh)
    sources = registry.get("sources", {})
    if not isinstance(sources, dict):
        said, expected = "the registry's sources are not a table", "[sources.<id>] tables, one for each source"
        raise_if_any([Problem(Code.REGISTRY_KEY, str(path), said, None, "sources", type(sources).__name__, expected)], str(path))
    problems = [
        _lacking(path, source_id, entry, key)
        for source_id, entry in sources.items()
        for key in REGISTRY_KEYS
        if not isinstance(entry, dict) or not isinstance(entry.get(key), str)
    ]
    raise_if_any(problems, str(path))
    return {
        source_id: Source(
            id=source_id,
            text_path=path.parent / entry["text"],
            sha256=entry["sha256"],
            layout_path=path.parent / entry["layout"],
            registry=path,
        )
        for source_id, entry in sources.items()
    }


def _lacking(path: Path, source_id: str, entry, key: str) -> Problem:
    """The problem of a registered source whose ``key`` is missing or not text."""
    found = repr(entry[key]) if isinstance(entry, dict) and key in entry else "nothing"
    said = "a registered source lacks a key or gives it as other than text"
    return Problem(Code.REGISTRY_KEY, str(path), said, None, f"sources.{source_id}.{key}", found, f"{key} = {REGISTRY_KEYS[key]}")


def unregistered(source_id: str, registry: dict[str, Source], table_file: str, line: int) -> Problem:
    """The problem of a source question that is not registered with this package."""
    return Problem(
        "source-unregistered",
        table_file,
        "the source question is not registered with this package",
        line,
        "source_question",
        found=source_id,
        expected=f"one of {', '.join(registry)}",
    )


# Where the text of a registered source stands: its bytes and the file to name it by, or the problem
# that there is none (a package whose table names a text it does not hold).
OpenText = Callable[[Source, object, int], "tuple[bytes, str] | Problem"]


def registered_texts(
    registry: dict[str, Source], source_questions: pd.DataFrame, file: str, open_text: OpenText
) -> tuple[dict[str, ArchivedText], list[Problem]]:
    """The archived text of each row of ``source_questions`` (the table's file ``file``), where it is
    the one registered: the one check that the pipeline (the texts of its archive) and ``validate``
    (those a package holds) share. ``open_text(source, row, line)`` gives the text's bytes and its
    file's name, or a problem."""
    from .tableschema import records  # pandas: only where a table is read

    texts, problems = {}, []
    for index, row in enumerate(records(source_questions)):
        line = csv_line(index)
        source = registry.get(row.source_question)
        if source is None:
            problems.append(unregistered(row.source_question, registry, file, line))
            continue
        opened = open_text(source, row, line)
        if isinstance(opened, Problem):
            problems.append(opened)
            continue
        data, name = opened
        found = text_problems(source, data, name, row.sha256, (file, line))
        problems += found
        if not found:
            texts[source.id] = ArchivedText(data.decode("utf-8"), name)
    return texts, problems


def text_problems(source: Source, data: bytes, file: str, recorded: str | None = None, where: tuple[str, int] | None = None):
    """Every way an archived text is not the registered one: its bytes (``data``, of the file
    ``file``), and the sha256 the table ``source_questions`` records for it (``recorded``, on the
    line ``where`` = (table file, line)). The one place these are checked."""
    problems = []
    actual = sha256_bytes(data)
    if actual != source.sha256:
        problems.append(
            Problem(
                "source-text-changed",
                file,
                TEXT_CHANGED,
                found=f"sha256 {actual}",
                expected=f"sha256 {source.sha256} (registered for {source.id})",
            )
        )
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:  # a text saved in another encoding (Windows-1252: ’ is the byte 0x92)
        at = data[error.start : error.start + 1].hex()
        line = data.count(b"\n", 0, error.start) + 1
        said = "the archived text is not UTF-8 (archive the published text as UTF-8, byte for byte otherwise)"
        problems.append(Problem(Code.SOURCE_TEXT_ENCODING, file, said, line, None, f"the byte 0x{at}", "UTF-8"))
    if recorded is not None and recorded != source.sha256:
        problems.append(
            Problem(
                "source-text-changed",
                where[0],
                "the sha256 recorded for the archived text is not the registered one",
                where[1],
                "sha256",
                found=recorded,
                expected=source.sha256,
            )
        )
    return problems


TEXT_CHANGED = (
    "the archived text is not the registered one (never edit an archived text; archive a corrected answer as a new source)"
)


def registered_file(source: Source, key: str) -> Path:
    """The file that ``source``'s ``key`` (``text`` or ``layout``) of the registry names;
    :class:`DataError` naming the registry and the key where it is not a file."""
    path = source.text_path if key == "text" else source.layout_path
    if not path.is_file():
        registry = str(source.registry)
        said = f"the {key} file registered for source {source.id} is not there"
        expected = f"{REGISTRY_KEYS[key]}: a file that exists"
        problem = Problem(Code.FILE_MISSING, registry, said, None, f"sources.{source.id}.{key}", path.name, expected)
        raise_if_any([problem], registry)
    return path


def read_text(source: Source) -> str:
    """The archived text of ``source``, after checking its sha256 against the registry.

    Raises :class:`DataError` naming the file and both hashes when they differ: an archived text
    is never edited, so a different hash means the file was damaged or changed by mistake.
    """
    data = registered_file(source, "text").read_bytes()
    raise_if_any(text_problems(source, data, str(source.text_path)), f"source {source.id}")
    return data.decode("utf-8")
