"""The ONNX encoder against the sentence-transformers reference on the bundled model, and the
build steps that make, optimize and keep its export."""

from __future__ import annotations

import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from articlebot.encoders import Encoder
from articlebot.encoders.onnx import (
    CONFIG_FILE,
    INFO_FILE,
    MODEL_FILE,
    QUANTIZED_MODEL_FILE,
    OnnxEncoder,
    OnnxExportError,
    current_prepared_model,
    read_export_info,
    superseded_prepared_models,
)
from articlebot.encoders.onnx_cache import ensure_onnx_export
from articlebot.encoders.onnx_export import export_onnx
from articlebot.encoders.onnx_optimize import prepare_model

_SENTENCES = [
    "The central bank raised interest rates by a quarter of a percentage point on Thursday.",
    "Officials said the decision reflected persistent inflation in services and housing.",
    "Opposition lawmakers criticised the move, warning of slower growth and job losses.",
    "Analysts at several investment firms had expected the increase for weeks.",
    "Markets in Tokyo, Frankfurt and New York barely moved after the announcement.",
    "The governor will testify before a parliamentary committee later this month.",
]
# ~150 and ~300 words: past the 128 word pieces that tokenizer.json is preset to truncate at,
# and past the model's 256, so both the 128 trap and real truncation are exercised.
MEDIUM = " ".join(_SENTENCES * 2)
LONG = " ".join(_SENTENCES * 4)

TEXTS = [
    "Who won the election?",
    "what did the minister say about hospitals",
    "When does the new law take effect?",
    "How much will the bridge cost, and who pays for it?",
    "Why did the talks collapse?",
    "rates",
    " ",
    "?",
    "Ünïcödé façade — naïve café in São Paulo",
    "Was sagte die Ministerin über die Krankenhäuser?",
    "東京の天気はどうですか",
    "Is the launch still on? 🚀🔥👍",
    "COVID-19 vaccines: 95% efficacy, $2.5bn deal (Pfizer/BioNTech)",
    "e-mail: press@example.org, tel. +44 20 7946 0958",
    "   leading and trailing spaces   ",
    "line one\nline two\ttabbed",
    "a" * 500,
    _SENTENCES[0],
    MEDIUM,
    LONG,
]
#: All but the two long texts: for checks that the long ones would only make slower.
SHORT_TEXTS = TEXTS[:-2]


@pytest.fixture(scope="session")
def onnx_encoder(export_dir: Path) -> OnnxEncoder:
    """The encoder under test, loaded once."""
    return OnnxEncoder(export_dir, name="all-MiniLM-L6-v2")


# Distinct topics, one question each: the int8 model must pick the same passage as float32.
PASSAGES = [
    "The city council approved a new budget that adds funding for public hospitals and clinics.",
    "Heavy rain flooded the river valley, forcing thousands of residents to leave their homes.",
    "The national football team won the championship after a penalty shoot-out in the final.",
    "Scientists reported that a new vaccine cut infections by ninety percent in a large trial.",
    "The central bank raised interest rates to slow inflation in food and energy prices.",
    "A rocket carrying three astronauts launched to the space station early on Tuesday.",
    "The museum reopened its ancient Egypt gallery after a two-year restoration project.",
    "Workers at the car factory went on strike over wages and longer shifts.",
]
QUESTIONS = [
    "How much money will hospitals get?",
    "Why did people have to evacuate?",
    "Who won the cup final?",
    "How effective was the vaccine?",
    "What did the bank do about prices?",
    "When did the astronauts take off?",
    "Which exhibition opened again?",
    "Why are the car workers striking?",
]


@dataclass(frozen=True)
class Int8Export:
    """A copy of the session's export without its int8 model, then ensured with one."""

    folder: Path
    model_mtime_before: int


@pytest.fixture(scope="session")
def int8_export(
    export_dir: Path, model_location: str, tmp_path_factory: pytest.TempPathFactory
) -> Int8Export:
    """The int8 variant, made once, as `--quantized` makes it: by ensure_onnx_export."""
    folder = tmp_path_factory.mktemp("int8") / "cache"
    shutil.copytree(export_dir, folder)
    (folder / QUANTIZED_MODEL_FILE).unlink(missing_ok=True)
    before = (folder / MODEL_FILE).stat().st_mtime_ns
    assert ensure_onnx_export(model_location, folder, quantized=True) == folder
    return Int8Export(folder, before)


@pytest.fixture(scope="session")
def int8_encoder(int8_export: Int8Export) -> OnnxEncoder:
    """The int8 variant, loaded once."""
    return OnnxEncoder(int8_export.folder, name="all-MiniLM-L6-v2", quantized=True)


@pytest.fixture(scope="session")
def reference_vectors(reference_encoder: Encoder) -> np.ndarray:
    """sentence-transformers' vectors for TEXTS, computed once: the float32 and int8 exports
    are both held to them (torch on TEXTS is the costliest step of this file)."""
    return reference_encoder.encode(TEXTS)


def test_long_texts_cross_the_truncation_limits(reference_encoder: Encoder) -> None:
    medium, long = reference_encoder.count_tokens([MEDIUM, LONG])
    assert 128 < medium < 256 < long


def test_export_records_the_model(export_dir: Path, onnx_encoder: OnnxEncoder) -> None:
    info = read_export_info(export_dir)
    assert info is not None
    assert (info.dimension, info.max_tokens) == (384, 256)
    assert len(info.source_hash) == 64
    assert (onnx_encoder.dimension, onnx_encoder.max_tokens) == (384, 256)
    assert onnx_encoder.name == "all-MiniLM-L6-v2"
    assert current_prepared_model(export_dir / MODEL_FILE) is not None  # optimized when made
    assert not [p.name for p in export_dir.parent.iterdir() if p.name.startswith(".")]


def test_vectors_match_sentence_transformers(
    reference_vectors: np.ndarray, onnx_encoder: OnnxEncoder
) -> None:
    expected = reference_vectors
    actual = onnx_encoder.encode(TEXTS)
    assert actual.dtype == np.float32
    assert actual.shape == (len(TEXTS), 384)
    assert actual.flags["C_CONTIGUOUS"]
    np.testing.assert_allclose(np.linalg.norm(actual, axis=1), 1.0, atol=1e-5)
    cosines = np.sum(expected * actual, axis=1)
    assert cosines.min() >= 0.9999, dict(zip(TEXTS, cosines.round(6), strict=True))
    one = onnx_encoder.encode([TEXTS[0]])  # a question's path: one text, no batch
    assert one.dtype == np.float32 and one.shape == (1, 384) and one.flags["C_CONTIGUOUS"]
    assert float(one[0] @ expected[0]) >= 0.9999


def test_token_counts_match_sentence_transformers(
    reference_encoder: Encoder, onnx_encoder: OnnxEncoder
) -> None:
    assert onnx_encoder.count_tokens(TEXTS) == reference_encoder.count_tokens(TEXTS)
    assert onnx_encoder.count_tokens([]) == []


def test_token_vectors_match_sentence_transformers(
    reference_encoder: Encoder, onnx_encoder: OnnxEncoder
) -> None:
    """Both encoders give the same word pieces and token vectors (the confidence reads them)."""
    texts = TEXTS[:4]
    pieces, vectors = onnx_encoder.token_vectors(texts)
    reference_pieces, reference = reference_encoder.token_vectors(texts)
    assert pieces == reference_pieces and vectors.shape == reference.shape
    assert np.sum(vectors * reference, axis=1).min() >= 0.999
    # A question's vector and its token vectors come from one run, as from two.
    pooled, both_pieces, both_vectors = onnx_encoder.encode_with_tokens(texts)
    assert both_pieces == pieces
    np.testing.assert_allclose(both_vectors, vectors, atol=1e-6)
    np.testing.assert_allclose(pooled, onnx_encoder.encode(texts), atol=1e-6)


def test_batching_does_not_change_vectors(onnx_encoder: OnnxEncoder) -> None:
    batched = onnx_encoder.encode(TEXTS, batch_size=64)
    small_batches = onnx_encoder.encode(TEXTS, batch_size=3)
    one_by_one = np.vstack([onnx_encoder.encode([text]) for text in TEXTS])
    np.testing.assert_allclose(small_batches, batched, atol=1e-5)
    np.testing.assert_allclose(one_by_one, batched, atol=1e-5)


def test_empty_input(onnx_encoder: OnnxEncoder) -> None:
    vectors = onnx_encoder.encode([])
    assert vectors.shape == (0, 384)
    assert vectors.dtype == np.float32


def test_concurrent_encode_gives_the_same_vectors(onnx_encoder: OnnxEncoder) -> None:
    # The short texts' lengths vary enough for different shapes per call.
    texts = SHORT_TEXTS
    expected = onnx_encoder.encode(texts)

    def work(i: int) -> np.ndarray:
        # Different batch sizes and orders per thread, so the threads run different shapes.
        order = np.roll(np.arange(len(texts)), i)
        vectors = onnx_encoder.encode([texts[j] for j in order], batch_size=1 + i)
        return vectors[np.argsort(order)]

    # Four threads on the two cores: enough to overlap calls of different shapes.
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(work, range(4)))
    for result in results:
        np.testing.assert_allclose(result, expected, atol=1e-5)


@pytest.mark.slow
# Exports again with torch, in the worker that has loaded it for the reference already.
@pytest.mark.xdist_group("costly-models")
def test_ensure_reuses_a_current_export_and_redoes_a_stale_one(
    export_dir: Path, model_location: str, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    shutil.copytree(export_dir, cache)
    before = (cache / MODEL_FILE).stat().st_mtime_ns

    assert ensure_onnx_export(model_location, cache) == cache
    assert (cache / MODEL_FILE).stat().st_mtime_ns == before

    info_path = cache / INFO_FILE
    info = json.loads(info_path.read_text())
    real_hash = info["source_hash"]
    # Source files touched (sizes/mtimes differ) but identical: checked by hash, not redone.
    info["source_stat"] = "touched"
    info_path.write_text(json.dumps(info))
    assert ensure_onnx_export(model_location, cache) == cache
    assert (cache / MODEL_FILE).stat().st_mtime_ns == before

    # Source files really changed: both the stat signature and the hash differ.
    info["source_hash"] = "0" * 64
    info_path.write_text(json.dumps(info))

    assert ensure_onnx_export(model_location, cache) == cache
    assert (cache / MODEL_FILE).stat().st_mtime_ns != before
    assert json.loads(info_path.read_text())["source_hash"] == real_hash
    # No leftovers: the export and the lock its makers take turns on.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "cache.lock"]


def test_hub_names_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(OnnxExportError, match="not a local model folder"):
        ensure_onnx_export("sentence-transformers/all-MiniLM-L6-v2", tmp_path / "cache")
    assert not (tmp_path / "cache").exists()


def test_export_will_not_replace_a_foreign_folder(model_location: str, tmp_path: Path) -> None:
    target = tmp_path / "mine"
    target.mkdir()
    (target / "notes.txt").write_text("keep me")
    with pytest.raises(OnnxExportError, match="not replacing"):
        export_onnx(model_location, target)
    assert (target / "notes.txt").read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]


def test_loading_a_missing_export_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(OnnxExportError):
        OnnxEncoder(tmp_path, name="nothing")


def test_int8_stays_close_to_the_reference(
    reference_vectors: np.ndarray, int8_encoder: OnnxEncoder
) -> None:
    expected = reference_vectors
    actual = int8_encoder.encode(TEXTS)
    assert actual.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(actual, axis=1), 1.0, atol=1e-5)
    cosines = np.sum(expected * actual, axis=1)
    assert cosines.mean() >= 0.98
    assert cosines.min() >= 0.9


def test_int8_retrieves_the_same_passages(
    onnx_encoder: OnnxEncoder, int8_encoder: OnnxEncoder
) -> None:
    def top1(model: OnnxEncoder) -> list[int]:
        scores = model.encode(QUESTIONS) @ model.encode(PASSAGES).T
        return scores.argmax(axis=1).tolist()

    assert top1(onnx_encoder) == list(range(len(QUESTIONS)))
    assert top1(int8_encoder) == top1(onnx_encoder)


def test_ensure_adds_a_missing_int8_model(int8_export: Int8Export) -> None:
    cache = int8_export.folder
    assert (cache / QUANTIZED_MODEL_FILE).is_file()
    assert current_prepared_model(cache / QUANTIZED_MODEL_FILE) is not None
    assert (cache / MODEL_FILE).stat().st_mtime_ns == int8_export.model_mtime_before
    assert not [p.name for p in cache.iterdir() if p.name.startswith(".")]


def _files(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}


def test_opening_an_export_writes_nothing(export_dir: Path, tmp_path: Path) -> None:
    """The runtime encoder only reads: without an optimized copy it loads the plain model."""
    cache = tmp_path / "cache"
    shutil.copytree(export_dir, cache, ignore=shutil.ignore_patterns("*.ort-*"))
    before = _files(cache)
    unprepared = OnnxEncoder(cache, name="m")
    assert _files(cache) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache"]
    prepared = OnnxEncoder(export_dir, name="m")
    np.testing.assert_allclose(
        unprepared.encode(SHORT_TEXTS), prepared.encode(SHORT_TEXTS), atol=1e-5
    )


def test_optimized_copy_is_made_once_and_gives_the_same_vectors(
    export_dir: Path, tmp_path: Path
) -> None:
    """Start-up loads a pre-optimized copy whose weights are mapped from disk, not the export."""
    import onnx
    import onnxruntime as ort

    cache = tmp_path / "cache"
    shutil.copytree(export_dir, cache, ignore=shutil.ignore_patterns("*.ort-*"))
    texts = ["Who was Laurent Vinatier swapped for?", "A longer sentence about a prisoner swap."]
    assert current_prepared_model(cache / MODEL_FILE) is None
    plain_encoder = OnnxEncoder(cache, name="m")
    # A copy made in the format before (without token vectors) is replaced, not kept beside.
    superseded = superseded_prepared_models(cache / MODEL_FILE)[0]
    for path in (superseded, superseded.with_name(superseded.name + ".data")):
        path.write_bytes(b"an earlier copy")
    prepared = prepare_model(cache / MODEL_FILE)
    assert prepared != cache / MODEL_FILE and prepared == current_prepared_model(cache / MODEL_FILE)
    assert not superseded.exists() and not superseded.with_name(superseded.name + ".data").exists()
    assert (cache / (prepared.name + ".data")).stat().st_size > 50_000_000  # the weights
    graph = onnx.load(prepared, load_external_data=False).graph
    assert sum(node.op_type == "Attention" for node in graph.node) == 6  # one per layer, fused
    assert len(graph.output) == 2  # the pooled vector, and the token vectors it pools
    made = _files(cache)
    assert prepare_model(cache / MODEL_FILE) == prepared
    encoder = OnnxEncoder(cache, name="m")
    assert _files(cache) == made  # reused, not rewritten

    options = ort.SessionOptions()
    options.log_severity_level = 3
    plain = ort.InferenceSession(str(cache / MODEL_FILE), options, ["CPUExecutionProvider"])
    ids = np.array([[101, 2040, 2001, 102]], dtype=np.int64)
    feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
    feeds |= {"token_type_ids": np.zeros_like(ids)}
    names = {i.name for i in plain.get_inputs()}
    reference = plain.run(None, {k: v for k, v in feeds.items() if k in names})[0]
    ours = encoder._session.run(None, {k: v for k, v in feeds.items() if k in names})[0]
    np.testing.assert_allclose(ours, reference, atol=1e-5)
    np.testing.assert_allclose(encoder.encode(texts), plain_encoder.encode(texts), atol=1e-5)
    # Token vectors come from the session `encode` runs, as the unprepared export's second
    # session gives them.
    pieces, vectors = encoder.token_vectors(texts)
    assert encoder._token_session is encoder._session
    plain_pieces, plain_vectors = plain_encoder.token_vectors(texts)
    assert pieces == plain_pieces
    np.testing.assert_allclose(vectors, plain_vectors, atol=1e-4)


def test_an_old_export_gets_its_optimized_copy_from_ensure(
    export_dir: Path, model_location: str, tmp_path: Path
) -> None:
    """An export made before optimizing was a build step is optimized by the next ensure."""
    cache = tmp_path / "cache"
    shutil.copytree(export_dir, cache, ignore=shutil.ignore_patterns("*.ort-*"))
    before = (cache / MODEL_FILE).stat().st_mtime_ns
    ensure_onnx_export(model_location, cache)
    assert current_prepared_model(cache / MODEL_FILE) is not None
    assert (cache / MODEL_FILE).stat().st_mtime_ns == before  # not exported again


def test_an_export_made_before_configs_were_kept_gets_its_config(
    export_dir: Path, model_location: str, tmp_path: Path
) -> None:
    """Exports from an earlier version lack config.json, which fusing needs; it is copied in."""
    cache = tmp_path / "cache"
    shutil.copytree(export_dir, cache, ignore=shutil.ignore_patterns("*.ort-*", CONFIG_FILE))
    before = (cache / MODEL_FILE).stat().st_mtime_ns
    ensure_onnx_export(model_location, cache)
    assert (cache / CONFIG_FILE).is_file()
    assert (cache / MODEL_FILE).stat().st_mtime_ns == before  # not exported again
    assert json.loads((cache / CONFIG_FILE).read_text())["num_attention_heads"] == 12
