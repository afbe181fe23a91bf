"""Screenshots of the report and the web page at desktop and phone widths, for docs/screenshots/.

    .venv/bin/python scripts/screenshots.py [--article ../shared/examples/syria-at-tanf.txt]

Renders the example article's report with the shipped model, starts `propwatch serve` on a free
loopback port with a throwaway store, and photographs both in headless Chromium (Playwright with
Debian's /usr/bin/chromium, as the browser tests use) at 1280 and 390 pixels wide; the report
also in its dark theme, and with a highlight's pop-up open (report-popup-1280.png).
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import Browser, sync_playwright

from propwatch import analyze
from propwatch.render.html import render_html

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
EXAMPLE = ROOT.parent / "shared" / "examples" / "syria-at-tanf.txt"
CHROMIUM_PATH = "/usr/bin/chromium"
WIDTHS = (1280, 390)
CHROMIUM = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def photograph(browser: Browser, url: str, name: str, scheme: str = "light") -> None:
    for width in WIDTHS:
        page = browser.new_page(viewport={"width": width, "height": 900}, color_scheme=scheme)
        page.goto(url)
        page.screenshot(path=str(OUT / f"{name}-{width}.png"), full_page=True)
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
    with tempfile.TemporaryDirectory() as work:
        report = Path(work) / "report.html"
        report.write_text(render_html(analyze(args.article.read_text(encoding="utf-8"))))
        port = free_port()
        server = subprocess.Popen(
            [
                Path(sys.executable).with_name("propwatch"),
                "serve",
                "--port",
                str(port),
                "--db",
                f"sqlite:///{work}/screens.db",
                "--workers",
                "1",
            ],
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(120):
                try:
                    if httpx.get(f"{base}/healthz").status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.5)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path="/usr/bin/chromium", args=CHROMIUM
                )
                photograph(browser, report.as_uri(), "report")
                photograph(browser, report.as_uri(), "report-dark", scheme="dark")
                photograph_popup(browser, report.as_uri(), "report-popup")
                photograph(browser, base, "page")
                browser.close()
        finally:
            server.terminate()
            server.wait()
    print(f"wrote {', '.join(sorted(p.name for p in OUT.glob('*.png')))} to {OUT}")


if __name__ == "__main__":
    main()
