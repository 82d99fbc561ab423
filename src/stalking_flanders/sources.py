"""The registry of archived source texts, and reading a text only when its hash is the registered one."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from .hashes import sha256_bytes
from .problems import DataError, Problem

REGISTRY_NAME = "registry.toml"


@dataclass(frozen=True)
class Source:
    """An archived source text, as registered."""

    id: str
    text_path: Path
    sha256: str
    layout_path: Path


def load_registry(archive_dir: Path) -> dict[str, Source]:
    """Read ``registry.toml`` in ``archive_dir``: source id -> :class:`Source`."""
    path = Path(archive_dir) / REGISTRY_NAME
    with path.open("rb") as fh:
        registry = tomllib.load(fh)
    return {
        source_id: Source(
            id=source_id,
            text_path=path.parent / entry["text"],
            sha256=entry["sha256"],
            layout_path=path.parent / entry["layout"],
        )
        for source_id, entry in registry.get("sources", {}).items()
    }


def read_text(source: Source) -> str:
    """The archived text of ``source``, after checking its sha256 against the registry.

    Raises :class:`DataError` naming the file and both hashes when they differ: an archived text
    is never edited, so a different hash means the file was damaged or changed by mistake.
    """
    data = source.text_path.read_bytes()
    actual = sha256_bytes(data)
    if actual != source.sha256:
        raise DataError(
            [
                Problem(
                    "source-text-changed",
                    str(source.text_path),
                    "the archived text is not the registered one (never edit an archived text; "
                    "archive a corrected answer as a new source)",
                    found=f"sha256 {actual}",
                    expected=f"sha256 {source.sha256} (registered for {source.id})",
                )
            ],
            f"source {source.id}",
        )
    return data.decode("utf-8")
