"""The dataset page in a real browser: headless Chromium (Debian's package, driven by Playwright)
opens it from a server on 127.0.0.1, sees no console errors, sees the chart and the tables, can
reach the content from the keyboard, follows every download link to a file that exists, and saves
a screenshot (test-artifacts/dataset-page.png)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from helpers import ROOT, http_folder, needs

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


def test_the_page_in_chromium(served, release, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        problems = []
        page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
        page.on("response", lambda r: problems.append(f"{r.status}: {r.url}") if r.status >= 400 else None)
        response = page.goto(served + "index.html", wait_until="networkidle")
        assert response.status == 200

        chart = page.locator("figure svg[role=img]")
        assert chart.is_visible() and chart.bounding_box()["width"] > 300
        assert page.locator("figure svg title").first.text_content() == "Counts by year, one panel per series"
        assert page.locator("table").count() >= 4
        assert page.locator("table caption").first.is_visible()
        assert "NOT stalking-specific" in page.locator(".caveats").inner_text()

        page.keyboard.press("Tab")  # usable without a mouse: the first stop skips to the data
        assert page.evaluate("document.activeElement.textContent") == "Skip to the data"
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
        browser.close()
    assert problems == []
    assert (ARTIFACTS / "dataset-page.png").stat().st_size > 10_000
