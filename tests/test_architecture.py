"""The import rules: the layering of the data flow, and inference without PyTorch.

The layers and what each package may import are import-linter contracts in pyproject.toml
(`lint-imports`, also run by `make lint`); docs/architecture.md explains them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The inference side: the package, every model module, the pipeline and the analyze command,
# imported and run once (spaCy's thinc would import PyTorch if nothing kept it out).
INFERENCE = """
import pkgutil, sys
import propwatch, propwatch.model, propwatch.pipeline, propwatch.cli.analyze
for module in pkgutil.iter_modules(propwatch.model.__path__, "propwatch.model."):
    __import__(module.name)
propwatch.analyze("They are vile traitors who hate our great nation!")
print(sorted(name for name in sys.modules if name.split(".")[0] in ("torch", "transformers")))
"""


def test_the_import_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]


def test_inference_never_imports_torch() -> None:
    done = subprocess.run(
        [sys.executable, "-c", INFERENCE], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"
