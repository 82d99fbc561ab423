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

from .problems import PackageError

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
        raise MissingText(
            f"{TEXTS} holds no text {key}_{lang} in its section [{section}]"
            + (f" (its texts: {', '.join(sorted(texts))})" if texts else " (no such section)")
        )
    template = texts[f"{key}_{lang}"]
    return template.format(**values) if values else template


def both(key: str) -> str:
    """The head ``key`` of ``[heads]`` in each language, Dutch first, as the tables shown in both
    languages head a column.

    >>> both("year"), both("counts")
    ('jaar / year', 'aantal / count')
    """
    from .facts import CODES

    return " / ".join(text("heads", key, lang) for lang in CODES)


# The topics the dataset page names ([page]), which the workbook's first sheet and `info` name in its
# words; the first sheet's other topics are [workbook]'s.
PAGE_TOPICS = ("version", "licence", "source", "cite")


def topic(key: str) -> str:
    """A topic's name in each language, Dutch first, each with a capital: "Licentie / Licence".

    >>> topic("licence"), topic("caveat")
    ('Licentie / Licence', 'Kanttekening / Caveat')
    """
    from .facts import CODES

    section = "page" if key in PAGE_TOPICS else "workbook"
    return " / ".join((said := text(section, key, lang))[:1].upper() + said[1:] for lang in CODES)


def licence_statement(licence: dict, lang: str = "en") -> str:
    """The full licence statement: title and name of ``licence``, what it covers, and the
    archived text's status."""
    return (
        f"{licence.get('title', licence['name'])} ({licence['name']}) {text('licence', 'scope', lang)} "
        f"{text('licence', 'archived_text', lang)}"
    )


class MissingText(PackageError):
    """A text that the code or a template asks ``texts.toml`` for and that it does not hold (an edit
    that gave one language and not the other, say): named with the file, section and key. Not a
    ``LookupError``, which a template would take for an empty value. A slip of this package's
    makers, never of its input: the command line says it is an internal error (exit 3).

    >>> text("page", "no_such_text", "en")
    Traceback (most recent call last):
    ...
    stalking_flanders.texts.MissingText: .../texts.toml holds no text no_such_text_en in its section [page] (its texts: ...)
    """


class Words(dict):
    """The texts of one section in one language, by key without the language (``words("page",
    "nl")["glance"]``): a key it does not hold raises :class:`MissingText`.

    >>> words("page", "nl")["no_such_text"]
    Traceback (most recent call last):
    ...
    stalking_flanders.texts.MissingText: .../texts.toml holds no text no_such_text_nl in its section [page]
    """

    def __init__(self, section: str, lang: str) -> None:
        suffix = f"_{lang}"
        super().__init__({k.removesuffix(suffix): v for k, v in _all().get(section, {}).items() if k.endswith(suffix)})
        self.section, self.lang = section, lang

    def __missing__(self, key: str):
        raise MissingText(f"{TEXTS} holds no text {key}_{self.lang} in its section [{self.section}]")


def words(section: str, lang: str) -> Words:
    """The texts of ``section`` in ``lang`` (:class:`Words`)."""
    return Words(section, lang)
