"""Hybrid retrieval: dense search fused with bm25s keyword scores, sentence highlights."""

from __future__ import annotations

import bisect
import dataclasses
import logging
import math
import re
import time
import unicodedata
from collections.abc import Callable, Collection, Sequence

import numpy as np

from articlebot.config import DEFAULT_MIN_CONFIDENCE
from articlebot.encoders import Encoder
from articlebot.index.arrays import ranges, segment_max, segment_sum, top_positions
from articlebot.ingest.chunking import Passage, split_sentences
from articlebot.ingest.cleaning import Span, paragraph_spans
from articlebot.ingest.documents import Document
from articlebot.retrieval.answer_type import (
    answer_type_missing,
    gives_reason,
    has_type,
    reason_asked,
    wanted_type,
    with_news_words,
)
from articlebot.retrieval.languages import LatinLanguages
from articlebot.retrieval.late_interaction import (
    TokenEncoder,
    TokenVectorCache,
    asked_pieces,
    best_matches,
    english_stopwords,
    least_matched,
    maxsim,
    question_weights,
    rerank,
)
from articlebot.retrieval.named_once import passage_naming_once
from articlebot.retrieval.quotes import (
    holds_phrase,
    quotation_around,
    quoted_phrases,
    sentence_quoted,
)
from articlebot.retrieval.ranking import (
    Evidence,
    RankingSettings,
    RankingSignals,
    Sentences,
    SentenceScores,
    best_first,
    chosen_sentences,
    decide,
    deduplicate,
    document_coverage,
    document_lexical,
    fuse,
    highlight_positions,
    known_share,
    merge_candidates,
    missing_share,
    passage_signals,
    runner_up_answers,
    score_sentences,
    segment_argmax,
    sentence_signals,
    sentences_of,
    unique,
)
from articlebot.retrieval.results import Answer, Highlight, RetrievedPassage
from articlebot.retrieval.speakers import detail_after, named_before, reaches_around, said_after
from articlebot.retrieval.spelling import Speller, chat_words
from articlebot.storage.index_store import IndexStore, QueryTerms

__all__ = ["DEFAULT_MIN_CONFIDENCE", "RankingSettings", "Retriever", "normalize_question"]

#: Questions asked together are encoded in length-sorted runs of this many (on two cores, runs
#: of 8 cost each question about half of what it costs alone; longer runs pad more).
QUESTION_RUN = 8

#: How many of the best candidates `Evidence.focus` looks at.
FOCUS_CANDIDATES = 10

#: Past this much article text, question words are not spell-checked (the word list is built
#: from the texts on the first question).
MAX_SPELLING_CHARS = 200_000_000

#: Hears how long a stage of answering took: its name and seconds (see `Retriever`).
StageHook = Callable[[str, float], None]

log = logging.getLogger(__name__)


class _Stopwatch:
    """Reports the time since the previous lap to a `StageHook`; does nothing without one."""

    def __init__(self, hook: StageHook | None) -> None:
        self.hook = hook
        self.last = time.perf_counter() if hook is not None else 0.0

    def lap(self, stage: str) -> None:
        if self.hook is not None:
            now = time.perf_counter()
            self.hook(stage, now - self.last)
            self.last = now


#: Control characters, and direction overrides and isolates (echoed back, they would show
#: text reversed); line breaks are kept apart, to find a long message's question by.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
#: Halves of a surrogate pair standing alone (half an emoji from a client, "\\ud83d" in an
#: update's JSON): no character at all, and the tokenizer refuses the whole text over one.
_LONE_SURROGATES = re.compile("[\ud800-\udfff]")
_QUESTION_MARKS = ("?", "？")
#: Question and exclamation marks in a run: the model reads each, and "voted yes??!!" had
#: been answered with less confidence than "voted yes?".
_MARK_RUN = re.compile(r"[?!？！]{2,}")
#: Emoji and pictographs (with their joiners, skin tones, variation selectors and keycaps):
#: the model reads each as an unknown piece that no article word matches, and "who is dave
#: okafor 😂" had lost a fifth of its confidence to it. Arrows, dingbats and symbols go too;
#: "°", "℃" and "№" (other blocks) say something and stay.
_PICTOGRAPHS = re.compile(
    "[\u200d\u20e3\u2190-\u21ff\u2300-\u2bff\ufe0e\ufe0f"
    "\U0001f000-\U0001faff\U000e0020-\U000e007f]+"
)


def _one_mark(run: re.Match[str]) -> str:
    return "?" if any(mark in run.group() for mark in _QUESTION_MARKS) else "!"


def normalize_question(question: str, max_chars: int) -> str:
    """Collapse whitespace and control characters, leave out lone surrogates, compose accents,
    leave out emoji beside words and read "??!!" as "?"; keep at most `max_chars` characters.

    A longer message is mostly something pasted with the question after it: what is kept is
    its last question (the last sentence with a question mark, on the last line with one; the
    pasted text would outweigh it), else its beginning, cut at a word."""
    kept = _LONE_SURROGATES.sub("", _CONTROLS.sub(" ", question))
    # As documents are, and full-width letters as the ones they stand for ("ｗｈｏ ｗａｓ"
    # typed on a Chinese or Japanese keyboard is "who was").
    kept = unicodedata.normalize("NFC", _FULL_WIDTH.sub(_narrow, kept))
    if _has_words(worded := _PICTOGRAPHS.sub(" ", kept)):
        # Emoji alone ("👍") stay what was said; beside words, "??!!" is one "?".
        kept = _MARK_RUN.sub(_one_mark, worded)
    cleaned = " ".join(kept.split())
    if len(cleaned) <= max_chars:
        return cleaned
    lines = [" ".join(line.split()) for line in kept.splitlines()]
    asking = [line for line in lines if any(mark in line for mark in _QUESTION_MARKS)]
    if asking:
        line = asking[-1]
        last = [
            line[s.start : s.end]
            for s in split_sentences(line, Span(0, len(line)))
            if any(mark in line[s.start : s.end] for mark in _QUESTION_MARKS)
        ][-1]
        last = _after_pasted(last)
        if len(last) <= max_chars:
            return last
        # A run-on sentence pasted or dictated without stops: its last clause is the question
        # ("... would be targets; so who was vinatier swapped for?"), not its first words.
        clause = _CLAUSE_BREAK.split(last)[-1]
        if len(clause) <= max_chars and _has_words(clause):
            return clause
        # Nor a clause break: the question starts at its last question word ("... and the
        # troops would be targets so who was vinatier swapped for?").
        starts = list(_QUESTION_START.finditer(last))
        if starts and len(last) - starts[-1].start("word") <= max_chars:
            return last[starts[-1].start("word") :]
    cut = cleaned[: max_chars + 1].rsplit(" ", 1)[0] if " " in cleaned[:max_chars] else ""
    return (cut or cleaned)[:max_chars].rstrip()


#: Full-width ASCII forms: letters, digits and punctuation (U+FF01-U+FF5E).
_FULL_WIDTH = re.compile("[\uff01-\uff5e]")


def _narrow(found: re.Match[str]) -> str:
    """The ASCII character a full-width one stands for."""
    return chr(ord(found.group(0)) - 0xFEE0)


#: Where a question may begin inside a run-on sentence: a question word after a break or a
#: joining word ("..., so who was", "... and when did").
_QUESTION_START = re.compile(
    r"(?:[,;:]\s+|\s+(?:so|and|but|then|now)\s+)"
    r"(?P<word>(?:who|what|when|where|why|how|which|whose)\b)",
    re.IGNORECASE,
)
#: Where one clause of a run-on sentence ends and the next begins.
_CLAUSE_BREAK = re.compile(r"\s*[;:]\s+|\s+[-–—]\s+")
#: Where a pasted sentence ends and a question typed in lower case after it begins ("... the
#: cause of the fire. who wrote the tram story?"): a stop after a word of four or more letters
#: (not "u.s." or "dr."), then a lower-case word.
_PASTED_END = re.compile(r"(?<=[^\W\d_]{4})[.!…][\"'”’)]*\s+(?=[a-z])")
#: Words before a stop that leave the sentence going: "Is Acme Corp. making a loss?".
_ABBREVIATIONS = frozenset(
    "corp govt prof approx sept dept univ assn bros capt sgt inst intl natl admin".split()
)


#: A sentence that opens as a question does ("What did ...", "Is Acme ..."), not as a pasted
#: one may ("When the storm hit ..."): no pasted text before the question.
_AUXILIARY = r"(?:is|are|was|were|do|does|did|can|could|will|would|should|has|have|had)"
_ASKS = re.compile(
    rf"\W*(?:(?:what|who|whom|whose|why|how|when|where|which)\s+{_AUXILIARY}|{_AUXILIARY})\b",
    re.IGNORECASE,
)


def _after_pasted(sentence: str) -> str:
    """The question typed after a pasted sentence in one run (the splitter's sentences start
    with a capital, and readers type theirs in lower case), else `sentence` as it is: only
    after a whole sentence of six words or more, not an abbreviation inside the question."""
    if _ASKS.match(sentence):
        return sentence  # the question itself, abbreviations and all: "What did the Assoc. say"
    for end in reversed(list(_PASTED_END.finditer(sentence))):
        before = sentence[: end.start()].split()
        question = sentence[end.end() :]
        if len(before) >= 6 and before[-1].lower().strip("\"'”’)") not in _ABBREVIATIONS:
            return question if len(question.split()) >= 2 else sentence
    return sentence


class Retriever:
    """Answers questions from an `IndexStore` with an `Encoder`.

    `on_stage`, when given, is called after each stage of answering with the stage's name and
    its duration in seconds: once per `ask_many` call (for all its questions) "spelling" (typo
    correction) and "encode" (question vectors); then for each question, in this order,
    "dense" (dense top-k search; nothing for a scoped question), "keyword" (the question's
    terms and keyword top-k search), "candidates" (the two merged, or the scope's passages),
    "sentences" (every candidate sentence's similarity and term overlap, each candidate's best
    sentence), "fusion" (candidate vectors and BM25, fused scores, ranking; the
    best candidates re-ranked by late interaction when it is on), "deduplicate"
    (same spots and near-copies skipped), "highlight" (the sentence to show per passage, and
    the passages returned) and "confidence" (evidence and the answer / closest / none
    outcome). A question without candidates stops after "candidates".
    """

    def __init__(
        self,
        index: IndexStore,
        encoder: Encoder,
        *,
        top_k: int = 3,
        min_confidence: float = DEFAULT_MIN_CONFIDENCE,
        max_question_chars: int = 1000,
        ranking: RankingSettings | None = None,
        on_stage: StageHook | None = None,
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
        self.on_stage = on_stage
        #: Sentences' token vectors, kept across questions and reloaded indexes (see
        #: `with_index`); None when the encoder gives none (or failed to).
        self._token_cache: TokenVectorCache | None = None
        if isinstance(encoder, TokenEncoder):
            self._token_cache = TokenVectorCache(encoder)
        self._late = bool(self.ranking.late_passage_weight or self.ranking.late_sentence_weight)
        #: Made on the first question (None), or False when the articles are too large.
        self._speller: Speller | bool | None = None
        self._paragraphs: dict[str, list[Span]] = {}
        #: Each document's mean sentence vector by document number, made on first use: a
        #: question's mean similarity to a document's sentences is its product with it.
        self._sentence_means: dict[int, np.ndarray] = {}
        #: Tells a question in German, Spanish, ... from an English one (kept across indexes).
        self.languages = LatinLanguages()

    def with_index(self, index: IndexStore) -> Retriever:
        """The same retriever over another index (after articles were added or removed)."""
        retriever = Retriever(
            index,
            self.encoder,
            top_k=self.top_k,
            min_confidence=self.min_confidence,
            max_question_chars=self.max_question_chars,
            ranking=self.ranking,
            on_stage=self.on_stage,
        )
        retriever._token_cache = self._token_cache
        retriever.languages = self.languages
        return retriever

    @property
    def size(self) -> int:
        """Number of passages searched."""
        return self.index.passage_count

    def passage(
        self, row: int, score: float = 0.0, highlight: tuple[int, int] | None = None
    ) -> RetrievedPassage:
        """Passage `row` of the index, highlighted at `highlight` (default: its first sentence)."""
        passage = self.index.passage(row)
        doc = self.index.documents[passage.doc_id]
        start, end = highlight or (passage.sentences[0].start, passage.sentences[0].end)
        # The paragraph a reader finds the highlighted sentence in: a passage of short
        # paragraphs merged together starts in an earlier one.
        paragraph = max(self._paragraph_at(doc, start), passage.paragraph)
        return RetrievedPassage(
            doc_id=passage.doc_id,
            title=doc.title,
            paragraph=paragraph,
            last_paragraph=max(self._paragraph_at(doc, end - 1), paragraph),
            start=passage.start,
            end=passage.end,
            text=doc.text[passage.start : passage.end],
            score=score,
            highlight=Highlight(start, end),
            highlight_text=doc.text[start:end],
            source=doc.source,
            row=row,
        )

    def _paragraph_spans(self, doc: Document) -> list[Span]:
        """`paragraph_spans` of `doc`, kept."""
        spans = self._paragraphs.get(doc.doc_id)
        if spans is None:
            spans = self._paragraphs[doc.doc_id] = paragraph_spans(doc.text, doc.body_start)
        return spans

    def _paragraph_at(self, doc: Document, offset: int) -> int:
        """The number of the paragraph of `doc` holding `offset` (as `paragraph_spans` counts)."""
        return bisect.bisect_right([span.start for span in self._paragraph_spans(doc)], offset)

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
        # Without a letter or a digit ("🔥🔥🔥", "???") there is no word to look for: the
        # model reads such text as unknown pieces, which match other odd text (a 5,000-letter line).
        asked = [i for i, text in enumerate(texts) if _has_words(text)] if self.size else []
        answers = [
            Answer(question=text, answered=False, confidence=0.0, passages=[]) for text in texts
        ]
        if asked:
            clock = _Stopwatch(self.on_stage)
            spelled = {i: self.spelled(texts[i]) for i in asked}
            clock.lap("spelling")
            vectors, tokens = self._encode_questions([spelled[i] for i in asked])
            clock.lap("encode")
            for i, vector, question_tokens in zip(asked, vectors, tokens, strict=True):
                answer = self._answer(spelled[i], vector, question_tokens, k, scopes[i], clock)
                if spelled[i] != texts[i]:
                    answer = dataclasses.replace(answer, question=texts[i])
                answers[i] = answer
        return answers

    def spelled(self, text: str) -> str:
        """`text` with typos in words that neither the articles nor the model know corrected."""
        if not self.ranking.spelling:
            return text
        text = with_news_words(chat_words(text))
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

    def _encode_questions(
        self, texts: list[str]
    ) -> tuple[np.ndarray, list[_QuestionTokens | None]]:
        """The questions' vectors and, where the encoder gives them, their token vectors: from
        one run of the model where it gives both at once."""
        both = getattr(self.encoder, "encode_with_tokens", None)
        if self._token_cache is None or both is None:
            vectors = self.encoder.encode(texts, batch_size=QUESTION_RUN)
            return vectors, [self._question_tokens(text) for text in texts]
        try:
            vectors, pieces, tokens = both(texts, batch_size=QUESTION_RUN)
        except Exception:
            log.warning("no token vectors from the encoder: left out", exc_info=True)
            self._token_cache = None
            return self.encoder.encode(texts, batch_size=QUESTION_RUN), [None] * len(texts)
        ends = np.cumsum([len(p) for p in pieces])
        return vectors, [
            _tokens_of(words, part)
            for words, part in zip(pieces, np.split(tokens, ends[:-1]), strict=True)
        ]

    def _answer(
        self,
        text: str,
        query: np.ndarray,
        question_tokens: _QuestionTokens | None,
        k: int,
        doc_ids: Collection[str] | None,
        clock: _Stopwatch,
    ) -> Answer:
        """The answer to `text`, encoded as `query`: the ranking stages in turn."""
        index, ranking = self.index, self.ranking
        search = self._candidates(text, query, doc_ids, clock)
        terms, candidates, searched = search.terms, search.candidates, search.searched
        if len(candidates) == 0:
            return Answer(question=text, answered=False, confidence=0.0, passages=[])

        sentences = self._sentences(query, candidates, terms)
        scores = score_sentences(sentences, terms.idf, ranking.lexical_weight)
        clock.lap("sentences")

        dense = index.passage_similarities(query, candidates)
        keyword = index.keyword_scores(terms.ids, candidates)
        passages = [index.passage(row) for row in candidates.tolist()]
        type_missing = None
        late: _LateInteraction | None = None
        if ranking.passage_weights is None:
            fused = fuse(dense, scores.best_score, keyword, ranking)
            if self._late and question_tokens is not None:
                late = self._late_interaction(question_tokens, passages, sentences)
        else:
            type_missing = self._type_missing(text, candidates, passages, sentences)
            signals = self._passage_signals(
                query, candidates, passages, sentences, scores, dense, keyword, type_missing
            )
            fused = signals @ np.asarray(ranking.passage_weights, dtype=np.float64)
        order = best_first(fused)
        late_order: dict[int, float] = {}
        if late is not None and ranking.late_passage_weight and ranking.late_candidates > 0:
            top = order[: ranking.late_candidates]
            top_late = late.passages(top)
            late_order = dict(zip(top.tolist(), top_late.tolist(), strict=True))
            # Each passage keeps its own score (the hand ranking's): late interaction only
            # orders them, so a passage it moves up may show a lower score than the next.
            # Within one article, a later passage must match better to come first.
            placed = fused
            if ranking.position_weight and len({p.doc_id for p in passages}) == 1:
                place = np.array([p.first_sentence for p in passages], dtype=np.float64)
                placed = fused - ranking.position_weight * np.log1p(place)
            if ranking.passage_type_weight:
                wanting = self._chosen_type_missing(text, sentences, top.tolist(), passages)
                if wanting is not None:
                    counts = sentences.counts[top]
                    lacking = np.minimum.reduceat(wanting, np.cumsum(counts) - counts)
                    placed = placed.copy()
                    placed[top] -= ranking.passage_type_weight * lacking
            order = rerank(order, placed, top_late, ranking.late_passage_weight)
        order = self._named_once_first(text, order, passages)
        phrases = quoted_phrases(text)
        if phrases:
            order = self._quoted_first(order, passages, phrases)
        clock.lap("fusion")

        vectors = index.passage_vectors_at(candidates)
        chosen = deduplicate(order, passages, vectors, k, ranking)
        clock.lap("deduplicate")
        late_gap = None
        late_ran = bool(chosen) and chosen[0] in late_order
        late_top = float(late_order[chosen[0]]) if late_ran else 0.0
        late_margin = 0.0
        if late_ran and len(chosen) >= 2 and chosen[1] in late_order:
            late_margin = float(late_order[chosen[0]] - late_order[chosen[1]])
            late_gap = abs(late_margin)

        if ranking.sentence_weights is None:
            lexical = None
            if float(terms.idf.sum()) > 0 and ranking.highlight_lexical_weight:
                lexical = self._document_lexical(candidates, sentences, chosen, terms)
            late_scores = None
            if late is not None and ranking.late_sentence_weight:
                late_scores = late.sentences(chosen_sentences(sentences, chosen))
            wanting = None
            if ranking.highlight_type_weight:
                wanting = self._chosen_type_missing(text, sentences, chosen, passages)
            positions = highlight_positions(
                sentences, chosen, ranking, lexical, late_scores, wanting
            )
        else:
            if type_missing is None:
                type_missing = self._type_missing(text, candidates, passages, sentences)
            features = self._sentence_signals(
                query, candidates, sentences, scores, terms, chosen, type_missing
            )
            local = chosen_sentences(sentences, chosen)
            counts = sentences.counts[np.asarray(chosen, dtype=np.int64)]
            weighted = features @ np.asarray(ranking.sentence_weights, dtype=np.float64)
            positions = local[segment_argmax(weighted, np.cumsum(counts) - counts, counts)]
        if phrases:
            positions = self._quoted_sentences(positions, chosen, passages, sentences, phrases)
        highlighted = sentences.rows[positions]
        spans = index.sentence_spans(highlighted).tolist()
        results = [
            self.passage(int(candidates[i]), float(fused[i]), (start, end))
            for i, (start, end) in zip(chosen, spans, strict=True)
        ]
        if runner_up_answers(text, results, late_gap, ranking):
            chosen = [chosen[1], chosen[0], *chosen[2:]]
            results = [results[1], results[0], *results[2:]]
            highlighted = np.concatenate([highlighted[1:2], highlighted[:1], highlighted[2:]])
            positions = np.concatenate([positions[1:2], positions[:1], positions[2:]])
            late_top = float(late_order[chosen[0]])
            late_margin = -late_margin
        clock.lap("highlight")

        top = chosen[0]
        term_counts = self._document_term_counts(candidates[top], terms)
        sentence_mean, sentence_std, dense_mean = self._document_similarity(query, candidates[top])
        focus, lead = self._focus(query, candidates[order])
        # Late interaction has matched the bold sentence already: read, not asked again.
        bold = late.matches(positions[:1]) if late is not None else None
        least, second, asked = self._least_matched(
            question_tokens, highlighted[:1], results[0].doc_id, bold
        )
        evidence = Evidence(
            dense=float(dense[top]),
            sentence=float(scores.best_similarity[top]),
            coverage=float(scores.coverage[top]),
            missing=missing_share(term_counts, terms.unknown),
            type_missing=answer_type_missing(text, results[0].highlight_text),
            document_coverage=document_coverage(term_counts, terms.idf, terms.unknown),
            sentence_gap=float(scores.best_similarity[top] - sentences.similarity.mean()),
            dense_gap=float(dense[top] - dense.mean()),
            document_sentence_gap=float(scores.best_similarity[top]) - sentence_mean,
            document_dense_gap=float(dense[top]) - dense_mean,
            document_sentence_mean=sentence_mean,
            document_dense_mean=dense_mean,
            document_sentence_z=(float(scores.best_similarity[top]) - sentence_mean)
            / max(sentence_std, 1e-3),
            known=self._known(search, term_counts),
            searched=math.log(min(max(searched, ranking.min_searched), ranking.max_searched)),
            focus=focus,
            document_lead=lead,
            exhaustive=float(len(candidates) >= searched),
            least_match=least,
            second_least_match=second,
            asked_pieces=asked,
            late_top=late_top,
            late_margin=late_margin,
            late=late_ran,
        )
        answer = decide(text, results, evidence, ranking, self.min_confidence, late_gap)
        answer = self._whole_quotations(answer, text)
        clock.lap("confidence")
        return answer

    def _whole_quotations(self, answer: Answer, question: str = "") -> Answer:
        """`answer` with each bold sentence that is part of a quotation of a few sentences
        widened to all of it (decided on the sentence alone, shown whole: a reader is not left
        with 'They did nothing," she said.'), and to the sentence naming "she" when `question`
        asks who."""
        passages = [self.whole_quotation(p, question) for p in answer.passages]
        also = self.whole_quotation(answer.also, question) if answer.also is not None else None
        if also is not None and passages and also.highlight == passages[0].highlight:
            also = None  # the runner-up's sentence is now part of the answer's quotation
        return dataclasses.replace(answer, passages=passages, also=also)

    def whole_quotation(self, shown: RetrievedPassage, question: str = "") -> RetrievedPassage:
        """`shown` with its bold widened to the whole quotation its sentence is part of (a
        quotation of two or three sentences), to the next sentence after a topic sentence too
        short to say anything, and, for `question`, back to the sentence naming the person it
        calls "she" when it asks who, or on to the quotation after a name when it asks what
        someone said (`speakers`: into the paragraphs on either side)."""
        if shown.row < 0:
            return shown
        sentences = self.index.passage(shown.row).sentences
        place = next((k for k, s in enumerate(sentences) if s.start == shown.highlight.start), None)
        if place is None:
            return shown
        doc = self.index.documents[shown.doc_id]
        # Whom "she" means may be named in the paragraph before, and a quotation may run on
        # into the next: the passages on either side count.
        earlier, later = self._sentences_around(shown.row) if reaches_around(question) else ([], [])
        around = [*earlier, *sentences, *later]
        texts = [doc.text[s.start : s.end] for s in around]
        place += len(earlier)
        first, last = quotation_around(
            texts[len(earlier) : len(earlier) + len(sentences)], place - len(earlier)
        )
        first, last = first + len(earlier), last + len(earlier)
        last = said_after(texts, first, last, question)
        last = detail_after(texts, first, last, len(earlier) + len(sentences), question)
        first = named_before(texts, first, last, question)
        if (first, last) == (place, place):
            return shown
        start, end = around[first].start, around[last].end
        found = self.passage(shown.row, shown.score, (start, end))
        if start >= found.start and end <= found.end:
            return found
        wider = (min(start, found.start), max(end, found.end))
        return dataclasses.replace(
            found,
            start=wider[0],
            end=wider[1],
            text=doc.text[wider[0] : wider[1]],
            paragraph=self._paragraph_at(doc, start),
            last_paragraph=self._paragraph_at(doc, end - 1),
        )

    def _sentences_around(self, row: int) -> tuple[list[Span], list[Span]]:
        """The sentences of the passages before and after `row` in its article that lie
        wholly outside it (none past the article's ends)."""
        passage = self.index.passage(row)
        earlier: list[Span] = []
        later: list[Span] = []
        if row > 0 and (before := self.index.passage(row - 1)).doc_id == passage.doc_id:
            earlier = [s for s in before.sentences if s.end <= passage.start]
        if row + 1 < self.size and (after := self.index.passage(row + 1)).doc_id == passage.doc_id:
            later = [s for s in after.sentences if s.start >= passage.end]
        return earlier, later

    def _candidates(
        self, text: str, query: np.ndarray, doc_ids: Collection[str] | None, clock: _Stopwatch
    ) -> _Search:
        """The question's keyword terms, the passages to rank (dense and keyword search's best,
        within `doc_ids` when given) and how many passages were searched."""
        index, ranking = self.index, self.ranking
        none = np.zeros(0, dtype=np.int64)
        numbers = None if doc_ids is None else index.document_numbers(list(doc_ids))
        scope = None if numbers is None else index.passage_rows(numbers)
        searched = self.size if scope is None else len(scope)
        terms = index.query_terms(text)
        if scope is not None and len(scope) <= ranking.candidates:
            # A chat narrowed to a few articles: every passage of theirs, as a search of an
            # index that small returns.
            clock.lap("candidates")
            return _Search(terms, scope, searched, numbers)
        # Searched one question at a time: one matrix product for a whole batch cut the bot's
        # throughput under 64 askers by ~15% (OpenBLAS threads it). A chat narrowed to many
        # articles (one that may not see another group's own) is searched the same way within
        # them: scoring all their passages would leave the decision a setting it never met.
        n = min(ranking.candidates, searched)
        dense = index.dense_top_k(query, n, numbers) if ranking.use_dense else none
        clock.lap("dense")
        keyword = none
        if ranking.use_keyword and terms.ids:
            if scope is None:
                keyword = index.keyword_top_k(terms.ids, n)
            else:
                scores = index.keyword_scores(terms.ids, scope)
                found = np.flatnonzero(scores > 0)
                keyword = scope[found[top_positions(scores[found], n)]]
        clock.lap("keyword")
        candidates = merge_candidates(dense, keyword)
        clock.lap("candidates")
        return _Search(terms, candidates, searched, numbers)

    def _named_once_first(
        self, text: str, order: np.ndarray, passages: list[Passage]
    ) -> np.ndarray:
        """`order` led by the passage alone naming what the question names, where the first
        does not (`passage_naming_once`)."""
        top = passages[int(order[0])]
        document = self.index.documents[top.doc_id]
        same = [i for i in order.tolist() if passages[i].doc_id == top.doc_id]
        spans = [(passages[i].start, passages[i].end) for i in same]
        found = passage_naming_once(text, document.text, document.title, spans)
        if found is None:
            return order
        first = same[found]
        return np.concatenate([[first], order[order != first]])

    def _quoted_first(
        self, order: np.ndarray, passages: list[Passage], phrases: tuple[str, ...]
    ) -> np.ndarray:
        """`order` with the candidates holding a phrase the question quotes first (each group in
        its order): a reader who pastes the article's words means the passage that has them."""
        documents = self.index.documents
        holds = np.array(
            [
                holds_phrase(documents[p.doc_id].text[p.start : p.end], phrases)
                for p in (passages[i] for i in order.tolist())
            ],
            dtype=bool,
        )
        return np.concatenate([order[holds], order[~holds]]) if holds.any() else order

    def _quoted_sentences(
        self,
        positions: np.ndarray,
        chosen: list[int],
        passages: list[Passage],
        sentences: Sentences,
        phrases: tuple[str, ...],
    ) -> np.ndarray:
        """`positions` with each chosen passage's highlight moved to the sentence where a quoted
        phrase starts, in the passages that hold one."""
        positions = positions.copy()
        documents = self.index.documents
        for j, i in enumerate(chosen):
            passage = passages[i]
            text = documents[passage.doc_id].text
            place = sentence_quoted([text[s.start : s.end] for s in passage.sentences], phrases)
            if place is not None and place < int(sentences.counts[i]):
                positions[j] = int(sentences.offsets[i]) + place
        return positions

    def _known(self, search: _Search, top_counts: np.ndarray) -> float:
        """`Evidence.known`: the share of the question's terms that the searched articles use.
        Asked of some articles only, words that only the others use are as unknown as words no
        article has ("Vinatier" under a post about a robbery is no word of its subject).
        `top_counts` are the best passage's article's term counts: when it is the one article
        searched (a channel thread, `/use`), they are all the counts there are."""
        terms = search.terms
        if search.documents is None or not terms.ids:
            return known_share(terms.idf, terms.unknown)
        if len(search.documents) == 1:
            counts = top_counts
        else:
            counts = self.index.document_term_counts(terms.ids, search.documents).sum(axis=0)
        return document_coverage(counts, terms.idf, terms.unknown)

    def _sentences(self, query: np.ndarray, candidates: np.ndarray, terms: QueryTerms) -> Sentences:
        """Every sentence of the candidates, with its similarity to `query` and its terms."""
        first, counts = self.index.passage_sentences(candidates)
        rows, offsets = sentences_of(first, counts)
        similarity = self.index.sentence_similarities(query, rows)
        if float(terms.idf.sum()) > 0:
            present = self.index.term_presence(terms.ids, rows)
        else:
            present = np.zeros((len(rows), len(terms.idf)), dtype=np.float32)
        return Sentences(rows, offsets, counts, similarity, present)

    def _question_tokens(self, text: str) -> _QuestionTokens | None:
        """The question's token vectors and piece weights, when the encoder gives them."""
        cache = self._token_cache
        if cache is None:
            return None
        try:
            pieces, vectors = cache.encoder.token_vectors([text])
        except Exception:
            # Optional signals: the question is answered without them, as the others are.
            log.warning("no token vectors from the encoder: left out", exc_info=True)
            self._token_cache = None
            return None
        return _tokens_of(pieces[0], vectors)

    def _late_interaction(
        self, question: _QuestionTokens, passages: list[Passage], sentences: Sentences
    ) -> _LateInteraction | None:
        """MaxSim of the question to the candidates' sentences."""
        cache = self._token_cache
        return (
            None
            if cache is None
            else _LateInteraction(cache, self.index, question, passages, sentences)
        )

    def _least_matched(
        self,
        question: _QuestionTokens | None,
        row: np.ndarray,
        doc_id: str,
        matched: np.ndarray | None = None,
    ) -> tuple[float, float, float]:
        """`Evidence.least_match`, `second_least_match` and `asked_pieces` of the highlighted
        sentence (`row`, one sentence row of `doc_id`, whose `best_matches` are `matched` when
        known; 1.0, 1.0, 0.0 without token vectors)."""
        cache = self._token_cache
        if question is None or cache is None:
            return 1.0, 1.0, 0.0
        if matched is None:
            matched = _sentence_matches(self.index, cache, question.vectors, row, [doc_id])
        best = matched[0]
        least, second = least_matched(best, question.asked)
        return least, second, math.log(max(1, int(np.count_nonzero(question.asked))))

    def _document_lexical(
        self, candidates: np.ndarray, sentences: Sentences, chosen: list[int], terms: QueryTerms
    ) -> np.ndarray:
        """`document_lexical` of the chosen candidates' sentences, with their documents' term
        counts from the index."""
        picked = np.asarray(chosen, dtype=np.int64)
        documents, inverse = unique(self.index.passage_documents(candidates[picked]))
        _, document_sentences = self.index.document_sentences(documents)
        return document_lexical(
            sentences.present[chosen_sentences(sentences, chosen)],
            sentences.counts[picked],
            inverse,
            self.index.document_term_counts(terms.ids, documents),
            document_sentences,
        )

    def signals(
        self, question: str, doc_ids: Collection[str] | None = None
    ) -> RankingSignals | None:
        """Every candidate's `PASSAGE_SIGNALS` and every candidate sentence's
        `SENTENCE_SIGNALS` for `question`, as the ranker sees them (for fitting it); None when
        nothing is a candidate."""
        text = self.spelled(normalize_question(question, self.max_question_chars))
        if not text or not self.size:
            return None
        query = self.encoder.encode([text])[0]
        clock = _Stopwatch(None)
        search = self._candidates(text, query, doc_ids, clock)
        terms, candidates = search.terms, search.candidates
        if len(candidates) == 0:
            return None
        index, ranking = self.index, self.ranking
        sentences = self._sentences(query, candidates, terms)
        scores = score_sentences(sentences, terms.idf, ranking.lexical_weight)
        dense = index.passage_similarities(query, candidates)
        keyword = index.keyword_scores(terms.ids, candidates)
        passages = [index.passage(row) for row in candidates.tolist()]
        type_missing = self._type_missing(text, candidates, passages, sentences)
        everything = list(range(len(candidates)))
        return RankingSignals(
            candidates=candidates,
            passages=self._passage_signals(
                query, candidates, passages, sentences, scores, dense, keyword, type_missing
            ),
            sentence_rows=sentences.rows,
            sentence_offsets=sentences.offsets,
            sentences=self._sentence_signals(
                query, candidates, sentences, scores, terms, everything, type_missing
            ),
        )

    def _type_missing(
        self, text: str, candidates: np.ndarray, passages: list[Passage], sentences: Sentences
    ) -> np.ndarray:
        """Per candidate sentence: 1.0 when the question wants a kind of answer (a number, a
        time, a name) that the sentence lacks."""
        kind = wanted_type(text)
        if kind is None:
            return np.zeros(len(sentences.rows), dtype=np.float64)
        owners = np.repeat(np.arange(len(candidates)), sentences.counts)
        texts = self._sentence_texts(sentences.rows, owners, passages)
        return np.array([0.0 if has_type(kind, t, text) else 1.0 for t in texts])

    def _chosen_type_missing(
        self, text: str, sentences: Sentences, chosen: list[int], passages: list[Passage]
    ) -> np.ndarray | None:
        """`answer_type_missing` of the chosen candidates' sentences, candidate by candidate
        (for a why question, 1.0 where a sentence gives no reason); None when the question
        wants no particular kind of answer."""
        reason = reason_asked(text)
        if not reason and wanted_type(text) not in ("number", "time", "name"):
            return None
        picked = np.asarray(chosen, dtype=np.int64)
        owners = np.repeat(picked, sentences.counts[picked])
        rows = sentences.rows[chosen_sentences(sentences, chosen)]
        texts = self._sentence_texts(rows, owners, passages)
        if reason:
            return np.array([0.0 if gives_reason(t) else 1.0 for t in texts])
        return np.array([answer_type_missing(text, t) for t in texts])

    def _sentence_texts(
        self, rows: np.ndarray, owners: np.ndarray, passages: list[Passage]
    ) -> list[str]:
        """The text of each sentence row, read from the document of its candidate passage
        (`owners`: one candidate position per row)."""
        documents = self.index.documents
        spans = self.index.sentence_spans(rows).tolist()
        return [
            documents[passages[owner].doc_id].text[start:end]
            for (start, end), owner in zip(spans, owners.tolist(), strict=True)
        ]

    def _passage_signals(
        self,
        query: np.ndarray,
        candidates: np.ndarray,
        passages: list[Passage],
        sentences: Sentences,
        scores: SentenceScores,
        dense: np.ndarray,
        keyword: np.ndarray,
        type_missing: np.ndarray,
    ) -> np.ndarray:
        """`passage_signals` of the candidates, with their documents' mean similarity."""
        documents, inverse = unique(self.index.passage_documents(candidates))
        first, count = self.index.document_sentences(documents)
        similarity = self.index.sentence_similarities(query, ranges(first, first + count))
        document_mean = np.add.reduceat(similarity, np.cumsum(count) - count) / count
        lede = np.array([p.first_sentence == 0 for p in passages], dtype=np.float64)
        return passage_signals(
            dense,
            scores,
            sentences,
            scores.lexical,
            keyword,
            type_missing,
            lede,
            document_mean[inverse],
        )

    def _sentence_signals(
        self,
        query: np.ndarray,
        candidates: np.ndarray,
        sentences: Sentences,
        scores: SentenceScores,
        terms: QueryTerms,
        chosen: list[int],
        type_missing: np.ndarray,
    ) -> np.ndarray:
        """`sentence_signals` of the chosen candidates' sentences, candidate by candidate."""
        local = chosen_sentences(sentences, chosen)
        if float(terms.idf.sum()) > 0:
            doc_lexical = self._document_lexical(candidates, sentences, chosen, terms)
        else:
            doc_lexical = np.zeros(len(local))
        rows = sentences.rows[local]
        picked = np.asarray(chosen, dtype=np.int64)
        owners = self.index.passage_documents(candidates[picked])
        first, count = self.index.document_sentences(owners)
        counts = sentences.counts[picked]
        low, high = np.repeat(first, counts), np.repeat(first + count, counts)
        # The sentences before and after each one in its article (itself at an edge).
        before = np.maximum(rows - 1, low)
        after = np.minimum(rows + 1, high - 1)
        around = self.index.sentence_similarities(query, np.concatenate([before, after]))
        neighbours = (around[: len(rows)] + around[len(rows) :]) / 2
        starts = np.cumsum(counts) - counts
        is_first = np.zeros(len(rows))
        is_first[starts] = 1.0
        return sentence_signals(
            sentences.similarity[local],
            doc_lexical,
            scores.lexical[local],
            type_missing[local],
            neighbours,
            is_first,
        )

    def _focus(self, query: np.ndarray, ranked: np.ndarray) -> tuple[float, float]:
        """Share of the best `FOCUS_CANDIDATES` of the `ranked` candidates (best first) in the
        first one's document, and how far that document's mean sentence similarity to `query`
        leads the other candidates' documents'."""
        owners = self.index.passage_documents(ranked)
        focus = float((owners[:FOCUS_CANDIDATES] == owners[0]).mean())
        documents, inverse = unique(owners)
        if len(documents) < 2:
            return focus, 0.0
        means = self._mean_sentence_vectors(documents) @ query
        top = int(inverse[0])
        return focus, float(means[top] - np.delete(means, top).max())

    def _mean_sentence_vectors(self, documents: np.ndarray) -> np.ndarray:
        """Each document's mean sentence vector (zeros for one without sentences), each made
        once: questions keep meeting the same documents, whose sentences are many."""
        kept = self._sentence_means
        missing = [d for d in dict.fromkeys(documents.tolist()) if d not in kept]
        if missing:
            first, count = self.index.document_sentences(np.asarray(missing, dtype=np.int64))
            vectors = self.index.sentence_vectors_at(ranges(first, first + count))
            sums = segment_sum(vectors, count)
            for document, total, n in zip(missing, sums, count.tolist(), strict=True):
                kept[document] = total / max(n, 1)
        return np.stack([kept[d] for d in documents.tolist()])

    def _document_similarity(self, query: np.ndarray, row: int) -> tuple[float, float, float]:
        """Mean and standard deviation of the similarity of `query` to the sentences of passage
        `row`'s document, and its mean similarity to the document's passages."""
        document = self.index.passage_documents(np.array([row], dtype=np.int64))
        first, count = self.index.document_sentences(document)
        rows = np.arange(int(first[0]), int(first[0]) + int(count[0]), dtype=np.int64)
        sentences = self.index.sentence_similarities(query, rows)
        passages = self.index.passage_similarities(query, self.index.passage_rows(document))
        return float(sentences.mean()), float(sentences.std()), float(passages.mean())

    def _document_term_counts(self, row: int, terms: QueryTerms) -> np.ndarray:
        """How many sentences of passage `row`'s document hold each of the question's terms."""
        document = self.index.passage_documents(np.array([row], dtype=np.int64))
        return self.index.document_term_counts(terms.ids, document)


def _has_words(text: str) -> bool:
    return any(char.isalnum() for char in text)


@dataclasses.dataclass(frozen=True, slots=True)
class _Search:
    """What a question's search found: its terms and the passages to rank."""

    terms: QueryTerms
    candidates: np.ndarray
    #: How many passages were searched.
    searched: int
    #: The numbers of the articles searched; None when all were.
    documents: np.ndarray | None


@dataclasses.dataclass(frozen=True, slots=True)
class _QuestionTokens:
    """A question's unit-length token vectors and the weight of each (`question_weights`)."""

    vectors: np.ndarray
    weights: np.ndarray
    #: The weights `least_matched` reads (`asked_pieces`).
    asked: np.ndarray


def _tokens_of(pieces: list[str], vectors: np.ndarray) -> _QuestionTokens:
    """A question's token vectors with the weights of its pieces."""
    weights = question_weights(pieces, english_stopwords())
    return _QuestionTokens(vectors, weights, asked_pieces(pieces, weights))


def _sentence_matches(
    index: IndexStore,
    cache: TokenVectorCache,
    question: np.ndarray,
    rows: np.ndarray,
    doc_ids: Sequence[str],
) -> np.ndarray:
    """`best_matches` of the `question`'s token vectors to sentence `rows` (of documents
    `doc_ids`): from the token vectors the index keeps, else from encoding the sentences
    (kept in `cache` for the next questions)."""
    best, kept = index.sentence_token_matches(rows, question)
    missing = np.flatnonzero(~kept)
    if len(missing):
        spans = index.sentence_spans(rows[missing]).tolist()
        documents = index.documents
        texts = [
            documents[doc_ids[i]].text[start:end]
            for i, (start, end) in zip(missing.tolist(), spans, strict=True)
        ]
        vectors = cache.vectors(texts)
        counts = np.array([len(v) for v in vectors], dtype=np.int64)
        best[missing] = best_matches(question, np.concatenate(vectors), counts)
    return best


class _LateInteraction:
    """MaxSim of one question to candidate sentences, each sentence's best matches worked
    out once, when a score first needs them."""

    def __init__(
        self,
        cache: TokenVectorCache,
        index: IndexStore,
        question: _QuestionTokens,
        passages: list[Passage],
        sentences: Sentences,
    ) -> None:
        self.cache, self.index, self._sentences = cache, index, sentences
        self._passages = passages
        self.owner = np.repeat(np.arange(len(sentences.counts)), sentences.counts)
        self.question, self.weights = question.vectors, question.weights
        self.best = np.zeros((len(sentences.rows), len(self.question)), dtype=np.float32)
        self.done = np.zeros(len(sentences.rows), dtype=bool)

    def matches(self, positions: np.ndarray) -> np.ndarray:
        """The best matches of the sentences at `positions` (in `Sentences.rows`)."""
        todo = np.unique(positions[~self.done[positions]])
        if len(todo):
            doc_ids = [self._passages[self.owner[p]].doc_id for p in todo.tolist()]
            rows = self._sentences.rows[todo]
            self.best[todo] = _sentence_matches(
                self.index, self.cache, self.question, rows, doc_ids
            )
            self.done[todo] = True
        return self.best[positions]

    def passages(self, candidates: np.ndarray) -> np.ndarray:
        """MaxSim of each candidate (a position among the candidates): all its sentences."""
        sentences = self._sentences
        counts = sentences.counts[candidates]
        best = self.matches(
            ranges(sentences.offsets[candidates], sentences.offsets[candidates] + counts)
        )
        return maxsim(segment_max(best, counts), self.weights)

    def sentences(self, positions: np.ndarray) -> np.ndarray:
        """MaxSim of each sentence at `positions` (in `Sentences.rows`)."""
        return maxsim(self.matches(np.asarray(positions, dtype=np.int64)), self.weights)
