"""Shared test plumbing.

Tests that need an outside system (PostgreSQL, Chromium, pdftotext, Java for Spark, WeasyPrint's
system libraries) call `need(...)`: locally they skip with the reason, and the end of the run
prints one summary of every outside system skipped, why, and the command that enables it (never
a silent skip); under OLIGOGUIDE_REQUIRE_ALL=1 (set by .ci/run) a missing system fails.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

PROVISION = "bash scripts/provision.sh  (as root it installs all; otherwise it prints the command)"


@dataclass(frozen=True)
class OutsideSystem:
    name: str
    keywords: tuple[str, ...]  # how a `need` reason names it, lower case
    enable: str  # the command that makes it available


SYSTEMS = (
    OutsideSystem(
        "PostgreSQL",
        ("postgresql", "oligoguide_test_pg_url"),
        "sudo apt-get install postgresql, then point the tests at a database: "
        "export OLIGOGUIDE_TEST_PG_URL=postgresql+psycopg://USER@127.0.0.1:5432/DB "
        "(.ci/run does both, with a throw-away cluster from .ci/postgres.sh)",
    ),
    OutsideSystem("Chromium", ("chromium",), "sudo apt-get install chromium"),
    OutsideSystem("pdftotext", ("pdftotext", "poppler"), "sudo apt-get install poppler-utils"),
    OutsideSystem("Java 17", ("java",), "sudo apt-get install openjdk-17-jre-headless"),
    OutsideSystem(
        "WeasyPrint's system libraries",
        ("weasyprint", "harfbuzz", "pango"),
        "sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 "
        "fonts-dejavu-core",
    ),
)
OTHER = OutsideSystem("other", (), PROVISION)


@dataclass
class _Skipped:
    reasons: set[str] = field(default_factory=set)
    tests: int = 0


_skipped: dict[str, _Skipped] = {}


def system_of(reason: str) -> OutsideSystem:
    lowered = reason.lower()
    return next((s for s in SYSTEMS if any(k in lowered for k in s.keywords)), OTHER)


def need(available: bool, reason: str) -> None:
    """Skip (or, in CI, fail) a test whose outside system is not available."""
    if available:
        return
    if os.environ.get("OLIGOGUIDE_REQUIRE_ALL") == "1":
        pytest.fail(f"required in CI but unavailable: {reason}")
    entry = _skipped.setdefault(system_of(reason).name, _Skipped())
    entry.reasons.add(reason)
    entry.tests += 1
    pytest.skip(reason)


def skip_summary() -> list[str]:
    """The lines of the end-of-run summary of outside systems skipped (empty when none)."""
    if not _skipped:
        return []
    lines = ["Outside systems missing here; their tests were SKIPPED (CI requires them all):"]
    for system in (*SYSTEMS, OTHER):
        entry = _skipped.get(system.name)
        if entry is None:
            continue
        lines.append(f"- {system.name}: {entry.tests} test(s) skipped")
        lines += [f"    why: {reason}" for reason in sorted(entry.reasons)]
        lines.append(f"    enable: {system.enable}")
    lines.append(f"All at once: {PROVISION}")
    return lines


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    lines = skip_summary()
    if lines:
        terminalreporter.section("outside systems skipped", sep="=", yellow=True, bold=True)
        for line in lines:
            terminalreporter.write_line(line)
