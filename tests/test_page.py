"""The dataset page and chart of the release, read as files: self-contained, accessible markup,
every figure with its line, the downloads with size and sha256, schema.org JSON-LD; and
CITATION.cff agreeing with the descriptor."""

from __future__ import annotations

import hashlib
import json
import re
from html.parser import HTMLParser

import pandas as pd
import pytest
import yaml

from helpers import ROOT
from stalking_flanders import repo


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

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


@pytest.fixture(scope="module")
def html(release) -> str:
    return (release / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def page(html) -> Page:
    return Page(html)


def test_self_contained(page, html):
    for tag, attrs in page.tags:
        assert not (tag == "script" and "src" in attrs), "no external scripts"
        assert not (tag == "link" and attrs.get("rel") == "stylesheet"), "no external style sheets"
        assert tag not in ("img", "iframe", "object", "embed") or not attrs.get("src", "").startswith("http")
        if tag == "link":
            assert attrs.get("href", "").startswith("data:")
    assert "@import" not in html and "@font-face" not in html
    assert re.findall(r"url\((?!#)", html) == []  # only the chart's own fragments, such as url(#clip)
    assert all(attrs.get("type") == "application/ld+json" for tag, attrs in page.tags if tag == "script")


def test_accessible_markup(page, html):
    assert page.tags[0] == ("html", {"lang": "en"})
    assert any(attrs.get("lang") == "nl" for _, attrs in page.tags)
    assert sum(1 for tag, attrs in page.tags if tag == "th" and attrs.get("scope") in ("col", "row")) > 20
    assert sum(1 for tag, _ in page.tags if tag == "caption") >= 4
    svg = [attrs for tag, attrs in page.tags if tag == "svg"][0]
    assert svg["role"] == "img" and svg["aria-labelledby"] == "chart-title chart-desc"
    assert '<title id="chart-title">' in html and '<desc id="chart-desc">' in html
    assert html.index("Read before use") < html.index("<svg")  # the caveats come first


def test_every_figure_stands_with_its_line(html, release):
    observations = pd.read_csv(release / "observations.csv")
    for row in observations.itertuples():
        assert f'<span class="n">{row.count}</span> <span class="line">line {row.source_line}</span>' in html


def test_downloads_list_every_file_with_size_and_sha256(html, release):
    descriptor = json.loads((release / "datapackage.json").read_text())
    for resource in descriptor["resources"]:  # Parquet files' facts are on the page, not in the descriptor
        data = (release / resource["path"]).read_bytes()
        assert f'<a href="{resource["path"]}">' in html
        assert hashlib.sha256(data).hexdigest() in html
        assert f"{len(data):,}".replace(",", "\u202f") + "\u00a0bytes" in html  # never broken over lines
    assert hashlib.sha256((release / "datapackage.json").read_bytes()).hexdigest() in html


def test_schema_org_dataset(page, release):
    (ld,) = [json.loads(s) for s in page.scripts]
    descriptor = json.loads((release / "datapackage.json").read_text())
    assert ld["@type"] == "Dataset" and ld["name"] == descriptor["title"] and ld["version"] == descriptor["version"]
    assert ld["temporalCoverage"] == "2018/2021" and ld["license"] == descriptor["licenses"][0]["path"]
    assert {d["contentUrl"] for d in ld["distribution"]} == {r["path"] for r in descriptor["resources"]}


def test_the_chart_ships_as_svg_and_png(release):
    assert (release / "chart.svg").read_bytes().lstrip().startswith(b"<?xml")
    assert (release / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
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


def test_no_computed_value_is_shown_as_if_published(html, release):
    """The answer publishes no totals; the page shows none (a sum over categories may count a person twice)."""
    text = re.sub(r"<[^>]+>", " ", html)
    quoted = ("the total number of registrations", "the total of the registrations")  # the answer's own words
    for phrase in quoted:
        text = text.replace(phrase, "")
    assert "Total" not in text and "total" not in text


def test_the_page_builds_no_markup_in_python():
    """The markup of the page is the template's: no module of the pipeline writes an HTML tag."""
    tags = re.compile(r"<(span|a|code|q|br|b|strong|td|th)\b")
    for module in ("page.py", "jsonld.py", "chart.py"):
        code = (ROOT / "src" / "stalking_flanders" / "pipeline" / module).read_text(encoding="utf-8")
        assert not tags.search(code), module
