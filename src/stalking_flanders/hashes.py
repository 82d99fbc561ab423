"""The one place where files are hashed: sha256, as the registry, the descriptor, the DCAT record
and the dataset page record it.

>>> sha256_bytes(b"")
'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
>>> facts(b"abc")["hash"][:15]
'sha256:ba7816bf'
"""

from __future__ import annotations

import hashlib
from pathlib import Path

PREFIX = "sha256:"  # how a Data Package descriptor writes a sha256


def sha256_bytes(data: bytes) -> str:
    """The sha256 of ``data``, as 64 hexadecimal digits."""
    return hashlib.sha256(data).hexdigest()


def facts(data: bytes) -> dict:
    """Size and hash of ``data`` as a descriptor records them: ``{"bytes": ..., "hash": "sha256:..."}``."""
    return {"bytes": len(data), "hash": PREFIX + sha256_bytes(data)}


def file_facts(path: Path | str) -> dict:
    """Size and hash of the file at ``path`` as a descriptor records them."""
    return facts(Path(path).read_bytes())


def hex_of(descriptor_hash: str) -> str:
    """The hexadecimal digits of a descriptor's ``"sha256:..."`` hash.

    >>> hex_of("sha256:ab12")
    'ab12'
    """
    return descriptor_hash.split(":", 1)[1] if ":" in descriptor_hash else descriptor_hash
