"""Which files make up a cohort: the measurement, patient and local-treatment tables.

Each INPUT is a file or a directory (searched one level deep). A table file is named after its
table (`measurements*.parquet|csv`, `patients*`, `local_treatments*` or `treatments*`); FHIR Bulk
Data exports (`*.ndjson`) are converted first (see `fhir_ndjson.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from oligoguide.model.errors import OligoguideError

Format = Literal["parquet", "csv"]
TABLES = ("measurements", "patients", "local_treatments")
_PREFIXES = (
    ("local_treatments", "local_treatments"),
    ("treatments", "local_treatments"),
    ("measurements", "measurements"),
    ("patients", "patients"),
)
_FORMATS: dict[str, Format] = {".parquet": "parquet", ".csv": "csv"}


class CohortInputError(OligoguideError):
    """The cohort inputs cannot be read (missing table, mixed formats, unreadable file)."""


@dataclass(frozen=True)
class TableFiles:
    format: Format
    paths: tuple[Path, ...]


@dataclass(frozen=True)
class CohortInputs:
    tables: dict[str, TableFiles]
    fhir: tuple[Path, ...] = field(default=())

    def table(self, name: str) -> TableFiles | None:
        return self.tables.get(name)


def _table_of(path: Path) -> str | None:
    stem = path.name.lower()
    for prefix, table in _PREFIXES:
        if stem.startswith(prefix):
            return table
    return None


def discover(paths: list[Path]) -> CohortInputs:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.is_file())
        elif path.is_file():
            files.append(path)
        else:
            raise CohortInputError(f"{path}: no such file or directory")
    found: dict[str, list[Path]] = {}
    fhir: list[Path] = []
    for file in files:
        if file.suffix.lower() == ".ndjson":
            fhir.append(file)
            continue
        table = _table_of(file)
        if table is not None and file.suffix.lower() in _FORMATS:
            found.setdefault(table, []).append(file)
    tables: dict[str, TableFiles] = {}
    for table, table_paths in found.items():
        formats = {_FORMATS[p.suffix.lower()] for p in table_paths}
        if len(formats) > 1:
            raise CohortInputError(f"{table}: mix of CSV and Parquet files; use one format")
        tables[table] = TableFiles(formats.pop(), tuple(table_paths))
    if not fhir and "measurements" not in tables:
        raise CohortInputError(
            "no measurements table (measurements*.parquet or .csv) and no FHIR *.ndjson found in "
            + ", ".join(str(p) for p in paths)
        )
    if not fhir and "patients" not in tables:
        raise CohortInputError("no patients table (patients*.parquet or .csv) among the inputs")
    return CohortInputs(tables, tuple(fhir))
