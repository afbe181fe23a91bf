"""Fixtures shared by the browser tests: Debian's headless Chromium driven by Playwright.

Playwright cannot download its own browsers here; `scripts/ensure-chromium.sh` installs
/usr/bin/chromium when it is missing and we have root.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def ensure_chromium() -> Path:
    if not CHROMIUM.exists():
        done = subprocess.run(
            ["sh", str(ROOT / "scripts" / "ensure-chromium.sh")],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=900,
            check=False,
        )
        if done.returncode or not CHROMIUM.exists():
            why = (done.stderr.strip().splitlines() or ["no output"])[-1]
            pytest.fail(f"no Chromium at {CHROMIUM} and scripts/ensure-chromium.sh failed: {why}")
    return CHROMIUM


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """One Playwright for the whole run: its sync API refuses to start a second one beside it."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)  # where the browser tests leave their screenshots
    with sync_playwright() as started:
        yield started


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    executable = ensure_chromium()
    launched = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
    yield launched
    launched.close()
