"""The house (issue 23): the compiled-rules engine (cohort/kernel/) does not import the embedded
SQL engine that chooses it; both use cohort/duckdb_run.py. Lazy imports inside functions count."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).parent.parent / "src" / "oligoguide"


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_the_kernel_does_not_import_the_embedded_engine() -> None:
    for path in sorted((SRC / "cohort" / "kernel").rglob("*.py")):
        assert "oligoguide.cohort.embedded" not in _imports(path), path


def test_the_shared_duckdb_module_imports_neither_engine() -> None:
    imports = _imports(SRC / "cohort" / "duckdb_run.py")
    assert not {
        i
        for i in imports
        if i.startswith(("oligoguide.cohort.kernel", "oligoguide.cohort.embedded"))
    }
