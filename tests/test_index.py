"""The index on disk: incremental updates, atomic writes, clear errors on damage or mismatch."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import faiss
import numpy as np
import pytest

from articlebot.collection import add_documents, open_index, rebuild_index, update_index
from articlebot.config import load_settings
from articlebot.encoders import Encoder
from articlebot.index.dense import FlatSearch, build_dense_index, open_dense
from articlebot.index.lock import WriteStopped, giving_up_when
from articlebot.index.store import (
    CURRENT,
    TOKEN_COUNTS_FILE,
    TOKEN_SCALES_FILE,
    TOKENS_FILE,
    IndexCorruptError,
    IndexMismatchError,
    IndexWriteError,
    current_generation,
    read_manifest,
)
from articlebot.ingest.documents import Document, read_documents
from articlebot.retrieval.retriever import Retriever
from articlebot.storage.local_index import load_index


class CountingEncoder:
    """The real encoder, counting the texts it embeds."""

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self.max_tokens = inner.max_tokens
        self.encoded = 0

    def encode(self, texts, batch_size: int = 64) -> np.ndarray:
        self.encoded += len(texts)
        return self.inner.encode(texts, batch_size)

    def count_tokens(self, texts) -> list[int]:
        return self.inner.count_tokens(texts)


def _docs(tmp_path: Path, **texts: str) -> list[Document]:
    folder = tmp_path / "docs"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    for name, text in texts.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return read_documents([folder])


ALPHA = "Harbour news\nThe harbour reopened on Monday after repairs. Ferries resumed at noon.\n"
BETA = "Mountain news\nSnow closed the mountain pass for two days. Drivers waited in town.\n"


def test_second_run_embeds_nothing_and_changed_doc_alone(settings_for, encoder, tmp_path):
    settings = settings_for()
    counting = CountingEncoder(encoder)
    _, first = update_index(settings, counting, _docs(tmp_path, alpha=ALPHA, beta=BETA))
    assert sorted(first.added) == ["alpha", "beta"] and first.written
    generation = current_generation(settings.index_dir)

    counting.encoded = 0
    _, second = update_index(settings, counting, _docs(tmp_path, alpha=ALPHA, beta=BETA))
    assert counting.encoded == 0 and second.embedded_passages == 0
    assert not second.written and current_generation(settings.index_dir) == generation

    changed = BETA.replace("two days", "three days")
    data, third = update_index(settings, counting, _docs(tmp_path, alpha=ALPHA, beta=changed))
    assert third.updated == ["beta"] and third.unchanged == ["alpha"]
    beta_passages = [p for p in data.passages if p.doc_id == "beta"]
    beta_sentences = sum(len(p.sentences) for p in beta_passages)  # one passage, no overlap
    assert counting.encoded == len(beta_passages) + beta_sentences
    reloaded = load_index(settings.index_dir)
    assert "three days" in reloaded.documents["beta"].text
    np.testing.assert_allclose(reloaded.passage_vectors, data.passage_vectors)

    data, fourth = update_index(settings, counting, _docs(tmp_path, alpha=ALPHA))
    assert fourth.removed == ["beta"]
    assert {p.doc_id for p in load_index(settings.index_dir).passages} == {"alpha"}


def test_an_article_renamed_keeps_its_vectors_and_date(settings_for, encoder, tmp_path):
    # The same text under a new id (a .jsonl line whose id was its number, now its title's
    # words) is not embedded again: a large corpus would have been, all of it.
    settings = settings_for()
    counting = CountingEncoder(encoder)
    first, _ = update_index(settings, counting, _docs(tmp_path, alpha=ALPHA, beta=BETA))
    added = read_manifest(settings.index_dir).documents["alpha"]["added"]
    counting.encoded = 0
    data, report = update_index(settings, counting, _docs(tmp_path, gamma=ALPHA, beta=BETA))
    assert counting.encoded == 0 and report.embedded_passages == 0
    assert report.renamed == {"alpha": "gamma"} and report.written
    assert {p.doc_id for p in data.passages} == {"gamma", "beta"}
    assert read_manifest(settings.index_dir).documents["gamma"]["added"] == added
    np.testing.assert_allclose(
        data.passage_vectors[[i for i, p in enumerate(data.passages) if p.doc_id == "gamma"]],
        first.passage_vectors[[i for i, p in enumerate(first.passages) if p.doc_id == "alpha"]],
    )


def test_a_rebuild_keeps_each_article_s_date_added(settings_for, encoder, tmp_path):
    # `index --rebuild` said "2 unchanged" and `list`, "when was this published" ("Indexed
    # on ...") moved every article to the rebuild's date.
    settings = settings_for()
    update_index(settings, encoder, _docs(tmp_path, alpha=ALPHA))
    first = read_manifest(settings.index_dir).documents["alpha"]["added"]
    time.sleep(0.05)
    _, report = update_index(
        settings, encoder, _docs(tmp_path, alpha=ALPHA, beta=BETA), rebuild=True
    )
    assert report.unchanged == ["alpha"] and report.added == ["beta"]
    documents = read_manifest(settings.index_dir).documents
    assert documents["alpha"]["added"] == first and documents["beta"]["added"] > first


def test_failed_write_leaves_previous_index_loadable(settings_for, encoder, tmp_path, monkeypatch):
    settings = settings_for()
    update_index(settings, encoder, _docs(tmp_path, alpha=ALPHA))

    def explode(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(faiss, "write_index", explode)
    with pytest.raises(IndexWriteError, match="disk full; the index is as it was"):
        update_index(settings, encoder, _docs(tmp_path, alpha=ALPHA, beta=BETA))
    monkeypatch.undo()
    data = load_index(settings.index_dir)
    assert list(data.documents) == ["alpha"]
    assert not [p for p in settings.index_dir.iterdir() if p.name.startswith(".tmp")]


def test_corrupted_faiss_file_is_reported(settings_for, encoder, tmp_path):
    settings = settings_for()
    update_index(settings, encoder, _docs(tmp_path, alpha=ALPHA))
    dense = current_generation(settings.index_dir) / "dense.faiss"
    kept = dense.read_bytes()
    dense.write_bytes(kept[:40])
    with pytest.raises(IndexCorruptError, match=r"articlebot index --rebuild"):
        load_index(settings.index_dir)
    dense.write_bytes(kept)
    # A cut-off .npz is no zip file: the same one line, not a traceback.
    terms = current_generation(settings.index_dir) / "sentence_terms.npz"
    terms.write_bytes(terms.read_bytes()[: terms.stat().st_size // 2])
    with pytest.raises(IndexCorruptError, match=r"damaged .*articlebot index --rebuild"):
        load_index(settings.index_dir)


def _rewrite_jsonl(path: Path, change) -> None:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    change(rows)
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")


def _damage_keyword(folder: Path, name: str, value) -> None:
    path = folder / "keyword" / name
    if name.endswith(".npy"):
        np.save(path, value(np.load(path)))
    else:
        path.write_text(json.dumps(value(json.loads(path.read_text()))), encoding="utf-8")


#: A CLI attacker's probes: each of these ended `ask` in a traceback; `index --rebuild`, the
#: fix the one line names, in another for a number as an article's text.
DAMAGE = {
    "an article listed twice": lambda g: (g / "documents.jsonl").write_text(
        (g / "documents.jsonl").read_text() * 2
    ),
    "an article's text a number": lambda g: _rewrite_jsonl(
        g / "documents.jsonl", lambda rows: rows[0].update(text=5)
    ),
    "a passage without sentences": lambda g: _rewrite_jsonl(
        g / "passages.jsonl", lambda rows: rows[0].update(sentences=[])
    ),
    "a passage's first sentence past the end": lambda g: _rewrite_jsonl(
        g / "passages.jsonl", lambda rows: rows[0].update(first_sentence=99)
    ),
    "the sentence table flattened": lambda g: np.save(
        g / "sentences.npy", np.load(g / "sentences.npy").reshape(-1)
    ),
    "the sentence table as floats": lambda g: np.save(
        g / "sentences.npy", np.load(g / "sentences.npy").astype(np.float64)
    ),
    "keyword parameters a list": lambda g: _damage_keyword(g, "params.index.json", lambda p: [p]),
    "a tokenizer pattern that does not compile": lambda g: _damage_keyword(
        g, "tokens.json", lambda t: {**t, "pattern": "("}
    ),
    "keyword scores in two dimensions": lambda g: _damage_keyword(
        g, "data.csc.index.npy", lambda a: a.reshape(1, -1)
    ),
    # Numbers JSON allows and no int or int64 holds (OverflowError tracebacks).
    "a paragraph number infinite": lambda g: _rewrite_jsonl(
        g / "passages.jsonl", lambda rows: rows[0].update(paragraph=float("inf"))
    ),
    "a first sentence past int64": lambda g: _rewrite_jsonl(
        g / "passages.jsonl", lambda rows: rows[0].update(first_sentence=10**30)
    ),
    "an article's body start infinite": lambda g: _rewrite_jsonl(
        g / "documents.jsonl", lambda rows: rows[0].update(body_start=float("inf"))
    ),
    "the manifest's dimension infinite": lambda g: _rewrite_manifest(
        g, lambda m: m.update(dimension=float("inf"))
    ),
    # `list` sorts by the time added: a word there, or an entry that is no object, was a
    # traceback in `list` alone.
    "an article's time added a word": lambda g: _rewrite_manifest(
        g, lambda m: m["documents"]["alpha"].update(added="yesterday")
    ),
    "an article's entry a number": lambda g: _rewrite_manifest(
        g, lambda m: m["documents"].update(alpha=5)
    ),
    # Finite, but past any date `list`, /articles and "Indexed on" show (OverflowError).
    "an article's time added past any date": lambda g: _rewrite_manifest(
        g, lambda m: m["documents"]["alpha"].update(added=1e300)
    ),
    "an article's time added a whole number past any date": lambda g: _rewrite_manifest(
        g, lambda m: m["documents"]["alpha"].update(added=10**30)
    ),
}


def _rewrite_manifest(generation: Path, change) -> None:
    manifest = json.loads((generation / "manifest.json").read_text(encoding="utf-8"))
    change(manifest)
    (generation / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damage_inside_the_index_files_is_one_line_and_rebuild_mends_it(
    settings_for, encoder, tmp_path, damage: str
) -> None:
    settings = settings_for()
    update_index(settings, encoder, _docs(tmp_path, alpha=ALPHA, beta=BETA))
    DAMAGE[damage](current_generation(settings.index_dir))
    with pytest.raises(IndexCorruptError, match=r"damaged|inconsistent") as refused:
        load_index(settings.index_dir)
    assert "articlebot index --rebuild" in str(refused.value)
    if damage in ("an article's text a number", "an article's body start infinite"):
        # Its stored copy is what is damaged: the rebuild says so (the CLI names the files).
        with pytest.raises(IndexCorruptError, match=r"cannot be read \(an article.s fields"):
            rebuild_index(settings, encoder)
        return
    rebuild_index(settings, encoder)
    assert sorted(load_index(settings.index_dir).documents) == ["alpha", "beta"]


def test_a_vector_that_is_not_a_number_is_one_line_where_it_is_read(
    settings_for, encoder, tmp_path
) -> None:
    # A CLI attacker's probe: four bytes flipped in sentence_vectors.npy ended every question
    # touching that sentence in an IndexError deep in the ranking.
    settings = settings_for()
    update_index(settings, encoder, _docs(tmp_path, alpha=ALPHA))
    vectors = current_generation(settings.index_dir) / "sentence_vectors.npy"
    damaged = np.load(vectors)
    damaged[:, 0] = np.nan
    np.save(vectors, damaged)
    retriever = Retriever(open_index(settings, encoder), encoder)
    with pytest.raises(IndexCorruptError, match=r"not a number.*articlebot index --rebuild"):
        retriever.ask("what happened?")


def test_missing_store_and_damaged_pointer_are_reported(settings_for, encoder, tmp_path):
    settings = settings_for()
    update_index(settings, encoder, _docs(tmp_path, alpha=ALPHA))
    (current_generation(settings.index_dir) / "passages.jsonl").unlink()
    with pytest.raises(IndexCorruptError, match=r"passages\.jsonl"):
        load_index(settings.index_dir)
    (settings.index_dir / CURRENT).write_text("../../etc\n")
    with pytest.raises(IndexCorruptError, match="damaged"):
        load_index(settings.index_dir)


def test_a_build_gives_up_when_its_bot_stops_and_writes_nothing(settings_for, encoder, tmp_path):
    # A verifier's probe: a 500 KB upload being embedded when the bot was told to stop held the
    # stop for 56 s, then was written after its admin was told it had not been added.
    settings = settings_for()
    update_index(settings, encoder, _docs(tmp_path, alpha=ALPHA))
    before = current_generation(settings.index_dir)
    files = sorted(settings.index_dir.iterdir())
    stop = threading.Event()
    stop.set()
    with giving_up_when(stop), pytest.raises(WriteStopped, match="the bot is stopping"):
        add_documents(settings, encoder, _docs(tmp_path, beta=BETA))
    assert current_generation(settings.index_dir) == before
    assert sorted(settings.index_dir.iterdir()) == files  # no half-written generation left
    assert list(load_index(settings.index_dir).documents) == ["alpha"]
    # Not stopping, the same add goes through.
    with giving_up_when(threading.Event()):
        add_documents(settings, encoder, _docs(tmp_path, beta=BETA))
    assert sorted(load_index(settings.index_dir).documents) == ["alpha", "beta"]


def test_index_from_another_model_or_chunking_says_so(settings_for, encoder, tmp_path):
    update_index(settings_for(), encoder, _docs(tmp_path, alpha=ALPHA))
    # Said in words, with the setting that asks for it (not two Python dicts).
    with pytest.raises(IndexMismatchError) as mismatch:
        open_index(settings_for(max_passage_tokens=64), encoder)
    assert str(mismatch.value).startswith(
        f"index in {settings_for().index_dir} was built with passages of at most 160 tokens, "
        "where ARTICLEBOT_MAX_PASSAGE_TOKENS asks for 64; run `articlebot index --rebuild"
    )

    class OtherModel(CountingEncoder):
        pass

    other = OtherModel(encoder)
    other.name = "some-other-model"
    with pytest.raises(IndexMismatchError, match="some-other-model"):
        open_index(settings_for(), other)
    # A write under the other model is refused too: embedded again under it, the index would
    # be refused by every reader with the model it was built with.
    before = current_generation(settings_for().index_dir)
    with pytest.raises(IndexMismatchError, match=r"some-other-model'; nothing was written"):
        add_documents(settings_for(), other, _docs(tmp_path, beta=BETA))
    assert other.encoded == 0
    assert current_generation(settings_for().index_dir) == before
    assert list(open_index(settings_for(), encoder).documents) == ["alpha"]
    # The bundled model by its hub name is the same model, both ways (a verifier's probe: an
    # index built under one name refused every write under the other).
    hub = OtherModel(encoder)
    hub.name = f"sentence-transformers/{encoder.name}"
    add_documents(settings_for(), hub, _docs(tmp_path, beta=BETA))
    assert sorted(open_index(settings_for(), encoder).documents) == ["alpha", "beta"]
    # So in a database (a verifier's probe: `add` and `ask` refused there).
    from articlebot.index.store import Recipe
    from articlebot.storage.postgres.collection import check_recipe

    built = open_index(settings_for(), encoder).manifest
    check_recipe(built, Recipe(hub.name, built.chunking, built.embedding), "postgresql://db/x")
    with pytest.raises(IndexMismatchError):
        check_recipe(built, Recipe("some-other-model", built.chunking, built.embedding), "x")


def test_index_from_another_format_version_says_so(settings_for, encoder, tmp_path):
    import json

    settings = settings_for()
    update_index(settings, encoder, _docs(tmp_path, alpha=ALPHA))
    manifest = current_generation(settings.index_dir) / "manifest.json"
    data = json.loads(manifest.read_text())
    data.update(format=1, articlebot_version="0.0.1")
    manifest.write_text(json.dumps(data))
    with pytest.raises(IndexMismatchError, match=r"format 1 \(articlebot 0\.0\.1\)"):
        open_index(settings, encoder)


def test_open_index_builds_on_first_use_then_reuses(settings_for, encoder):
    settings = settings_for()
    counting = CountingEncoder(encoder)
    first = open_index(settings, counting)
    assert counting.encoded > 0 and len(first.documents) == 1  # the bundled article
    counting.encoded = 0
    second = open_index(settings, counting)
    assert counting.encoded == 0
    assert len(second.passages) == len(first.passages)


WRITER = """
import sys
from pathlib import Path
from articlebot.config import load_settings
from articlebot.collection import load_encoder, update_index
from articlebot.ingest.documents import read_documents
index_dir, docs = Path(sys.argv[1]), Path(sys.argv[2])
settings = load_settings(index_dir=index_dir)
encoder = load_encoder(settings)
print("ready", flush=True)
for i in range(10_000):
    (docs / "changing.txt").write_text(f"Counter news\\nThe counter reached {i} today.\\n")
    update_index(settings, encoder, read_documents([docs]))
"""


def test_killing_index_at_any_moment_leaves_a_loadable_index(index_dir, encoder, tmp_path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "alpha.txt").write_text(ALPHA, encoding="utf-8")
    update_index(load_settings(index_dir=index_dir), encoder, read_documents([docs]))
    rng = random.Random(3)
    for _ in range(6):
        process = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(index_dir), str(docs)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready", process.stderr.read()
        time.sleep(rng.uniform(0.3, 1.5))  # lands mid-write often: each update is mostly I/O
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        data = load_index(index_dir)  # never half-written
        assert "alpha" in data.documents
        if "changing" in data.documents:
            assert "counter reached" in data.documents["changing"].text


def test_large_corpora_get_an_approximate_index_with_high_recall(tmp_path) -> None:
    rng = np.random.default_rng(1)
    centres = rng.normal(size=(50, 32)).astype(np.float32)
    points = centres[rng.integers(0, 50, size=6000)] + 0.3 * rng.normal(size=(6000, 32))
    points = (points / np.linalg.norm(points, axis=1, keepdims=True)).astype(np.float32)
    approximate = build_dense_index(points, exact_limit=1000)
    exact = build_dense_index(points)
    assert isinstance(approximate, faiss.IndexIVFFlat) and isinstance(exact, faiss.IndexFlatIP)
    path = tmp_path / "ivf.faiss"
    faiss.write_index(approximate, str(path))
    reloaded = faiss.read_index(str(path))
    assert faiss.extract_index_ivf(reloaded).nprobe == approximate.nprobe
    queries = points[:200] + 0.05 * rng.normal(size=(200, 32)).astype(np.float32)
    _, truth = exact.search(queries, 5)
    _, found = reloaded.search(queries, 5)
    recall = np.mean([len(set(t) & set(f)) / 5 for t, f in zip(truth, found, strict=True)])
    assert recall >= 0.95


def _stream(count: int, pulled: list[int], fail_at: int | None = None):
    """Documents made one at a time, recording how many were taken so far."""
    topics = ["harbour", "mountain", "orchard", "railway", "library", "bakery", "stadium"]
    for i in range(count):
        if i == fail_at:
            from articlebot.ingest.documents import DocumentError

            raise DocumentError(f"corpus.jsonl:{i + 1}: not valid JSON")
        pulled.append(i)
        topic = topics[i % len(topics)]
        yield Document(
            doc_id=f"doc-{i}",
            title=f"{topic.title()} report {i}",
            text=(
                f"The {topic} in town {i} reopened on day {i}. Crews worked through the night. "
                f"Officials said {i * 3} people came to see the {topic}."
            ),
            source=f"corpus.jsonl:{i + 1}",
        )


def test_large_corpora_are_read_and_embedded_a_step_at_a_time(
    settings_for, encoder, monkeypatch
) -> None:
    """Documents are pulled as embedding goes, so text and vectors never sit in memory whole."""
    from articlebot.index import builder

    monkeypatch.setattr(builder, "STEP_TEXTS", 24)
    pulled: list[int] = []

    class Watching(CountingEncoder):
        def __init__(self, inner: Encoder) -> None:
            super().__init__(inner)
            self.pulled_at_encode: list[int] = []

        def encode(self, texts, batch_size: int = 64) -> np.ndarray:
            self.pulled_at_encode.append(len(pulled))
            return super().encode(texts, batch_size)

    watching = Watching(encoder)
    settings = settings_for()
    data, report = update_index(settings, watching, _stream(60, pulled))
    assert len(report.added) == 60 and len(data.documents) == 60
    # The first embedding ran long before the last document was read.
    assert watching.pulled_at_encode[0] < 20
    assert len(set(watching.pulled_at_encode)) > 5
    # Each document's passages still hold its own text and answer from the right place.
    from articlebot.retrieval.retriever import Retriever

    answer = Retriever(data, encoder).ask("How many people came to see the railway in town 24?")
    assert answer.passages[0].doc_id == "doc-24"
    reloaded = load_index(settings.index_dir)
    assert reloaded.doc_order == [f"doc-{i}" for i in range(60)]


def test_a_failure_in_the_middle_of_a_stream_keeps_the_previous_index(
    settings_for, encoder, monkeypatch
) -> None:
    from articlebot.index import builder
    from articlebot.ingest.documents import DocumentError

    monkeypatch.setattr(builder, "STEP_TEXTS", 24)
    settings = settings_for()
    update_index(settings, encoder, _stream(5, []))
    before = current_generation(settings.index_dir)
    with pytest.raises(DocumentError, match=r"corpus\.jsonl:31"):
        update_index(settings, encoder, _stream(60, [], fail_at=30))
    assert current_generation(settings.index_dir) == before
    assert len(load_index(settings.index_dir).documents) == 5
    assert not [p for p in settings.index_dir.iterdir() if p.name.startswith(".tmp")]


def test_updating_one_document_in_a_large_corpus_keeps_the_others_vectors(
    settings_for, encoder, monkeypatch
) -> None:
    from articlebot.index import builder

    monkeypatch.setattr(builder, "STEP_TEXTS", 24)
    settings = settings_for()
    first, _ = update_index(settings, encoder, _stream(30, []))
    first_vectors = np.array(first.passage_vectors)
    docs = list(_stream(30, []))
    docs[12] = Document(
        doc_id="doc-12", title="Changed", text="Something else happened entirely.", source="x"
    )
    counting = CountingEncoder(encoder)
    data, report = update_index(settings, counting, docs)
    assert report.updated == ["doc-12"] and len(report.unchanged) == 29
    assert counting.encoded == 2  # one passage and its one sentence
    keep = [i for i, p in enumerate(first.passages) if p.doc_id != "doc-12"]
    now = [i for i, p in enumerate(data.passages) if p.doc_id != "doc-12"]
    np.testing.assert_allclose(np.asarray(data.passage_vectors)[now], first_vectors[keep])


def _saved(index: object, path: Path) -> Path:
    faiss.write_index(index, str(path))
    return path


def test_a_saved_exact_index_is_searched_without_faiss_and_finds_what_faiss_finds(
    tmp_path,
) -> None:
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(300, 24)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    exact = build_dense_index(vectors)
    dense = open_dense(_saved(exact, tmp_path / "dense.faiss"), vectors)
    assert isinstance(dense, FlatSearch) and (dense.ntotal, dense.d) == (300, 24)
    for query in rng.normal(size=(6, 24)).astype(np.float32):
        for k in (1, 10, 300, 320):
            want_scores, want_ids = exact.search(query.reshape(1, -1), k)
            rows, every = dense.nearest(query, k)
            assert set(rows.tolist()) == set(want_ids[0][want_ids[0] >= 0].tolist())
            assert np.allclose(every[want_ids[0][:1]], want_scores[0][:1], atol=1e-5)
            assert every.shape == (300,)
    empty = open_dense(
        _saved(build_dense_index(vectors[:0]), tmp_path / "empty.faiss"), vectors[:0]
    )
    assert empty.ntotal == 0 and empty.nearest(vectors[0], 3)[0].tolist() == []


def test_a_damaged_or_mismatched_exact_index_file_is_refused(tmp_path) -> None:
    vectors = np.eye(8, dtype=np.float32)
    path = _saved(build_dense_index(vectors), tmp_path / "dense.faiss")
    whole = path.read_bytes()
    for damaged in (whole[:40], whole[:-4], whole + b"\0\0\0\0"):
        path.write_bytes(damaged)
        with pytest.raises(ValueError):
            open_dense(path, vectors)
    path.write_bytes(whole)
    assert open_dense(path, vectors).ntotal == 8
    for other in (vectors[::-1].copy(), vectors[:7]):
        with pytest.raises(ValueError):
            open_dense(path, other)


def test_answering_from_a_small_index_never_imports_faiss(settings_for, encoder, tmp_path):
    settings = settings_for()
    update_index(settings, encoder, _docs(tmp_path, alpha=ALPHA))
    script = (
        "import sys; from pathlib import Path; "
        "from articlebot.storage.local_index import load_index; "
        f"data = load_index(Path({str(settings.index_dir)!r})); "
        "print(data.dense.nearest(data.passage_vectors[0], 1)[0][0], 'faiss' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.split() == ["0", "False"]


def test_an_index_of_an_older_format_is_one_line_saying_to_rebuild(
    article_index_dir: Path, cli
) -> None:
    import json

    index_dir = article_index_dir  # the bundled article, indexed
    manifest = current_generation(index_dir) / "manifest.json"
    data = json.loads(manifest.read_text())
    data.update(format=2, articlebot_version="0.9.0")  # as the previous format's writers left it
    manifest.write_text(json.dumps(data))

    old = cli("ask", "Who was Vinatier swapped for?", index_dir=index_dir)
    assert old.returncode != 0
    assert old.stderr.strip() == (
        f"articlebot: error: index in {index_dir} has format 2 (articlebot 0.9.0); this "
        f"articlebot reads format 3; run `articlebot index --rebuild --index-dir {index_dir}` "
        "to rebuild it"
    )
    assert cli("index", "--rebuild", index_dir=index_dir).returncode == 0
    rebuilt = cli("ask", "Who was Vinatier swapped for?", index_dir=index_dir)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "Kasatkin" in rebuilt.stdout


def test_a_store_notices_a_newer_generation(settings_for, encoder, tmp_path):
    settings = settings_for()
    first, _ = update_index(settings, encoder, _docs(tmp_path, alpha=ALPHA))
    assert not first.newer_generation()
    second, _ = update_index(settings, encoder, _docs(tmp_path, alpha=ALPHA, beta=BETA))
    assert first.newer_generation() and not second.newer_generation()


def test_the_index_keeps_each_sentences_token_vectors_and_carries_them_over(
    settings_for, encoder, tmp_path, caplog
):
    """Each sentence's token vectors are kept with the index, as encoding it gives them, from
    the run that embeds the sentence; an unchanged document keeps its own through a write;
    a generation without them (made before, or damaged) is still read, without them."""
    settings = settings_for()
    data, _ = update_index(settings, encoder, _docs(tmp_path, alpha=ALPHA, beta=BETA))
    rows = np.arange(len(data.sentence_table))
    spans = data.sentence_spans(rows).tolist()
    texts = [
        data.documents[data.doc_order[d]].text[s:e]
        for d, (s, e) in zip(data.sentence_table[:, 0].tolist(), spans, strict=True)
    ]
    kept = load_index(settings.index_dir).sentence_token_vectors(rows)
    for text, vectors in zip(texts, kept, strict=True):
        pieces, expected = encoder.token_vectors([text])
        assert vectors is not None and vectors.shape == expected.shape == (len(pieces[0]), 384)
        assert np.sum(vectors * expected, axis=1).min() >= 0.999

    alpha_rows = rows[data.sentence_table[:, 0] == data.doc_rows["alpha"]]
    before = load_index(settings.index_dir).sentence_token_vectors(alpha_rows)
    changed = BETA.replace("two days", "three days")
    data, report = update_index(settings, encoder, _docs(tmp_path, alpha=ALPHA, beta=changed))
    assert report.unchanged == ["alpha"] and report.updated == ["beta"]
    after = load_index(settings.index_dir)
    alpha_rows = rows[after.sentence_table[:, 0] == after.doc_rows["alpha"]]
    for old, new in zip(before, after.sentence_token_vectors(alpha_rows), strict=True):
        assert old is not None and new is not None and np.array_equal(old, new)
    assert all(v is not None for v in after.sentence_token_vectors(np.arange(len(rows))))

    kept = after.sentence_token_vectors(rows)  # copies: the damages below rewrite the files
    generation = current_generation(settings.index_dir)
    counts_file, tokens_file = generation / TOKEN_COUNTS_FILE, generation / TOKENS_FILE
    scales_file = generation / TOKEN_SCALES_FILE
    counts, tokens, scales = np.load(counts_file), np.load(tokens_file), np.load(scales_file)
    assert tokens.dtype == np.int8 and scales.dtype == np.float32  # codes, a quarter of float32
    shifted = counts.copy()
    shifted[0], shifted[1] = -1, shifted[1] + shifted[0] + 1  # the same total
    damages = {
        "a negative count": lambda: np.save(counts_file, shifted),
        "counts of another type": lambda: np.save(counts_file, counts.astype(np.int64)),
        "codes of another type": lambda: np.save(tokens_file, tokens.astype(np.int16)),
        "scales of another type": lambda: np.save(scales_file, scales.astype(np.float16)),
        "scales of another length": lambda: np.save(scales_file, scales[:-1]),
        "float16 vectors with scales": lambda: np.save(tokens_file, tokens.astype(np.float16)),
        "one file gone": lambda: tokens_file.unlink(),
        "not an array": lambda: counts_file.write_bytes(b"not an array"),
    }
    for damage, make in damages.items():
        np.save(counts_file, counts)
        np.save(tokens_file, tokens)
        np.save(scales_file, scales)
        make()
        caplog.clear()
        with caplog.at_level("WARNING"):
            damaged = load_index(settings.index_dir)
        assert "token vectors" in caplog.text, damage
        assert damaged.sentence_token_vectors(rows[:2]) == [None, None], damage
    # Values no unit vector has (not numbers, or scaled out of range) are not read; asking
    # warns once and encodes those sentences instead.
    np.save(counts_file, counts)
    np.save(tokens_file, tokens)
    question = kept[0][:4]
    for value in (np.nan, np.inf, 1e30, 1.0, 0.0, -scales.max()):
        np.save(scales_file, np.full_like(scales, value))
        damaged = load_index(settings.index_dir)
        assert damaged.sentence_token_vectors(rows[:2]) == [None, None], value
        caplog.clear()
        with caplog.at_level("WARNING"):
            best, found = damaged.sentence_token_matches(rows, question)
            damaged.sentence_token_matches(rows, question)
        assert not found.any() and not best.any(), value
        assert caplog.text.count("damaged") == 1, value
    # A generation written before the codes keeps float16 vectors and no scales: read as kept.
    np.save(tokens_file, (tokens * scales[:, None]).astype(np.float16))
    scales_file.unlink()
    for old, new in zip(
        kept, load_index(settings.index_dir).sentence_token_vectors(rows), strict=True
    ):
        assert old is not None and new is not None
        assert np.sum(old * new, axis=1).min() >= 0.999
    for name in ("sentence_token_counts.npy", "sentence_tokens.npy"):
        (generation / name).unlink(missing_ok=True)
    older = load_index(settings.index_dir)
    assert older.sentence_token_vectors(rows[:1]) == [None]
    assert len(older.passages) == len(after.passages)

    # Turned off (ARTICLEBOT_TOKEN_VECTORS=false), a write keeps none, carried over or new.
    off = settings_for(index_dir=settings.index_dir, token_vectors=False)
    before, _ = update_index(off, encoder, _docs(tmp_path, alpha=ALPHA, beta=BETA))
    assert before.sentence_token_vectors(rows) == [None] * len(rows)
    # Back on, the next write makes them for the unchanged documents too (as after damage, or
    # over an index written before they were kept), and leaves their vectors as they were.
    extra = {"gamma": "Gamma\n\nThe gamma ferry now sails at dawn."}
    data, report = update_index(settings, encoder, _docs(tmp_path, alpha=ALPHA, beta=BETA, **extra))
    assert report.unchanged == ["alpha", "beta"] and report.added == ["gamma"]
    for doc_id in ("alpha", "beta"):
        old_rows, new_rows = (
            np.arange(
                d.sentence_bounds[d.doc_rows[doc_id]], d.sentence_bounds[d.doc_rows[doc_id] + 1]
            )
            for d in (before, data)
        )
        spans = data.sentence_spans(new_rows).tolist()
        text = data.documents[doc_id].text
        for vectors, (start, end) in zip(data.sentence_token_vectors(new_rows), spans, strict=True):
            expected = encoder.token_vectors([text[start:end]])[1]
            assert vectors is not None and np.sum(vectors * expected, axis=1).min() >= 0.999
        np.testing.assert_array_equal(
            data.sentence_vectors[new_rows], before.sentence_vectors[old_rows]
        )


def test_adding_to_a_damaged_index_warns_once_and_mends_it(settings_for, encoder, tmp_path, caplog):
    """`add` reads the index once (its damaged token vectors are warned of once, not twice)
    and writes the next generation with every article's token vectors made again."""
    settings = settings_for()
    update_index(settings, encoder, _docs(tmp_path, alpha=ALPHA))
    scales_file = current_generation(settings.index_dir) / TOKEN_SCALES_FILE
    np.save(scales_file, np.load(scales_file).astype(np.float16))
    beta = tmp_path / "beta.txt"
    beta.write_text(BETA, encoding="utf-8")
    with caplog.at_level("WARNING"):
        data, report = add_documents(settings, encoder, read_documents([beta]))
    assert report.added == ["beta"] and report.unchanged == ["alpha"]
    assert caplog.text.count("token vectors") == 1
    rows = np.arange(len(data.sentence_table))
    assert all(v is not None for v in data.sentence_token_vectors(rows))


def test_no_id_made_for_a_file_or_link_is_a_group_s_own(tmp_path) -> None:
    # A bot attacker's probe: a link ending ".../chat5" whose hash came out all digits was
    # named "chat5-889655", the shape of a Telegram group's own article, and no chat saw it.
    from articlebot.index.identity import IdentityResolver
    from articlebot.ingest.documents import Document
    from articlebot.ingest.posts import private_to

    resolver = IdentityResolver({"chat12-3-article": "/elsewhere/chat12-3.txt"})
    for doc_id, source in (
        ("chat5-889655", "https://example.org/news/chat5"),
        ("chat12-3", "/news/chat12-3.txt"),
        ("chat7", "/a/chat7.txt"),
    ):
        made = resolver.resolve(Document(doc_id, "T", "T\n\nBody.", source)).doc_id
        assert private_to(made) is None, made
    # A group post's id, given by the bot, stays its group's.
    post = Document("chat100123-7", "T", "T\n\nBody.", "https://t.me/c/100123/7", id_given=True)
    assert private_to(resolver.resolve(post).doc_id) == 100123
