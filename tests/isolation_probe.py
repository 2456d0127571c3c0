"""Run by test_config in a child test session started with stray settings; not collected on its
own (its name does not start with test_). Run after unit tests, it also checks they left torch
unloaded."""

from __future__ import annotations

import sys

from articlebot.config import Settings, load_settings


def test_settings_are_the_defaults() -> None:
    defaults = Settings.model_construct()  # field defaults alone, nothing read
    settings = load_settings()
    assert settings.top_k == defaults.top_k
    assert settings.min_confidence == defaults.min_confidence
    assert settings.max_question_chars == defaults.max_question_chars
    assert settings.telegram_bot_token is None
    assert Settings().top_k == defaults.top_k


def test_unit_tests_load_no_torch() -> None:
    assert "torch" not in sys.modules
    assert "sentence_transformers" not in sys.modules
