"""The dataset page in a real browser: headless Chromium (Debian's package, driven by Playwright)
opens it from a server on 127.0.0.1, on a phone (390 px) and on a desktop (1280 px): no console
errors, no sideways scrolling, chart labels of at least 11 CSS px, the figures and their main
caveat in the first screen, every table within the page, keyboard access, every download link a
file that exists; screenshots of both widths in test-artifacts/."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from helpers import ROOT, http_folder, needs
from stalking_flanders.pipeline.page import PAGES, _words

pytestmark = pytest.mark.system  # runs outside programs: see conftest.py

CHROMIUM = os.environ.get("STALKING_FLANDERS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def served(release):
    needs(
        Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM}: install Debian's package (apt-get install chromium); .ci/run does"
    )
    with http_folder(release) as url:
        yield url


@pytest.fixture(scope="module")
def browser(served):
    """One Chromium for the module; each test opens pages of its own in a fresh context."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


LAYOUT = """() => {
  const texts = [...document.querySelectorAll('figure svg text')].map(
    t => Math.hypot(t.getScreenCTM().a, t.getScreenCTM().b) * parseFloat(getComputedStyle(t).fontSize));
  const summary = document.querySelector('#summary').getBoundingClientRect();
  return {scrollWidth: document.documentElement.scrollWidth, width: innerWidth, height: innerHeight,
          smallestChartText: Math.min(...texts), chartTexts: texts.length,
          summaryTop: summary.top, summaryBottom: summary.bottom,
          tablesRight: Math.max(...[...document.querySelectorAll('table')].map(t => t.getBoundingClientRect().right)),
          cellsOverflowing: [...document.querySelectorAll('td, th')]
            .filter(c => c.offsetWidth > 1 && c.scrollWidth > c.clientWidth + 1).length};
}"""
SCREENS = {"phone": (390, 844), "desktop": (1280, 800)}


# What the first screen must show beside the CAW figures, in each language: what the answer says
# about them (sub-question 6: the limited figures, no signal of an exponential rise) and the
# package's three caveats (perpetrators, not victims; a person perhaps counted more than once; 2021
# perhaps incomplete).
FIRST_SCREEN = {
    "nl": [
        "beperkte concrete cijfers",
        "exponentieel de hoogte in schiet",
        "niet om slachtoffers",
        "meer dan eens geteld",
        "dekt mogelijk niet het hele jaar",
    ],
    "en": [
        "limited concrete figures",
        "rising exponentially",
        "not victims",
        "counted more than once",
        "may not cover the whole year",
    ],
}


@pytest.mark.parametrize("lang", list(PAGES))
@pytest.mark.parametrize("screen", SCREENS)
def test_the_page_fits_every_screen(screen, lang, served, browser):
    width, height = SCREENS[screen]
    page = browser.new_page(viewport={"width": width, "height": height})
    try:
        page.goto(served + PAGES[lang], wait_until="load")  # a static page: all there at "load"
        layout = page.evaluate(LAYOUT)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"dataset-page-{lang}-{screen}.png"))
        page.screenshot(path=str(ARTIFACTS / f"dataset-page-{lang}-{screen}-full.png"), full_page=True)
        shown_lang = page.evaluate("document.documentElement.lang")
        summary = page.locator("#summary").inner_text().replace("\u00a0", " ")
    finally:
        page.context.close()
    assert layout["scrollWidth"] <= layout["width"], layout  # no sideways scrolling
    assert layout["chartTexts"] > 20 and layout["smallestChartText"] >= 11, layout
    assert 0 <= layout["summaryTop"] and layout["summaryBottom"] <= layout["height"], layout  # in the first screen
    assert layout["tablesRight"] <= layout["width"] and layout["cellsOverflowing"] == 0, layout
    assert shown_lang == lang
    assert "21 (2019), 47 (2020), 57 (2021)" in summary  # the CAW figures, as published
    for words in FIRST_SCREEN[lang]:
        assert words in summary, words
    assert (ARTIFACTS / f"dataset-page-{lang}-{screen}.png").stat().st_size > 10_000


def test_the_page_in_chromium(served, release, browser):
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    try:
        problems = []
        page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
        page.on("response", lambda r: problems.append(f"{r.status}: {r.url}") if r.status >= 400 else None)
        response = page.goto(served + "index.html", wait_until="networkidle")
        assert response.status == 200
        assert page.evaluate("document.documentElement.lang") == "nl"  # Dutch by default
        page.get_by_role("link", name=_words("en")["switch"]).click()  # English one link away, without script
        page.wait_for_load_state("networkidle")
        assert page.url.endswith(PAGES["en"]) and page.evaluate("document.documentElement.lang") == "en"

        chart = page.locator("figure svg[role=img]")
        assert chart.is_visible() and chart.bounding_box()["width"] > 300
        assert page.locator("figure svg title").first.text_content() == _words("en")["chart_title"]
        assert "21 December 2021" in page.locator("figure svg desc").first.text_content()  # the chart in words
        assert page.locator("table").count() >= 4
        assert page.locator("table caption").first.is_visible()
        assert "NOT stalking-specific" in page.locator(".caveats").inner_text()

        page.keyboard.press("Tab")  # usable without a mouse: the first stop skips to the data
        assert page.evaluate("document.activeElement.textContent") == _words("en")["skip"]
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == "#data"

        links = page.locator("section[aria-labelledby=downloads] a").evaluate_all("links => links.map(a => a.href)")
        assert len(links) >= 12
        for link in links:
            got = page.request.get(link)
            name = link[len(served) :]
            assert got.status == 200 and got.body() == (release / name).read_bytes(), link

        ARTIFACTS.mkdir(exist_ok=True)
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(ARTIFACTS / "dataset-page.png"), full_page=True)
    finally:
        page.context.close()
    assert problems == []
    assert (ARTIFACTS / "dataset-page.png").stat().st_size > 10_000
