"""How many questions were answered since start (shown by /stats)."""

from __future__ import annotations

from dataclasses import dataclass

from articlebot.retrieval.results import Answer

#: Reply kinds answering a message that asked the articles nothing: small talk ("hi",
#: "thanks") and a question to ask again in English.
NOT_ASKED = ("chat", "language")


def offers_closest(answer: Answer) -> bool:
    """Whether a reply shows a passage as only the closest one ("may not say exactly")."""
    return answer.reply is None and answer.outcome == "closest" and bool(answer.passages)


@dataclass
class AnswerCounts:
    """Questions answered from the articles, offered only the closest passage, and questions
    the articles did not answer; small talk and messages not in English are no questions of
    the articles, and are not counted."""

    answered: int = 0
    closest: int = 0
    not_answered: int = 0

    def count(self, answer: Answer) -> None:
        """Count one delivered answer, unless it answers small talk or a question not in English."""
        if answer.reply is not None and answer.reply.kind in NOT_ASKED:
            # "hi" or "wie alt ist Tom Baker?" asked the articles nothing: counted as "not in
            # the articles", they made the operator's figure look worse than it is.
            return
        if answer.answered:
            self.answered += 1
        elif offers_closest(answer):
            self.closest += 1
        else:
            self.not_answered += 1
