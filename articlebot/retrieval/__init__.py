"""Searching the index and shaping answers."""

from __future__ import annotations

from articlebot.retrieval.results import Answer, Highlight, RetrievedPassage
from articlebot.retrieval.retriever import RankingSettings, Retriever

__all__ = ["Answer", "Highlight", "RankingSettings", "RetrievedPassage", "Retriever"]
