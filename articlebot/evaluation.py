"""Evaluation: hit@1, hit@k, MRR@k, highlight accuracy and outcome shares on dev sets."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, Field, ValidationError

from articlebot.ingest.documents import Document, DocumentError, json_line, titled_document
from articlebot.retrieval.results import Answer, RetrievedPassage


@dataclass(frozen=True, slots=True)
class EvalQuestion:
    """A question and what counts as finding its answer."""

    q: str
    #: For span questions: the document and the answer's [start, end) in its text.
    doc_id: str | None = None
    start: int | None = None
    end: int | None = None
    #: For answer-string questions: any of these inside a passage counts.
    answers: tuple[str, ...] = ()
    #: For dialogue lines: the question asked just before, and whether `q` leans on it.
    context: str | None = None
    depends: bool = False
    #: For a spans file's unanswerable questions: the document they are about.
    about: str | None = None

    @property
    def article(self) -> str | None:
        """The document the question is asked about, when the dev set says."""
        return self.doc_id or self.about

    @property
    def answerable(self) -> bool:
        """False for out-of-scope questions."""
        return self.doc_id is not None or bool(self.answers)


@dataclass(slots=True)
class EvalSet:
    """Questions, plus the documents they are about when the file carries them."""

    kind: str  # "spans", "chats", "answers", "unanswerable" or "dialogue"
    questions: list[EvalQuestion]
    documents: list[Document] = field(default_factory=list)


#: A question or an accepted answer: "" would be asked of nothing, or found in every passage.
_Text = Annotated[str, Field(min_length=1)]


class _SpanQuestion(BaseModel):
    q: _Text
    answer: str = Field(min_length=1)
    start: int = Field(ge=0)


class _ChatQuestion(BaseModel):
    q: _Text
    #: Any of these in the bold sentence answers it; none: the article does not say.
    answers: list[_Text]


class _DocumentLine(BaseModel):
    doc_id: str = Field(min_length=1)
    title: str | None = None
    text: str
    questions: list[_SpanQuestion] = []
    unanswerable: list[_Text] = []
    #: A reader's questions in the order asked, in one chat under the article.
    chat: list[_ChatQuestion] = []


class _DialogueLine(BaseModel):
    q: _Text
    answers: list[_Text]
    context: str
    depends: bool = True


class _AnswersLine(BaseModel):
    q: _Text
    answers: list[_Text]


class _QuestionLine(BaseModel):
    q: _Text


#: The fields a line may have. Others are left alone (a set's own notes: "language", "set"),
#: but one close to these is a typo that would change what the line means.
_FIELDS = frozenset(
    name
    for model in (_DocumentLine, _DialogueLine, _AnswersLine, _QuestionLine)
    for name in model.model_fields
)


def _mistyped_field(record: dict[str, object]) -> str | None:
    """The first field of `record` that looks like a mistyped one, as `"answer": did you mean
    "answers"?` ({"q", "answer"} read as a question without answers gave a report of
    unanswerable questions all answered)."""
    import difflib

    for key in record:
        if key not in _FIELDS:
            # Not "unanswerable": a set may note its own "answerable".
            near = difflib.get_close_matches(key, sorted(_FIELDS - {"unanswerable"}), cutoff=0.8)
            if near:
                return f'"{key}" is not a field: did you mean "{near[0]}"?'
    return None


def _problem(error: ValidationError) -> str:
    """The first thing wrong with a line, as `field: what` (`questions.0.start: ...`)."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}" if where else first["msg"]


def load_eval_file(path: Path) -> EvalSet:
    """Read a dev set: documents with span questions, {q, answers} lines, or {q} lines; a line
    that is not one of those is one DocumentError naming the file, line and field."""
    documents: list[Document] = []
    questions: list[EvalQuestion] = []
    kinds: set[str] = set()
    try:
        # JSON Lines end at "\n" only: a U+2028 inside a string is text, not a line break.
        # "utf-8-sig": a byte-order mark, as Windows editors write, is no JSON error.
        lines = path.read_text(encoding="utf-8-sig").split("\n")
    except UnicodeDecodeError:
        # As `add` says it of the same file (UTF-16, or no text at all).
        raise DocumentError(f"{path}: not UTF-8 text (save it as UTF-8)") from None
    except OSError as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise DocumentError(f"{path}: cannot read ({reason})") from None
    for line_no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{line_no}"
        record = json_line(line, where)
        if not isinstance(record, dict):
            raise DocumentError(f'{where}: expected an object with "text", "answers" or "q"')
        kinded = record.keys() & {"text", "context", "answers", "q"}
        if kinded and (mistyped := _mistyped_field(record)) is not None:
            raise DocumentError(f"{where}: {mistyped}")
        try:
            if "text" in record:
                doc_line = _DocumentLine.model_validate(record)
                kinds.add("chats" if doc_line.chat else "spans")
                if any(d.doc_id == doc_line.doc_id for d in documents):
                    raise DocumentError(f"{where}: doc_id {doc_line.doc_id!r} is used twice")
                # As `index` reads a .jsonl line (a headline opening the text is no paragraph,
                # "who wrote this?" is answered from the byline under it), but with the text
                # as written: the answers' offsets are into it.
                title = doc_line.title or doc_line.doc_id
                doc = titled_document(doc_line.doc_id, title, doc_line.text, where)
                documents.append(doc)
                for i, item in enumerate(doc_line.questions):
                    end = item.start + len(item.answer)
                    if doc.text[item.start : end] != item.answer:
                        raise DocumentError(
                            f"{where}: questions.{i}: the text at start {item.start} is not "
                            f"the answer {item.answer!r}"
                        )
                    questions.append(EvalQuestion(item.q, doc.doc_id, item.start, end))
                # Questions about this document's subject that it does not answer.
                questions.extend(EvalQuestion(q, about=doc.doc_id) for q in doc_line.unanswerable)
                questions.extend(
                    EvalQuestion(item.q, answers=tuple(item.answers), about=doc.doc_id)
                    for item in doc_line.chat
                )
            elif "context" in record:
                kinds.add("dialogue")
                dialogue = _DialogueLine.model_validate(record)
                questions.append(
                    EvalQuestion(
                        dialogue.q,
                        answers=tuple(dialogue.answers),
                        context=dialogue.context,
                        depends=dialogue.depends,
                    )
                )
            elif "answers" in record:
                kinds.add("answers")
                answers = _AnswersLine.model_validate(record)
                questions.append(EvalQuestion(answers.q, answers=tuple(answers.answers)))
            elif "q" in record:
                kinds.add("unanswerable")
                questions.append(EvalQuestion(_QuestionLine.model_validate(record).q))
            else:
                raise DocumentError(f'{where}: expected "text", "answers" or "q"')
        except ValidationError as exc:
            raise DocumentError(f"{where}: {_problem(exc)}") from None
    if not kinds or not questions:
        raise DocumentError(f"{path}: no questions in it")
    if len(kinds) != 1:
        raise DocumentError(f"{path}: mixes kinds of lines ({', '.join(sorted(kinds))})")
    return EvalSet(kinds.pop(), questions, documents)


def is_hit(question: EvalQuestion, passage: RetrievedPassage) -> bool:
    """The rule: right document and overlapping the answer span, or containing an answer."""
    if question.doc_id is not None:
        assert question.start is not None and question.end is not None
        return (
            passage.doc_id == question.doc_id
            and passage.start < question.end
            and question.start < passage.end
        )
    text = passage.text.casefold()
    return any(answer.casefold() in text for answer in question.answers)


def highlight_hit(question: EvalQuestion, passage: RetrievedPassage) -> bool:
    """Whether the highlighted sentence contains the whole answer."""
    if question.doc_id is not None:
        assert question.start is not None and question.end is not None
        return (
            passage.doc_id == question.doc_id
            and passage.highlight.start <= question.start
            and question.end <= passage.highlight.end
        )
    text = passage.highlight_text.casefold()
    return any(answer.casefold() in text for answer in question.answers)


def answer_shown(question: EvalQuestion, answer: Answer) -> bool:
    """Whether what the reader is shown holds the answer: the bold sentence of the top
    passage, or the lines of a reply about the article itself (its byline, its summary),
    which are shown above the passage."""
    if answer.passages and highlight_hit(question, answer.passages[0]):
        return True
    if answer.reply is None or answer.reply.kind not in ("byline", "summary"):
        return False
    text = "\n".join(answer.reply.lines).casefold()
    return any(a.casefold() in text for a in question.answers)


@dataclass(slots=True)
class Metrics:
    """Scores over a set of questions: retrieval over the answerable ones, and how often each
    kind was answered confidently."""

    questions: int = 0
    k: int = 5
    hit1: float = 0.0
    hitk: float = 0.0
    mrr: float = 0.0
    highlight: float = 0.0
    #: Share of answerable questions whose answer is in the bold sentence or on the Also line,
    #: and share that show an Also line.
    highlight_or_also: float = 0.0
    also_shown: float = 0.0
    #: Share of answerable questions not answered (of every question when none is answerable).
    not_answered: float = 0.0
    #: Share of answerable questions answered with confidence by what does not show the answer:
    #: the worst a reader can get.
    answer_wrong: float = 0.0
    unanswerable: int = 0
    #: Share of the unanswerable questions that got a confident answer.
    unanswerable_answered: float = 0.0
    #: Share of each outcome (answer / closest / none) among the answerable questions (among
    #: every question when none is answerable), and among the unanswerable ones.
    outcomes: dict[str, float] = field(default_factory=dict)
    unanswerable_outcomes: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, float | int]:
        """Plain values for printing or JSON."""
        out: dict[str, float | int] = {
            "questions": self.questions,
            "hit@1": round(self.hit1, 4),
            f"hit@{self.k}": round(self.hitk, 4),
            f"mrr@{self.k}": round(self.mrr, 4),
            "highlight": round(self.highlight, 4),
            "highlight_or_also": round(self.highlight_or_also, 4),
            "also_shown": round(self.also_shown, 4),
            "not_answered": round(self.not_answered, 4),
        }
        out.update({name: round(share, 4) for name, share in self.outcomes.items()})
        out["answer_wrong"] = round(self.answer_wrong, 4)
        if self.unanswerable and self.questions:
            out.update(
                unanswerable=self.unanswerable,
                unanswerable_answered=round(self.unanswerable_answered, 4),
            )
            out.update(
                {
                    f"unanswerable_{name}": round(share, 4)
                    for name, share in self.unanswerable_outcomes.items()
                }
            )
        return out


def outcome_shares(answers: Sequence[Answer]) -> dict[str, float]:
    """Share of the answers with each outcome: a confident answer, the closest passage, none."""
    n = max(len(answers), 1)
    return {o: sum(a.outcome == o for a in answers) / n for o in ("answer", "closest", "none")}


def score(questions: Sequence[EvalQuestion], answers: Sequence[Answer], k: int) -> Metrics:
    """Aggregate metrics of `answers` (one per question, passages best first)."""
    pairs = list(zip(questions, answers, strict=True))
    answerable = [(q, a) for q, a in pairs if q.answerable]
    others = [a for q, a in pairs if not q.answerable]
    m = Metrics(questions=len(answerable) or len(pairs), k=k, unanswerable=len(others))
    if not pairs:
        return m
    for question, answer in answerable:
        ranks = [i for i, p in enumerate(answer.passages[:k]) if is_hit(question, p)]
        if ranks:
            m.hitk += 1
            m.mrr += 1.0 / (ranks[0] + 1)
            if ranks[0] == 0:
                m.hit1 += 1
        shown = answer_shown(question, answer)
        m.answer_wrong += answer.answered and not shown
        if shown:
            m.highlight += 1
            m.highlight_or_also += 1
        elif answer.also is not None and highlight_hit(question, answer.also):
            m.highlight_or_also += 1
        m.also_shown += answer.also is not None
    counted = [a for _, a in answerable] or [a for _, a in pairs]
    m.not_answered = sum(not a.answered for a in counted) / len(counted)
    m.outcomes = outcome_shares(counted)
    if others:
        m.unanswerable_answered = sum(a.answered for a in others) / len(others)
        m.unanswerable_outcomes = outcome_shares(others)
    if answerable:
        n = len(answerable)
        m.hit1, m.hitk, m.mrr, m.highlight = m.hit1 / n, m.hitk / n, m.mrr / n, m.highlight / n
        m.highlight_or_also, m.also_shown = m.highlight_or_also / n, m.also_shown / n
        m.answer_wrong /= n
    return m


def run(
    questions: Iterable[EvalQuestion],
    ask: Callable[..., Answer],
    per_article: bool = False,
) -> list[Answer]:
    """Ask every question; with `per_article`, only of the article it is about (as a reader
    under a channel post, or after /use, asks it)."""
    if per_article:
        return [ask(q.q, doc_ids=[q.article] if q.article else None) for q in questions]
    return [ask(q.q) for q in questions]


#: Seconds between a reader's questions in a chat: well inside the chat's memory.
CHAT_PACE_SECONDS = 20.0


def run_chats(
    questions: Iterable[EvalQuestion], retriever: Any, english_only: bool = True
) -> list[Answer]:
    """Ask each article's questions in order, in one chat of their own under that article (the
    last turn kept, a question every `CHAT_PACE_SECONDS`), as a reader asks them in the bot."""
    from articlebot.retrieval.conversation import Turn, ask_in_context

    turns: dict[str | None, Turn | None] = {}
    answers = []
    for n, question in enumerate(questions, start=1):
        scope = [question.article] if question.article else None
        answer, turns[question.article] = ask_in_context(
            retriever,
            question.q,
            turns.get(question.article),
            now=n * CHAT_PACE_SECONDS,
            doc_ids=scope,
            english_only=english_only,
        )
        answers.append(answer)
    return answers


def misses(questions: Sequence[EvalQuestion], answers: Sequence[Answer]) -> list[str]:
    """One block per question that went wrong: missed or not highlighted, wrongly refused, or
    answered although the documents do not say; with what was shown."""
    out = []
    for question, answer in zip(questions, answers, strict=True):
        top = answer.passages[0] if answer.passages else None
        if question.answerable:
            if top is not None and is_hit(question, top) and answer_shown(question, answer):
                if answer.answered:
                    continue
                problem = "only the closest" if answer.outcome == "closest" else "refused"
            elif top is not None and is_hit(question, top):
                problem = "wrong sentence"
            elif top is None:
                problem = "nothing shown"
            else:
                problem = "wrong passage"
        elif answer.answered:
            problem = "answered, not in the article"
        else:
            continue
        lines = [
            f"[{problem}] {question.q}  ({answer.outcome}, confidence {answer.confidence:.2f})"
        ]
        if question.doc_id is not None and question.start is not None:
            lines.append(f"  expected: {question.doc_id} @{question.start}-{question.end}")
        elif question.answers:
            lines.append(f"  expected: {' | '.join(question.answers)}")
        if top is not None:
            lines.append(f"  shown:    {top.doc_id} ¶{top.paragraph}: {top.highlight_text}")
        out.append("\n".join(lines))
    return out


class CachingEncoder:
    """Wraps an encoder so repeated questions (one pass per ablation stage) embed once."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self._cache: dict[str, Any] = {}
        self.name = inner.name
        self.dimension = inner.dimension
        self.max_tokens = inner.max_tokens
        # Read by the confidence and late interaction, where the encoder gives them.
        for name in ("token_vectors", "encode_with_tokens"):
            if hasattr(inner, name):
                setattr(self, name, getattr(inner, name))

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> Any:
        """Embed texts, reusing earlier results for single questions."""
        import numpy as np

        missing = [t for t in texts if t not in self._cache]
        if missing:
            for text, vector in zip(missing, self._inner.encode(missing, batch_size), strict=True):
                self._cache[text] = vector
        return np.stack([self._cache[t] for t in texts])

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Delegates to the wrapped encoder."""
        return self._inner.count_tokens(texts)


def ablation_stages() -> list[tuple[str, Any]]:
    """The ranking pipeline built up one stage at a time, ending with the default."""
    from articlebot.retrieval.ranking import RankingSettings

    default = RankingSettings()
    no_late = {"late_passage_weight": 0.0, "late_sentence_weight": 0.0}
    plain = {"lexical_weight": 0.0, "highlight_lexical_weight": 0.0, **no_late}
    return [
        (
            "dense only (FAISS)",
            RankingSettings(
                dense_weight=1.0,
                sentence_weight=0.0,
                keyword_weight=0.0,
                use_keyword=False,
                **plain,
            ),
        ),
        (
            "keyword only (bm25s)",
            RankingSettings(
                dense_weight=0.0, sentence_weight=0.0, keyword_weight=1.0, use_dense=False, **plain
            ),
        ),
        (
            "fused dense + keyword",
            RankingSettings(
                dense_weight=1.0,
                sentence_weight=0.0,
                keyword_weight=default.keyword_weight,
                **plain,
            ),
        ),
        (
            "+ best-sentence similarity",
            RankingSettings(
                dense_weight=default.dense_weight,
                sentence_weight=default.sentence_weight,
                keyword_weight=default.keyword_weight,
                **plain,
            ),
        ),
        ("+ question-term overlap per sentence", RankingSettings(**no_late)),
        ("+ late interaction over the 10 best (default)", default),
        ("default, strict de-duplication (any overlap)", RankingSettings(max_overlap=0.0)),
    ]


@dataclass(slots=True)
class AblationRow:
    """One stage's figures."""

    stage: str
    metrics: Metrics
    refused_out_of_scope: float
    false_refusals: float


def ablation_table(rows: Sequence[AblationRow]) -> str:
    """A Markdown table of the ablation."""
    k = rows[0].metrics.k if rows else 5
    lines = [
        f"| stage | hit@1 | hit@{k} | MRR@{k} | highlight | out-of-scope refused "
        "| false refusals |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        m = row.metrics
        lines.append(
            f"| {row.stage} | {m.hit1:.3f} | {m.hitk:.3f} | {m.mrr:.3f} | {m.highlight:.3f} "
            f"| {row.refused_out_of_scope:.3f} | {row.false_refusals:.3f} |"
        )
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class DialogueRun:
    """A dialogue set's figures and, for a tuner, what went wrong (see `dialogue_misses`)."""

    figures: dict[str, float]
    misses: list[str]


def run_dialogue(questions: Sequence[EvalQuestion], retriever: Any) -> DialogueRun:
    """Follow-ups resolved and independent questions unharmed, with and without chat memory;
    follow-ups the article does not answer (`"answers": []`) answered with confidence."""
    from articlebot.retrieval.conversation import ask_in_context

    followups = [q for q in questions if q.depends and q.answers]
    unanswerable = [q for q in questions if q.depends and not q.answers]
    independent = [q for q in questions if not q.depends]

    def answers(items: list[EvalQuestion], memory: bool) -> list[Answer]:
        found = []
        for question in items:
            if memory:
                _, turn = ask_in_context(retriever, question.context or "", None)
                answer, _ = ask_in_context(retriever, question.q, turn)
            else:
                answer = retriever.ask(question.q)
            found.append(answer)
        return found

    def share(items: list[EvalQuestion], given: list[Answer], bold: bool = False) -> float:
        hits = sum(
            bool(a.passages)
            and (highlight_hit(q, a.passages[0]) if bold else is_hit(q, a.passages[0]))
            for q, a in zip(items, given, strict=True)
        )
        return round(hits / max(len(items), 1), 4)

    remembered, forgotten = answers(followups, True), answers(followups, False)
    alone, after = answers(independent, True), answers(independent, False)
    unanswered = answers(unanswerable, True)
    figures = {
        "followups": len(followups),
        "followups_resolved_with_memory": share(followups, remembered),
        "followups_bold_with_memory": share(followups, remembered, bold=True),
        "followups_resolved_without_memory": share(followups, forgotten),
        "independent": len(independent),
        "independent_hit@1_with_memory": share(independent, alone),
        "independent_hit@1_without_memory": share(independent, after),
        "unanswerable_followups": len(unanswerable),
        "unanswerable_followups_answered_with_memory": round(
            sum(a.answered for a in unanswered) / max(len(unanswerable), 1), 4
        ),
    }
    return DialogueRun(
        figures,
        dialogue_misses(
            [*followups, *independent, *unanswerable], [*remembered, *alone, *unanswered]
        ),
    )


def dialogue_misses(questions: Sequence[EvalQuestion], answers: Sequence[Answer]) -> list[str]:
    """One block per dialogue line whose answer, asked after its context with chat memory,
    does not show the expected answer in bold, or, for a line the article does not answer,
    that was answered with confidence: the context, the line, and what was shown."""
    out = []
    for question, answer in zip(questions, answers, strict=True):
        top = answer.passages[0] if answer.passages else None
        if not question.answers:
            if not answer.answered:
                continue
            problem = "answered, not in the article"
        elif top is not None and highlight_hit(question, top):
            continue
        elif top is None:
            problem = "nothing shown"
        elif is_hit(question, top):
            problem = "wrong sentence"
        else:
            problem = "wrong passage"
        kind = "follow-up" if question.depends else "independent"
        lines = [
            f"[{kind}: {problem}] {question.context or ''} -> {question.q}  "
            f"({answer.outcome}, confidence {answer.confidence:.2f})",
            f"  expected: {' | '.join(question.answers) or '(not in the article)'}",
        ]
        if top is not None:
            lines.append(f"  shown:    {top.doc_id} ¶{top.paragraph}: {top.highlight_text}")
        out.append("\n".join(lines))
    return out
