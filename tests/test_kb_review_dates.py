"""Hazard H5 (stale knowledge base): the manifest's review dates, and what happens past them.

Past `review_by` the base is still served, but `kb check` fails, /healthz flags it and every
assessment carries a caution; before it, nothing changes.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from oligoguide.assess import assess
from oligoguide.cli import app
from oligoguide.cli.kb import EXIT_REVIEW_OVERDUE
from oligoguide.knowledge import (
    KnowledgeBaseError,
    default_knowledge_base,
    load_knowledge_base,
    overdue_caution,
    review_overdue,
)
from oligoguide.knowledge.loader import KB_DIR_ENV, default_data_dir
from oligoguide.model import load_case
from oligoguide.render import render_text
from service_helpers import client

PACKAGED_KB = Path(str(default_data_dir()))
EXAMPLE = Path(__file__).parent.parent / "examples" / "crc_oligoprogression.json"
REVIEWED_ON = dt.date(2026, 11, 23)
REVIEW_BY = dt.date(2027, 11, 23)
PAST_REVIEW_BY = "2025-01-31"  # a base whose review fell due long before any run of this test
OVERDUE_WORDS = "overdue for clinical review"

runner = CliRunner()


def _kb_copy(tmp_path: Path, reviewed_on: str, review_by: str) -> Path:
    """A copy of the packaged base with its review dates replaced."""
    copy = tmp_path / "kb"
    shutil.copytree(PACKAGED_KB, copy)
    manifest = copy / "manifest.yaml"
    text = manifest.read_text(encoding="utf-8")
    for field, value in (("reviewed_on", reviewed_on), ("review_by", review_by)):
        line = next(x for x in text.splitlines() if x.startswith(f"{field}:"))
        text = text.replace(line, f"{field}: {value}")
    manifest.write_text(text, encoding="utf-8")
    return copy


@pytest.fixture
def overdue_kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The process's base (OLIGOGUIDE_KB_DIR) is a valid copy whose review_by has passed."""
    copy = _kb_copy(tmp_path, "2024-01-31", PAST_REVIEW_BY)
    monkeypatch.setenv(KB_DIR_ENV, str(copy))
    default_knowledge_base.cache_clear()
    yield copy
    default_knowledge_base.cache_clear()  # the next test loads the packaged base again


# -- the manifest -----------------------------------------------------------------------------


def test_the_packaged_manifest_has_its_review_dates() -> None:
    manifest = load_knowledge_base(PACKAGED_KB).manifest
    assert manifest.version == "2026.12.7"
    assert manifest.reviewed_on == REVIEWED_ON
    assert manifest.review_by == REVIEW_BY


def test_the_packaged_base_is_not_overdue_today() -> None:
    """Fails from the day after review_by: re-review the base and bump its dates."""
    manifest = default_knowledge_base().manifest
    assert not review_overdue(manifest), f"re-review the base: review_by {manifest.review_by}"


@pytest.mark.parametrize("review_by", ["2026-11-23", "2026-11-22"])
def test_review_by_not_after_reviewed_on_is_refused_naming_the_field(
    tmp_path: Path, review_by: str
) -> None:
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(_kb_copy(tmp_path, "2026-11-23", review_by))
    assert caught.value.problems == [
        f"manifest.yaml: /review_by: review_by ({review_by}) must be after reviewed_on (2026-11-23)"
    ]


def test_missing_or_malformed_review_dates_are_refused_naming_the_field(tmp_path: Path) -> None:
    copy = _kb_copy(tmp_path, "23/11/2026", "2027-11-23")
    manifest = copy / "manifest.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("review_by: 2027-11-23\n", ""), encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(copy)
    problems = caught.value.problems
    assert any(p.startswith("manifest.yaml: /reviewed_on: ") for p in problems), problems
    assert "manifest.yaml: /review_by: Field required" in problems


# -- overdue detection --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "overdue"),
    [
        (REVIEWED_ON, False),
        (REVIEW_BY - dt.timedelta(days=1), False),
        (REVIEW_BY, False),  # review_by is the last day in date
        (REVIEW_BY + dt.timedelta(days=1), True),
        (dt.date(2030, 1, 1), True),
    ],
)
def test_overdue_is_decided_by_the_injected_date(today: dt.date, overdue: bool) -> None:
    manifest = load_knowledge_base(PACKAGED_KB).manifest
    assert review_overdue(manifest, today) is overdue
    caution = overdue_caution(manifest, today)
    assert (caution is not None) is overdue
    if caution:
        assert OVERDUE_WORDS in caution
        assert "review by 2027-11-23" in caution
        assert "2026.12.7" in caution


# -- the CLI ----------------------------------------------------------------------------------

#: These tests are about review dates; the audit's switchable rules (basis, population) are
#: held against the packaged base in tests/test_kb_audit.py.
KB_CHECK = ["kb", "check"]


@pytest.mark.usefixtures("overdue_kb")
def test_kb_check_exits_non_zero_when_overdue() -> None:
    result = runner.invoke(app, KB_CHECK)
    assert result.exit_code == EXIT_REVIEW_OVERDUE, result.output
    assert f"review by {PAST_REVIEW_BY}" in result.stdout
    assert "OVERDUE by" in result.stdout
    assert OVERDUE_WORDS in result.stderr
    assert "reviewed_on and review_by in manifest.yaml" in result.stderr
    assert "Traceback" not in result.output


def test_kb_check_reports_the_review_dates_and_passes_when_not_due(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KB_DIR_ENV, str(_kb_copy(tmp_path, "2026-11-23", "2099-12-31")))
    result = runner.invoke(app, KB_CHECK)
    assert result.exit_code == 0, result.output
    assert "reviewed on 2026-11-23, review by 2099-12-31 (" in result.stdout
    assert "days left" in result.stdout


@pytest.mark.usefixtures("overdue_kb")
def test_kb_stats_shows_the_review_dates() -> None:
    text = runner.invoke(app, ["kb", "stats"])
    assert text.exit_code == 0, text.output
    assert f"reviewed on 2024-01-31, review by {PAST_REVIEW_BY} (OVERDUE by" in text.stdout
    result = runner.invoke(app, ["kb", "stats", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"reviewed_on": "2024-01-31"' in result.stdout
    assert f'"review_by": "{PAST_REVIEW_BY}"' in result.stdout
    assert '"review_overdue": true' in result.stdout


# -- assessments ------------------------------------------------------------------------------


@pytest.mark.usefixtures("overdue_kb")
def test_an_assessment_made_with_an_overdue_kb_carries_the_caution() -> None:
    a = assess(load_case(EXAMPLE))
    assert OVERDUE_WORDS in a.warnings[0]
    assert f"review by {PAST_REVIEW_BY}" in a.warnings[0]
    assert a.recommendations  # stale, not invalid: the plan is still given
    text = render_text(a)
    assert OVERDUE_WORDS in text  # visible in the report, not only in the JSON


def test_the_caution_appears_only_past_review_by() -> None:
    case, day_after = load_case(EXAMPLE), REVIEW_BY + dt.timedelta(days=1)
    on_time = assess(case, today=REVIEW_BY)
    late = assess(case, today=day_after)
    assert not any(OVERDUE_WORDS in w for w in on_time.warnings)
    caution = overdue_caution(default_knowledge_base().manifest, day_after)
    assert late.warnings == (caution, *on_time.warnings)
    # Nothing else changes: the caution is the whole difference.
    assert late.model_copy(update={"warnings": on_time.warnings}) == on_time


def test_an_answer_to_a_question_carries_the_caution_only_past_review_by() -> None:
    from oligoguide.ask import ask, render_answer_markdown, render_answer_text

    question = "What dose of SBRT for a peripheral lung metastasis?"
    on_time = ask(question, today=REVIEW_BY)
    late = ask(question, today=REVIEW_BY + dt.timedelta(days=1))
    assert on_time.warnings == ()
    assert len(late.warnings) == 1
    assert OVERDUE_WORDS in late.warnings[0]
    assert late.answer == on_time.answer  # stale, not withheld: the answer itself is unchanged
    assert OVERDUE_WORDS in render_answer_text(late)
    assert OVERDUE_WORDS in render_answer_markdown(late)
    assert OVERDUE_WORDS not in render_answer_text(on_time)


# -- the service ------------------------------------------------------------------------------


def test_healthz_names_the_review_date() -> None:
    body = client().get("/healthz").json()
    assert body["kb_version"] == "2026.12.7"
    assert body["kb_review_by"] == REVIEW_BY.isoformat()
    assert body["kb_review_overdue"] is review_overdue(default_knowledge_base().manifest)


@pytest.mark.usefixtures("overdue_kb")
def test_healthz_flags_an_overdue_kb_and_stays_live() -> None:
    response = client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["kb_review_by"] == PAST_REVIEW_BY
    assert body["kb_review_overdue"] is True
