"""The dose tables: cited, loadable, and equal to the published numbers."""

from __future__ import annotations

import pytest

from oligoguide.dose import DoseDataError, DoseInputError, default_dose_tables, load_dose_tables
from oligoguide.knowledge import KnowledgeBase, default_knowledge_base


def test_every_source_resolves_to_evidence_with_doi_or_pmid() -> None:
    kb = default_knowledge_base()
    tables = default_dose_tables()
    assert tables.sources()
    for source in tables.sources():
        assert source in kb.evidence, source
        evidence = kb.evidence[source]
        assert evidence.doi or evidence.pmid, source


def test_required_evidence_ids_exist() -> None:
    kb = default_knowledge_base()
    for evidence_id in (
        "benedict_2010_tg101",
        "diez_2022_uk_sabr",
        "shaw_2000_rtog9005",
        "gondi_2022_astro_brain",
        "bezjak_2019_rtog0813",
        "rusthoven_2009_liver",
        "sahgal_2021_sc24",
        "sahgal_2013_cord",
        "lutz_2017_astro_bone",
        "fowler_1989_lq",
    ):
        assert evidence_id in kb.evidence


# Values as published in AAPM TG-101 Table III (Benedict 2010), checked against reproductions.
@pytest.mark.parametrize(
    ("organ", "metric", "fractions", "limit"),
    [
        ("spinal_cord", "D0.35cc", 1, 10.0),
        ("spinal_cord", "D0.35cc", 3, 18.0),
        ("spinal_cord", "Dmax", 3, 21.9),
        ("spinal_cord", "D1.2cc", 1, 7.0),
        ("stomach", "D10cc", 1, 11.2),
        ("stomach", "Dmax", 3, 22.2),
        ("duodenum", "D10cc", 5, 12.5),
        ("esophagus", "D5cc", 5, 19.5),
        ("great_vessels", "Dmax", 5, 53.0),
        ("heart_pericardium", "D15cc", 3, 24.0),
        ("liver", "CV700cc", 1, 9.1),
        ("renal_cortex", "CV200cc", 1, 8.4),
        ("lung", "CV1000cc", 5, 13.5),
        ("colon", "D20cc", 1, 14.3),
    ],
)
def test_tg101_lookups(organ: str, metric: str, fractions: int, limit: float) -> None:
    found = default_dose_tables().limit(organ, metric, fractions)
    assert found is not None
    assert found.limit_gy == limit
    assert found.source == "benedict_2010_tg101"


def test_sahgal_thecal_sac_limits() -> None:
    # Sahgal 2013: 12.4, 17.0, 20.3, 23.0, 25.3 Gy in 1-5 fractions.
    tables = default_dose_tables()
    expected = {1: 12.4, 2: 17.0, 3: 20.3, 4: 23.0, 5: 25.3}
    for n, value in expected.items():
        found = tables.limit("thecal_sac", "Dmax", n)
        assert found is not None
        assert found.limit_gy == value
        assert found.source == "sahgal_2013_cord"


def test_unconfirmed_values_are_flagged() -> None:
    tables = default_dose_tables()
    lung_3 = tables.limit("lung", "CV1500cc", 3)
    assert lung_3 is not None
    assert lung_3.verified is False
    cord = tables.limit("spinal_cord", "D0.35cc", 3)
    assert cord is not None
    assert cord.verified is True


def test_aliases_and_unknown_names() -> None:
    tables = default_dose_tables()
    assert tables.canonical_organ("Oesophagus") == "esophagus"
    assert tables.canonical_metric("spinal_cord", "d0.035cc") == "Dmax"
    with pytest.raises(DoseInputError, match="spleen"):
        tables.canonical_organ("spleen")
    with pytest.raises(DoseInputError, match="D2cc"):
        tables.canonical_metric("stomach", "D2cc")
    with pytest.raises(DoseInputError, match="tissue"):
        tables.alpha_beta_for("bone_marrow")


def test_alpha_beta_values() -> None:
    tables = default_dose_tables()
    assert tables.alpha_beta_for("tumour").alpha_beta_gy == 10.0
    assert tables.alpha_beta_for("late_normal_tissue").alpha_beta_gy == 3.0
    assert tables.alpha_beta_for("spinal_cord").alpha_beta_gy == 2.0


def test_unknown_source_is_rejected() -> None:
    kb = default_knowledge_base()
    documents = [dict(d) for d in kb.extra["dose"]]
    for document in documents:
        if document["kind"] == "alpha_beta":
            document["rows"] = [{**document["rows"][0], "source": "made_up_2099"}]
    broken = KnowledgeBase(
        manifest=kb.manifest,
        evidence=kb.evidence,
        statements=kb.statements,
        extra={"dose": documents},
    )
    with pytest.raises(DoseDataError, match="made_up_2099"):
        load_dose_tables(broken)


def test_missing_file_is_rejected() -> None:
    kb = default_knowledge_base()
    documents = [d for d in kb.extra["dose"] if d["kind"] != "schedules"]
    broken = KnowledgeBase(
        manifest=kb.manifest,
        evidence=kb.evidence,
        statements=kb.statements,
        extra={"dose": documents},
    )
    with pytest.raises(DoseDataError, match="schedules"):
        load_dose_tables(broken)


def test_the_case_vocabulary_of_organs_matches_the_constraint_tables() -> None:
    from oligoguide.dose import default_dose_tables
    from oligoguide.model.vocab import OrganAtRisk

    assert {o.value for o in OrganAtRisk} == set(default_dose_tables().organs)
