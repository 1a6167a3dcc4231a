"""Clinical decision rules: state + case + knowledge -> a cited Plan."""

from oligoguide.plan.engine import make_plan
from oligoguide.plan.models import ContextNote, Dose, FollowUp, Plan, Recommendation, Reference

__all__ = ["ContextNote", "Dose", "FollowUp", "Plan", "Recommendation", "Reference", "make_plan"]
