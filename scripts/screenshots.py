"""Screenshots of the report and the web app at desktop and phone widths, for docs/screenshots/.

    .venv/bin/python scripts/screenshots.py [--article ../shared/examples/syria-at-tanf.txt]

Starts `propwatch serve` on a free loopback port with a throwaway store, has it analyse and keep
the example article, and photographs in headless Chromium (Playwright with Debian's
/usr/bin/chromium, as the browser tests use) at 1280 and 390 pixels wide, in the light and the
dark theme: the start page (page-*), the report on its own (report-*: the file that
`propwatch analyze --format html` writes), with a highlight's pop-up open
(report-popup-1280.png), and the top of the kept report's web page with its bar (app-report-*).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Literal

import httpx
from playwright.sync_api import Browser, sync_playwright

from propwatch.web.local import local_server

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
WIDTHS = (1280, 390)
SCHEMES: tuple[Literal["light", "dark"], ...] = ("light", "dark")
CHROMIUM = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def photograph(browser: Browser, url: str, name: str, full_page: bool = True) -> None:
    """`name`-WIDTH.png, and name-dark-WIDTH.png in the dark theme."""
    for scheme in SCHEMES:
        for width in WIDTHS:
            page = browser.new_page(viewport={"width": width, "height": 900}, color_scheme=scheme)
            page.goto(url)
            suffix = "" if scheme == "light" else "-dark"
            page.screenshot(path=str(OUT / f"{name}{suffix}-{width}.png"), full_page=full_page)
            page.close()


def photograph_popup(browser: Browser, url: str, name: str) -> None:
    """The window around the fourth highlight, its pop-up open (what a reader sees)."""
    page = browser.new_page(viewport={"width": WIDTHS[0], "height": 900})
    page.goto(url)
    mark = page.locator("mark.hl").nth(3)
    mark.evaluate("m => m.scrollIntoView({block: 'center'})")
    mark.click()
    page.screenshot(path=str(OUT / f"{name}-{WIDTHS[0]}.png"))
    page.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--article", type=Path, default=ROOT.parent / "shared" / "examples" / "syria-at-tanf.txt"
    )
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    text = args.article.read_text(encoding="utf-8")
    with (
        tempfile.TemporaryDirectory() as work,
        local_server("--db", f"{work}/screens.db", "--workers", "1") as base,
    ):
        # cleaned of page leftovers ("Leave a Reply"), as the page and `propwatch analyze` do
        request = {"text": text, "save": True, "clean": True}
        kept = httpx.post(f"{base}/v1/analyze", json=request, timeout=300)
        key = kept.raise_for_status().headers["Analysis-Id"]
        report = Path(work) / "report.html"
        report.write_bytes(httpx.get(f"{base}/v1/analyses/{key}/report").content)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM)
            photograph(browser, base, "page")
            photograph(browser, report.as_uri(), "report")
            photograph_popup(browser, report.as_uri(), "report-popup")
            photograph(browser, f"{base}/a/{key}", "app-report", full_page=False)
            browser.close()
    print(f"wrote {', '.join(sorted(p.name for p in OUT.glob('*.png')))} to {OUT}")


if __name__ == "__main__":
    main()
