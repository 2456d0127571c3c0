"""How many questions were answered since start (shown by /stats)."""

from __future__ import annotations

from dataclasses import dataclass

from articlebot.retrieval.results import Answer


@dataclass
class AnswerCounts:
    """Questions answered from the articles, and questions they did not answer."""

    answered: int = 0
    not_answered: int = 0

    def count(self, answer: Answer) -> None:
        """Count one delivered answer."""
        if answer.answered:
            self.answered += 1
        else:
            self.not_answered += 1
