"""Result values: what a search returns, and their JSON shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Outcome = Literal["answer", "closest", "none"]


@dataclass(frozen=True, slots=True)
class Highlight:
    """The best-matching sentence of a passage, as offsets into the document text."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class RetrievedPassage:
    """One passage that answers a question, with where it comes from."""

    doc_id: str
    title: str
    paragraph: int
    start: int
    end: int
    text: str
    score: float
    highlight: Highlight
    #: The highlighted sentence itself.
    highlight_text: str
    source: str = ""
    #: Row of the passage in the index it came from (for follow-up actions such as "More").
    row: int = -1
    #: The paragraph the highlighted sentences end in, where they run on past `paragraph`.
    last_paragraph: int = 0

    def paragraphs(self) -> str:
        """Where a reader finds the highlighted sentences: "paragraph 3" or "paragraphs 3-4"."""
        if self.last_paragraph > self.paragraph:
            return f"paragraphs {self.paragraph}-{self.last_paragraph}"
        return f"paragraph {self.paragraph}"

    def to_json(self) -> dict[str, Any]:
        """The passage in the `ask --json` schema."""
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "paragraph": self.paragraph,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "score": round(self.score, 4),
            "highlight": {"start": self.highlight.start, "end": self.highlight.end},
        }


@dataclass(frozen=True, slots=True)
class ArticleReply:
    """A reply made from the article's structure rather than one passage: its byline, a
    summary, the sentence introducing a person, or a note on the language asked in."""

    #: "byline", "summary", "introduction", "language" (ask in English), "chat" (a line
    #: answering small talk: "hi", "thanks", "who are you?"), "unnamed" (no article is about
    #: what "the football story" names) or "articles" (those about what "which articles do
    #: you have about fires" names, where there are several).
    kind: str
    #: The article the reply is about ("" when it is about none in particular).
    doc_id: str
    #: The lines to show, plain text (renderers escape and lay them out).
    lines: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """The reply in the `ask --json` schema."""
        return {"kind": self.kind, "doc_id": self.doc_id, "lines": list(self.lines)}


@dataclass(frozen=True, slots=True)
class Answer:
    """The outcome of one question: passages best first, and whether they answer it."""

    question: str
    answered: bool
    confidence: float
    passages: list[RetrievedPassage] = field(default_factory=list)
    #: The signals the outcome was decided from (for calibration).
    evidence: tuple[float, ...] = ()
    #: "answer": the passage answers it; "closest": the article is about the subject but may
    #: not give the asked fact, the passage is the closest it has; "none": not in the articles.
    outcome: Outcome = "none"
    #: What to show instead of the top passage, when the question was about the article itself.
    reply: ArticleReply | None = None
    #: A second passage nearly as good as the best, saying something else: shown on one line.
    also: RetrievedPassage | None = None
    #: The topic gate's score (is the question on the articles' subject at all?), when the
    #: decision was made: below its threshold the outcome is "none" whatever `confidence` is.
    topical: float | None = None

    def __post_init__(self) -> None:
        # `answered` (set alone, or changed by dataclasses.replace) means a confident answer.
        if self.answered and self.outcome != "answer":
            object.__setattr__(self, "outcome", "answer")
        if self.outcome == "answer" and not self.answered:
            raise ValueError("an answer with outcome 'answer' must be answered")

    def to_json(self) -> dict[str, Any]:
        """The answer in the `ask --json` schema."""
        data = {
            "question": self.question,
            "answered": self.answered,
            "outcome": self.outcome,
            "confidence": round(self.confidence, 4),
            "passages": [p.to_json() for p in self.passages],
        }
        if self.topical is not None:
            data["topical"] = round(self.topical, 4)
        if self.reply is not None:  # only then, so that plain answers keep their old shape
            data["reply"] = self.reply.to_json()
        if self.also is not None:
            data["also"] = self.also.to_json()
        return data
