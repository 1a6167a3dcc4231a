"""Disease-state classification, one worked case per state.

Definitions: ESTRO-ASTRO (Lievens 2020: 1-5 lesions), ESTRO/EORTC (Guckenberger 2020: de novo /
repeat / induced; oligorecurrence off therapy, oligoprogression and oligopersistence on it).
"""

from __future__ import annotations

from builders import case, lesion, scan
from oligoguide.model.vocab import DiseaseState, EstroCategory, EstroSubtype, MetastasisTiming
from oligoguide.response import assess_response
from oligoguide.state import Thresholds, classify_state


def classify(c, **limits):  # type: ignore[no-untyped-def]
    return classify_state(c, assess_response(c), Thresholds(**limits) if limits else None)


def test_one_lesion_growing_on_therapy_is_oligoprogression() -> None:
    # Liver 30 -> 20 -> 28 (+40% / +8 mm over nadir 20): progressing; lung 20 -> 15 -> 15 stable.
    s = classify(case([lesion("H", [30, 20, 28]), lesion("P", [20, 15, 15], "lung")]))
    assert s.disease_state == DiseaseState.OLIGOPROGRESSION
    assert s.progressing_lesions == ("H",)
    assert s.progressing_organs == ("liver",)
    assert any("own nadir" in e.text and e.lesion_id == "H" for e in s.explanations)


def test_per_lesion_growth_counts_even_when_the_patient_level_response_is_stable() -> None:
    # Sum 30 + 60 = 90 -> 20 + 60 = 80 -> 28 + 60 = 88: +10% (SD), but H grew +40% / +8 mm.
    c = case([lesion("H", [30, 20, 28]), lesion("P", [60, 60, 60], "lung")])
    assert assess_response(c).timepoints[-1].overall.value == "SD"
    assert classify(c).disease_state == DiseaseState.OLIGOPROGRESSION


def test_six_progressing_lesions_is_polyprogression() -> None:
    lesions = [lesion("A", [30, 30])] + [
        lesion(f"N{i}", [10], "lung", target=False, first_scan=1) for i in range(6)
    ]
    s = classify(case(lesions))
    assert s.disease_state == DiseaseState.POLYPROGRESSION
    assert len(s.progressing_lesions) == 6


def test_the_progression_threshold_is_configurable() -> None:
    lesions = [lesion("A", [30, 30])] + [
        lesion(f"N{i}", [10], "lung", target=False, first_scan=1) for i in range(4)
    ]
    assert classify(case(lesions)).disease_state == DiseaseState.OLIGOPROGRESSION
    assert classify(case(lesions), max_progressing_lesions=3).disease_state == (
        DiseaseState.POLYPROGRESSION
    )


def test_progressing_diffuse_serosal_disease_is_not_oligoprogression() -> None:
    c = case(
        [
            lesion("A", [30, 30]),
            lesion("LM", ["present", "unequivocal_progression"], "leptomeninges", target=False),
        ]
    )
    assert classify(c).disease_state == DiseaseState.POLYPROGRESSION


def test_limited_stable_disease_on_therapy_is_oligopersistence() -> None:
    s = classify(case([lesion("A", [30, 25]), lesion("B", [20, 18], "lung")]))
    assert s.disease_state == DiseaseState.OLIGOPERSISTENCE
    assert s.progressing_lesions == ()


def test_complete_response_on_therapy_is_controlled() -> None:
    assert classify(case([lesion("A", [30, 0])])).disease_state == DiseaseState.CONTROLLED


def test_many_stable_lesions_on_therapy_are_controlled() -> None:
    lesions = [lesion(f"A{i}", [20, 20], "liver", target=i < 2) for i in range(7)]
    assert classify(case(lesions)).disease_state == DiseaseState.CONTROLLED


def test_new_limited_disease_off_therapy_is_oligometastatic_oligorecurrence() -> None:
    # Therapy ended before the scans; a new lesion appears: oligorecurrence, metachronous.
    c = case(
        [lesion("A", [20, 20], "lung"), lesion("B", [15], "liver", target=False, first_scan=1)],
        therapy_start=None,
    )
    s = classify(c)
    assert s.disease_state == DiseaseState.OLIGOMETASTATIC
    assert s.estro_eortc_class is not None
    assert s.estro_eortc_class.subtype == EstroSubtype.OLIGORECURRENCE


def test_single_scan_on_therapy_is_insufficient_data_with_what_to_add() -> None:
    s = classify(case([lesion("A", [30])]))
    assert s.disease_state == DiseaseState.INSUFFICIENT_DATA
    assert any(m.item == "follow-up scan" for m in s.missing_data)


def test_single_scan_off_therapy_with_few_lesions_is_oligometastatic_synchronous() -> None:
    # Diagnosis 2023-10-01, metastases on 2024-01-01 (3 months): synchronous, de novo.
    s = classify(case([lesion("A", [30])], therapy_start=None))
    assert s.disease_state == DiseaseState.OLIGOMETASTATIC
    assert s.estro_eortc_class is not None
    assert s.estro_eortc_class.category == EstroCategory.DE_NOVO
    assert s.estro_eortc_class.timing == MetastasisTiming.SYNCHRONOUS


def test_no_lesions_is_insufficient_data() -> None:
    s = classify(case([]))
    assert s.disease_state == DiseaseState.INSUFFICIENT_DATA
    assert s.missing_data


def test_not_evaluable_latest_scan_is_insufficient_data() -> None:
    s = classify(case([lesion("A", [40, 40]), lesion("B", [40, None], "lung")]))
    assert s.disease_state == DiseaseState.INSUFFICIENT_DATA


def test_unassessed_lesions_that_could_tip_the_count_give_insufficient_data() -> None:
    # 5 new lesions (at the limit) and 2 known lesions not assessed on the latest scan.
    lesions = [
        lesion("A", [30, 30]),
        lesion("B", [30, None], "lung"),
        lesion("C", [30, None], "bone"),
    ]
    lesions += [lesion(f"N{i}", [10], "lung", target=False, first_scan=1) for i in range(5)]
    s = classify(case(lesions))
    assert s.disease_state == DiseaseState.INSUFFICIENT_DATA
    assert any("unassessed" in m.reason for m in s.missing_data)


def test_estro_induced_after_polymetastatic_disease() -> None:
    # 7 metastases at baseline, 6 disappear, the last one grows: induced oligoprogression.
    lesions = [lesion("A", [20, 10, 16])] + [
        lesion(f"B{i}", [15, 0, 0], "lung", target=False) for i in range(6)
    ]
    s = classify(case(lesions))
    assert s.disease_state == DiseaseState.OLIGOPROGRESSION
    assert s.estro_eortc_class is not None
    assert s.estro_eortc_class.category == EstroCategory.INDUCED
    assert s.estro_eortc_class.label == "induced oligoprogression"


def test_estro_repeat_oligoprogression_after_earlier_oligometastatic_disease() -> None:
    s = classify(case([lesion("A", [30, 20, 28])]))
    assert s.estro_eortc_class is not None
    assert s.estro_eortc_class.label == "repeat oligoprogression"


def test_estro_needs_diagnosis_date_for_de_novo_timing() -> None:
    c = case([lesion("A", [30])], therapy_start=None, cancer={"primary_site": "colorectal"})
    s = classify(c)
    assert s.estro_eortc_class is None
    assert any(m.item == "/cancer/diagnosis_date" for m in s.missing_data)


def test_iupd_on_immunotherapy_requires_confirmation() -> None:
    c = case(
        [lesion("A", [50, 40, 60]), lesion("B", [20, 20, 20], "lung")],
        therapy=["pembrolizumab"],
        therapy_class="immunotherapy",
    )
    s = classify(c)
    assert s.confirmation_required
    assert any("confirmatory scan" in m.item for m in s.missing_data)


def test_sbrt_treated_lesion_restarts_its_nadir_after_treatment() -> None:
    # A: 30 -> 20 -> 28 (progressing) -> SBRT -> 24 -> 22: after SBRT the nadir restarts at 24,
    # so 22 is not progression although it is above the pre-treatment nadir of 20.
    c = case(
        [lesion("A", [30, 20, 28, 24, 22]), lesion("B", [20, 20, 20, 20, 20], "lung")],
        local_treatments=[
            {
                "lesion_id": "A",
                "modality": "sbrt",
                "date": scan(2)[:8] + "20",
                "total_dose_gy": 45,
                "fractions": 3,
            }
        ],
    )
    s = classify(c)
    assert s.progressing_lesions == ()
