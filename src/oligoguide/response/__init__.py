"""RECIST 1.1 (with iRECIST) response per time point and per-lesion trajectories."""

from oligoguide.response.assess import assess_grouped_response, assess_response
from oligoguide.response.models import LesionTrajectory, ResponseAssessment, TimepointResponse

__all__ = [
    "LesionTrajectory",
    "ResponseAssessment",
    "TimepointResponse",
    "assess_grouped_response",
    "assess_response",
]
