"""The evidence base: versioned YAML, validated when it loads.

The audit of the whole base (rules run by `oligoguide kb check`) is `oligoguide.knowledge.audit`.
"""

from oligoguide.knowledge.loader import (
    KnowledgeBase,
    KnowledgeBaseError,
    default_knowledge_base,
    load_knowledge_base,
)
from oligoguide.knowledge.models import (
    AuditPolicy,
    Basis,
    Citation,
    Evidence,
    EvidenceKind,
    EvidenceLevel,
    Manifest,
    RecommendationGrade,
    RuleMode,
    Statement,
    Verification,
)
from oligoguide.knowledge.review import overdue_caution, review_overdue

__all__ = [
    "AuditPolicy",
    "Basis",
    "Citation",
    "Evidence",
    "EvidenceKind",
    "EvidenceLevel",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "Manifest",
    "RecommendationGrade",
    "RuleMode",
    "Statement",
    "Verification",
    "default_knowledge_base",
    "load_knowledge_base",
    "overdue_caution",
    "review_overdue",
]
