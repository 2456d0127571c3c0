"""Hybrid retrieval: dense search fused with bm25s keyword scores, sentence highlights."""

from __future__ import annotations

import bisect
import dataclasses
import math
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np

from articlebot.config import DEFAULT_MIN_CONFIDENCE
from articlebot.encoders.sentence_transformer import Encoder
from articlebot.index.arrays import ranges, top_positions
from articlebot.index.dense import FlatSearch
from articlebot.index.keyword import SelectedTerms
from articlebot.index.store import IndexData
from articlebot.ingest.chunking import Passage
from articlebot.ingest.cleaning import paragraph_spans
from articlebot.ingest.documents import Document
from articlebot.retrieval.answer_type import answer_type_missing
from articlebot.retrieval.results import Answer, Highlight, RetrievedPassage
from articlebot.retrieval.spelling import Speller

#: Questions asked together are encoded in length-sorted runs of this many (on two cores, runs
#: of 8 cost each question about half of what it costs alone; longer runs pad more).
QUESTION_RUN = 8

#: Past this much article text, question words are not spell-checked (the word list is built
#: from the texts on the first question).
MAX_SPELLING_CHARS = 200_000_000


@dataclass(frozen=True, slots=True)
class RankingSettings:
    """Weights of the ranking stages; zero turns a stage off (used by the ablation report)."""

    #: Similarity of the question to the whole passage (title + text).
    dense_weight: float = 0.7
    #: Score of the passage's best sentence (its similarity plus lexical overlap).
    sentence_weight: float = 1.0
    #: BM25 of the passage, divided by the best BM25 among the candidates.
    keyword_weight: float = 0.3
    #: Weight of IDF-weighted question-term overlap inside a sentence's score.
    lexical_weight: float = 0.5
    #: The same weight when choosing which sentence of a passage to highlight; there the question's
    #: terms are weighted by their rarity among the sentences of the passage's own document (see
    #: `sentence_idf`), not in the whole corpus.
    highlight_lexical_weight: float = 3.0
    #: Take candidates from dense search, keyword search, or both.
    use_dense: bool = True
    use_keyword: bool = True
    #: How many candidates each of dense and keyword search contributes.
    candidates: int = 50
    #: A passage sharing more than this fraction of its text with a better-ranked one from the
    #: same document is the same spot and is not returned again.
    max_overlap: float = 0.5
    #: A passage this similar to a better-ranked one (the same story syndicated under another
    #: document) is a near-copy and is not returned again.
    max_similarity: float = 0.97
    #: Logistic calibration of "the article answers the question" over `Evidence.features`
    #: and a bias; fitted by scripts/calibrate.py (leave-articles-out cross-validation).
    calibration: tuple[float, ...] = (9.57, 9.36, 5.72, 0.0, 0.0, -10.65)
    #: The same for "the question is about the article's subject" (answerable or not).
    topic_calibration: tuple[float, ...] = (9.57, 9.36, 5.72, 0.0, 0.0, -10.65)
    #: Below `min_confidence` but at least this topical: the closest passage, offered as such.
    min_topical: float = 1.01
    #: A second passage scoring at least this share of the best one's is close enough that the
    #: answer shows its sentence too ("Also: ..."); chosen by leave-articles-out
    #: cross-validation on the reader dev set (folds picked 0.93-0.94).
    also_ratio: float = 0.93
    #: Correct question words that neither the articles nor the model know (see spelling.py).
    spelling: bool = True


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the answer / closest / none decision is made from, for the best passage."""

    #: Similarity of the question to the passage, and to its best sentence.
    dense: float
    sentence: float
    #: IDF-weighted share of the question's terms in the passage.
    coverage: float
    #: Share of the question's terms that the passage's document never uses.
    missing: float
    #: 1.0 when the question wants a number or a time that the highlighted sentence lacks.
    type_missing: float

    @property
    def features(self) -> tuple[float, ...]:
        """The values in the order of the calibrations' coefficients."""
        return (self.dense, self.sentence, self.coverage, self.missing, self.type_missing)


def _logistic(coefficients: Sequence[float], features: Sequence[float]) -> float:
    z = coefficients[-1] + sum(c * f for c, f in zip(coefficients, features, strict=False))
    return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


@dataclass(frozen=True, slots=True)
class KeywordMatch:
    """What the words of a question select, whatever its vector."""

    #: BM25 score of every passage.
    scores: np.ndarray
    #: The best-scoring passages (those scoring above zero among the top candidates).
    candidates: np.ndarray
    #: The sentences holding each of the terms.
    terms: SelectedTerms
    #: The terms' IDF in the whole corpus.
    idf: np.ndarray
    #: The question's terms that no indexed text has at all.
    unknown: int = 0


def _overlap(a: Passage, b: Passage) -> float:
    """Shared characters of two passages as a fraction of the shorter one."""
    if a.doc_id != b.doc_id:
        return 0.0
    shared = min(a.end, b.end) - max(a.start, b.start)
    return max(shared, 0) / max(min(a.end - a.start, b.end - b.start), 1)


def _segment_argmax(values: np.ndarray, offsets: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Position of the first largest value in each segment (`counts` items from `offsets`;
    none empty)."""
    top = np.maximum.reduceat(values, offsets)
    at_top = np.flatnonzero(values == np.repeat(top, counts))
    return at_top[np.searchsorted(at_top, offsets)]


def _unique(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The sorted distinct values and where each value is among them (np.unique with
    return_inverse, in a few array operations: its Python-level wrapper is slow right after the
    model has run and pushed everything out of the CPU caches)."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    first = np.empty(len(ordered), dtype=bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    inverse = np.empty(len(values), dtype=np.int64)
    inverse[order] = np.cumsum(first) - 1
    return ordered[first], inverse


def sentence_idf(doc_frequency: np.ndarray, sentences: np.ndarray | int) -> np.ndarray:
    """BM25's IDF of terms among the sentences of one document.

    `doc_frequency` counts the document's sentences holding each term (in the last axis) and
    `sentences` is the document's number of sentences. A term that the whole document is about
    (its subject's name, which is also what makes it rare in the corpus) tells none of its
    sentences apart and weighs little; a word that only one sentence shares with the question
    weighs most.
    """
    df = np.asarray(doc_frequency, dtype=np.float32)
    n = np.asarray(sentences, dtype=np.float32)
    return np.log1p(np.maximum(n - df + 0.5, 0.0) / (df + 0.5)).astype(np.float32)


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
        min_confidence: float = DEFAULT_MIN_CONFIDENCE,
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
        self._doc_row = {doc_id: i for i, doc_id in enumerate(index.doc_order)}
        #: Made on the first question (None), or False when the articles are too large.
        self._speller: Speller | bool | None = None
        self._paragraph_starts: dict[str, list[int]] = {}
        self._sentence_counts = np.fromiter(
            (len(p.sentences) for p in index.passages), dtype=np.int64, count=len(index.passages)
        )

    def with_index(self, index: IndexData) -> Retriever:
        """The same retriever over another index (after articles were added or removed)."""
        return Retriever(
            index,
            self.encoder,
            top_k=self.top_k,
            min_confidence=self.min_confidence,
            max_question_chars=self.max_question_chars,
            ranking=self.ranking,
        )

    @property
    def size(self) -> int:
        """Number of passages searched."""
        return len(self.index.passages)

    def passage(
        self, row: int, score: float = 0.0, highlight: tuple[int, int] | None = None
    ) -> RetrievedPassage:
        """Passage `row` of the index, highlighted at `highlight` (default: its first sentence)."""
        passage = self.index.passages[row]
        doc = self.index.documents[passage.doc_id]
        start, end = highlight or (passage.sentences[0].start, passage.sentences[0].end)
        return RetrievedPassage(
            doc_id=passage.doc_id,
            title=doc.title,
            # The paragraph a reader finds the highlighted sentence in: a passage of short
            # paragraphs merged together starts in an earlier one.
            paragraph=max(self._paragraph_at(doc, start), passage.paragraph),
            start=passage.start,
            end=passage.end,
            text=doc.text[passage.start : passage.end],
            score=score,
            highlight=Highlight(start, end),
            highlight_text=doc.text[start:end],
            source=doc.source,
            row=row,
        )

    def _paragraph_at(self, doc: Document, offset: int) -> int:
        """The number of the paragraph of `doc` holding `offset` (as `paragraph_spans` counts)."""
        starts = self._paragraph_starts.get(doc.doc_id)
        if starts is None:
            starts = [span.start for span in paragraph_spans(doc.text, doc.body_start)]
            self._paragraph_starts[doc.doc_id] = starts
        return bisect.bisect_right(starts, offset)

    def ask(
        self, question: str, top_k: int | None = None, doc_ids: Collection[str] | None = None
    ) -> Answer:
        """The best passages for `question` (only from `doc_ids` when given), and whether
        they answer it."""
        return self.ask_many([question], top_k=top_k, doc_ids=[doc_ids])[0]

    def ask_many(
        self,
        questions: Sequence[str],
        top_k: int | None = None,
        doc_ids: Sequence[Collection[str] | None] | None = None,
    ) -> list[Answer]:
        """`ask` for each question (each with its own `doc_ids`), encoding them in one go."""
        k = top_k or self.top_k
        scopes = list(doc_ids) if doc_ids is not None else [None] * len(questions)
        if len(scopes) != len(questions):
            raise ValueError(f"{len(questions)} questions but {len(scopes)} doc_ids")
        texts = [normalize_question(q, self.max_question_chars) for q in questions]
        asked = [i for i, text in enumerate(texts) if text] if self.size else []
        answers = [
            Answer(question=text, answered=False, confidence=0.0, passages=[]) for text in texts
        ]
        if asked:
            spelled = {i: self.spelled(texts[i]) for i in asked}
            vectors = self.encoder.encode([spelled[i] for i in asked], batch_size=QUESTION_RUN)
            n = min(self.ranking.candidates, self.size)
            for i, vector in zip(asked, vectors, strict=True):
                # Searched one question at a time: one matrix product for a whole batch cut the
                # bot's throughput under 64 askers by ~15% (OpenBLAS threads it).
                found = self.dense_candidates(vector, n)
                match = self.match_keywords(spelled[i])
                answer = self._rank(spelled[i], vector, k, scopes[i], found, match)
                if spelled[i] != texts[i]:
                    answer = dataclasses.replace(answer, question=texts[i])
                answers[i] = answer
        return answers

    def spelled(self, text: str) -> str:
        """`text` with typos in words that neither the articles nor the model know corrected."""
        if not self.ranking.spelling:
            return text
        if self._speller is None:
            documents = self.index.documents.values()
            if sum(len(doc.text) for doc in documents) > MAX_SPELLING_CHARS:
                self._speller = False
            else:
                self._speller = Speller(
                    (doc.text for doc in documents),
                    known=lambda word: self.encoder.count_tokens([word])[0] == 1,
                )
        return self._speller.correct(text) if self._speller else text

    def match_keywords(self, text: str) -> KeywordMatch:
        """The keyword side of answering `text` (a normalized question)."""
        keyword = self.index.keyword
        words = set(keyword.tokenizer.terms(text))
        term_ids = sorted(keyword.vocab[w] for w in words if w in keyword.vocab)
        scores = keyword.scores_for_ids(term_ids)
        if self.ranking.use_keyword and term_ids:
            best = top_positions(scores, min(self.ranking.candidates, self.size))
            candidates = best[scores[best] > 0]
        else:
            candidates = np.zeros(0, dtype=np.int64)
        terms = self.index.sentence_terms.select(term_ids)
        return KeywordMatch(
            scores, candidates, terms, keyword.idf()[term_ids], len(words) - len(term_ids)
        )

    def dense_candidates(self, query: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray | None]:
        """The `n` passages nearest to `query` (in no particular order) and, when the search is
        exact, every passage's similarity (it was computed anyway; None otherwise)."""
        if not self.ranking.use_dense:
            return np.zeros(0, dtype=np.int64), None
        dense = self.index.dense
        if isinstance(dense, FlatSearch):
            return dense.nearest(query, n)
        _, found = dense.search(query.reshape(1, -1), n)
        return found[0][found[0] >= 0], None

    def _document_lexical(
        self,
        candidates: np.ndarray,
        counts: np.ndarray,
        terms: SelectedTerms,
        present: np.ndarray,
    ) -> np.ndarray:
        """Question-term overlap of the candidates' sentences (`counts` per candidate; `present`
        marks the question's `terms` in each), the terms weighted by `sentence_idf` in the
        sentence's own document."""
        docs, inverse = _unique(self.index.passage_docs[candidates])
        starts = self.index.sentence_bounds[docs]
        ends = self.index.sentence_bounds[docs + 1]
        weights = sentence_idf(terms.counts_between(starts, ends), (ends - starts)[:, None])
        sentence_weights = np.repeat(weights[inverse], counts, axis=0)
        total = sentence_weights.sum(axis=1)
        return np.where(
            total > 0, (present * sentence_weights).sum(axis=1) / np.maximum(total, 1e-9), 0.0
        )

    def _rank(
        self,
        text: str,
        query: np.ndarray,
        k: int,
        doc_ids: Collection[str] | None,
        dense_found: tuple[np.ndarray, np.ndarray | None],
        match: KeywordMatch,
    ) -> Answer:
        """The answer to `text`, encoded as `query`, from its `dense_candidates` and its
        `match_keywords`."""
        index, ranking = self.index, self.ranking
        dense_ids, every_dense = dense_found
        candidates = _unique(np.concatenate([dense_ids, match.candidates]))[0]
        if doc_ids is not None:
            # A chat narrowed to some articles: score all of their passages, nothing else.
            rows_of = np.asarray(
                [self._doc_row[d] for d in doc_ids if d in self._doc_row], dtype=np.int64
            )
            bounds = self.index.passage_bounds
            candidates = ranges(bounds[rows_of], bounds[rows_of + 1])
        if len(candidates) == 0:
            return Answer(question=text, answered=False, confidence=0.0, passages=[])

        dense = (
            every_dense[candidates]
            if every_dense is not None
            else index.passage_vectors[candidates] @ query
        )
        kw = match.scores[candidates]
        kw_max = float(kw.max())
        kw_norm = kw / kw_max if kw_max > 0 else np.zeros_like(kw)

        # Every sentence of every candidate, scored at once: similarity + lexical overlap.
        starts = index.passage_sentence_start[candidates]
        counts = self._sentence_counts[candidates]
        offsets = np.cumsum(counts) - counts
        rows = ranges(starts, starts + counts)
        similarity = index.sentence_vectors[rows] @ query
        idf = match.idf
        idf_total = float(idf.sum())
        if idf_total > 0:
            present = match.terms.presence(rows)
            lexical = (present @ idf) / idf_total
            coverage = (np.maximum.reduceat(present, offsets, axis=0) @ idf) / idf_total
        else:
            present = np.zeros((len(rows), len(idf)), dtype=np.float32)
            lexical = np.zeros(len(rows), dtype=np.float32)
            coverage = np.zeros(len(candidates), dtype=np.float32)
        sentence_scores = similarity + ranking.lexical_weight * lexical
        best = _segment_argmax(sentence_scores, offsets, counts)
        best_score = sentence_scores[best]
        best_similarity = similarity[best]

        fused = (
            ranking.dense_weight * dense
            + ranking.sentence_weight * best_score
            + ranking.keyword_weight * kw_norm
        )
        order = np.argsort(-fused, kind="stable")

        chosen: list[int] = []
        chosen_vectors = np.empty((k, index.passage_vectors.shape[1]), dtype=np.float32)
        for i in order:
            row = int(candidates[i])
            passage = index.passages[row]
            if any(
                _overlap(index.passages[int(candidates[c])], passage) > ranking.max_overlap
                for c in chosen
            ):
                continue  # a window from the same spot is already in
            vector = index.passage_vectors[row]
            if chosen and float((chosen_vectors[: len(chosen)] @ vector).max()) > (
                ranking.max_similarity
            ):
                continue  # a near-copy from another document is already in
            chosen_vectors[len(chosen)] = vector
            chosen.append(int(i))
            if len(chosen) == k:
                break

        # The highlight of each passage returned leans more on the question's words than the
        # ranking does, and on those that set a sentence apart within its document.
        picked = np.asarray(chosen, dtype=np.int64)
        local = ranges(offsets[picked], offsets[picked] + counts[picked])
        highlight_scores = similarity[local]
        if idf_total > 0 and ranking.highlight_lexical_weight:
            highlight_scores = highlight_scores + ranking.highlight_lexical_weight * (
                self._document_lexical(
                    candidates[picked], counts[picked], match.terms, present[local]
                )
            )
        picked_counts = counts[picked]
        highlighted = _segment_argmax(
            highlight_scores, np.cumsum(picked_counts) - picked_counts, picked_counts
        )
        sentence_rows = rows[local[highlighted]]
        results = []
        for i, sentence in zip(chosen, sentence_rows.tolist(), strict=True):
            _, s_start, s_end = index.sentence_table[sentence].tolist()
            results.append(self.passage(int(candidates[i]), float(fused[i]), (s_start, s_end)))
        top = chosen[0]
        evidence = Evidence(
            dense=float(dense[top]),
            sentence=float(best_similarity[top]),
            coverage=float(coverage[top]),
            missing=self._missing_terms(int(index.passage_docs[candidates[top]]), match),
            type_missing=answer_type_missing(text, results[0].highlight_text),
        )
        return self.decide(text, results, evidence)

    def decide(self, text: str, passages: list[RetrievedPassage], evidence: Evidence) -> Answer:
        """The outcome for the best passages: a confident answer, the closest passage when the
        subject is there but the asked fact may not be, or nothing."""
        confidence = _logistic(self.ranking.calibration, evidence.features)
        topical = _logistic(self.ranking.topic_calibration, evidence.features)
        if confidence >= self.min_confidence:
            outcome = "answer"
        elif topical >= self.ranking.min_topical:
            outcome = "closest"
        else:
            outcome = "none"
        return Answer(
            question=text,
            answered=outcome == "answer",
            confidence=confidence,
            passages=passages,
            evidence=evidence.features,
            outcome=outcome,
            also=self._also(passages) if outcome == "answer" else None,
        )

    def _also(self, passages: list[RetrievedPassage]) -> RetrievedPassage | None:
        """The runner-up, when it scores nearly as well and highlights another sentence."""
        if len(passages) < 2 or passages[0].score <= 0:
            return None
        first, second = passages[0], passages[1]
        if second.score < self.ranking.also_ratio * first.score:
            return None
        if second.highlight_text.strip() == first.highlight_text.strip():
            return None
        return second

    def _missing_terms(self, doc_row: int, match: KeywordMatch) -> float:
        """Share of the question's terms that the best passage's document never uses."""
        total = len(match.idf) + match.unknown
        if total == 0:
            return 0.0
        bounds = self.index.sentence_bounds
        counts = match.terms.counts_between(bounds[[doc_row]], bounds[[doc_row + 1]])
        absent = int((np.asarray(counts).reshape(-1) == 0).sum()) + match.unknown
        return absent / total
