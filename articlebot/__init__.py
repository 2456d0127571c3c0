"""articlebot: answers questions about news articles from the passages that say so."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
