"""The command line: the JSON contract, the example cases and clean failures."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from oligoguide.cli import app

EXAMPLES = Path(__file__).parent.parent / "examples"
runner = CliRunner()


def run_json(*args: str) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_assess_json_contract_fields() -> None:
    out = run_json("assess", str(EXAMPLES / "crc_oligoprogression.json"))
    for key in (
        "case_id",
        "response",
        "lesions",
        "disease_state",
        "estro_eortc_class",
        "progressing_lesions",
        "progressing_organs",
        "explanations",
        "missing_data",
        "warnings",
        "kb_version",
    ):
        assert key in out
    for key in (
        "date",
        "sum_mm",
        "baseline_sum_mm",
        "nadir_mm",
        "change_from_baseline_pct",
        "change_from_nadir_pct",
        "target",
        "non_target",
        "new_lesions",
        "overall",
    ):
        assert key in out["response"]["timepoints"][-1]
    for key in ("id", "site", "status", "change_from_nadir_pct"):
        assert key in out["lesions"][0]


def test_colorectal_example_shows_what_a_clinician_expects() -> None:
    # Segment II liver lesion 22 -> 12 -> 11 -> 19 mm (+72.7%, +8 mm over its nadir 11 mm) and a
    # new 9 mm lung lesion, on FOLFOX + panitumumab with the other three lesions still shrinking.
    out = run_json("assess", str(EXAMPLES / "crc_oligoprogression.json"))
    assert out["disease_state"] == "oligoprogression"
    assert out["progressing_lesions"] == ["L2", "L5"]
    assert out["progressing_organs"] == ["liver", "lung"]
    last = out["response"]["timepoints"][-1]
    assert last["sum_mm"] == 52  # 16 + 19 + 7 + 10
    assert last["nadir_mm"] == 45  # 17 + 11 + 7 + 10
    assert last["new_lesions"] == ["L5"]
    assert last["overall"] == "PD"
    l2 = next(x for x in out["lesions"] if x["id"] == "L2")
    assert l2["change_from_nadir_pct"] == 72.7
    texts = " ".join(e["text"] for e in out["explanations"])
    assert "L2 (liver): 11 mm (own nadir) to 19 mm" in texts
    assert "FOLFOX + panitumumab" in texts


def test_every_example_assesses() -> None:
    for path in sorted(EXAMPLES.glob("*.json")):
        out = run_json("assess", str(path))
        assert out["case_id"]


def test_bad_input_is_one_line_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {"case_id": "x", "patient": {"id": "p", "ecog": 7}, "cancer": {"primary_site": "nsclc"}}
        )
    )
    result = runner.invoke(app, ["assess", str(bad)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: /patient/ecog:")
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


def test_output_file(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    result = runner.invoke(
        app,
        ["assess", str(EXAMPLES / "renal_single_scan.json"), "--format", "json", "-o", str(target)],
    )
    assert result.exit_code == 0
    out = json.loads(target.read_text())
    assert out["disease_state"] == "insufficient_data"
    assert out["missing_data"]


def test_schema_case() -> None:
    result = runner.invoke(app, ["schema", "case"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["title"] == "Case"


def test_demo_runs_every_example() -> None:
    result = runner.invoke(app, ["demo", str(EXAMPLES)])
    assert result.exit_code == 0
    assert result.stdout.count("DISEASE STATE") == len(list(EXAMPLES.glob("*.json")))
