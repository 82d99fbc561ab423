"""The package's prose in English and Dutch, from ``texts.toml`` beside this module (its one home).

>>> text("licence", "archived_text", "en")
'The archived text of the question and answer states no licence; none is claimed for it.'
>>> text("portal", "catalogue_title", "nl", name="x")
'x: catalogus'
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

TEXTS = Path(__file__).resolve().parent / "texts.toml"


@functools.cache
def _all() -> dict:
    with TEXTS.open("rb") as fh:
        try:
            return tomllib.load(fh)
        except tomllib.TOMLDecodeError as error:  # an edit of ours: say which file
            raise ValueError(f"{TEXTS} is not valid TOML: {error}") from None


def text(section: str, key: str, lang: str = "en", **values) -> str:
    """The text ``key`` of ``section`` in ``lang``, with ``{name}`` placeholders filled from ``values``."""
    texts = _all().get(section, {})
    if f"{key}_{lang}" not in texts:  # a name of ours that texts.toml does not hold: say where to look
        raise LookupError(
            f"{TEXTS} holds no text {key}_{lang} in its section [{section}]"
            + (f" (its texts: {', '.join(sorted(texts))})" if texts else " (no such section)")
        )
    template = texts[f"{key}_{lang}"]
    return template.format(**values) if values else template


def licence_statement(licence: dict, lang: str = "en") -> str:
    """The full licence statement: title and name of ``licence``, what it covers, and the
    archived text's status."""
    return (
        f"{licence.get('title', licence['name'])} ({licence['name']}) {text('licence', 'scope', lang)} "
        f"{text('licence', 'archived_text', lang)}"
    )


def all_texts(section: str) -> dict:
    """Every text of ``section``, by key (``<key>_<lang>``)."""
    return dict(_all()[section])
