"""No silent skips (issue 23): each outside system a test skips for is named at the end of the
run, with why and the command that enables it; OLIGOGUIDE_REQUIRE_ALL=1 turns a skip into a
failure."""

from __future__ import annotations

import pytest

import conftest


def test_the_summary_names_each_system_why_and_the_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(conftest, "_skipped", {})
    monkeypatch.delenv("OLIGOGUIDE_REQUIRE_ALL", raising=False)
    reasons = [
        "PostgreSQL not configured (OLIGOGUIDE_TEST_PG_URL)",
        "chromium not installed",
        "pdftotext (poppler-utils) not installed",
        "Java 17 is needed for the Spark engine",
        "WeasyPrint's system libraries: WeasyPrint warned while loading",
        "something else",
    ]
    for reason in [*reasons, reasons[1]]:
        with pytest.raises(pytest.skip.Exception):
            conftest.need(False, reason)
    text = "\n".join(conftest.skip_summary())
    assert "- Chromium: 2 test(s) skipped" in text
    for reason in reasons:
        assert f"why: {reason}" in text
    for command in (
        "sudo apt-get install postgresql",
        "sudo apt-get install chromium",
        "sudo apt-get install poppler-utils",
        "sudo apt-get install openjdk-17-jre-headless",
        "libharfbuzz-subset0",
        "bash scripts/provision.sh",
    ):
        assert command in text


def test_nothing_skipped_prints_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conftest, "_skipped", {})
    conftest.need(True, "chromium not installed")
    assert conftest.skip_summary() == []


def test_ci_fails_instead_of_skipping(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conftest, "_skipped", {})
    monkeypatch.setenv("OLIGOGUIDE_REQUIRE_ALL", "1")
    with pytest.raises(pytest.fail.Exception, match="required in CI"):
        conftest.need(False, "chromium not installed")
    assert conftest.skip_summary() == []
