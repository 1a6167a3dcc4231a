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
    RecommendationGrade,
    Statement,
)

__all__ = [
    "Citation",
    "Evidence",
    "EvidenceKind",
    "EvidenceLevel",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "RecommendationGrade",
    "Statement",
    "default_knowledge_base",
    "load_knowledge_base",
]
