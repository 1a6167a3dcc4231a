"""Retrieval over the knowledge base: lexical (bm25s), dense (static embeddings), hybrid (RRF).

Documents are the statements (topic, text, caveat) and the evidence items (title, population,
findings). Both documents and questions are normalised with the lexicon's synonym groups, so
"SABR" meets "SBRT". The dense retriever reads a static token-embedding table distilled once from
all-MiniLM-L6-v2 (scripts/distill_static_embeddings.py) and shipped in `ask/data/static/`; it
needs numpy and `tokenizers` and never downloads anything. Hybrid fuses both rankings with
reciprocal rank fusion (k=60, Cormack et al. 2009).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from oligoguide.ask.lexicon import expand
from oligoguide.knowledge import KnowledgeBase, default_knowledge_base

RRF_K = 60
_STOP = frozenset(
    """a an and are as at be by can do does for from has have how i in is it its me my of on or
    our should so than that the their then there these this to was we what when where which
    who why will with would you your patient patients""".split()  # noqa: SIM905
)
_WORD = re.compile(r"[a-z0-9]+(?:[.-][a-z0-9]+)*")


class RetrieverKind(StrEnum):
    LEXICAL = "lexical"
    DENSE = "dense"
    HYBRID = "hybrid"


#: The default, chosen by bench/eval_ask.py (see docs/ask.md for the figures).
DEFAULT_RETRIEVER = RetrieverKind.LEXICAL


@dataclass(frozen=True)
class Hit:
    doc_id: str  # "statement:<id>" or "evidence:<id>"
    score: float


def _stem(word: str) -> str:
    for suffix in (
        "ations",
        "ation",
        "ments",
        "ment",
        "ings",
        "ing",
        "ies",
        "ive",
        "ed",
        "es",
        "s",
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def tokenize(text: str) -> list[str]:
    words = _WORD.findall(expand(text).lower())
    return [_stem(w) for w in words if w not in _STOP]


def _documents(kb: KnowledgeBase) -> tuple[list[str], list[str]]:
    ids: list[str] = []
    texts: list[str] = []
    for statement in kb.statements.values():
        ids.append(f"statement:{statement.id}")
        parts = [statement.topic, statement.text, statement.caveat or ""]
        parts += [" ".join(statement.cancers), " ".join(statement.sites)]
        parts += [" ".join(statement.scenarios)]
        texts.append(" ".join(parts))
    for evidence in kb.evidence.values():
        ids.append(f"evidence:{evidence.id}")
        parts = [evidence.citation.title, evidence.population, *evidence.findings]
        parts += [" ".join(evidence.cancers), " ".join(evidence.sites)]
        texts.append(" ".join(parts))
    return ids, texts


class LexicalRetriever:
    def __init__(self, kb: KnowledgeBase) -> None:
        import bm25s

        self.ids, texts = _documents(kb)
        self._model = bm25s.BM25()
        self._model.index([tokenize(t) for t in texts], show_progress=False)

    def search(self, query: str, k: int = 20) -> list[Hit]:
        tokens = tokenize(query)
        if not tokens:
            return []
        scores = np.asarray(self._model.get_scores(tokens), dtype=np.float64)
        order = np.argsort(-scores)[:k]
        return [Hit(self.ids[i], float(scores[i])) for i in order if scores[i] > 0]


class StaticEmbedder:
    """Mean of static token vectors, L2-normalised (the model2vec recipe, without model2vec)."""

    def __init__(self) -> None:
        from tokenizers import Tokenizer

        folder = resources.files("oligoguide.ask").joinpath("data/static")
        with resources.as_file(folder.joinpath("tokenizer.json")) as path:
            self._tokenizer = Tokenizer.from_file(str(path))
        with resources.as_file(folder.joinpath("embeddings.npy")) as path:
            self._table: npt.NDArray[np.float32] = np.load(path).astype(np.float32)
        unk = self._tokenizer.token_to_id("[UNK]")
        self._unk = -1 if unk is None else unk

    def encode(self, texts: list[str]) -> npt.NDArray[np.float32]:
        out = np.zeros((len(texts), self._table.shape[1]), dtype=np.float32)
        for row, encoding in enumerate(
            self._tokenizer.encode_batch(texts, add_special_tokens=False)
        ):
            ids = [i for i in encoding.ids if i != self._unk]
            if ids:
                vector = self._table[ids].mean(axis=0)
                norm = float(np.linalg.norm(vector))
                out[row] = vector / norm if norm > 0 else vector
        return out


@cache
def static_embedder() -> StaticEmbedder:
    return StaticEmbedder()


class DenseRetriever:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.ids, texts = _documents(kb)
        self._embedder = static_embedder()
        self._docs = self._embedder.encode([expand(t) for t in texts])

    def search(self, query: str, k: int = 20) -> list[Hit]:
        vector = self._embedder.encode([expand(query)])[0]
        if not vector.any():
            return []
        scores = self._docs @ vector
        order = np.argsort(-scores)[:k]
        return [Hit(self.ids[i], float(scores[i])) for i in order]


class HybridRetriever:
    def __init__(self, lexical: LexicalRetriever, dense: DenseRetriever) -> None:
        self._lexical = lexical
        self._dense = dense

    def search(self, query: str, k: int = 20) -> list[Hit]:
        fused: dict[str, float] = {}
        for hits in (self._lexical.search(query, 40), self._dense.search(query, 40)):
            for rank, hit in enumerate(hits, start=1):
                fused[hit.doc_id] = fused.get(hit.doc_id, 0.0) + 1.0 / (RRF_K + rank)
        ranked = sorted(fused.items(), key=lambda item: -item[1])[:k]
        return [Hit(doc_id, score) for doc_id, score in ranked]


Retriever = LexicalRetriever | DenseRetriever | HybridRetriever


@cache
def _default(kind: RetrieverKind) -> Retriever:
    """Indexes of the packaged knowledge base, built once per process (immutable after)."""
    kb = default_knowledge_base()
    if kind is RetrieverKind.LEXICAL:
        return LexicalRetriever(kb)
    if kind is RetrieverKind.DENSE:
        return DenseRetriever(kb)
    lexical = _default(RetrieverKind.LEXICAL)
    dense = _default(RetrieverKind.DENSE)
    assert isinstance(lexical, LexicalRetriever)
    assert isinstance(dense, DenseRetriever)
    return HybridRetriever(lexical, dense)


def get_retriever(kind: RetrieverKind | str, kb: KnowledgeBase | None = None) -> Retriever:
    """The retriever of `kind` over `kb` (default: the packaged base, indexed once)."""
    kind = RetrieverKind(kind)
    if kb is None:
        return _default(kind)
    if kind is RetrieverKind.LEXICAL:
        return LexicalRetriever(kb)
    if kind is RetrieverKind.DENSE:
        return DenseRetriever(kb)
    return HybridRetriever(LexicalRetriever(kb), DenseRetriever(kb))


def rank_statements(hits: list[Hit], kb: KnowledgeBase) -> list[str]:
    """Statement ids in retrieval order; an evidence hit brings the statements that cite it."""
    citing: dict[str, list[str]] = {}
    for statement in kb.statements.values():
        for evidence_id in statement.evidence:
            citing.setdefault(evidence_id, []).append(statement.id)
    ranked: list[str] = []
    for hit in hits:
        kind, _, ident = hit.doc_id.partition(":")
        for statement_id in [ident] if kind == "statement" else citing.get(ident, []):
            if statement_id not in ranked:
                ranked.append(statement_id)
    return ranked


def describe(kind: RetrieverKind | str) -> dict[str, Any]:
    return {"retriever": str(RetrieverKind(kind)), "rrf_k": RRF_K}
