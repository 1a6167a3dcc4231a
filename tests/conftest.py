"""Shared test plumbing.

Tests that need an outside system (PostgreSQL, Chromium, Java for Spark) call `need(...)`: locally
they skip with the reason; under OLIGOGUIDE_REQUIRE_ALL=1 (set by .ci/run) a missing system fails.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


def need(available: bool, reason: str) -> None:
    """Skip (or, in CI, fail) a test whose outside system is not available."""
    if available:
        return
    if os.environ.get("OLIGOGUIDE_REQUIRE_ALL") == "1":
        pytest.fail(f"required in CI but unavailable: {reason}")
    pytest.skip(reason)
