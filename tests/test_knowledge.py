"""The evidence base: the packaged base loads, broken bases are refused, content follows sources.

Expected values below are written from the cited papers (see each evidence item's `checked`),
not from the loader's output.
"""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from oligoguide.knowledge import (
    EvidenceLevel,
    KnowledgeBase,
    KnowledgeBaseError,
    RecommendationGrade,
    default_knowledge_base,
    load_knowledge_base,
)
from oligoguide.knowledge.loader import default_data_dir

DATA_DIR = Path(str(default_data_dir()))


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return default_knowledge_base()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _problems(data_dir: Path) -> list[str]:
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(data_dir)
    return caught.value.problems


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found in {path.name}: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- the packaged base ---------------------------------------------------------------------


def test_packaged_base_loads(kb: KnowledgeBase) -> None:
    assert kb.version
    assert len(kb.evidence) >= 30
    assert len(kb.statements) >= 25


def test_every_statement_resolves_to_identified_evidence(kb: KnowledgeBase) -> None:
    for statement in kb.statements.values():
        assert statement.evidence, statement.id
        for evidence_id in statement.evidence:
            item = kb.evidence[evidence_id]
            assert item.doi or item.pmid, (statement.id, evidence_id)


def _yaml_ids(folder: Path) -> Iterator[tuple[str, str]]:
    for file in sorted(folder.glob("*.yaml")):
        for record in yaml.safe_load(file.read_text(encoding="utf-8")) or []:
            yield file.name, record["id"]


def _dose_sources(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {str(node["source"])} if "source" in node else set()
        for value in node.values():
            found |= _dose_sources(value)
        return found
    if isinstance(node, list):
        return set().union(*(_dose_sources(item) for item in node)) if node else set()
    return set()


# Files maintained elsewhere: the RECIST/definition items are read by response/ and state/ code,
# the radiotherapy items by the dose tables.
SHARED_FILES = {"response_criteria.yaml", "radiotherapy.yaml"}


def test_every_evidence_item_is_cited(kb: KnowledgeBase) -> None:
    cited = {e for s in kb.statements.values() for e in s.evidence}
    own_uncited = [
        (file, evidence_id)
        for file, evidence_id in _yaml_ids(DATA_DIR / "evidence")
        if file not in SHARED_FILES and evidence_id not in cited
    ]
    assert own_uncited == []


@pytest.mark.filterwarnings("default::UserWarning")
def test_shared_evidence_is_cited_by_a_statement_or_a_dose_table(kb: KnowledgeBase) -> None:
    """Radiotherapy items land with the dose tables, separately: warn, do not fail."""
    if "dose" not in kb.extra:
        pytest.skip("dose tables have not landed yet")
    cited = {e for s in kb.statements.values() for e in s.evidence} | _dose_sources(
        kb.extra["dose"]
    )
    uncited = [
        (file, evidence_id)
        for file, evidence_id in _yaml_ids(DATA_DIR / "evidence")
        if file in SHARED_FILES and evidence_id not in cited and file != "response_criteria.yaml"
    ]
    if uncited:
        warnings.warn(f"evidence cited by no statement or dose table: {uncited}", stacklevel=1)


def test_required_statement_ids_exist(kb: KnowledgeBase) -> None:
    required = {
        "oligoprogression_mdt_continue_systemic",
        "polyprogression_switch_systemic",
        "oligopersistence_consolidation",
        "oligometastatic_radical_local",
        "mdt_review",
        "workup_whole_body_imaging",
        "workup_brain_mri",
        "workup_liver_mri",
        "nsclc_tki_continue_local_therapy",
        "nsclc_io_oligoprogression",
        "crc_oligoprogression_mdt",
        "breast_oligoprogression",
        "prostate_oligorecurrence",
        "renal_oligoprogression",
        "melanoma_oligoprogression",
        "brain_srs_limited",
        "brain_surgery_large_or_mass_effect",
        "brain_asymptomatic_cns_active_tki",
        "leptomeningeal_not_oligo",
        "liver_resection_first",
        "liver_thermal_ablation",
        "liver_sbrt",
        "lung_sbrt",
        "spine_sbrt",
        "bone_palliative_single_fraction",
        "poor_performance_status",
        "her2_breast_brain_no_switch",
        "clinical_trial_option",
        "followup_brain_after_srs",
        "prognostic_factors_oligometastatic",
        "sabr_toxicity",
    }
    assert required <= set(kb.statements)


# --- content written from the sources -------------------------------------------------------


def test_curb_and_stop_carry_their_published_results(kb: KnowledgeBase) -> None:
    # CURB (Tsai, Lancet 2024): NSCLC mPFS 10.0 vs 2.2 months (HR 0.41); breast 4.4 vs 4.2
    # months (HR 0.78, not significant). STOP (Schellenberg 2024): no PFS difference.
    curb = kb.evidence["tsai_2024_curb"]
    assert any("10.0 vs 2.2 months (HR 0.41" in f for f in curb.findings)
    assert any("4.4 vs 4.2 months (HR 0.78" in f for f in curb.findings)
    stop = kb.evidence["schellenberg_2024_stop"]
    assert any("No significant difference in progression-free survival" in f for f in stop.findings)
    assert "tsai_2024_curb" in kb.statement("breast_oligoprogression").evidence
    general = kb.statement("oligoprogression_mdt_continue_systemic").evidence
    assert {"tsai_2024_curb", "schellenberg_2024_stop"} <= set(general)
    breast = kb.statement("breast_oligoprogression").caveat or ""
    assert "4.4 vs 4.2 months" in breast
    assert "HR 0.78" in breast
    assert "10.0 vs 2.2 months" in (kb.statement("nsclc_io_oligoprogression").caveat or "")


def test_rebiopsy_and_molecular_testing_follow_their_sources(kb: KnowledgeBase) -> None:
    sequist = kb.evidence["sequist_2011_resistance"]
    assert sequist.doi == "10.1126/scitranslmed.3002003"
    assert any("Five resistant tumours (14%)" in f for f in sequist.findings)
    assert "sequist_2011_resistance" in kb.statement("nsclc_rebiopsy_resistance").evidence
    assert "small-cell" in kb.statement("nsclc_rebiopsy_resistance").text
    testing = kb.statement("nsclc_molecular_testing")
    assert "lindeman_2018_molecular_testing" in testing.evidence
    assert all(gene in testing.text for gene in ("EGFR", "ALK", "ROS1"))


def test_sabr_comet_safety_and_eligibility(kb: KnowledgeBase) -> None:
    item = kb.evidence["palma_2019_sabr_comet"]
    assert "ECOG 0-1" in item.population
    assert any("3 of 66 (4.5%)" in f for f in item.findings)
    assert "3 of 66" not in kb.statement("sabr_toxicity").text  # numbers live in the caveat
    assert "3 treatment-related deaths among 66" in (kb.statement("sabr_toxicity").caveat or "")


def test_weak_or_negative_evidence_gives_an_optional_grade_with_a_caveat(
    kb: KnowledgeBase,
) -> None:
    # STOP was negative across primaries, CURB negative in breast, NRG-LU002 negative in
    # immunotherapy-treated oligopersistence: these statements may only offer the option.
    for statement_id, named in (
        ("oligoprogression_mdt_continue_systemic", "STOP"),
        ("breast_oligoprogression", "CURB"),
        ("oligopersistence_consolidation", "NRG-LU002"),
        ("nsclc_io_oligoprogression", "NRG-LU002"),
        ("clinical_trial_option", "STOP"),
    ):
        statement = kb.statement(statement_id)
        assert statement.grade is RecommendationGrade.C, statement_id
        assert statement.caveat, statement_id
        assert named in statement.caveat, statement_id


def test_strong_grades_rest_on_randomised_or_guideline_evidence(kb: KnowledgeBase) -> None:
    strong_levels = {EvidenceLevel.I, EvidenceLevel.II}
    for statement in kb.statements.values():
        if statement.grade is not RecommendationGrade.A:
            continue
        items = [kb.evidence[e] for e in statement.evidence]
        assert any(i.level in strong_levels or i.kind.value == "guideline" for i in items), (
            statement.id
        )


def test_brain_first_choice_is_srs_not_wbrt(kb: KnowledgeBase) -> None:
    srs = kb.statement("brain_srs_limited")
    assert srs.parameters["max_lesions_strong"] == 4  # ASCO-SNO-ASTRO / ASTRO: 1 to 4 lesions
    assert "not the first choice" in srs.text


def test_follow_up_intervals_follow_their_sources(kb: KnowledgeBase) -> None:
    # ASCO HER2 brain guideline: MRI every 2 to 4 months (4 weeks per month).
    assert kb.statement("followup_brain_after_srs").parameters["imaging_interval_weeks"] == [8, 16]
    # iRECIST: confirmation scan 4 to 8 weeks after the first progression.
    assert kb.statement("followup_irecist_confirmation").parameters["imaging_interval_weeks"] == [
        4,
        8,
    ]
    # ESMO metastatic NSCLC 2018: at least every 6 to 12 weeks after first-line therapy.
    assert kb.statement("followup_nsclc").parameters["imaging_interval_weeks"] == [6, 12]


def test_lung_sbrt_threshold_is_bed10_100(kb: KnowledgeBase) -> None:
    assert kb.statement("lung_sbrt").parameters["min_bed10_gy"] == 100


# --- broken bases are refused with a message naming the file and the id -------------------


def test_unknown_evidence_id_is_refused(data_copy: Path) -> None:
    _edit(
        data_copy / "statements" / "general.yaml",
        "evidence: [tsai_2024_curb, schellenberg_2024_stop, weickhardt_2012_tki_lat",
        # Added, not substituted: every cited id is also named in the statement's basis.
        "evidence: [no_such_paper_2099, tsai_2024_curb, schellenberg_2024_stop, "
        "weickhardt_2012_tki_lat",
    )
    problems = _problems(data_copy)
    assert any(
        "general.yaml" in p
        and "oligoprogression_mdt_continue_systemic" in p
        and "no_such_paper_2099" in p
        for p in problems
    ), problems


def test_duplicate_evidence_id_is_refused(data_copy: Path) -> None:
    source = data_copy / "evidence" / "prognosis.yaml"
    records = yaml.safe_load(source.read_text(encoding="utf-8"))
    (data_copy / "evidence" / "zz_copy.yaml").write_text(
        yaml.safe_dump([records[0]]), encoding="utf-8"
    )
    problems = _problems(data_copy)
    assert any(
        "zz_copy.yaml" in p and "duplicate evidence id 'ashworth_2014_ipd_nsclc'" in p
        for p in problems
    ), problems
    assert any("prognosis.yaml" in p and "duplicate" in p for p in problems), problems


def test_duplicate_statement_id_is_refused(data_copy: Path) -> None:
    source = data_copy / "statements" / "primaries.yaml"
    records = yaml.safe_load(source.read_text(encoding="utf-8"))
    (data_copy / "statements" / "zz_copy.yaml").write_text(
        yaml.safe_dump([records[0]]), encoding="utf-8"
    )
    problems = _problems(data_copy)
    assert any(
        "zz_copy.yaml" in p and "duplicate statement id 'nsclc_tki_continue_local_therapy'" in p
        for p in problems
    ), problems


def test_missing_doi_and_pmid_is_refused(data_copy: Path) -> None:
    path = data_copy / "evidence" / "prognosis.yaml"
    _edit(path, '  doi: "10.1016/j.cllc.2014.04.003"\n', "")
    _edit(path, '  pmid: "24894943"\n', "")
    problems = _problems(data_copy)
    assert any(
        "prognosis.yaml" in p and "ashworth_2014_ipd_nsclc" in p and "doi or a pmid" in p
        for p in problems
    ), problems


def test_malformed_doi_is_refused(data_copy: Path) -> None:
    _edit(
        data_copy / "evidence" / "sites.yaml",
        'doi: "10.1093/jnci/djx015"',
        'doi: "doi:10.1093 jnci"',
    )
    problems = _problems(data_copy)
    assert any("sites.yaml" in p and "ruers_2017_clocc" in p and "/doi" in p for p in problems), (
        problems
    )


def test_malformed_pmid_is_refused(data_copy: Path) -> None:
    _edit(data_copy / "evidence" / "sites.yaml", 'pmid: "28376151"', 'pmid: "PMID28376151"')
    problems = _problems(data_copy)
    assert any("sites.yaml" in p and "ruers_2017_clocc" in p and "/pmid" in p for p in problems), (
        problems
    )


def test_missing_citation_field_is_refused(data_copy: Path) -> None:
    _edit(
        data_copy / "evidence" / "oligoprogression_trials.yaml",
        '    journal: "JAMA Oncol"\n    year: 2020\n',
        "    year: 2020\n",
    )
    problems = _problems(data_copy)
    assert any(
        "oligoprogression_trials.yaml" in p
        and "phillips_2020_oriole" in p
        and "/citation/journal" in p
        for p in problems
    ), problems


def test_bad_yaml_is_refused(data_copy: Path) -> None:
    (data_copy / "statements" / "broken.yaml").write_text(
        "- id: broken\n  text: [unclosed\n", encoding="utf-8"
    )
    problems = _problems(data_copy)
    assert any("broken.yaml" in p and "not valid YAML" in p for p in problems), problems


def test_every_problem_is_listed_not_only_the_first(data_copy: Path) -> None:
    _edit(data_copy / "evidence" / "sites.yaml", 'pmid: "28376151"', 'pmid: "x"')
    (data_copy / "statements" / "broken.yaml").write_text("- [", encoding="utf-8")
    problems = _problems(data_copy)
    assert any("sites.yaml" in p for p in problems)
    assert any("broken.yaml" in p for p in problems)
