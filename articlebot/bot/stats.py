"""How many questions were answered since start (shown by /stats)."""

from __future__ import annotations

from dataclasses import dataclass

from articlebot.retrieval.results import Answer


def offers_closest(answer: Answer) -> bool:
    """Whether a reply shows a passage as only the closest one ("may not say exactly")."""
    return answer.reply is None and answer.outcome == "closest" and bool(answer.passages)


@dataclass
class AnswerCounts:
    """Questions answered from the articles, offered only the closest passage, and questions
    the articles did not answer."""

    answered: int = 0
    closest: int = 0
    not_answered: int = 0

    def count(self, answer: Answer) -> None:
        """Count one delivered answer."""
        if answer.answered:
            self.answered += 1
        elif offers_closest(answer):
            self.closest += 1
        else:
            self.not_answered += 1
