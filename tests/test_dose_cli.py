"""`oligoguide dose ...` through typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from oligoguide.cli import app

runner = CliRunner()


def test_bed_text_and_json() -> None:
    text = runner.invoke(app, ["dose", "bed", "54", "3"])
    assert text.exit_code == 0
    assert "BED = 151.2 Gy" in text.output
    result = runner.invoke(
        app, ["dose", "bed", "48", "4", "--alpha-beta", "10", "--format", "json"]
    )
    assert result.exit_code == 0
    assert json.loads(result.output)["bed"] == 105.6


def test_eqd2_json() -> None:
    result = runner.invoke(
        app, ["dose", "eqd2", "20", "5", "--alpha-beta", "3", "--format", "json"]
    )
    assert result.exit_code == 0
    assert json.loads(result.output)["eqd2"] == 28.0


def test_bad_numbers_exit_2_with_one_line() -> None:
    result = runner.invoke(app, ["dose", "bed", "54", "0"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: fractions: must be at least 1, got 0"
    result = runner.invoke(app, ["dose", "eqd2", "54", "3", "--alpha-beta", "-1"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: alpha_beta")


def test_schedule() -> None:
    result = runner.invoke(
        app,
        [
            "dose",
            "schedule",
            "--site",
            "lung",
            "--diameter-mm",
            "22",
            "--central",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert (data["total_gy"], data["fractions"], data["source"]) == (60, 5, "bezjak_2019_rtog0813")
    text = runner.invoke(app, ["dose", "schedule", "--site", "adrenal", "--diameter-mm", "20"])
    assert text.exit_code == 0
    assert "no sourced schedule" in text.output


def test_schedule_unknown_site() -> None:
    result = runner.invoke(app, ["dose", "schedule", "--site", "moon"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: site: unknown site")


def test_check(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(
        json.dumps(
            {
                "total_gy": 54,
                "fractions": 3,
                "points": [{"organ": "stomach", "metric": "D10cc", "value_gy": 20}],
            }
        )
    )
    result = runner.invoke(app, ["dose", "check", str(plan), "--format", "json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["results"][0]["status"] == "fail"
    assert report["results"][0]["limit_gy"] == 16.5

    plan.write_text(
        json.dumps(
            {"fractions": 3, "points": [{"organ": "stomach", "metric": "D10cc", "value_gy": 10}]}
        )
    )
    ok = runner.invoke(app, ["dose", "check", str(plan)])
    assert ok.exit_code == 0
    assert "PASS" in ok.output


def test_check_bad_input(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(
        json.dumps(
            {"fractions": 3, "points": [{"organ": "spleen", "metric": "Dmax", "value_gy": 1}]}
        )
    )
    result = runner.invoke(app, ["dose", "check", str(plan)])
    assert result.exit_code == 2
    assert "/points/0/organ: unknown organ 'spleen'" in result.stderr
    plan.write_text(json.dumps({"fractions": 0, "points": []}))
    result = runner.invoke(app, ["dose", "check", str(plan)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error:")
    plan.write_text("{not json")
    result = runner.invoke(app, ["dose", "check", str(plan)])
    assert result.exit_code == 2
    assert "malformed JSON" in result.stderr
    missing = runner.invoke(app, ["dose", "check", str(tmp_path / "absent.json")])
    assert missing.exit_code == 2
    assert "cannot read" in missing.stderr
