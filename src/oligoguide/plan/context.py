"""Everything a plan rule may read, gathered once per case."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from oligoguide.knowledge import KnowledgeBase
from oligoguide.model.case import Case, Lesion
from oligoguide.model.vocab import (
    BiomarkerName,
    BiomarkerStatus,
    DiseaseState,
    PrimarySite,
    Site,
    TherapyClass,
)
from oligoguide.response.models import LesionTrajectory, ResponseAssessment
from oligoguide.state.models import StateAssessment

#: Oncogenic drivers with approved targeted therapy in NSCLC.
NSCLC_DRIVERS = (
    BiomarkerName.EGFR,
    BiomarkerName.ALK,
    BiomarkerName.ROS1,
    BiomarkerName.RET,
    BiomarkerName.MET,
    BiomarkerName.BRAF,
    BiomarkerName.NTRK,
)


@dataclass(frozen=True)
class PlanContext:
    case: Case
    response: ResponseAssessment
    state: StateAssessment
    kb: KnowledgeBase
    #: Lesions with an implausible value in the input (model.plausibility): never a confident
    #: ablative line for them until the value is checked.
    implausible_lesions: frozenset[str] = frozenset()
    #: Values worked out once per plan by the rules' helpers (e.g. plan.gates.read_gates, asked
    #: by many rules for the same case).
    memo: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    @property
    def disease_state(self) -> DiseaseState:
        return self.state.disease_state

    @property
    def primary(self) -> PrimarySite:
        return self.case.cancer.primary_site

    @property
    def latest_date(self) -> dt.date | None:
        return self.response.latest_date

    @cached_property
    def progressing(self) -> list[LesionTrajectory]:
        ids = set(self.state.progressing_lesions)
        return [t for t in self.response.lesions if t.id in ids]

    def lesion(self, lesion_id: str) -> Lesion:
        return self.case.lesion(lesion_id)

    @cached_property
    def current_classes(self) -> set[TherapyClass]:
        if self.latest_date is None:
            return set()
        return {c for t in self.case.therapies_ongoing_on(self.latest_date) for c in t.classes}

    @cached_property
    def positive_drivers(self) -> list[BiomarkerName]:
        found = []
        for name in NSCLC_DRIVERS:
            marker = self.case.cancer.biomarker(name)
            if marker is not None and marker.status == BiomarkerStatus.POSITIVE:
                found.append(name)
        return found

    @cached_property
    def driver_status_known(self) -> bool:
        """EGFR and ALK at least were tested (the two every guideline asks for in NSCLC)."""
        return all(
            (m := self.case.cancer.biomarker(name)) is not None
            and m.status != BiomarkerStatus.NOT_TESTED
            for name in (BiomarkerName.EGFR, BiomarkerName.ALK)
        ) or bool(self.positive_drivers)

    @property
    def on_targeted_for_driver(self) -> bool:
        return (
            self.primary == PrimarySite.NSCLC
            and bool(self.positive_drivers)
            and TherapyClass.TARGETED in self.current_classes
        )

    @property
    def on_immunotherapy(self) -> bool:
        return TherapyClass.IMMUNOTHERAPY in self.current_classes

    def lesions_at(self, site: Site, only_progressing: bool = True) -> list[LesionTrajectory]:
        pool = self.progressing if only_progressing else self.response.lesions
        return [t for t in pool if t.site == site]

    def weeks_since(self, day: dt.date) -> float | None:
        return None if self.latest_date is None else (self.latest_date - day).days / 7
