"""The evidence base: versioned YAML, validated when it loads."""

from oligoguide.knowledge.loader import (
    KnowledgeBase,
    KnowledgeBaseError,
    default_knowledge_base,
    load_knowledge_base,
)
from oligoguide.knowledge.models import (
    Citation,
    Evidence,
    EvidenceKind,
    EvidenceLevel,
    Manifest,
    RecommendationGrade,
    Statement,
)
from oligoguide.knowledge.review import overdue_caution, review_overdue

__all__ = [
    "Citation",
    "Evidence",
    "EvidenceKind",
    "EvidenceLevel",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "Manifest",
    "RecommendationGrade",
    "Statement",
    "default_knowledge_base",
    "load_knowledge_base",
    "overdue_caution",
    "review_overdue",
]
