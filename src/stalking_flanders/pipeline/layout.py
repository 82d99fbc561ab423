"""The layout file of an archived answer (``data/archive/<source>.layout.toml``), parsed into
typed objects that refuse missing, unknown and mistyped keys, naming the file, the key path and
what was expected."""

from __future__ import annotations

import datetime
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from ..problems import DataError, Problem


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Question(_Strict):
    parliament: str
    document_type: str
    number: int
    date: datetime.date
    questioner: str
    minister: str
    minister_title_nl: str
    minister_title_en: str
    title_nl: str
    title_en: str
    also_put_to_nl: str
    answer_nl: str

    def quoted(self) -> dict[str, str]:
        """The values that must stand in the archived text: every ``*_nl``, and the two names."""
        return {k: v for k, v in self.model_dump().items() if k.endswith("_nl") or k in ("questioner", "minister")}


class Category(_Strict):
    nl: str
    en: str


class Series(_Strict):
    id: str
    subquestion: int
    organisation_nl: str
    organisation_en: str
    after_nl: str
    heading_nl: str
    years: list[int]
    measure_nl: str
    measure_en: str
    unit_nl: str  # what each figure counts, a word of measure_nl (the answer's own)
    unit_en: str
    stalking_specific: bool
    caveat_nl: str
    caveat_en: str
    reading_subquestion: int
    note: Category  # the package's own note, in Dutch and English (not the answer's)
    categories: list[Category]


class Subquestion(_Strict):
    number: int
    question_en: str
    figures: Literal["specific", "related", "no-figures"]
    statement_nl: str
    statement_en: str


class Layout(_Strict):
    question: Question
    series: list[Series]
    subquestions: list[Subquestion]


def _key_path(location: tuple) -> str:
    """``("series", 0, "years")`` as ``series[0].years``."""
    out = ""
    for part in location:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def load_layout(path: Path) -> Layout:
    """The layout file at ``path``; :class:`DataError` naming every bad key."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except tomllib.TOMLDecodeError as error:
        raise DataError(
            [Problem("layout-key", str(path), f"not TOML ({error})", expected="a TOML layout file")], str(path)
        ) from None
    try:
        return Layout.model_validate(raw)
    except ValidationError as error:
        problems = [
            Problem(
                "layout-key",
                str(path),
                e["msg"].lower(),
                column=_key_path(e["loc"]),
                found=None if e["type"] == "missing" else e.get("input"),
                expected="no such key" if e["type"] == "extra_forbidden" else _expected(e),
            )
            for e in error.errors(include_url=False)
        ]
        raise DataError(problems, str(path)) from None


def _expected(error: dict) -> str:
    if error["type"] == "missing":
        return "this key"
    return {
        "string_type": "a string",
        "int_type": "a whole number",
        "bool_type": "true or false",
        "date_type": "a date (YYYY-MM-DD)",
        "list_type": "a list",
        "literal_error": error["msg"].removeprefix("Input should be "),
        "model_type": "a table",
        "dict_type": "a table",
    }.get(error["type"], error["msg"])
