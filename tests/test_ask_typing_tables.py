"""More phrases as clinicians type them (issue 21), read through `ask`'s own pipeline
(spelling and shorthand first, then `understand`): misspellings, words that must never be
"corrected", lobes and segments, growth written with arrows, organs next to a lesion, dose
courses in shorthand. Each row is written from clinical usage: the phrase, and what it means.
"""

from __future__ import annotations

import pytest

from oligoguide.ask import understand
from oligoguide.ask.route import courses
from oligoguide.ask.spelling import correct


def read(phrase: str):  # type: ignore[no-untyped-def]
    return understand(correct(phrase))


# typed -> the word it must be read as
MISSPELT = [
    ("oligoprogresion on osi", "oligoprogression"),
    ("stereotatic radiotherapy", "stereotactic"),
    ("single adrenal metastsis", "metastasis"),
    ("brain mri negitive", "negative"),
    ("what do you recomend", "recommend"),
    ("inumerable new liver lesions", "innumerable"),
    ("9 mm focus suspicous for a met", "suspicious"),
    ("30 Gy in three fractons", "fractions"),
    ("equivelant dose in 2 Gy", "equivalent"),
    ("whats the diffrence between them", "difference"),
    ("capecitabine maintanence", "maintenance"),
    ("symptomatc brain met", "symptomatic"),
    ("spinal chord Dmax", "cord"),
    ("srs dose for a brian met", "brain"),
    ("prostrate cancer on ADT", "prostate"),
    ("survival benifit", "benefit"),
    ("re-irradation of the spine", "re-irradiation"),
    ("oligometastatic diseae", "disease"),
    ("progresing on pembro", "progressing"),
    ("radiosurgey for 3 mets", "radiosurgery"),
]

# typed words that are right as they are and must be left alone
KEPT = [
    "previous 30 Gy/10 to T8",
    "everything else stable",
    "whats next",
    "on Lorbrena",
    "pembro maintenance",
    "osi 80 mg",
    "T-DXd",
    "SABR-COMET",
    "JLGK0901",
    "mets",
    "inoperable primary",
    "innumerable lung nodules",
]

# phrase -> site it names
SITES_MORE = [
    ("RLL nodule 11 -> 19 mm", "lung"),
    ("LUL lesion", "lung"),
    ("right lower lobe nodule", "lung"),
    ("lingula nodule", "lung"),
    ("seg VII lesion 2 cm", "liver"),
    ("MSCC at T6", "spine"),
    ("lesion at L2 level", "spine"),
]

# phrase -> (size in mm of the one lesion, grew)
GROWTH = [
    ("RLL nodule 11 -> 19 mm", 19.0, True),
    ("adrenal met 1.6 → 2.3 cm", 23.0, True),
    ("liver lesion from 12 to 18 mm", 18.0, True),
    ("LN 1.3 -> 2.2 cm", 22.0, True),
    ("lung lesion 25 -> 21 mm", 21.0, False),
]

# phrase -> organ at risk it puts next to the lesion
ADJACENT = [
    ("para-aortic LN 2.2 cm abuts D3 duodenum", "duodenum"),
    ("adrenal met 3 cm abutting the stomach", "stomach"),
    ("2 cm mediastinal node touching the oesophagus", "esophagus"),
    ("3 cm lung lesion against the main bronchus", "trachea_large_bronchus"),
    ("T9 vertebral met 2.5 cm, 1 mm from the cord", "spinal_cord"),
    ("liver lesion 2 cm adjacent to small bowel", "jejunum_ileum"),
    ("apical lung mass 4 cm invading the brachial plexus", "brachial_plexus"),
]

# shorthand course -> (total Gy, fractions)
COURSES = [
    ("50/5 bed10?", (50.0, 5)),
    ("30Gy/3fx", (30.0, 3)),
    ("30 Gy in three fractions", (30.0, 3)),
    ("24 Gy/2 to the spine", (24.0, 2)),
    ("5 x 7 Gy", (35.0, 5)),
    ("eqd2 of 30/10 with ab3", (30.0, 10)),
    ("60 Gy in 8 fx", (60.0, 8)),
    ("8 Gy single fraction", (8.0, 1)),
]

EXPANDED = [
    ("UC lung 54/3 safe?", "ultracentral"),
    ("3 brain mets SRS'd last year", "treated with SRS"),
]


@pytest.mark.parametrize(("typed", "word"), MISSPELT)
def test_misspellings_are_read_as_the_word(typed: str, word: str) -> None:
    assert word in correct(typed).lower()


@pytest.mark.parametrize("typed", KEPT)
def test_correct_words_and_shorthand_are_left_alone(typed: str) -> None:
    assert correct(typed) == typed


@pytest.mark.parametrize(("phrase", "site"), SITES_MORE)
def test_lobes_segments_and_levels(phrase: str, site: str) -> None:
    assert site in read(phrase).sites


@pytest.mark.parametrize(("phrase", "size", "grew"), GROWTH)
def test_growth_written_with_arrows_is_one_lesion(phrase: str, size: float, grew: bool) -> None:
    lesions = read(phrase).lesions
    assert [m.size_mm for m in lesions] == [size]
    assert lesions[0].growing is grew or grew is False


@pytest.mark.parametrize(("phrase", "organ"), ADJACENT)
def test_organs_next_to_a_lesion(phrase: str, organ: str) -> None:
    lesions = read(phrase).lesions
    assert lesions, phrase
    assert organ in lesions[0].adjacent_organs


@pytest.mark.parametrize(("phrase", "course"), COURSES)
def test_courses_in_shorthand(phrase: str, course: tuple[float, int]) -> None:
    found = courses(correct(phrase))
    assert (found[0].total_gy, found[0].fractions) == course


@pytest.mark.parametrize(("typed", "words"), EXPANDED)
def test_shorthand_expansions(typed: str, words: str) -> None:
    assert words in correct(typed)


def test_shorthand_tables_hold_at_least_200_phrases() -> None:
    from test_ask_understanding_tables import CANCERS, COUNTS, MET_GENE, SHORTHAND, SITES

    older = len(SHORTHAND) + len(CANCERS) + len(SITES) + len(MET_GENE) + len(COUNTS)
    here = (
        len(MISSPELT) + len(KEPT) + len(SITES_MORE) + len(GROWTH) + len(ADJACENT)
        + len(COURSES) + len(EXPANDED)
    )  # fmt: skip
    assert older + here >= 200, older + here
