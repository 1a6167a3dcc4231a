"""`oligoguide kb check` and `oligoguide kb stats`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from oligoguide.cli import app
from oligoguide.knowledge import default_knowledge_base
from oligoguide.knowledge.loader import default_data_dir

runner = CliRunner()
DATA_DIR = Path(str(default_data_dir()))


def test_kb_check_passes_on_the_packaged_base() -> None:
    # The packaged base passes every audit rule, the switchable ones included.
    result = runner.invoke(app, ["kb", "check", "--strict"])
    assert result.exit_code == 0, result.output
    kb = default_knowledge_base()
    assert f"{len(kb.evidence)} evidence items" in result.stdout
    assert f"{len(kb.statements)} statements" in result.stdout
    assert kb.version in result.stdout


def test_kb_check_fails_with_every_problem(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    path = data / "evidence" / "sites.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('pmid: "26065612"', 'pmid: "bad"'),
        encoding="utf-8",
    )
    (data / "statements" / "broken.yaml").write_text("- [", encoding="utf-8")
    result = runner.invoke(app, ["kb", "check", "--data-dir", str(data)])
    assert result.exit_code == 1
    assert "lin_2015_rano_bm" in result.output
    assert "broken.yaml" in result.output
    assert "Traceback" not in result.output


def test_kb_stats_json_counts_by_kind_and_grade() -> None:
    result = runner.invoke(app, ["kb", "stats", "--format", "json"])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    kb = default_knowledge_base()
    assert stats["version"] == kb.version
    assert stats["evidence"]["total"] == len(kb.evidence)
    assert sum(stats["evidence"]["by_kind"].values()) == len(kb.evidence)
    assert sum(stats["evidence"]["by_level"].values()) == len(kb.evidence)
    assert sum(stats["statements"]["by_grade"].values()) == len(kb.statements)
    # SABR-COMET (x2), Gomez (x2), Iyengar, SINDAS, STOMP, ORIOLE, CLOCC, QUARTZ, SC.24 are trials.
    assert stats["evidence"]["by_kind"]["randomised_trial"] >= 10
    assert {"nsclc", "colorectal", "breast", "prostate", "renal", "melanoma"} <= set(
        stats["statements"]["by_cancer"]
    )


def test_kb_stats_text_names_the_version() -> None:
    result = runner.invoke(app, ["kb", "stats"])
    assert result.exit_code == 0, result.output
    assert default_knowledge_base().version in result.stdout
    assert "randomised_trial" in result.stdout
