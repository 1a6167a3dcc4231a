"""Schedule suggestions per site, with expected doses written from the cited sources."""

from __future__ import annotations

import pytest

from oligoguide.dose import DoseInputError, suggest_schedule


def test_lung_peripheral_48_in_4() -> None:
    s = suggest_schedule("lung", 22)
    assert s.found
    assert (s.total_gy, s.fractions, s.dose_per_fraction) == (48, 4, 12)
    assert s.bed10 == pytest.approx(105.6)  # BED10 >= 100 Gy (Onishi)
    assert s.eqd2_10 == pytest.approx(88.0)
    assert s.source == "shirata_2012_bed"
    assert s.dose() == {
        "total_gy": 48,
        "fractions": 4,
        "bed10": pytest.approx(105.6),
        "eqd2_10": pytest.approx(88.0),
        "source": "shirata_2012_bed",
    }


def test_lung_central_rtog0813() -> None:
    s = suggest_schedule("lung", 30, central=True)
    assert (s.total_gy, s.fractions) == (60, 5)
    assert s.bed10 == pytest.approx(132.0)
    assert s.source == "bezjak_2019_rtog0813"
    assert any("Central" in c for c in s.cautions)
    assert [(a.total_gy, a.fractions) for a in s.alternatives] == [(50, 5)]


def test_lung_central_over_5cm_is_not_sourced() -> None:
    s = suggest_schedule("lung", 55, central=True)
    assert not s.found
    assert s.dose() is None


def test_lung_ultracentral_gets_the_sunset_schedule_with_its_caution() -> None:
    # SUNSET (Giuliani 2024, PMID 38614279): 60 Gy in 8 fractions for ultra-central NSCLC <= 6 cm
    s = suggest_schedule("lung", 20, ultracentral=True)
    assert s.found
    assert (s.total_gy, s.fractions, s.source) == (60, 8, "giuliani_2024_sunset")
    assert any("Ultra-central" in c and "extrapolation" in c for c in s.cautions)
    assert not suggest_schedule("lung", 65, ultracentral=True).found  # beyond the trial's 6 cm


@pytest.mark.parametrize(
    ("diameter", "total", "fractions", "source"),
    [
        (15, 24, 1, "shaw_2000_rtog9005"),
        (20, 24, 1, "shaw_2000_rtog9005"),
        (25, 18, 1, "shaw_2000_rtog9005"),
        (30, 18, 1, "shaw_2000_rtog9005"),
        (35, 27, 3, "gondi_2022_astro_brain"),
        (40, 27, 3, "gondi_2022_astro_brain"),
    ],
)
def test_brain_by_diameter(diameter: float, total: float, fractions: int, source: str) -> None:
    s = suggest_schedule("brain", diameter)
    assert (s.total_gy, s.fractions, s.source) == (total, fractions, source)


def test_brain_3_to_4cm_keeps_15gy_single_as_alternative() -> None:
    s = suggest_schedule("brain", 35)
    assert (15, 1) in [(a.total_gy, a.fractions) for a in s.alternatives]
    assert (30, 5) in [(a.total_gy, a.fractions) for a in s.alternatives]


def test_brain_over_4cm_and_missing_diameter() -> None:
    big = suggest_schedule("brain", 45)
    assert not big.found
    assert any("surgery" in c for c in big.cautions)
    unknown = suggest_schedule("brain", None)
    assert not unknown.found
    assert any("cannot size" in c for c in unknown.cautions)


def test_brain_many_lesions_caution() -> None:
    s = suggest_schedule("brain", 10, lesion_count=7)
    assert s.found
    assert any("conditionally" in c for c in s.cautions)


def test_liver_60_in_3_with_cautions() -> None:
    s = suggest_schedule("liver", 40, lesion_count=2)
    assert (s.total_gy, s.fractions, s.source) == (60, 3, "rusthoven_2009_liver")
    assert s.bed10 == pytest.approx(180.0)
    assert s.verified is False
    assert any("700 cc" in c for c in s.cautions)
    assert any("verified: false" in c for c in s.cautions)


def test_liver_limits() -> None:
    assert not suggest_schedule("liver", 60).found  # under 6 cm only
    many = suggest_schedule("liver", 30, lesion_count=4)
    assert any("4 lesions" in c for c in many.cautions)
    unknown = suggest_schedule("liver", None)
    assert unknown.found
    assert any("Diameter missing" in c for c in unknown.cautions)


def test_spine_sc24_and_bone_palliative() -> None:
    spine = suggest_schedule("spine", 30)
    assert (spine.total_gy, spine.fractions, spine.source) == (24, 2, "sahgal_2021_sc24")
    assert spine.bed10 == pytest.approx(52.8)
    bone = suggest_schedule("bone", None)
    assert (bone.total_gy, bone.fractions, bone.source) == (8, 1, "lutz_2017_astro_bone")
    assert any("Palliative" in c for c in bone.cautions)


@pytest.mark.parametrize("site", ["lymph_node", "adrenal", "kidney", "pancreas"])
def test_sites_without_sourced_schedule(site: str) -> None:
    s = suggest_schedule(site, 20)
    assert not s.found
    assert any("No sourced schedule" in c for c in s.cautions)


def test_central_flag_outside_lung_is_reported() -> None:
    s = suggest_schedule("liver", 20, central=True)
    assert any("lung lesions only" in c for c in s.cautions)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"site": "nowhere", "diameter_mm": 10}, "site"),
        ({"site": "lung", "diameter_mm": 0}, "diameter_mm"),
        ({"site": "lung", "diameter_mm": -3}, "diameter_mm"),
        ({"site": "lung", "diameter_mm": 10, "lesion_count": 0}, "lesion_count"),
    ],
)
def test_bad_input(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(DoseInputError) as caught:
        suggest_schedule(**kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field
