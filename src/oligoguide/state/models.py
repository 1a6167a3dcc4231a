"""What the state stage returns."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from oligoguide.model.explain import Explanation, MissingData
from oligoguide.model.vocab import DiseaseState, EstroCategory, EstroSubtype, MetastasisTiming


class Thresholds(BaseModel):
    """Configurable limits; defaults follow the ESTRO-ASTRO 1-5 lesion definition and CURB/STOP."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_progressing_lesions: int = Field(default=5, ge=1, le=20)
    max_oligometastatic_lesions: int = Field(default=5, ge=1, le=20)
    synchronous_months: int = Field(default=6, ge=1, le=24)
    timepoint_window_days: int = Field(
        default=28,
        ge=0,
        le=56,
        description="Studies within this many days form one assessment time point (RECIST 1.1)",
    )


class EstroEortcClass(BaseModel):
    model_config = ConfigDict(frozen=True)

    category: EstroCategory
    timing: MetastasisTiming | None = None
    subtype: EstroSubtype | None = None
    label: str


class StateAssessment(BaseModel):
    model_config = ConfigDict(frozen=True)

    disease_state: DiseaseState
    estro_eortc_class: EstroEortcClass | None
    progressing_lesions: tuple[str, ...]
    progressing_organs: tuple[str, ...]
    on_systemic_therapy: bool | None
    current_therapy: str | None
    confirmation_required: bool = Field(
        default=False, description="iRECIST: progression on immunotherapy awaits confirmation"
    )
    explanations: tuple[Explanation, ...]
    missing_data: tuple[MissingData, ...]
    warnings: tuple[str, ...]
