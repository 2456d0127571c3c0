"""The stages of ranking, as pure functions over arrays: candidates, sentence scores, fusion,
de-duplication, highlight and confidence. `Retriever` fetches what each needs from the index
and composes them."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from articlebot.index.arrays import ranges
from articlebot.ingest.chunking import Passage
from articlebot.retrieval.answer_type import answer_type_missing, wanted_type
from articlebot.retrieval.results import Answer, Outcome, RetrievedPassage

#: `RankingSettings.late_passage_weight` and `late_sentence_weight` as cross-validation chose
#: them over the 10 best candidates (scripts/experiment_maxsim.py): left out, the bold sentence
#: of answerable reader questions went 0.756 -> 0.806 asked of their article and 0.691 -> 0.769
#: of all 21, XQuAD + news 0.784 -> 0.781 (the top passage 0.803 -> 0.844, 0.738 -> 0.806,
#: 0.946 -> 0.941).
LATE_PASSAGE_WEIGHT = 40.0
LATE_SENTENCE_WEIGHT = 8.0


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
    #: Late interaction (`late_interaction.maxsim` of the model's token vectors, with an encoder
    #: that gives them): the best `late_candidates` candidates of the hand-weighted ranking are
    #: ordered again by their score plus `late_passage_weight` times the MaxSim of all their
    #: sentences' tokens, and the highlight's score gains `late_sentence_weight` times the
    #: sentence's MaxSim, with the weights leave-articles-out cross-validation chose
    #: (scripts/experiment_maxsim.py, #14). ~0.5 ms a question reading the token vectors the
    #: index keeps; without them it encodes the candidates' sentences (~30) not kept yet
    #: (`TokenVectorCache`), so `make_retriever` turns it off (0.0) for such an index unless
    #: `ARTICLEBOT_LATE_INTERACTION` says otherwise. The learned ranker below does not use it.
    late_candidates: int = 10
    late_passage_weight: float = LATE_PASSAGE_WEIGHT
    late_sentence_weight: float = LATE_SENTENCE_WEIGHT
    #: News puts its main facts first: when late interaction re-ranks the candidates of one
    #: article (asked of it alone, or of an index holding only it), each loses this times the
    #: log of (1 + its first sentence's place in the article). Chosen on the reader dev sets by
    #: leave-articles-out folds (scripts/experiment_position.py).
    position_weight: float = 1.0
    #: What the highlight's score loses for a sentence without the kind of answer asked for (a
    #: number for "how many", a time for "when", an age for "how old", a name for "what is it
    #: called"; `answer_type_missing`): "how old were the participants" is "6,214 people aged
    #: 65 to 84", not the next sentence, which repeats "participants". The reader dev sets'
    #: leave-articles-out folds find 0.5-4 alike; XQuAD chose 2.0
    #: (scripts/experiment_type_highlight.py).
    highlight_type_weight: float = 2.0
    #: What a passage loses in late interaction's re-ranking when none of its sentences has the
    #: kind of answer asked for (`answer_type_missing`). Off: +2 of 660 reader dev questions at
    #: 4.0, and two follow-ups of the unseen set lost, a count in other words ("1,900
    #: employees" for "how many workers") taken for none (scripts/experiment_passage_type.py).
    passage_type_weight: float = 0.0
    #: A learned ranker: weights of `PASSAGE_SIGNALS` (ordering the candidates) and of
    #: `SENTENCE_SIGNALS` (choosing the sentence to highlight), fitted by scripts/calibrate.py
    #: (leave-articles-out cross-validation). None: the hand weights above.
    passage_weights: tuple[float, ...] | None = None
    sentence_weights: tuple[float, ...] | None = None
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
    #: Logistic calibration of "the bold sentence answers the question" over
    #: `Evidence.features` and a bias, fitted by `scripts/calibrate.py --chats --label bold
    #: --keep-topic` (leave-articles-out cross-validation) on the reader dev sets and the
    #: readers' chats (103 articles). Fitted to "the article answers it" instead, as before,
    #: the answerable questions it calls confident were right 85% of the time left out; fitted
    #: to what a reader sees, 91%.
    calibration: tuple[float, ...] = (
        -2.38,
        6.12,
        -0.25,
        -0.76,
        -3.91,
        -0.69,
        0.0,
        0.0,
        -7.03,
        3.56,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        3.86,
        1.03,
        0.3,
        1.05,
        6.4,
        -2.99,
    )
    #: The same without late interaction's features (`Evidence.late_top`, `late_margin`), for
    #: where it did not order the candidates; its bias set so that the same `min_confidence`
    #: applies.
    calibration_without_late: tuple[float, ...] = (
        -3.49,
        6.04,
        0.46,
        0.15,
        -3.5,
        0.28,
        0.0,
        0.0,
        -6.1,
        5.73,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        4.67,
        1.92,
        0.83,
        0.0,
        0.0,
        -4.46,
    )
    #: "The article answers the question" (answerable or not), the same way over the same
    #: features, fitted by `scripts/calibrate.py` (no flags) on the 33 reader dev articles: a
    #: chat chooses between readings of a follow-up by it (`conversation`). The confidence,
    #: fitted to the bold sentence, chose worse: the held-out readers' chats' top passage
    #: 0.733 -> 0.693 with it, and a follow-up naming the last story's thing ("how long was
    #: the stage") went to another article's.
    answers_calibration: tuple[float, ...] = (
        -6.35,
        15.58,
        0.19,
        -1.77,
        -2.98,
        -2.26,
        0.0,
        0.0,
        -16.72,
        9.27,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.51,
        0.45,
        -1.08,
        7.39,
        1.06,
        -1.91,
    )
    #: The same without late interaction's features.
    answers_calibration_without_late: tuple[float, ...] = (
        -6.24,
        17.08,
        0.75,
        -1.67,
        -3.02,
        -1.23,
        0.0,
        0.0,
        -16.49,
        10.44,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        1.95,
        2.62,
        -0.5,
        0.0,
        0.0,
        -1.47,
    )
    #: A reading at least this likely by `answers_calibration` is one the article answers.
    answers_min_confidence: float = 0.734
    #: The same for "the question is about the article's subject" (answerable or not).
    topic_calibration: tuple[float, ...] = (
        4.44,
        12.18,
        0.07,
        -3.2,
        1.13,
        0.68,
        0.0,
        0.0,
        -4.88,
        6.82,
        17.07,
        -2.39,
        -0.37,
        2.56,
        -2.39,
        -2.97,
        -9.96,
        -1.22,
        3.89,
        3.19,
        0.0,
        0.0,
        0.0,
        5.08,
    )
    #: Less topical than this: "none"; at least this topical but below `min_confidence`: the
    #: closest passage, offered as such.
    min_topical: float = 0.157
    #: The fewest and most passages the topic gate was fitted over (the shortest reader article,
    #: XQuAD + news); a smaller or larger collection counts as that many in `Evidence.searched`,
    #: as how the gate shifts past them is not known.
    min_searched: int = 7
    max_searched: int = 1017
    #: When late interaction ordered the two best passages: their MaxSim within this of each
    #: other is close enough that the answer, confident or only the closest, shows the second's
    #: sentence too ("Also: ..."). Chosen by leave-articles-out cross-validation
    #: (scripts/experiment_also.py: folds pick 0.03-0.05 for both outcomes at a price of
    #: 0.1-0.175 of a point a line shown): the answer is in the bold sentence or the Also line
    #: for 0.808 of reader questions asked of their article (bold alone 0.765), shown on 16%.
    also_late_gap: float = 0.05
    #: Without late interaction: two best passages scoring within this share of each other,
    #: for a confident answer only (cross-validated on the hand ranking: folds picked 0.93-0.94).
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
    #: Share of the question's terms, weighted by rarity, that the passage's document uses.
    document_coverage: float = 0.0
    #: How far the best sentence's similarity stands above the mean of every candidate
    #: sentence's, and the passage's above the mean candidate passage's: beside the best one's,
    #: how the rest match (a question on the articles' subject resembles many of their
    #: sentences; one off it matches everything about equally badly).
    sentence_gap: float = 0.0
    dense_gap: float = 0.0
    #: The same within the passage's own document (its sentences, its passages): how much the
    #: spot stands out in the article.
    document_sentence_gap: float = 0.0
    document_dense_gap: float = 0.0
    #: The question's mean similarity to the sentences, and to the passages, of the best
    #: passage's document: how much the whole article is about what is asked, whichever spot
    #: matches best (the same whether one article or thousands are searched).
    document_sentence_mean: float = 0.0
    document_dense_mean: float = 0.0
    #: The best sentence's similarity in standard deviations above its document's mean.
    document_sentence_z: float = 0.0
    #: IDF-weighted share of the question's terms that the articles searched use (`known_share`
    #: of the whole index; their `document_coverage` when only some articles are searched).
    known: float = 0.0
    #: Natural log of the number of passages searched: the best of many passages matches an
    #: unrelated question better than the best of a few, by chance alone.
    searched: float = 0.0
    #: Share of the ten best candidates that come from the best passage's document: a question
    #: about one article finds its passages together; one about nothing here finds a word or
    #: two in every article alike.
    focus: float = 0.0
    #: How far the best passage's document's mean similarity stands above that of the most
    #: similar other document among the ten best candidates (0.0 when there is none).
    document_lead: float = 0.0
    #: 1.0 when every passage searched was a candidate (the question is asked of chosen
    #: articles, a channel thread or /use, or the collection is smaller than the candidate
    #: pool): the gaps and means above then describe whole articles, not the best of many.
    exhaustive: float = 0.0
    #: The question's least matched word piece, and its second least: each one's best cosine
    #: to any word piece of the highlighted sentence (`late_interaction.least_matched`). A
    #: sentence that states the asked fact matches every word the question asks with, in its
    #: own words or others; one that is only about the subject leaves the asked thing
    #: unmatched. 1.0 (all matched) when the encoder gives no token vectors.
    least_match: float = 1.0
    second_least_match: float = 1.0
    #: Natural log of the number of word pieces the question asks with (stopwords and
    #: punctuation left out): of a long question's many pieces, the least matched is lower by
    #: chance alone.
    asked_pieces: float = 0.0
    #: Late interaction's MaxSim of the best passage (`late_interaction.maxsim` over all its
    #: sentences' tokens), and how far it leads the second best's (0.0 with one passage): how
    #: well the spot matches every word asked, beside how the sentence vectors compare. Both
    #: 0.0, and `late` False, when late interaction did not order the candidates.
    late_top: float = 0.0
    late_margin: float = 0.0
    #: Whether late interaction ordered the candidates (not a feature: it says which
    #: calibration reads these, `RankingSettings.calibration` or `calibration_without_late`).
    late: bool = False

    @property
    def features(self) -> tuple[float, ...]:
        """The values in the order of the calibrations' coefficients."""
        return (
            self.dense,
            self.sentence,
            self.coverage,
            self.missing,
            self.type_missing,
            self.document_coverage,
            self.sentence_gap,
            self.dense_gap,
            self.document_sentence_gap,
            self.document_dense_gap,
            self.document_sentence_mean,
            self.document_dense_mean,
            self.document_sentence_z,
            self.known,
            self.searched,
            self.focus,
            self.document_lead,
            self.exhaustive,
            self.least_match,
            self.second_least_match,
            self.asked_pieces,
            self.late_top,
            self.late_margin,
        )


#: Where `Evidence.late_top` stands in `Evidence.features`.
LATE_TOP = 21


#: The columns of `passage_signals`, one row per candidate passage.
PASSAGE_SIGNALS = (
    "dense",  # similarity of the question to the passage
    "sentence",  # similarity of its best sentence (by similarity plus overlap)
    "lexical",  # that sentence's IDF-weighted share of the question's terms
    "keyword",  # BM25, divided by the best candidate's
    "coverage",  # IDF-weighted share of the question's terms in any of its sentences
    "best_similarity",  # its most similar sentence's similarity
    "type_missing",  # 1.0 when the question wants a number, time or name that it lacks
    "lede",  # 1.0 for the passage opening its article
    "document",  # mean similarity of the question to its document's sentences
)
#: The columns of `sentence_signals`, one row per sentence of a passage.
SENTENCE_SIGNALS = (
    "similarity",  # similarity of the question to the sentence
    "document_lexical",  # term overlap, weighted by rarity in the sentence's own article
    "lexical",  # term overlap, weighted by rarity in the whole index
    "type_missing",  # 1.0 when the question wants a number, time or name that it lacks
    "neighbours",  # mean similarity of the sentences before and after it in its article
    "first",  # 1.0 for the first sentence of its passage
)


def passage_signals(
    dense: np.ndarray,
    scores: SentenceScores,
    sentences: Sentences,
    lexical: np.ndarray,
    keyword: np.ndarray,
    type_missing: np.ndarray,
    lede: np.ndarray,
    document: np.ndarray,
) -> np.ndarray:
    """The `PASSAGE_SIGNALS` of each candidate (`lexical`, `type_missing` per sentence; the
    rest per candidate)."""
    kw_max = float(keyword.max()) if len(keyword) else 0.0
    kw_norm = keyword / kw_max if kw_max > 0 else np.zeros_like(keyword)
    best_similarity = np.maximum.reduceat(sentences.similarity, sentences.offsets)
    # The passage lacks the wanted kind of answer when every one of its sentences does.
    missing = np.minimum.reduceat(type_missing, sentences.offsets)
    return np.column_stack(
        [
            dense,
            scores.best_similarity,
            lexical[scores.best],
            kw_norm,
            scores.coverage,
            best_similarity,
            missing,
            lede,
            document,
        ]
    ).astype(np.float64)


@dataclass(frozen=True, slots=True)
class RankingSignals:
    """What the ranker sees for one question (see `Retriever.signals`)."""

    #: Candidate passage rows, and their `PASSAGE_SIGNALS` (one row each).
    candidates: np.ndarray
    passages: np.ndarray
    #: Every candidate's sentence rows laid end to end, each candidate's first position among
    #: them, and their `SENTENCE_SIGNALS`.
    sentence_rows: np.ndarray
    sentence_offsets: np.ndarray
    sentences: np.ndarray


def sentence_signals(
    similarity: np.ndarray,
    document_lexical: np.ndarray,
    lexical: np.ndarray,
    type_missing: np.ndarray,
    neighbours: np.ndarray,
    first: np.ndarray,
) -> np.ndarray:
    """The `SENTENCE_SIGNALS` of some sentences, one row each."""
    return np.column_stack(
        [similarity, document_lexical, lexical, type_missing, neighbours, first]
    ).astype(np.float64)


def logistic(coefficients: Sequence[float], features: Sequence[float]) -> float:
    """A logistic model's probability: coefficients per feature, then the bias."""
    z = coefficients[-1] + sum(c * f for c, f in zip(coefficients, features, strict=False))
    return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


def segment_argmax(values: np.ndarray, offsets: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Position of the first largest value in each segment (`counts` items from `offsets`;
    none empty)."""
    top = np.maximum.reduceat(values, offsets)
    at_top = np.flatnonzero(values == np.repeat(top, counts))
    return at_top[np.searchsorted(at_top, offsets)]


def unique(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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


def merge_candidates(dense_rows: np.ndarray, keyword_rows: np.ndarray) -> np.ndarray:
    """The passages found by either search, each once, ascending."""
    return unique(np.concatenate([dense_rows, keyword_rows]))[0]


@dataclass(frozen=True, slots=True)
class Sentences:
    """Every sentence of every candidate, laid end to end, candidate by candidate."""

    #: Sentence rows in the index.
    rows: np.ndarray
    #: Each candidate's first position in `rows`, and its number of sentences.
    offsets: np.ndarray
    counts: np.ndarray
    #: Similarity of the question to each sentence.
    similarity: np.ndarray
    #: (sentences, question terms) 0/1: which of the question's terms each sentence holds.
    present: np.ndarray


def sentences_of(first: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The sentence rows of passages (each `counts` rows from `first`) laid end to end, and
    where each passage's start among them."""
    return ranges(first, first + counts), np.cumsum(counts) - counts


@dataclass(frozen=True, slots=True)
class SentenceScores:
    """Each candidate's best sentence for the ranking, and its term coverage."""

    #: Position in `Sentences.rows` of each candidate's best sentence.
    best: np.ndarray
    #: That sentence's score (similarity plus lexical overlap) and its similarity alone.
    best_score: np.ndarray
    best_similarity: np.ndarray
    #: IDF-weighted share of the question's terms held by any sentence of the candidate.
    coverage: np.ndarray
    #: Every sentence's IDF-weighted share of the question's terms.
    lexical: np.ndarray


def score_sentences(sentences: Sentences, idf: np.ndarray, lexical_weight: float) -> SentenceScores:
    """Score every sentence as its similarity plus `lexical_weight` times its IDF-weighted
    share of the question's terms, and pick each candidate's best."""
    idf_total = float(idf.sum())
    if idf_total > 0:
        # Summed, not a matrix product: these are a few hundred by a few, and OpenBLAS's
        # kernels now and then raise "invalid value encountered in matmul" on such products
        # with every value finite (numpy/numpy#24067), a warning a reader would see.
        lexical = (sentences.present * idf).sum(axis=1) / idf_total
        held = np.maximum.reduceat(sentences.present, sentences.offsets, axis=0)
        coverage = (held * idf).sum(axis=1) / idf_total
    else:
        lexical = np.zeros(len(sentences.rows), dtype=np.float32)
        coverage = np.zeros(len(sentences.offsets), dtype=np.float32)
    scores = sentences.similarity + lexical_weight * lexical
    best = segment_argmax(scores, sentences.offsets, sentences.counts)
    return SentenceScores(best, scores[best], sentences.similarity[best], coverage, lexical)


def fuse(
    dense: np.ndarray, best_sentence: np.ndarray, keyword: np.ndarray, ranking: RankingSettings
) -> np.ndarray:
    """Each candidate's score: passage similarity, best sentence score and BM25 (relative to
    the best candidate's), weighted."""
    kw_max = float(keyword.max())
    kw_norm = keyword / kw_max if kw_max > 0 else np.zeros_like(keyword)
    return (
        ranking.dense_weight * dense
        + ranking.sentence_weight * best_sentence
        + ranking.keyword_weight * kw_norm
    )


def best_first(fused: np.ndarray) -> np.ndarray:
    """Candidate positions by fused score, best first (ties keep candidate order)."""
    return np.argsort(-fused, kind="stable")


def overlap(a: Passage, b: Passage) -> float:
    """Shared characters of two passages as a fraction of the shorter one."""
    if a.doc_id != b.doc_id:
        return 0.0
    shared = min(a.end, b.end) - max(a.start, b.start)
    return max(shared, 0) / max(min(a.end - a.start, b.end - b.start), 1)


def deduplicate(
    order: np.ndarray,
    passages: Sequence[Passage],
    vectors: np.ndarray,
    k: int,
    ranking: RankingSettings,
) -> list[int]:
    """The first `k` candidates of `order` that repeat no better one: neither the same spot of
    a document (text overlap above `max_overlap`) nor a near-copy from another document
    (vector similarity above `max_similarity`). `passages` and `vectors` are per candidate."""
    chosen: list[int] = []
    chosen_vectors = np.empty((k, vectors.shape[1]), dtype=np.float32)
    for i in order.tolist():
        passage = passages[i]
        if any(overlap(passages[c], passage) > ranking.max_overlap for c in chosen):
            continue  # a window from the same spot is already in
        vector = vectors[i]
        if chosen and float((chosen_vectors[: len(chosen)] @ vector).max()) > (
            ranking.max_similarity
        ):
            continue  # a near-copy from another document is already in
        chosen_vectors[len(chosen)] = vector
        chosen.append(i)
        if len(chosen) == k:
            break
    return chosen


def document_lexical(
    present: np.ndarray,
    counts: np.ndarray,
    inverse: np.ndarray,
    term_counts: np.ndarray,
    document_sentences: np.ndarray,
) -> np.ndarray:
    """Question-term overlap of some passages' sentences (`present`, `counts` per passage), the
    terms weighted by `sentence_idf` in the sentence's own document: passage i is of document
    `inverse[i]`, whose sentences number `document_sentences` and hold each term
    `term_counts` times."""
    weights = sentence_idf(term_counts, document_sentences[:, None])
    sentence_weights = np.repeat(weights[inverse], counts, axis=0)
    total = sentence_weights.sum(axis=1)
    return np.where(
        total > 0, (present * sentence_weights).sum(axis=1) / np.maximum(total, 1e-9), 0.0
    )


def highlight_positions(
    sentences: Sentences,
    chosen: Sequence[int],
    ranking: RankingSettings,
    lexical: np.ndarray | None,
    late: np.ndarray | None = None,
    type_missing: np.ndarray | None = None,
) -> np.ndarray:
    """Position in `sentences.rows` of the sentence to highlight in each chosen candidate: its
    most similar one, plus `highlight_lexical_weight` times `lexical` (the `document_lexical`
    overlap of the chosen candidates' sentences) and `late_sentence_weight` times `late` (their
    MaxSim) when given, less `highlight_type_weight` times `type_missing` (1.0 for a sentence
    without the kind of answer asked for) when given."""
    local = chosen_sentences(sentences, chosen)
    scores = sentences.similarity[local]
    if lexical is not None:
        scores = scores + ranking.highlight_lexical_weight * lexical
    if late is not None:
        scores = scores + ranking.late_sentence_weight * late
    if type_missing is not None:
        scores = scores - ranking.highlight_type_weight * type_missing
    counts = sentences.counts[np.asarray(chosen, dtype=np.int64)]
    return local[segment_argmax(scores, np.cumsum(counts) - counts, counts)]


def chosen_sentences(sentences: Sentences, chosen: Sequence[int]) -> np.ndarray:
    """Positions in `sentences.rows` of the chosen candidates' sentences, candidate by
    candidate."""
    picked = np.asarray(chosen, dtype=np.int64)
    return ranges(sentences.offsets[picked], sentences.offsets[picked] + sentences.counts[picked])


def missing_share(term_counts: np.ndarray, unknown: int) -> float:
    """Share of the question's terms that a document never uses: its known terms' sentence
    counts there (`term_counts`), plus `unknown` terms no document has. A question without a
    single content word ("hi", "what can you do") shares nothing with any document: 1.0."""
    total = term_counts.size + unknown
    if total == 0:
        return 1.0
    absent = int((np.asarray(term_counts).reshape(-1) == 0).sum()) + unknown
    return absent / total


def document_coverage(term_counts: np.ndarray, idf: np.ndarray, unknown: int) -> float:
    """IDF-weighted share of the question's terms that a document uses (their sentence counts
    there, `term_counts`, and their `idf`); each of the `unknown` terms, which no document has,
    weighs as much as the rarest known one. The rare words name what a question is about
    ("Canada", "lasagna"): one of them missing from the document weighs most."""
    counts = np.asarray(term_counts, dtype=np.float64).reshape(-1)
    weights = np.asarray(idf, dtype=np.float64).reshape(-1)
    rarest = float(weights.max()) if weights.size else 1.0
    total = float(weights.sum()) + unknown * rarest
    if total <= 0:
        return 0.0
    return float(weights[counts > 0].sum()) / total


def known_share(idf: np.ndarray, unknown: int) -> float:
    """IDF-weighted share of a question's terms that the index knows (their `idf`); each of the
    `unknown` terms weighs as much as the rarest known one. 0.0 without a single term."""
    weights = np.asarray(idf, dtype=np.float64).reshape(-1)
    rarest = float(weights.max()) if weights.size else 1.0
    total = float(weights.sum()) + unknown * rarest
    return float(weights.sum()) / total if total > 0 else 0.0


def answers_it(ranking: RankingSettings, features: Sequence[float]) -> float:
    """How likely the article answers the question, by `RankingSettings.answers_calibration`
    (without late interaction's features where it did not run: their MaxSim is then 0.0)."""
    late = features[LATE_TOP] != 0.0
    return logistic(
        ranking.answers_calibration if late else ranking.answers_calibration_without_late,
        features,
    )


def decide(
    text: str,
    passages: list[RetrievedPassage],
    evidence: Evidence,
    ranking: RankingSettings,
    min_confidence: float,
    late_gap: float | None = None,
) -> Answer:
    """The outcome for the best passages: a confident answer, the closest passage when the
    subject is there but the asked fact may not be, or nothing; `late_gap` is how far apart
    late interaction scored the two best (None when it did not order them)."""
    calibration = ranking.calibration if evidence.late else ranking.calibration_without_late
    confidence = logistic(calibration, evidence.features)
    topical = logistic(ranking.topic_calibration, evidence.features)
    # Off the article's subject nothing is offered, however well some passage matches words.
    if topical < ranking.min_topical:
        outcome: Outcome = "none"
    elif confidence >= min_confidence:
        outcome = "answer"
    else:
        outcome = "closest"
    return Answer(
        question=text,
        answered=outcome == "answer",
        confidence=confidence,
        passages=passages,
        evidence=evidence.features,
        outcome=outcome,
        also=also_passage(passages, ranking, late_gap) if shows_also(outcome, late_gap) else None,
        topical=topical,
    )


def runner_up_answers(
    question: str,
    passages: Sequence[RetrievedPassage],
    late_gap: float | None,
    ranking: RankingSettings,
) -> bool:
    """Whether the second passage should lead: late interaction scored the two best of one
    article nearly alike (within `also_late_gap`), the question wants a number or a time, and
    only the second's bold sentence has one, none of the first passage's sentences ("how fast
    will the economy grow": the forecast, not the governor's "making sure the economy grows").
    """
    if late_gap is None or late_gap > ranking.also_late_gap or len(passages) < 2:
        return False
    first, second = passages[0], passages[1]
    return (
        first.doc_id == second.doc_id
        and wanted_type(question) in ("number", "time")
        and answer_type_missing(question, first.text) == 1.0
        and answer_type_missing(question, second.highlight_text) == 0.0
    )


def shows_also(outcome: Outcome, late_gap: float | None) -> bool:
    """Whether an answer with this outcome may show the runner-up: a confident one always, the
    closest passage when late interaction ordered them (the rule cross-validated for it)."""
    return outcome == "answer" or (outcome == "closest" and late_gap is not None)


def also_passage(
    passages: list[RetrievedPassage], ranking: RankingSettings, late_gap: float | None = None
) -> RetrievedPassage | None:
    """The runner-up, when the two nearly tie and it highlights another sentence: by their
    late interaction (`late_gap` within `also_late_gap`) when it ordered them, else by their
    own scores (either may score higher)."""
    if len(passages) < 2:
        return None
    first, second = passages[0], passages[1]
    if late_gap is not None:
        if late_gap > ranking.also_late_gap:
            return None
    else:
        low, high = sorted((first.score, second.score))
        if high <= 0 or low < ranking.also_ratio * high:
            return None
    if second.highlight_text.strip() == first.highlight_text.strip():
        return None
    return second
