"""Every statement a plan rule names exists in the packaged knowledge base.

Rules name statements by string; a typo or a statement removed from the YAML would otherwise only
surface when a patient hits that rule.
"""

from __future__ import annotations

import re
from pathlib import Path

from oligoguide.knowledge import default_knowledge_base

RULES = Path(__file__).parent.parent / "src" / "oligoguide" / "plan" / "rules"
#: Looked up with .get(): the plan says "no sourced interval" when absent.
OPTIONAL = {"followup_nsclc", "followup_colorectal", "followup_default"}
#: Quoted names in the rules that are parameter keys or status values, not statement ids.
NOT_STATEMENTS = {
    "imaging_interval_weeks",
    "days_before_surgery",
    "days_after_surgery",
    "window_days",
    "sins_surgical_consult_from",
    "not_evaluable",
    "confirm_weeks",
}


def named_statements() -> set[str]:
    found: set[str] = set()
    for path in RULES.glob("*.py"):
        found |= set(re.findall(r'"([a-z0-9]+(?:_[a-z0-9]+)+)"', path.read_text()))
    return found - NOT_STATEMENTS


def test_rules_name_only_statements_that_exist() -> None:
    kb = default_knowledge_base()
    missing = sorted(named_statements() - OPTIONAL - set(kb.statements))
    assert missing == []


def test_the_scan_finds_the_rules() -> None:
    assert {"lung_sbrt", "brain_srs_limited", "mdt_review"} <= named_statements()
