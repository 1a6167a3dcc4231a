"""`ask` on unseen questions (tests/data/ask_unseen/, written without reading the ask code).

Per-type agreement, element recall and first-sentence agreement are reported as measured (run
with `-s`, or `python bench/eval_ask.py --unseen`); only two things are asserted, on both the
development and the held-out half: no answer states anything the item forbids (`must_not`),
and no question crashes. The held-out half is scored here as figures only; tuning uses the
development half alone.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from oligoguide.ask import ask
from oligoguide.ask.unseen import UnseenReport, load_unseen, normalise_type, score_unseen

DATA = Path(__file__).parent / "data" / "ask_unseen"


def _report(part: str) -> UnseenReport:
    path = DATA / f"{part}.yaml"
    if not path.exists():
        pytest.skip(f"{path} not written yet")
    items = load_unseen(path)
    if not items:
        pytest.skip(f"{path} holds no question")
    return score_unseen(items)


@pytest.mark.parametrize("part", ["dev", "heldout", "set2_dev", "set2_heldout", "set3_dev"])
def test_unseen_no_forbidden_statement_and_no_crash(part: str) -> None:
    report = _report(part)
    print(f"\n{part}: {report.summary(None)}")
    for kind, summary in report.by_type(None).items():
        print(f"  {kind}: {summary}")
    crashed = [(r.id, r.error) for r in report.results if r.error is not None]
    assert not crashed
    assert report.summary(None)["must_not_hits"] == 0, (
        f"{part}: {report.summary(None)['must_not_hits']} forbidden statement(s)"
    )


def test_items_carry_paraphrases_citations_and_refusals() -> None:
    # The evaluation set: at least 150 questions, each with 2 paraphrases; the second
    # set lists the citations a specialist expects and whether the question is to be refused.
    items = {
        p: load_unseen(DATA / f"{p}.yaml") for p in ("dev", "heldout", "set2_dev", "set2_heldout")
    }
    assert sum(len(v) for v in items.values()) >= 150
    assert all(len(i.paraphrases) == 2 for v in items.values() for i in v)
    second = items["set2_dev"] + items["set2_heldout"]
    assert any(i.refuse for i in second)
    assert all(i.refuse == (i.type == "out_of_scope") for i in second)


def test_type_names_are_normalised() -> None:
    assert normalise_type("Follow-up") == "follow_up"
    assert normalise_type("guideline / management") == "guideline"
    assert normalise_type("false premise") == "false_premise"
    assert normalise_type("out-of-scope") == "out_of_scope"
    assert normalise_type("case") == "case"


@pytest.mark.parametrize(
    ("name", "count"),
    [("refusal_probes.yaml", 150), ("refusal_probes2.yaml", 240), ("refusal_probes3.yaml", 200)],
)
def test_refusal_probes_are_all_right(name: str, count: int) -> None:
    # Terse, misspelt questions written without the code (development data). refusal_probes:
    # 100 in the field that must be answered, 50 outside it that must be refused.
    # refusal_probes2: two chat-box paraphrases of each of 120 full questions (80 in the field,
    # 40 outside it: curative treatment of a primary, first-line regimens, benign-disease
    # radiotherapy, billing...), several using the field's words on purpose. refusal_probes3:
    # the border: 120 in the field using words that usually mean outside it (adjuvant SBRT after
    # metastasectomy, first-line osimertinib, radionecrosis prevention), 80 outside it using
    # the field's words.
    probes = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    wrong = [p["id"] for p in probes if ask(p["question"]).not_covered != p["refuse"]]
    assert len(probes) >= count
    assert wrong == []
