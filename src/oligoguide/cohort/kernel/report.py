"""What the embedded engine reports about how it screened a cohort."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KernelReport:
    """Patients assessed by the compiled rules and by the SQL; `fallback` names why the SQL
    screened the whole cohort (None when the compiled path ran)."""

    compiled_patients: int = 0
    sql_patients: int = 0
    fallback: str | None = None
