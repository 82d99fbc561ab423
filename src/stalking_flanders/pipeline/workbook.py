"""The workbook's first sheet, built from the same definitions as the descriptor: "Lees dit eerst -
Read first" (what the figures count and do not, the licence, the source, how to cite), in Dutch
and English side by side. The second, the stalking figures by year, is the workbook format's own
(:func:`~stalking_flanders.formats.xlsx.stalking_rows`), which ``validate`` holds to the tables."""

from __future__ import annotations

import pandas as pd

from ..caveats import caveats
from ..datapackage import cite
from ..facts import CODES
from ..formats.xlsx import STALKING, dutch_name
from ..texts import licence_statement
from .definitions import Definitions

SHEETS = {
    "nl": "Het werkblad '{stalking}' toont de stalkingcijfers per jaar. Daarna één werkblad per tabel, met dezelfde "
    "rijen als het CSV-bestand (de referentie): {tables}. Elk cijfer "
    "vermeldt de regel van het gearchiveerde antwoord waarop het steunt (source_line). De Engelse teksten en "
    "de opmerkingen van dit pakket zijn niet officieel. Elke kolomkop draagt een notitie met de Nederlandse en de "
    "Engelse naam van de kolom; de lijst staat hieronder.",
    "en": "The sheet '{stalking}' shows the stalking figures by year. Then one sheet per table, with the same rows "
    "as its CSV file (the reference): {tables}. Every figure carries "
    "the line of the archived answer it stands on (source_line). English texts and this package's notes are "
    "not official. Each column header carries a note with the column's Dutch and English name; the list "
    "follows.",
}


def about(defs: Definitions, tables: dict[str, pd.DataFrame], sources: list[dict]) -> list[tuple[str, str, str]]:
    """(topic, Dutch, English) rows of the sheet "Lees dit eerst - Read first"."""
    meta = defs.meta
    nl = meta.get("translations", {}).get("nl", {})
    described = {"title": meta["title"], "name": meta["name"], "version": defs.version, "sources": sources}
    described["translations"] = meta.get("translations", {})
    rows = [
        ("Titel / Title", nl.get("title", ""), meta["title"]),
        ("Versie / Version", defs.version, defs.version),
        ("Over / About", nl.get("description", "").strip(), meta["description"].strip()),
    ]
    pairs = zip(caveats(tables, "nl").splitlines(), caveats(tables).splitlines(), strict=True)
    rows += [("Kanttekening / Caveat", dutch.removeprefix("- "), english.removeprefix("- ")) for dutch, english in pairs]
    rows += [("Licentie / Licence", licence_statement(lic, "nl"), licence_statement(lic)) for lic in meta["licenses"]]
    rows += [("Bron / Source", s["title"], s["title"]) for s in sources]
    rows += [("Citeren / How to cite", cite(described, "nl"), cite(described, "en"))]
    rows += [("Werkbladen / Sheets", *(SHEETS[lang].format(stalking=STALKING, tables=", ".join(defs.tables)) for lang in CODES))]
    columns = {field.name: field for schema in defs.schemas.values() for field in schema.fields}
    rows += [("Kolom / Column", f"{name}: {dutch_name(f)}", f"{name}: {f.title or name}") for name, f in columns.items()]
    return rows
