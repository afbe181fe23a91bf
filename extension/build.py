"""Build the extension's zip for each browser: `python extension/build.py [OUT]` (default dist/).

manifest.json is Chromium's. Firefox's differs in two keys: its background is a script page
(`background.scripts`; Firefox has no extension service workers) and it needs an add-on id
(`browser_specific_settings`). Everything else is the same files.
"""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
FILES = ("*.js", "content/*", "options/*", "icons/*.png")
FIREFOX_ID = "propwatch@propwatch.local"
FIREFOX_MIN_VERSION = "121.0"  # MV3 background scripts and the scripting API


def manifests() -> dict[str, dict[str, object]]:
    chromium = json.loads((HERE / "manifest.json").read_text(encoding="utf-8"))
    firefox = {key: value for key, value in chromium.items() if key != "minimum_chrome_version"}
    firefox["background"] = {"scripts": [chromium["background"]["service_worker"]]}
    firefox["browser_specific_settings"] = {
        "gecko": {"id": FIREFOX_ID, "strict_min_version": FIREFOX_MIN_VERSION}
    }
    return {"chromium": chromium, "firefox": firefox}


def build(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    sources = sorted(
        path for pattern in FILES for path in HERE.glob(pattern) if path.name != "build.py"
    )
    built = []
    for browser, manifest in manifests().items():
        target = out / f"propwatch-{browser}-{manifest['version']}.zip"
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("manifest.json", json.dumps(manifest, indent=2) + "\n")
            for path in sources:
                archive.write(path, path.relative_to(HERE).as_posix())
        built.append(target)
    return built


if __name__ == "__main__":
    for zipped in build(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("dist")):
        print(zipped)
