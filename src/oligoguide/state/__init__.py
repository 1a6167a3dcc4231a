"""Disease-state classification: oligo-/polyprogression, oligopersistence, ESTRO/EORTC class."""

from oligoguide.state.classify import classify_state
from oligoguide.state.models import EstroEortcClass, StateAssessment, Thresholds

__all__ = ["EstroEortcClass", "StateAssessment", "Thresholds", "classify_state"]
