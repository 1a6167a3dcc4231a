"""`ask`: understanding, retrieval, composition (seed questions) and the CLI."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

pytest.importorskip("bm25s")
pytest.importorskip("tokenizers")

from oligoguide.ask import Answer, AskInputError, RetrieverKind, ask, understand
from oligoguide.ask.retrieve import get_retriever, rank_statements
from oligoguide.cli import app
from oligoguide.knowledge import default_knowledge_base

SEED_CRC = (
    "What is the recommended treatment approach for a patient with oligoprogression in "
    "colorectal cancer?"
)
SEED_NSCLC = (
    "What is the recommended management approach for oligoprogression in non-small cell lung "
    "cancer (NSCLC)?"
)


def _texts(answer: Answer) -> str:
    return " ".join(s.text for sec in answer.answer.sections for s in sec.sentences)


def test_understand_tki_maps_to_driver_and_lesion_sizes() -> None:
    u = understand("EGFR-mutant NSCLC on osimertinib, one new brain lesion of 8 mm: what now?")
    assert u.cancers == ("nsclc",)
    assert "EGFR" in u.drivers
    assert u.therapy_classes == ("targeted",)
    assert u.lesions[0].site == "brain"
    assert u.lesions[0].size_mm == 8
    assert u.lesions[0].new
    assert u.patient_specific
    assert "oligoprogression" in u.scenarios


@pytest.mark.parametrize(
    ("question", "driver"),
    [("Progression on lorlatinib", "ALK"), ("on crizotinib", "ALK"), ("on alectinib", "ALK")],
)
def test_understand_alk_inhibitors(question: str, driver: str) -> None:
    assert driver in understand(question).drivers


def test_understand_negation_and_cm() -> None:
    u = understand("NSCLC with no driver mutation, a 1.5 cm lung nodule grows on pembrolizumab")
    assert "any" in u.drivers_negated
    assert u.lesions[0].size_mm == 15
    assert u.lesions[0].site == "lung"
    u2 = understand("NSCLC without EGFR mutation, ALK-negative")
    assert set(u2.drivers_negated) == {"EGFR", "ALK"}
    assert not u2.drivers


def test_understand_synonyms() -> None:
    assert understand("SABR for mCRC oligoprogression").cancers == ("colorectal",)
    assert "lung" not in understand("lung cancer oligoprogression").sites


@pytest.mark.parametrize("kind", list(RetrieverKind))
def test_each_retriever_finds_lung_sbrt(kind: RetrieverKind) -> None:
    kb = default_knowledge_base()
    hits = get_retriever(kind).search("What BED do I need for lung SABR?", 20)
    assert "lung_sbrt" in rank_statements(hits, kb)[:5]


def test_seed_crc_same_decisions_as_seed() -> None:
    answer = ask(SEED_CRC)
    used = set(answer.statements_used)
    # MDT with continued systemic therapy; resection first for liver, SBRT BED >= 100 for lung
    assert {"crc_oligoprogression_mdt", "oligoprogression_mdt_continue_systemic"} <= used
    assert {"liver_resection_first", "lung_sbrt", "mdt_review", "workup_whole_body_imaging"} <= used
    text = _texts(answer)
    assert "at least 100 Gy" in text
    assert "HR 0.58" in text
    # seed figures without a primary source are left out
    assert "9.5 months" not in text
    assert "1.6 cm" not in text
    assert "7.5%" not in text
    # no interval is sourced for colorectal: a follow-up statement may be used only if it says so
    kb = default_knowledge_base()
    assert not any(
        "imaging_interval_weeks" in kb.statement(s).parameters
        for s in used
        if s.startswith("followup_")
    )
    assert answer.gaps
    assert all(s.citations for sec in answer.answer.sections for s in sec.sentences)


def test_seed_nsclc_same_decisions_as_seed() -> None:
    answer = ask(SEED_NSCLC)
    used = set(answer.statements_used)
    assert {
        "nsclc_tki_continue_local_therapy",
        "brain_srs_limited",
        "brain_asymptomatic_cns_active_tki",
        "nsclc_rebiopsy_resistance",
        "workup_brain_mri",
        "followup_nsclc",
    } <= used
    text = _texts(answer)
    for number in ("10.0 vs 2.2 months", "6.2 months", "6 to 12 weeks"):
        assert number in text
    ids = {r.id for r in answer.references}
    assert {"tsai_2024_curb", "weickhardt_2012_tki_lat", "planchard_2018_esmo_mnsclc"} <= ids
    assert [r.number for r in answer.references] == list(range(1, len(ids) + 1))


def test_patient_question_agrees_with_assess() -> None:
    answer = ask("EGFR-mutant NSCLC on osimertinib, one new brain lesion of 8 mm: what now?")
    assert answer.disease_state == "oligoprogression"
    patient = next(s for s in answer.answer.sections if s.key == "patient")
    sources = {s.source for s in patient.sentences}
    assert {"plan:nsclc_tki_continue_local_therapy", "plan:brain_srs_limited"} <= sources
    assert "nsclc_io_oligoprogression" not in answer.statements_used


def test_out_of_scope_and_false_premise() -> None:
    refused = ask("What is the best treatment for type 2 diabetes?")
    assert refused.not_covered
    assert not refused.answer.sections
    assert refused.confidence == "none"
    corrected = ask("Since WBRT is preferred for two brain metastases, which dose should I use?")
    assert corrected.corrections[0].statement_id == "brain_srs_limited"
    assert corrected.answer.sections[0].key == "correction"


def test_bad_input() -> None:
    with pytest.raises(AskInputError):
        ask("   ")
    with pytest.raises(AskInputError):
        ask("x" * 2001)


def test_cli_ask_formats_and_errors() -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["ask", "What BED do I need for lung SBRT?", "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert {"question", "understood", "answer", "references", "kb_version", "confidence"} <= set(
        data
    )
    assert data["not_covered"] is False
    assert data["answer"]["sections"]
    for fmt in ("text", "markdown"):
        out = runner.invoke(app, ["ask", SEED_CRC, "--format", fmt, "--retriever", "hybrid"])
        assert out.exit_code == 0
        assert "References" in out.output.title()
    empty = runner.invoke(app, ["ask", ""])
    assert empty.exit_code == 2
    assert "error:" in empty.output
    long = runner.invoke(app, ["ask", "a" * 2001])
    assert long.exit_code == 2
