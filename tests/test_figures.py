"""The release holds every figure of the published answer, each at its recorded line, and its
totals equal both the archived text's and a transcription made by hand."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from helpers import ROOT, SEED_ID
from stalking_flanders import repo
from stalking_flanders.sources import load_registry
from stalking_flanders.text import ArchivedText

CGG = "cgg-perpetration-registrations"
CAW = "caw-perpetrators-belaging"

# Transcribed by hand from the published answer (sub-questions 4 and 5).
BY_HAND = {
    (CGG, "Gedragsproblemen - agressie"): {2018: 955, 2019: 846, 2020: 668},
    (CGG, "Gedragsproblemen - ander gedragsprobleem"): {2018: 304, 2019: 249, 2020: 169},
    (CGG, "Gedragsproblemen - dader intrafamiliaal geweld"): {2018: 194, 2019: 155, 2020: 122},
    (CGG, "Gedragsproblemen - dader lichamelijk geweld"): {2018: 29, 2019: 41, 2020: 31},
    (CGG, "Gedragsproblemen - dader seksueel geweld"): {2018: 450, 2019: 500, 2020: 414},
    (CGG, "Gedragsproblemen - maatschappelijk niet aanvaard gedrag"): {2018: 158, 2019: 179, 2020: 223},
    (CAW, "Belaging (stalking)"): {2019: 21, 2020: 47, 2021: 57},
}
# Totals worked out by hand from the same figures.
TOTALS_BY_HAND = {
    CGG: {2018: 2090, 2019: 1970, 2020: 1627, "all": 5687},
    CAW: {2019: 21, 2020: 47, 2021: 57, "all": 125},
}


@pytest.fixture(scope="module")
def observations(release) -> pd.DataFrame:
    return pd.read_csv(release / "observations.csv")


@pytest.fixture(scope="module")
def archived() -> ArchivedText:
    return ArchivedText((ROOT / repo.ARCHIVE / f"{SEED_ID}.txt").read_text(encoding="utf-8"))


def text_totals(archived: ArchivedText) -> dict:
    """Totals computed straight from the archived text: every line of a table that ends in as
    many whole numbers as its header has years, summed by column."""
    totals = {}
    tables = {CGG: (81, 93), CAW: (99, 102)}  # header line, last line of each table in the text
    for series, (header, last) in tables.items():
        years = [int(y) for y in re.findall(r"\b(\d{4})\b", archived.line(header))]
        sums = dict.fromkeys(years, 0)
        pattern = re.compile(r"(?:^|\s)" + r"\s+".join([r"(\d+)"] * len(years)) + r"\s*$")
        for n in range(header + 1, last + 1):
            if m := pattern.search(archived.line(n)):
                for year, value in zip(years, m.groups()):
                    sums[year] += int(value)
        totals[series] = {**sums, "all": sum(sums.values())}
    return totals


def test_21_observations_18_cgg_3_caw(observations):
    assert len(observations) == 21
    assert observations["series"].value_counts().to_dict() == {CGG: 18, CAW: 3}
    assert set(observations["source_question"]) == {SEED_ID}


def test_every_figure_equals_the_hand_transcription(observations):
    got = {}
    for row in observations.itertuples():
        got.setdefault((row.series, row.category), {})[row.year] = row.count
    assert got == BY_HAND


def test_totals_match_the_answer_and_the_hand_totals(observations, archived):
    from_release = {}
    for series, group in observations.groupby("series"):
        by_year = group.groupby("year")["count"].sum().to_dict()
        from_release[series] = {**by_year, "all": int(group["count"].sum())}
    assert from_release == text_totals(archived)
    assert from_release == TOTALS_BY_HAND
    assert sum(t["all"] for t in from_release.values()) == 5687 + 125


def test_every_figure_stands_at_its_recorded_line(observations, archived, release):
    series = pd.read_csv(release / "series.csv").set_index("series")
    for row in observations.itertuples():
        header = archived.line(int(series.loc[row.series, "header_line"])).split()
        position = header.index(str(row.year)) - len(header)  # counted from the line's end
        figures = archived.line(row.source_line).split()
        assert figures[position] == str(row.count), (row, archived.line(row.source_line))


def test_the_wrapped_label_is_joined_and_its_figures_found_on_a_later_line(release, observations):
    categories = pd.read_csv(release / "categories.csv")
    wrapped = categories[categories["category"] == "Gedragsproblemen - maatschappelijk niet aanvaard gedrag"]
    assert wrapped["source_lines"].tolist() == ["87-88"]
    assert set(observations.loc[observations["category"].isin(wrapped["category"]), "source_line"]) == {90}


def _strings(value):
    if isinstance(value, dict):
        for inner in value.values():
            yield from _strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner)
    elif isinstance(value, str):
        yield value


# a quotation followed by the lines it stands on: “…” (lines 94-95), 'Belaging (stalking)', line 101
QUOTED_ON_LINES = re.compile(r"[“\"'‘]([^”\"'’“‘]{3,400}?)[”\"'’],? \(?(?:lines?|regels?) (\d+)(?:-(\d+))?")


def test_every_quotation_in_the_descriptor_stands_on_the_lines_it_names(release):
    """Wherever the descriptor quotes the answer and names its lines (a description written by hand
    in schemas/ too), words the archived text holds stand on those lines, up to case and white
    space; words it does not hold are the package's translation of a quotation (in a column ending
    in _en)."""
    import json

    descriptor = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    lines = (release / "sources" / f"{SEED_ID}.txt").read_text(encoding="utf-8").splitlines()
    said = lambda text: " ".join(text.split()).lower()
    translations = [
        said(cell)
        for csv in release.glob("*.csv")
        for column, cells in pd.read_csv(csv, dtype=str, keep_default_na=False).items()
        if column.endswith("_en")
        for cell in cells
    ]
    quotations = [m for text in _strings(descriptor) for m in QUOTED_ON_LINES.finditer(text)]
    assert len(quotations) >= 10
    off = []
    for m in quotations:
        first, last = int(m.group(2)), int(m.group(3) or m.group(2))
        words = said(m.group(1))
        if words in said(" ".join(lines)):  # the answer's words: on the lines named
            if words not in said(" ".join(lines[first - 1 : last])):
                off.append(m.group(0))
        elif not any(words in t for t in translations):  # else the package's translation of them
            off.append(m.group(0))
    assert off == []


SUBQUESTION_ON_LINES = {
    "nl": re.compile(r"deelvraag (\d+)(?: \(|, )regels? (\d+)(?:-(\d+))?"),
    "en": re.compile(r"sub-question (\d+)(?: \(|, )lines? (\d+)(?:-(\d+))?"),
}


def test_a_note_pointing_to_a_subquestion_names_the_lines_of_that_subquestion(release):
    """A note of ours that sends the reader to a sub-question's lines ("lees ook deelvraag 2
    (regels 58-61)") names lines of that sub-question's answer in its own source's text, the same
    in Dutch and English."""
    series = pd.read_csv(release / "series.csv", dtype=str, keep_default_na=False)
    pointers = {
        lang: [
            (row["source_question"], *m.groups()) for _, row in series.iterrows() for m in pointer.finditer(row[f"note_{lang}"])
        ]
        for lang, pointer in SUBQUESTION_ON_LINES.items()
    }
    assert pointers["nl"] == pointers["en"] and len(pointers["nl"]) >= 1
    answers = pd.read_csv(release / "subquestions.csv", dtype=str, keep_default_na=False)
    for source, number, first, last in pointers["nl"]:
        of_source = answers[(answers["source_question"] == source) & (answers["subquestion"] == number)]
        answer = of_source["answer_lines"].iloc[0].split("-")  # "58-67"
        assert int(answer[0]) <= int(first) <= int(last or first) <= int(answer[-1]), (source, number, first, last)
        text = ArchivedText(load_registry(ROOT / repo.ARCHIVE)[source].text_path.read_text(encoding="utf-8"))
        assert all(text.line(n).strip() for n in range(int(first), int(last or first) + 1)), (source, number, first)


def test_a_sentence_of_the_answer_quoted_twice_has_one_translation(release):
    """Where a series quotes the answer (what its figures count, a caveat) and the statement of its
    sub-question quotes the same words, both give the one English translation of them: "the figures
    relating to perpetration" stood beside "the figures on perpetration" for the same sentence."""
    series = pd.read_csv(release / "series.csv", dtype=str, keep_default_na=False)
    statements = pd.read_csv(release / "subquestions.csv", dtype=str, keep_default_na=False)
    checked = 0
    for s in series.itertuples():
        statement = statements[statements["subquestion"] == s.subquestion].iloc[0]
        for quoted in ("measure", "caveat"):
            if getattr(s, f"{quoted}_nl") in statement["statement_nl"]:
                assert getattr(s, f"{quoted}_en") in statement["statement_en"], (s.series, quoted)
                checked += 1
    assert checked >= 3


def test_a_quotation_whose_white_space_was_folded_says_so(release, archived):
    """A reader who searches the archived text for a verbatim field's value finds it as it stands,
    or reads in the field's description that its white space was folded (two spaces, or a line
    break, made one)."""
    descriptor = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    whole = "\n".join(archived.lines)
    for resource in (r for r in descriptor["resources"] if r["path"].endswith(".csv")):
        table = pd.read_csv(release / resource["path"], dtype=str, keep_default_na=False)
        for field in resource["schema"]["fields"]:
            if "verbatim" in field.get("title", "") and any(v not in whole for v in table[field["name"]] if v):
                assert "(white space folded)" in field["description"], (resource["name"], field["name"])
