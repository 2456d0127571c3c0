"""Hybrid retrieval: FAISS dense search fused with bm25s keyword scores, sentence highlights."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from articlebot.index.embedding import Encoder
from articlebot.index.store import IndexData
from articlebot.retrieval.results import Answer, Highlight, RetrievedPassage


@dataclass(frozen=True, slots=True)
class RankingSettings:
    """Weights of the ranking stages; zero turns a stage off (used by the ablation report)."""

    dense_weight: float = 1.0
    sentence_weight: float = 1.0
    keyword_weight: float = 0.3
    #: How many candidates each of dense and keyword search contributes.
    candidates: int = 50
    #: Logistic calibration of "the top passage answers the question" (see `confidence`).
    calibration: tuple[float, float, float, float] = (7.9, 15.5, 2.6, -10.1)


def normalize_question(question: str, max_chars: int) -> str:
    """Collapse whitespace and control characters; keep at most `max_chars` characters."""
    cleaned = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", question)
    cleaned = re.sub(r"\s+", " ", cleaned).strip()
    return cleaned[:max_chars]


class Retriever:
    """Answers questions from an `IndexData` with an `Encoder`."""

    def __init__(
        self,
        index: IndexData,
        encoder: Encoder,
        *,
        top_k: int = 3,
        min_confidence: float = 0.5,
        max_question_chars: int = 1000,
        ranking: RankingSettings | None = None,
    ) -> None:
        if encoder.dimension != index.manifest.dimension:
            raise ValueError(
                f"encoder dimension {encoder.dimension} does not match the index "
                f"({index.manifest.dimension})"
            )
        self.index = index
        self.encoder = encoder
        self.top_k = top_k
        self.min_confidence = min_confidence
        self.max_question_chars = max_question_chars
        self.ranking = ranking or RankingSettings()

    @property
    def size(self) -> int:
        """Number of passages searched."""
        return len(self.index.passages)

    def passage(self, row: int, score: float = 0.0) -> RetrievedPassage:
        """Passage `row` of the index, highlighted at its first sentence."""
        passage = self.index.passages[row]
        doc = self.index.documents[passage.doc_id]
        first = passage.sentences[0]
        return RetrievedPassage(
            doc_id=passage.doc_id,
            title=doc.title,
            paragraph=passage.paragraph,
            start=passage.start,
            end=passage.end,
            text=doc.text[passage.start : passage.end],
            score=score,
            highlight=Highlight(first.start, first.end),
            highlight_text=doc.text[first.start : first.end],
            source=doc.source,
            row=row,
        )

    def confidence(self, dense: float, sentence: float, keyword_coverage: float) -> float:
        """Probability-like score that the best passage answers the question."""
        a, b, c, bias = self.ranking.calibration
        z = a * dense + b * sentence + c * keyword_coverage + bias
        return 1.0 / (1.0 + math.exp(-z))

    def ask(self, question: str, top_k: int | None = None) -> Answer:
        """The best passages for `question`, and whether they answer it."""
        k = top_k or self.top_k
        text = normalize_question(question, self.max_question_chars)
        if not text or self.size == 0:
            return Answer(question=text, answered=False, confidence=0.0, passages=[])
        query = self.encoder.encode([text])[0]
        return self._rank(text, query, k)

    def _rank(self, text: str, query: np.ndarray, k: int) -> Answer:
        index, ranking = self.index, self.ranking
        n = self.size
        n_cand = min(ranking.candidates, n)

        _, dense_ids = index.dense.search(query.reshape(1, -1), n_cand)
        keyword_scores = index.keyword.scores(text)
        if n_cand < n:
            keyword_ids = np.argpartition(-keyword_scores, n_cand - 1)[:n_cand]
        else:
            keyword_ids = np.arange(n)
        keyword_ids = keyword_ids[keyword_scores[keyword_ids] > 0]
        candidates = np.unique(np.concatenate([dense_ids[0][dense_ids[0] >= 0], keyword_ids]))

        dense = index.passage_vectors[candidates] @ query
        kw = keyword_scores[candidates]
        kw_max = float(kw.max()) if len(kw) else 0.0
        kw_norm = kw / kw_max if kw_max > 0 else np.zeros_like(kw)

        best_sentence = np.empty(len(candidates), dtype=np.int64)
        sentence_score = np.empty(len(candidates), dtype=np.float32)
        for i, row in enumerate(candidates):
            rows = index.sentence_rows(int(row))
            sims = index.sentence_vectors[rows.start : rows.stop] @ query
            j = int(np.argmax(sims))
            best_sentence[i] = rows.start + j
            sentence_score[i] = sims[j]

        fused = (
            ranking.dense_weight * dense
            + ranking.sentence_weight * sentence_score
            + ranking.keyword_weight * kw_norm
        )
        order = np.argsort(-fused, kind="stable")

        chosen: list[int] = []
        for i in order:
            passage = index.passages[int(candidates[i])]
            if any(
                index.passages[int(candidates[c])].doc_id == passage.doc_id
                and index.passages[int(candidates[c])].start < passage.end
                and passage.start < index.passages[int(candidates[c])].end
                for c in chosen
            ):
                continue  # an overlapping window from the same spot is already in
            chosen.append(int(i))
            if len(chosen) == k:
                break

        terms = set(index.keyword.query_tokens(text))
        coverage = 0.0
        if terms and chosen:
            top_text = index.passage_text(int(candidates[chosen[0]]))
            coverage = len(terms & set(index.keyword.query_tokens(top_text))) / len(terms)

        results = []
        for i in chosen:
            row = int(candidates[i])
            passage = index.passages[row]
            doc = index.documents[passage.doc_id]
            _, s_start, s_end = (int(x) for x in index.sentence_table[best_sentence[i]])
            results.append(
                RetrievedPassage(
                    doc_id=passage.doc_id,
                    title=doc.title,
                    paragraph=passage.paragraph,
                    start=passage.start,
                    end=passage.end,
                    text=doc.text[passage.start : passage.end],
                    score=float(fused[i]),
                    highlight=Highlight(s_start, s_end),
                    highlight_text=doc.text[s_start:s_end],
                    source=doc.source,
                    row=row,
                )
            )
        evidence: tuple[float, ...] = ()
        confidence = 0.0
        if chosen:
            top = chosen[0]
            evidence = (float(dense[top]), float(sentence_score[top]), coverage)
            confidence = self.confidence(*evidence)
        return Answer(
            question=text,
            answered=confidence >= self.min_confidence,
            confidence=confidence,
            passages=results,
            evidence=evidence,
        )
