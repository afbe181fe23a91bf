"""The import rules: the layering of the data flow, and inference without PyTorch.

The layers and what each package may import are import-linter contracts in pyproject.toml
(`lint-imports`, also run by `make lint`); docs/architecture.md explains them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp
import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

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


def import_cycles(package: str) -> list[list[str]]:
    """Groups of modules of `package` that import each other, directly or through others."""
    graph = grimp.build_graph(package)
    modules = sorted(graph.modules)
    index = {module: i for i, module in enumerate(modules)}
    edges = [
        (index[module], index[imported])
        for module in modules
        for imported in graph.find_modules_directly_imported_by(module)
    ]
    rows, cols = zip(*edges, strict=True)
    adjacency = csr_matrix((np.ones(len(edges)), (rows, cols)), shape=(len(modules),) * 2)
    _, component = connected_components(adjacency, connection="strong")
    groups = [np.flatnonzero(component == c) for c in np.unique(component)]
    return [[modules[i] for i in group] for group in groups if len(group) > 1]


def test_no_import_cycle_anywhere_in_src() -> None:
    # Layers contracts only forbid upward imports between the layers they list; this covers
    # every module, TYPE_CHECKING imports included (a circle there still couples the two).
    assert import_cycles("propwatch") == []


def test_the_cycle_finder_sees_a_cycle(tmp_path: Path) -> None:
    package = tmp_path / "circle"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from circle import b\n")
    (package / "b.py").write_text("from circle import a\n")
    (package / "c.py").write_text("from circle import a\n")
    sys.path.insert(0, str(tmp_path))
    try:
        assert import_cycles("circle") == [["circle.a", "circle.b"]]
    finally:
        sys.path.remove(str(tmp_path))


def test_inference_never_imports_torch() -> None:
    done = subprocess.run(
        [sys.executable, "-c", INFERENCE], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"
