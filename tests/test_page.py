"""The dataset page and chart of the release, read as files: self-contained, accessible markup,
every figure with its line, the downloads with size and sha256, schema.org JSON-LD; and
CITATION.cff agreeing with the descriptor."""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import sys
import tomllib
from html import unescape
from html.parser import HTMLParser

import pandas as pd
import pytest
import yaml

from helpers import ROOT
from stalking_flanders import repo
from stalking_flanders.caveats import caveat_words, lines_named, sentences
from stalking_flanders.facts import SPECIFIC
from stalking_flanders.pipeline.chart import MONTHS_EN, file_names
from stalking_flanders.pipeline.page import PAGES
from stalking_flanders.text import dutch_date
from stalking_flanders.texts import text


class Page(HTMLParser):
    def __init__(self, text: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    @property
    def meta(self) -> dict[str, str]:
        """The page's named meta elements: name -> content."""
        return {a["name"]: a.get("content") for tag, a in self.tags if tag == "meta" and "name" in a}

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


@pytest.fixture(scope="module", params=list(PAGES))
def lang(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def html(release, lang) -> str:
    return (release / PAGES[lang]).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def page(html) -> Page:
    return Page(html)


def test_self_contained(page, html):
    for tag, attrs in page.tags:
        assert not (tag == "script" and "src" in attrs), "no external scripts"
        assert not (tag == "link" and attrs.get("rel") == "stylesheet"), "no external style sheets"
        assert tag not in ("img", "iframe", "object", "embed") or not attrs.get("src", "").startswith("http")
        if tag == "link" and attrs.get("rel") != "alternate":
            assert attrs.get("href", "").startswith("data:")
        if tag == "link" and attrs.get("rel") == "alternate":  # the other language's page, beside it
            assert attrs["href"] in PAGES.values()
    assert "@import" not in html and "@font-face" not in html
    assert re.findall(r"url\((?!#)", html) == []  # only the chart's own fragments, such as url(#clip)
    assert all(attrs.get("type") == "application/ld+json" for tag, attrs in page.tags if tag == "script")


def test_dutch_first_and_every_language_one_link_away(release):
    assert PAGES["nl"] == "index.html"  # the page a portal or a browser opens first is Dutch
    for lang, name in PAGES.items():
        tags = Page((release / name).read_text(encoding="utf-8")).tags
        assert tags[0] == ("html", {"lang": lang})
        others = {attrs["href"] for tag, attrs in tags if tag == "a" and attrs.get("hreflang")}
        assert others == {other for code, other in PAGES.items() if code != lang}


def test_accessible_markup(page, html, lang):
    assert page.tags[0] == ("html", {"lang": lang})
    assert any(attrs.get("lang") == "nl" for _, attrs in page.tags[1:]) and any(
        attrs.get("lang") == "en" for _, attrs in page.tags[1:]
    )
    assert sum(1 for tag, attrs in page.tags if tag == "th" and attrs.get("scope") in ("col", "row")) > 20
    assert sum(1 for tag, _ in page.tags if tag == "caption") >= 4
    svg = [attrs for tag, attrs in page.tags if tag == "svg"][0]
    assert svg["role"] == "img" and svg["aria-labelledby"] == "chart-title chart-desc"
    assert '<title id="chart-title">' in html and '<desc id="chart-desc">' in html
    assert html.index(text("page", "caveats", lang)) < html.index("<svg")  # the caveats come first
    assert html.index('id="summary"') < html.index(text("page", "caveats", lang))  # after the first screen's


def test_the_chart_s_description_gives_each_note_whole(release, html, lang):
    # The description was the image's wrapped lines joined: "sub-question" broken at its hyphen
    # reached a screen reader as "sub- question".
    described = unescape(re.search(r'<desc id="chart-desc">(.*?)</desc>', html, re.S).group(1))
    series = pd.read_csv(release / "series.csv")
    for note in series[f"note_{lang}"]:
        assert note in described, note
    for unit in series[f"unit_{lang}"]:  # what each panel's axis says its figures count
        assert text("chart", "count", lang, unit=unit) in described, unit
    assert "- " not in described.replace(" - ", "")


def test_the_chart_files_carry_the_title_and_description_the_page_names_it_by(release, html, lang):
    # The SVG offered for download said nothing to a screen reader: the page alone carried them.
    import xml.etree.ElementTree as ET

    root = ET.fromstring((release / file_names(lang)[0]).read_bytes())
    svg_ns = "{http://www.w3.org/2000/svg}"
    first = list(root)[:2]
    assert [child.tag for child in first] == [svg_ns + "title", svg_ns + "desc"]
    assert first[0].text == text("page", "chart_title", lang)
    described = unescape(re.search(r'<desc id="chart-desc">(.*?)</desc>', html, re.S).group(1))
    assert first[1].text == described and "Belaging (stalking)" in described


def test_each_series_table_stands_with_the_answers_reading_of_its_figures(html, release, lang):
    """Where the answer gives its own reading of a series' figures (series.reading_subquestion),
    the section of its table quotes it, with a link to the whole statement."""
    label = caveat_words(lang)["reading"]
    for s in pd.read_csv(release / "series.csv").itertuples():
        section = unescape(html[html.index(f'id="s-{s.series}"') :])
        section = section[: section.index("</section>")]
        assert f"{label.format(n=s.reading_subquestion)}: <q>" in section, s.series


def test_every_figure_stands_with_its_line(html, release, lang):
    observations = pd.read_csv(release / "observations.csv")
    line = text("page", "line", lang)
    for row in observations.itertuples():
        assert f'<span class="n">{row.count}</span> <span class="line">{line} {row.source_line}</span>' in html


def test_an_english_label_kept_as_published_says_so(html, release, lang):
    # "Belaging (stalking)" stood under itself as the English label, as if it were a translation of ours
    categories = pd.read_csv(release / "categories.csv")
    kept = categories[categories["category"] == categories["label_en"]]
    assert len(kept) >= 1
    for c in categories.itertuples():
        shown = f'<span lang="nl">{c.category}</span><br><span class="en" lang="en">{c.label_en}'
        # on the Dutch page in Dutch: "(kept as published, not translated)" stood there in English
        marked = f'{shown}</span> <span class="line">({text("caveats", "kept", lang)})</span>'
        assert (marked if c.label_en == c.category else f"{shown}</span>") in html, c.category


def test_the_first_screen_reads_the_stalking_figures_as_the_answer_does(page, html, lang):
    shown = re.sub(r"<[^>]+>", "", html[html.index('id="summary"') : html.index('id="others-title"')])
    summary = re.sub(r"\s+", " ", unescape(shown).replace("\u00a0", " "))
    figures = "Belaging (stalking): 21 (2019), 47 (2020), 57 (2021)."
    assert figures in summary  # as published, after their category
    answer = {"nl": "Het antwoord: ", "en": "The answer (translation made for this package): "}[lang]
    assert summary.index(figures) < summary.index(answer)  # first, right after what they count: then the answer's words
    assert {"nl": "(regels 94-95). ", "en": "(lines 94-95). "}[lang] in summary  # which end in a full stop
    measure = {"nl": "Het antwoord: <q>De CAW registreren", "en": "The answer (translation made for this package): <q>The CAW"}
    assert measure[lang] in html  # what the figures count, quoted as the answer's words
    belaging = {"nl": "<q>Stalking valt onder de term belaging.</q> (regels 94-95)", "en": "'belaging'.</q> (lines 94-95)"}
    assert belaging[lang] in unescape(html[: html.index('id="others-title"')])  # and what it says of them, beside
    said = {
        "nl": [
            "Wat het antwoord over deze cijfers zegt (deelvraag 6)",  # the minister's evaluation of them
            "het ontbreken van een signaal van de hulpverlening dat de problematiek van stalking exponentieel",
            "niet om slachtoffers",
            "meer dan eens geteld",
            "dekt mogelijk niet het hele jaar",
        ],
        "en": [
            "What the answer says about these figures (sub-question 6",
            "the absence of a signal from the care services that the problem of stalking is rising exponentially",
            "not victims",
            "counted more than once",
            "may not cover the whole year",
            "translation made for this package",
        ],
    }
    for words in said[lang]:
        assert words in summary, words
    organisation = {"nl": "geestelijke gezondheidszorg", "en": "mental health care"}[lang]
    assert organisation not in summary  # the series that does not count stalking is named after it, not in it


def test_the_series_beside_the_first_screen_stands_with_the_answers_words_and_the_note_is_labelled_ours(html, release, lang):
    """Under "Also in the answer", nothing of the package's own reads as the answer's: the note of a
    series that does not count stalking follows its label, whole, after what the answer itself says
    its figures count and says of them (each with its lines)."""
    others = unescape(html[html.index('id="others-title"') : html.index('id="caveats"')])
    words = caveat_words(lang)
    series = pd.read_csv(release / "series.csv")
    for s in series[~series["stalking_specific"]].itertuples():
        measure, caveat, note = (getattr(s, f"{key}_{lang}") for key in ("measure", "caveat", "note"))
        measure_lines, caveat_lines = lines_named(s.measure_lines, lang), lines_named(s.caveat_lines, lang)
        and_ = text("page", "and", lang)
        quoted = f"{words['answer']}: <q>{measure}</q> ({measure_lines}) {and_} <q>{caveat}</q> ({caveat_lines})."
        assert f"{quoted} {words['note']}: {' '.join(sentences(note))}" in others  # a full stop, then every sentence of it
        assert others.count(note.split(": ")[0]) == 1


def test_the_column_stalking_specific_is_named_as_its_series_are_named(defs):
    """The title of series.stalking_specific (workbook, data dictionary) and its Dutch name say what
    the page, chart and README call a series of stalking figures (facts.SPECIFIC, its one home)."""
    field = next(f for f in defs.schemas["series"].raw["fields"] if f["name"] == "stalking_specific")
    assert field["title"] == SPECIFIC["en"][True][0].upper() + SPECIFIC["en"][True][1:]
    assert text("columns", "stalking_specific", "nl") == SPECIFIC["nl"][True][0].upper() + SPECIFIC["nl"][True][1:]


def test_a_column_of_words_made_for_this_package_says_so_in_both_languages(defs):
    """A column in English beside one in Dutch holds words made for this package (a translation, or
    an English label, which may be the label as published, kept): its title and its Dutch name, which
    the workbook's headers and its list of columns show, say so (the makers' notes say whose they are)."""
    made = {
        "en": ("(English, translation made for this package)", "(English, by the makers of this package)"),
        "nl": ("(Engels, vertaling gemaakt voor dit pakket)", "(Engels, van de makers van dit pakket)"),
    }
    kept = {
        "en": "(English label, made for this package, or as published where kept)",
        "nl": "(Engels label, gemaakt voor dit pakket, of zoals gepubliceerd waar behouden)",
    }
    english = [field for schema in defs.schemas.values() for field in schema.fields if field.name.endswith("_en")]
    assert len(english) >= 10  # every table's English columns: categories, series, subquestions, source_questions
    for field in english:
        said = {"en": field.title, "nl": text("columns", field.name, "nl")}
        ends = kept if field.name == "label_en" else made
        assert all(said[lang].endswith(ends[lang]) for lang in said), said
    categories = pd.read_csv(ROOT / repo.RELEASE / "categories.csv", dtype=str, keep_default_na=False)
    assert (categories["label_en"] == categories["category"]).any()  # a label kept as published: the title says so


def test_no_sheet_of_the_workbook_is_named_for_stalking_alone(release):
    """The workbook's sheet of the CAW figures is named after their category as published ('belaging',
    which covers stalking): "Stalking per jaar" read as a count of stalking, which the answer does not give."""
    import openpyxl

    names = openpyxl.load_workbook(release / "stalking-flanders.xlsx", read_only=True).sheetnames
    assert not [name for name in names if name.casefold().startswith("stalking")], names
    assert any(name.startswith("Belaging") for name in names), names


def test_no_description_calls_the_figures_on_belaging_stalking_figures(release):
    """The descriptions of series.stalking_specific and of the code "specific" say what
    facts.SPECIFIC says (a category that covers stalking), and no text of the descriptor calls
    figures "stalking figures" (line 54: no specific registration; since 2.6.0 not even to say that some
    are not, which said more than the answer: "not figures specific to stalking")."""
    descriptor = (release / "datapackage.json").read_text(encoding="utf-8")
    fields = {f["name"]: f for r in json.loads(descriptor)["resources"] if "schema" in r for f in r["schema"]["fields"]}
    covers = SPECIFIC["en"][True].split(", ")[-1]  # "which covers stalking"
    for name in ("stalking_specific", "figures"):
        assert covers.removeprefix("which ") in fields[name]["description"], name
    assert "stalking figures" not in descriptor and "cijfers over stalking" not in descriptor.replace(
        "specifieke cijfers over stalking", ""
    )


def test_the_label_of_the_makers_words_is_written_once(release):
    """ "Note by the makers of this package" and its Dutch are texts.toml's (caveats.note): the
    table descriptions of schemas/package.toml name it by its placeholder, and the descriptor says it
    as texts.toml does."""

    toml = (ROOT / "schemas" / "package.toml").read_text(encoding="utf-8")
    descriptor = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    observations = next(r for r in descriptor["resources"] if r["name"] == "observations")
    for lang, said in (("en", observations["description"]), ("nl", observations["translations"]["nl"]["description"])):
        label = text("caveats", "note", lang)
        assert label not in toml and f"{label}: " in said and "{note}" not in said


@pytest.mark.parametrize("times", [0, 2])
def test_a_package_description_without_its_sentence_on_its_own_texts_once_is_refused(tmp_path, times):
    """What the package says of its own texts stands once in each language's description: a
    maintainer who drops {not_official}, or writes it twice, is told where, before anything is built."""
    import shutil

    from stalking_flanders.pipeline.definitions import load_definitions

    schemas = tmp_path / "schemas"
    shutil.copytree(ROOT / "schemas", schemas)
    toml = schemas / "package.toml"
    head, dutch = toml.read_text(encoding="utf-8").rsplit("[translations.nl]", 1)
    toml.write_text(head + "[translations.nl]" + dutch.replace("{not_official}", "{not_official}" * times), encoding="utf-8")
    with pytest.raises(LookupError, match=r"description in nl must hold \{not_official\} once"):
        load_definitions(schemas, ROOT / "pyproject.toml")


def test_the_coverage_names_each_code_in_the_pages_language(html, release, lang):
    """A reader of the coverage table reads whether the answer gives figures in words, with the
    code the table subquestions holds beside them."""
    kinds = {"specific": SPECIFIC[lang][True], **text("page", "figures_kinds", lang)}
    coverage = html[html.index('id="coverage"') : html.index('id="downloads"')]
    for code in pd.read_csv(release / "subquestions.csv")["figures"]:
        assert f">{kinds[code]} (<code>{code}</code>)</td>" in unescape(coverage), code


def test_every_code_of_the_figures_field_is_named_and_none_other():
    """The codes of ``subquestions.figures`` are its schema's enum: the layout files accept those,
    the texts name each of them in every language (``specific`` as its series is named), and the
    caveats' code for no figures is one of them; a code added to one and not the others fails here."""
    import typing

    from stalking_flanders.caveats import NO_FIGURES
    from stalking_flanders.pipeline.layout import Subquestion

    schema = json.loads((ROOT / repo.SCHEMAS / "subquestions.schema.json").read_text(encoding="utf-8"))
    enum = next(f for f in schema["fields"] if f["name"] == "figures")["constraints"]["enum"]
    assert list(typing.get_args(Subquestion.model_fields["figures"].annotation)) == enum
    for lang in PAGES:
        assert ["specific", *text("page", "figures_kinds", lang)] == enum, lang
        assert set(SPECIFIC[lang]) == {True, False}, lang
    assert NO_FIGURES in enum


def test_the_downloads_point_spreadsheet_users_to_the_workbook(html, lang):
    downloads = html[html.index('id="downloads"') :]
    assert "stalking-flanders.xlsx" in downloads[: downloads.index("<table")]  # said before the list
    assert downloads.index('href="stalking-flanders.xlsx"') < downloads.index('href="observations.csv"')  # and first in it


def test_the_coverage_says_which_lines_are_the_questions_and_which_the_answers(html, release, lang):
    """Each row's lines are the question's, then those of what the answer says (its quotation, not the whole
    answer): the column's heading says which is which."""
    coverage = unescape(html[html.index('id="coverage"') : html.index('id="downloads"')])
    heading = {"nl": "Regels (vraag / wat het antwoord zegt)", "en": "Lines (question / what the answer says)"}[lang]
    assert f">{heading}</th>" in coverage
    for q in pd.read_csv(release / "subquestions.csv", dtype=str).itertuples():
        assert f">{q.question_lines} / {q.statement_lines}</td>" in coverage, q.subquestion


def test_downloads_list_every_file_with_size_and_sha256(html, release):
    descriptor = json.loads((release / "datapackage.json").read_text())
    for resource in descriptor["resources"]:  # Parquet files' facts are on the page, not in the descriptor
        data = (release / resource["path"]).read_bytes()
        assert f'<a href="{resource["path"]}">' in html
        assert hashlib.sha256(data).hexdigest() in html
        assert f"{len(data):,}".replace(",", "\u202f") + "\u00a0bytes" in html  # never broken over lines
    assert hashlib.sha256((release / "datapackage.json").read_bytes()).hexdigest() in html


def test_schema_org_dataset(page, release, lang):
    """The page's schema.org Dataset, and its description for search engines, in the page's
    language (Dutch on the Dutch page: its title, description and keywords), the title in the other language beside."""
    (ld,) = [json.loads(s) for s in page.scripts]
    descriptor = json.loads((release / "datapackage.json").read_text())
    said = descriptor if lang == "en" else descriptor["translations"][lang]
    assert ld["@type"] == "Dataset" and ld["name"] == said["title"] and ld["version"] == descriptor["version"]
    assert ld["description"] == said["description"] and page.meta["description"] == said["description"].split("\n\n")[0]
    assert ld["keywords"] == said["keywords"]  # "Vlaanderen", not "Flanders", on the Dutch page
    other = descriptor["translations"]["nl"]["title"] if lang == "en" else descriptor["title"]
    assert ld["alternateName"] == [other, descriptor["name"]]
    assert ld["temporalCoverage"] == "2018/2021" and ld["license"] == descriptor["licenses"][0]["path"]
    assert ld["spatialCoverage"]["name"] == "België (Belgium)"  # the answer names no region: no Flanders of ours
    assert {d["contentUrl"] for d in ld["distribution"]} == {r["path"] for r in descriptor["resources"]}


def test_the_chart_ships_as_svg_and_png(release, lang, html):
    svg, png = file_names(lang)
    assert (release / svg).read_bytes().lstrip().startswith(b"<?xml")
    assert (release / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f'href="{svg}"' in html and f'href="{png}"' in html
    assert (ROOT / repo.README_CHART).read_bytes() == (release / "chart.png").read_bytes()
    docs = ROOT / "docs" / "data-package.md"  # the page that shows it (the README links nothing relative)
    assert f"]({repo.README_CHART.relative_to('docs').as_posix()})" in docs.read_text(encoding="utf-8")


def test_citation_cff_agrees_with_the_descriptor():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    descriptor = json.loads((ROOT / repo.DESCRIPTOR).read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "dataset"
    assert cff["title"] == descriptor["title"]
    assert str(cff["version"]) == descriptor["version"]
    assert cff["license"] == descriptor["licenses"][0]["name"]
    assert cff["keywords"] == descriptor["keywords"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(cff["date-released"]))
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## [{cff['version']}] - {cff['date-released']}" in changelog
    # the abstract in Dutch first, then English, each with the caveats of the makers' own, labelled
    dutch, english = cff["abstract"].split(" — ")
    assert "niet specifiek voor stalking" in dutch and "Opmerking van de makers van dit pakket: het cijfer voor 2021" in dutch
    assert "not stalking-specific" in english and "Note by the makers of this package: the 2021 figure" in english


def _question_facts(q, lang: str) -> list[str]:
    """What a text written by hand about source question ``q`` (a row of ``source_questions``) must
    say of it in ``lang``: its number, date, title, questioner, minister with their title and the
    other ministers it was put to, with their numbers."""
    date = datetime.date.fromisoformat(q.date)
    dated = dutch_date(date) if lang == "nl" else f"{date.day} {MONTHS_EN[date.month - 1]} {date.year}"
    put_to = re.findall(r"(?:ministers?|,) ([^,()]+) \((\d+)\)", q.also_put_to_nl)
    others = [f for pair in put_to if pair[1] != q.number for f in pair]
    title = q.minister_title_nl if lang == "nl" else q.minister_title_en
    return [f"nr. {q.number}", dated, q.title_nl, q.questioner, q.minister, title, *others]


def test_the_texts_written_by_hand_name_each_question_as_its_archived_text_does():
    """The question's number, date, title, questioner and minister, checked against the archived
    text in the table ``source_questions``, are written again by hand in the package's metadata,
    the README's first paragraphs and the citation: each says them as that table does."""
    questions = pd.read_csv(ROOT / repo.RELEASE / "source_questions.csv", dtype=str, keep_default_na=False)
    meta = tomllib.loads((ROOT / repo.SCHEMAS / "package.toml").read_text(encoding="utf-8"))
    paragraphs = (ROOT / "README.md").read_text(encoding="utf-8").split("\n\n")
    dutch = next(p for p in paragraphs if p.startswith("**In het Nederlands:**"))
    english = next(p for p in paragraphs if p.startswith("Every figure in "))
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    texts = {
        "nl": [meta["translations"]["nl"]["description"], dutch],
        "en": [meta["description"], english],
    }
    for q, reference in zip(questions.itertuples(), cff["references"], strict=True):  # one reference a question
        for lang, written in texts.items():
            for text_ in written:
                flat = re.sub(r"\s+", " ", text_)
                assert [f for f in _question_facts(q, lang) if f not in flat] == [], (lang, flat[:80])
        reference_title = re.sub(r"\s+", " ", reference["title"])
        assert [f for f in _question_facts(q, "nl")[:5] if f not in reference_title] == [], reference_title
        titled = [meta["title"], cff["title"], cff["message"], meta["translations"]["nl"]["title"]]
        assert all(f"nr. {q.number}" in t for t in titled) and q.parliament == reference["publisher"]["name"]
        assert [a["family-names"] for a in reference["authors"]] == [q.questioner.split()[-1], q.minister.split()[-1]]


def test_the_spans_and_counts_the_metadata_writes_by_hand_are_the_release_s():
    """The table descriptions in ``schemas/package.toml`` cite lines and count sub-questions by hand,
    and the README counts the answer's tables: each span starts and ends on a line the release's
    tables cite, both languages cite the same, and the counts are the tables' rows."""
    meta = tomllib.loads((ROOT / repo.SCHEMAS / "package.toml").read_text(encoding="utf-8"))
    release = ROOT / repo.RELEASE
    series = pd.read_csv(release / "series.csv", dtype=str)
    cited = {int(n) for col in ("measure_lines", "caveat_lines") for span in series[col] for n in span.split("-")}
    cited |= set(pd.read_csv(release / "observations.csv")["source_line"])
    for name, table in meta["tables"].items():
        spans = {
            lang: re.findall(rf"\({word} (\d+)(?:-(\d+))?\)", table[key])
            for lang, word, key in (("en", "lines?", "description"), ("nl", "regels?", "description_nl"))
        }
        assert spans["en"] == spans["nl"], name
        assert all(int(n) in cited for span in spans["en"] for n in span if n), (name, spans["en"], sorted(cited))
    subquestions = len(pd.read_csv(release / "subquestions.csv"))
    words = dict(
        enumerate(
            zip(
                ("one two three four five six seven eight nine ten eleven twelve").split(),
                ("een twee drie vier vijf zes zeven acht negen tien elf twaalf").split(),
            ),
            start=1,
        )
    )
    numbers, tables = words.get(subquestions, (str(subquestions),) * 2), words.get(len(series), (str(len(series)),) * 2)
    assert f"The {numbers[0]} sub-questions" in meta["tables"]["subquestions"]["description"]
    assert f"De {numbers[1]} deelvragen" in meta["tables"]["subquestions"]["description_nl"]
    readme = re.sub(r"\s+", " ", (ROOT / "README.md").read_text(encoding="utf-8"))  # a table of the answer is a series
    assert f"bevat {tables[1]} kleine tabellen" in readme and f"holds {tables[0]} small tables" in readme


def test_each_release_is_dated_alike_in_its_record_the_changelog_and_the_citation():
    """releases.toml records each release when it is cut; CHANGELOG.md and CITATION.cff give its
    day (in UTC, as the record's moment): the same releases, the same days."""
    import datetime

    sys.path.insert(0, str(ROOT / "scripts"))
    from changelog import released

    from stalking_flanders.releases import history

    recorded = {v: r.released.astimezone(datetime.UTC).date() for v, r in history().items()}
    assert released((ROOT / "CHANGELOG.md").read_text(encoding="utf-8")) == dict(reversed(recorded.items()))
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    latest = list(recorded)[-1]
    assert (str(cff["version"]), str(cff["date-released"])) == (latest, recorded[latest].isoformat())


def test_no_computed_value_is_shown_as_if_published(html, release):
    """The answer publishes no totals; the page shows none (a sum over categories may count a person twice)."""
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))  # the chart wraps its text over lines
    # the answer's own words (and their translation)
    quoted = ("the total number of registrations", "the total of the registrations", "het totaal van de registraties")
    for phrase in quoted:
        text = text.replace(phrase, "")
    assert "total" not in text.lower() and "totaal" not in text.lower()


def test_every_english_rendering_of_the_answers_words_is_marked_as_a_translation(html, release, lang):
    series = pd.read_csv(release / "series.csv", dtype=str, keep_default_na=False)
    marked = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", html)))
    marker = text("page", "translated", lang)
    for s in series.itertuples():
        for said in (s.measure_en, s.caveat_en):
            assert f"{said} ({marker})" in marked, said


def test_the_page_builds_no_markup_in_python():
    """The markup of the page is the template's: no module of the pipeline writes an HTML tag."""
    tags = re.compile(r"<(span|a|code|q|br|b|strong|td|th)\b")
    for module in ("page.py", "jsonld.py", "chart.py"):
        code = (ROOT / "src" / "stalking_flanders" / "pipeline" / module).read_text(encoding="utf-8")
        assert not tags.search(code), module


CHART_SAYS = {  # what the image itself carries, so that it can be reused on its own
    "nl": [
        "schriftelijke vraag nr. 186",
        "Vlaams Parlement",
        "21 december 2021",
        "CC BY 4.0",
        "dekt mogelijk niet het hele jaar",
        "exponentieel de hoogte in schiet",
        "niet om slachtoffers",
        "NIET specifiek voor stalking",
        "aantal daders",  # each panel's axis says what its figures count
        "aantal registraties",
    ],
    "en": [
        "written question nr. 186",
        "Flemish Parliament",
        "21 December 2021",  # as the English title dates the question
        "CC BY 4.0",
        "may not cover the whole year",
        "rising exponentially",
        "not victims",
        "NOT stalking-specific",
        "translation made for this package",
        "number of perpetrators",
        "number of registrations",
    ],
}


def test_the_chart_carries_title_source_licence_and_the_answers_reading(release, lang):
    svg = (release / file_names(lang)[0]).read_text(encoding="utf-8")
    # the SVG's text (svg.fonttype none keeps it as text): comments and wrapped lines joined
    shown = re.sub(r"\s+", " ", " ".join(re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)))
    shown = shown.replace("&#34;", '"').replace("&#39;", "'").replace("&amp;", "&")
    for words in CHART_SAYS[lang]:
        assert words in shown, words
    # beside each panel, what the answer itself says each figure counts and says of them, quoted with their lines
    words = caveat_words(lang)
    for s in pd.read_csv(release / "series.csv").itertuples():
        measure = f"“{getattr(s, f'measure_{lang}')}” ({lines_named(s.measure_lines, lang)})"
        caveat = f"“{getattr(s, f'caveat_{lang}')}” ({lines_named(s.caveat_lines, lang)})"
        assert f"{words['answer']}: {measure} {words['and']} {caveat}" in shown, s.series
    # and for each series the answer's own reading (each panel: the same sub-question here)
    readings = pd.read_csv(release / "series.csv")["reading_subquestion"].dropna()
    reading = {"nl": "Gelet enerzijds op de beperkte concrete cijfers", "en": "Given the limited concrete figures"}[lang]
    assert shown.count(f"“{reading}") == len(readings) == 2
    # the licence covers the package's own tables and words, not the answer's text the chart quotes
    assert f"{text('licence', 'scope', lang)} {text('licence', 'archived_text', lang)}" in shown
    # the stalking figures come first (their panel above the other's)
    first, other = (
        ("cijfers over belaging, waaronder stalking", "NIET specifiek voor stalking")
        if lang == "nl"
        else ("figures on 'belaging', which covers stalking", "NOT stalking-specific")
    )
    assert shown.index(first) < shown.index(other)


def test_the_figure_of_the_year_its_question_was_put_is_marked_where_it_stands(release, html, lang):
    """The answer does not say up to what date it counted, and the question is dated 21 December
    2021: the year of that figure carries an asterisk on its panel, and below the panel the asterisk
    points to the makers' note, which says so; the chart's description says the same. No year of the
    CGG (2018-2020) is marked."""
    svg = (release / file_names(lang)[0]).read_text(encoding="utf-8")
    shown = re.sub(r"\s+", " ", " ".join(re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)))
    note = text("chart", "partial", lang, year=2021)
    assert re.findall(r"\b\d{4}\*", shown) == ["2021*"]  # one tick marked: the CAW's 2021
    assert shown.index("2021*") < shown.index(note) < shown.index("Belaging (stalking)")  # below its panel, above its legend
    page = unescape(re.sub(r"\s+", " ", html))
    assert f"2020: 47, 2021*: 57. {note}" in page  # the chart's description: the figure marked, and the note
    # the note of each series with a figure of the year its question was put says why (its one home)
    series, observations = pd.read_csv(release / "series.csv"), pd.read_csv(release / "observations.csv")
    asked = dict(pd.read_csv(release / "source_questions.csv", dtype=str)[["source_question", "date"]].values)
    marked = [
        (s, int(asked[s.source_question][:4]))
        for s in series.itertuples()
        if int(asked[s.source_question][:4]) in set(observations.loc[observations["series"] == s.series, "year"])
    ]
    assert [s.series for s, _ in marked] == ["caw-perpetrators-belaging"]
    for s, year in marked:
        assert f"het cijfer voor {year} dekt mogelijk niet het hele jaar" in s.note_nl
        assert f"the {year} figure may not cover the whole year" in s.note_en


def test_the_chart_s_ids_are_numbered_not_hashed_from_its_numbers(release, lang):
    """matplotlib names a clip rectangle or a marker by a hash of its numbers at full precision; a
    last digit moved by what the process drew before changed the bytes of a rebuild. The ids are
    numbered in order, and every reference names one of them."""
    svg = (release / file_names(lang)[0]).read_text(encoding="utf-8")
    ids = re.findall(r' id="([^"]+)"', svg)
    assert not [i for i in ids if re.fullmatch(r"[mp][0-9a-f]{10}", i)]
    assert {"chart-p1", "chart-m1"} <= set(ids)
    assert set(re.findall(r'(?:url\(|href=")#([^")]+)', svg)) <= set(ids)


def _echo(tables, lang, facts):
    """A chart that shows what it was handed of the package's metadata (at module level: the draw
    step's processes take it by name)."""
    return json.dumps(facts, sort_keys=True).encode("utf-8"), b""


def test_the_chart_is_handed_only_what_the_draw_step_pins(defs, monkeypatch):
    """A chart printing more of the metadata than the draw step pins would be published stale when
    that changed: each language's chart is handed exactly the facts the step pins, and no more."""
    from stalking_flanders.pipeline import chart
    from stalking_flanders.pipeline.drawn import PRINTED_FACTS, draw_each_language, read_validated

    monkeypatch.setattr(chart, "draw", _echo)
    monkeypatch.setattr(chart, "import_matplotlib", lambda: None)
    tables, drawn_from = read_validated(ROOT / repo.VALIDATED, defs)
    handed = {svg.decode("utf-8") for svg, _ in draw_each_language(tables, defs.meta).values()}
    assert handed == {json.dumps(chart.printed(defs.meta), sort_keys=True)}
    pinned = hashlib.sha256(json.dumps(chart.printed(defs.meta), ensure_ascii=False, sort_keys=True).encode()).hexdigest()
    assert f"{pinned}  {PRINTED_FACTS}" in drawn_from.decode()
    assert "title" in defs.meta and "title" not in chart.printed(defs.meta)


def test_the_stalking_figures_panel_is_no_smaller_than_the_other(release, defs):
    import matplotlib

    from stalking_flanders.formats import csv as csv_format
    from stalking_flanders.pipeline import chart

    tables = {name: csv_format.read(release / f"{name}.csv", schema) for name, schema in defs.schemas.items()}
    facts = chart.printed(json.loads((release / "datapackage.json").read_text(encoding="utf-8")))
    for lang in PAGES:
        with matplotlib.rc_context(chart.STYLE):
            _, panels = chart.figure(tables, lang, facts)
        boxes = {series: ax.get_window_extent() for series, ax in panels.items()}
        specific = tables["series"].set_index("series")["stalking_specific"]
        smallest_specific = min(b.width * b.height for s, b in boxes.items() if specific[s])
        assert all(smallest_specific >= b.width * b.height - 1 for s, b in boxes.items() if not specific[s]), boxes


def test_each_figure_is_a_bar_of_its_count_and_no_line_joins_the_years(release, defs):
    """The answer draws no trend from its figures: each count is a bar of its own (its height the
    count, within its year), and no line joins one year's figure to the next."""
    import matplotlib

    from stalking_flanders.formats import csv as csv_format
    from stalking_flanders.pipeline import chart

    tables = {name: csv_format.read(release / f"{name}.csv", schema) for name, schema in defs.schemas.items()}
    facts = chart.printed(json.loads((release / "datapackage.json").read_text(encoding="utf-8")))
    observations = tables["observations"]
    for lang in PAGES:
        with matplotlib.rc_context(chart.STYLE):
            _, panels = chart.figure(tables, lang, facts)
        for series, ax in panels.items():
            assert ax.get_lines() == [], (lang, series)
            bars = [(round(b.get_x() + b.get_width() / 2), b.get_height()) for c in ax.containers for b in c]
            rows = observations[observations["series"] == series]
            assert sorted(bars) == sorted(zip(rows["year"], rows["count"])), (lang, series)
            # a panel of few bars gives each count above its bar, as published; one of many gives none
            shown = sorted(t.get_text() for t in ax.texts)
            assert shown == (sorted(map(str, rows["count"])) if len(rows) <= chart.LABELLED_BARS else []), (lang, series)


def test_a_text_texts_toml_does_not_hold_is_named_with_its_file_and_section():
    from stalking_flanders.texts import MissingText

    with pytest.raises(MissingText, match=r"texts\.toml holds no text nope_nl in its section \[page\] \(its texts: .*glance_nl"):
        text("page", "nope", "nl")
    with pytest.raises(MissingText, match=r"no text x_nl in its section \[nowhere\] \(no such section\)"):
        text("nowhere", "x", "nl")


def test_a_word_the_page_s_template_asks_for_in_one_language_only_is_named_with_its_file_and_section():
    """A maintainer who adds ``made_from_nl`` to [page] and forgets ``made_from_en`` is told so,
    through Jinja (which takes a missing key for an empty value where it is a LookupError)."""
    from jinja2 import Environment, StrictUndefined

    from stalking_flanders.pipeline.page import _words
    from stalking_flanders.texts import MissingText

    template = Environment(undefined=StrictUndefined, autoescape=True).from_string("{{ w.made_from }}")
    with pytest.raises(MissingText, match=r"texts\.toml holds no text made_from_en in its section \[page\]"):
        template.render(w=_words("en"))


def test_texts_toml_that_is_not_toml_is_named(tmp_path, monkeypatch):
    from stalking_flanders import texts

    broken = tmp_path / "texts.toml"
    broken.write_text('[page]\nglance_nl = "open\n', encoding="utf-8")
    monkeypatch.setattr(texts, "TEXTS", broken)
    texts._all.cache_clear()
    try:
        with pytest.raises(ValueError, match=r"texts\.toml is not valid TOML: .*line 2"):
            texts.text("page", "glance", "nl")
    finally:
        texts._all.cache_clear()


def test_what_the_package_says_of_its_own_texts_is_written_once_and_stands_in_the_descriptor_and_workbook():
    import openpyxl

    from stalking_flanders.datapackage import BUNDLED
    from stalking_flanders.formats import xlsx

    descriptor = json.loads((BUNDLED / "datapackage.json").read_text(encoding="utf-8"))
    said = {"en": descriptor["description"], "nl": descriptor["translations"]["nl"]["description"]}
    about = openpyxl.load_workbook(BUNDLED / xlsx.FILE_NAME)[xlsx.READ_ME].iter_rows(min_row=2, values_only=True)
    described = next((dutch, english) for topic, dutch, english in about if topic == xlsx.topic("about"))
    for lang, in_workbook in zip(("nl", "en"), described):
        sentence = text("caveats", "not_official", lang)
        assert sentence in said[lang] and sentence in in_workbook, lang
    written = [p for p in [*ROOT.glob("src/stalking_flanders/**/*.py"), *ROOT.glob("schemas/*")] if p.is_file()]
    assert [p for p in written if re.search(r"not official|niet officieel", p.read_text(encoding="utf-8"))] == []


def _with_a_second_source(series: bool):
    """The bundled release's tables and the same again as a second source question's (only its
    sub-questions where ``series`` is false: an answer that gives no figures)."""
    import pandas as pd

    from stalking_flanders.datapackage import bundled
    from stalking_flanders.formats import csv
    from stalking_flanders.pipeline.readme_sections import read_tables

    package = bundled()
    questions = package.resource("source_questions")  # the chart's text dates each series' question
    asked = csv.read(package.read_bytes(questions), package.schema(questions["name"]))
    tables = {**read_tables(package), "source_questions": asked}
    other = {name: frame.copy() for name, frame in tables.items() if series or name in ("subquestions", "source_questions")}
    for frame in other.values():
        frame["source_question"] = "vp-sv-999-test-2023-01-10"
        if "date" in frame:  # put in 2023: none of its figures (2018-2021) is of that year
            frame["date"] = pd.Series([datetime.date(2023, 1, 10)] * len(frame), dtype=frame["date"].dtype, index=frame.index)
        if "series" in frame:
            frame["series"] = frame["series"] + "-2023"
    return {name: pd.concat([tables[name], other[name]], ignore_index=True) if name in other else tables[name] for name in tables}


@pytest.mark.parametrize("series", [True, False], ids=["with figures", "without figures"])
def test_with_two_sources_every_output_names_each_series_question(series):
    """With a second source, each series' heading names its question in the caveats (descriptor,
    info, record, workbook), the chart's text, the README's figures and the page's first screen; an
    answer without figures makes them two sources too (it was judged table by table)."""
    from stalking_flanders.caveats import caveat_list
    from stalking_flanders.pipeline import chart, readme_sections

    both = _with_a_second_source(series)
    first, second = "(CAW) (vp-sv-186-beke-2021-12-21)", "(CAW) (vp-sv-999-test-2023-01-10)"
    outputs = {
        "caveats": "\n".join(caveat_list(both)),
        "chart": chart.alt_text(both, "en"),
        "readme": readme_sections.figures(both),
    }
    for name, said in outputs.items():
        assert first.lower() in said.lower() and (second.lower() in said.lower()) == series, name
    assert outputs["chart"].count("2021*") == 1  # the first question's 2021 alone: the second was put in 2023


def test_with_two_sources_the_workbook_heads_each_series_figures_with_its_question():
    """Two answers' CAW figures for the same years, one under the other on the second sheet, named
    neither answer: each block now starts with its series' organisation and question."""
    import pandas as pd

    from stalking_flanders.datapackage import bundled
    from stalking_flanders.formats import xlsx
    from stalking_flanders.pipeline.readme_sections import read_tables

    tables = read_tables(bundled())
    other = {name: frame.copy() for name, frame in tables.items()}
    for frame in other.values():
        if "source_question" in frame:
            frame["source_question"] = "vp-sv-999-test-2023-01-10"
        if "series" in frame:
            frame["series"] = frame["series"] + "-2023"
    both = {name: pd.concat([tables[name], other[name]], ignore_index=True) for name in tables}
    rows = xlsx.stalking_rows(both)
    headings = [i for i, row in enumerate(rows) if len(row) == 1 and "(CAW) (" in str(row[0])]  # a heading alone
    assert [rows[i][0].rsplit("(", 1)[1] for i in headings[:2]] == ["vp-sv-186-beke-2021-12-21)", "vp-sv-999-test-2023-01-10)"]
    assert all(rows[i + 1][0] == 2019 for i in headings[:2])  # the heading stands right above its figures
    assert xlsx.stalking_rows(tables)[1][0] == 2019  # one source: the figures right under the header, as before
