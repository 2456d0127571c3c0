"""The PostgreSQL backend's schema, generations and reads, against a real server."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import numpy as np
import psycopg
import pytest

from articlebot.storage.postgres.collection import open_store
from articlebot.storage.postgres.connection import (
    DatabaseUrlError,
    close_pools,
    connect,
    open_pool,
    open_pools,
)
from articlebot.storage.postgres.generations import (
    DEAD_ROWS_KEPT_SECONDS,
    current_generation,
    generation,
    listen,
    next_published,
    prune,
    write_generation,
)
from articlebot.storage.postgres.reading import (
    document_ids,
    documents,
    passage_count,
    passage_sentence_ids,
    passage_vectors,
    passages,
    sentence_vectors,
    sentences,
)
from articlebot.storage.postgres.rows import NewDocument, NewPassage, NewSentence
from articlebot.storage.postgres.schema import DIMENSION, create_schema
from articlebot.storage.postgres.search import dense_top_k
from articlebot.storage.postgres.store import PostgresIndexStore

pytest_plugins = ["postgres"]


def _unit(seed: int) -> np.ndarray:
    vector = np.random.default_rng(seed).standard_normal(DIMENSION).astype(np.float32)
    return vector / np.linalg.norm(vector)


def make_document(doc_id: str, text: str, seed: int = 0) -> NewDocument:
    """A document whose sentences are its '. '-separated parts, one passage per two sentences."""
    spans, start = [], 0
    for part in text.split(". "):
        spans.append((start, start + len(part)))
        start += len(part) + 2
    sentences = tuple(NewSentence(s, e, _unit(seed * 1000 + i)) for i, (s, e) in enumerate(spans))
    passages = tuple(
        NewPassage(
            paragraph=0,
            start=spans[i][0],
            end=spans[min(i + 1, len(spans) - 1)][1],
            first_sentence=i,
            sentence_count=min(2, len(spans) - i),
            terms=tuple(text[spans[i][0] : spans[min(i + 1, len(spans) - 1)][1]].lower().split()),
            vector=_unit(seed * 1000 + 500 + i),
        )
        for i in range(0, len(spans), 2)
    )
    return NewDocument(doc_id, f"Title of {doc_id}", text, f"{doc_id}.txt", passages, sentences)


@pytest.fixture
def conn(database_url: str) -> Iterator[psycopg.Connection]:
    with connect(database_url) as conn:
        create_schema(conn)
        yield conn


def test_rejects_a_url_that_is_not_postgresql() -> None:
    with pytest.raises(DatabaseUrlError):
        connect("/var/lib/articlebot/index")


def test_schema_is_created_by_the_code_and_again_without_harm(conn: psycopg.Connection) -> None:
    create_schema(conn)
    assert current_generation(conn).id == 0
    version = conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
    assert version.fetchone()[0].startswith("0.8")
    indexes = {
        name: definition
        for name, definition in conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'passages'"
        ).fetchall()
    }
    assert "hnsw" in indexes["passages_hnsw"] and "halfvec_ip_ops" in indexes["passages_hnsw"]
    assert "gin" in indexes["passages_terms"]


def test_a_published_generation_holds_its_documents(conn: psycopg.Connection) -> None:
    doc = make_document("moon", "The moon is bright. It orbits the earth. Tides follow it", seed=1)
    with write_generation(conn, {"model": "m"}) as writer:
        writer.add([doc])
    current = current_generation(conn)
    assert current.id == 1 and current.manifest == {"model": "m"}
    assert current.passages == 2
    assert current.passage_terms == sum(len(p.terms) for p in doc.passages)
    (stored,) = documents(conn, current.id)
    assert (stored.doc_id, stored.title, stored.text) == ("moon", "Title of moon", doc.text)
    hits = dense_top_k(conn, current.id, doc.passages[1].vector, 2)
    first, second = passages(conn, [h.passage_id for h in hits])
    assert first.text == "Tides follow it" and first.ordinal == 1
    assert second.text == "The moon is bright. It orbits the earth"
    np.testing.assert_allclose(
        passage_vectors(conn, [first.id])[0], doc.passages[1].vector, rtol=0, atol=0
    )
    (sentence_ids,) = passage_sentence_ids(conn, [second.id]).values()
    assert [s.text for s in sentences(conn, sentence_ids)] == [
        "The moon is bright",
        "It orbits the earth",
    ]
    np.testing.assert_array_equal(
        sentence_vectors(conn, sentence_ids), np.stack([s.vector for s in doc.sentences[:2]])
    )


def test_unknown_ids_are_an_error_not_a_shorter_list(conn: psycopg.Connection) -> None:
    with pytest.raises(KeyError):
        passages(conn, [12345])


def test_a_pinned_reader_keeps_its_generation_while_a_new_one_is_published(
    conn: psycopg.Connection, database_url: str
) -> None:
    with write_generation(conn) as writer:
        writer.add([make_document("a", "Alpha one. Alpha two", 1)])
        writer.add([make_document("b", "Beta one. Beta two", 2)])
    pinned = current_generation(conn).id
    with connect(database_url) as other, write_generation(other) as writer:
        writer.remove(["a"])
        writer.add([make_document("b", "Beta changed. Beta again. Beta thrice", 3)])
        writer.add([make_document("c", "Gamma one", 4)])
    assert document_ids(conn, pinned) == ["a", "b"]
    assert [d.text for d in documents(conn, pinned, ["b"])] == ["Beta one. Beta two"]
    assert passage_count(conn, pinned) == 2
    now = current_generation(conn)
    assert now.id == pinned + 1
    assert document_ids(conn, now.id) == ["b", "c"]
    (changed,) = documents(conn, now.id, ["b"])
    assert changed.text == "Beta changed. Beta again. Beta thrice"
    assert now.passages == passage_count(conn, now.id) == 3
    # Searching the old generation finds only its own rows.
    old_hits = dense_top_k(conn, pinned, _unit(3500), 10)
    assert {p.doc_id for p in passages(conn, [h.passage_id for h in old_hits])} == {"a", "b"}
    assert generation(conn, pinned).passages == 2


def test_a_failed_write_publishes_nothing(conn: psycopg.Connection) -> None:
    with write_generation(conn) as writer:
        writer.add([make_document("a", "Alpha one", 1)])
    with pytest.raises(RuntimeError, match="embedding failed"), write_generation(conn) as writer:
        writer.remove(["a"])
        writer.add([make_document("b", "Beta one", 2)])
        raise RuntimeError("embedding failed")
    assert current_generation(conn).id == 1
    assert document_ids(conn, 1) == ["a"]
    assert generation(conn, 2) is None
    with write_generation(conn) as writer:
        writer.add([make_document("b", "Beta one", 2)])
    assert current_generation(conn).id == 2
    assert document_ids(conn, 2) == ["a", "b"]


def test_readers_never_see_half_a_generation(conn: psycopg.Connection, database_url: str) -> None:
    docs = [make_document(f"d{i}", f"Doc {i} one. Doc {i} two", i) for i in range(40)]
    seen: list[tuple[int, int]] = []
    stop = threading.Event()

    def read() -> None:
        with connect(database_url, autocommit=True) as reader:
            while not stop.is_set():
                g = current_generation(reader).id
                seen.append((g, len(document_ids(reader, g))))

    thread = threading.Thread(target=read)
    thread.start()
    try:
        for start in range(0, 40, 10):
            with write_generation(conn) as writer:
                for doc in docs[start : start + 10]:
                    writer.add([doc])
                    time.sleep(0.01)
    finally:
        stop.set()
        thread.join()
    assert seen and all(count == 10 * g for g, count in seen)


def test_two_writers_build_one_generation_each(conn: psycopg.Connection, database_url: str) -> None:
    errors: list[BaseException] = []

    def write(doc_id: str, seed: int) -> None:
        try:
            with connect(database_url) as own, write_generation(own) as writer:
                writer.add([make_document(doc_id, f"{doc_id} text", seed)])
                time.sleep(0.2)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=write, args=(f"w{i}", i)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert current_generation(conn).id == 3
    assert document_ids(conn, 3) == ["w0", "w1", "w2"]
    assert sorted(len(document_ids(conn, g)) for g in (1, 2, 3)) == [1, 2, 3]


def test_listeners_hear_each_publish(conn: psycopg.Connection, database_url: str) -> None:
    with connect(database_url, autocommit=True) as listener:
        listen(listener)
        assert next_published(listener, timeout=0.2) is None
        with write_generation(conn) as writer:
            writer.add([make_document("a", "Alpha", 1)])
        assert next_published(listener, timeout=5) == 1


def test_pruning_frees_what_no_generation_from_then_on_sees(conn: psycopg.Connection) -> None:
    with write_generation(conn) as writer:
        writer.add([make_document("a", "Alpha one. Alpha two", 1)])
    with write_generation(conn) as writer:
        writer.add([make_document("a", "Alpha new", 2)])
    assert prune(conn, before=2) == 1
    assert [d.text for d in documents(conn, 2)] == ["Alpha new"]
    assert conn.execute("SELECT count(*) FROM passages").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM sentences").fetchone()[0] == 1


def test_hnsw_search_finds_k_live_passages_among_many_removed(conn: psycopg.Connection) -> None:
    docs = [make_document(f"d{i:03d}", f"Doc {i} one. Doc {i} two", i) for i in range(300)]
    with write_generation(conn) as writer:
        writer.add(docs)
    with write_generation(conn) as writer:
        writer.remove([doc.doc_id for doc in docs[:290]])
    conn.execute("ANALYZE passages")
    # Through the graph, as at scale (a table this small would otherwise be scanned).
    conn.execute("SET enable_seqscan = off")
    plan = conn.execute(
        "EXPLAIN SELECT id FROM passages ORDER BY embedding::halfvec(384) <#> %s::halfvec(384)"
        " LIMIT 5",
        (_unit(1),),
    ).fetchall()
    assert "passages_hnsw" in " ".join(line for (line,) in plan)
    for seed in range(5):
        hits = dense_top_k(conn, 2, _unit(10_000 + seed), 5, ef_search=10)
        live = {p.doc_id for p in passages(conn, [h.passage_id for h in hits])}
        assert len(hits) == 5 and live <= {doc.doc_id for doc in docs[290:]}


def test_a_store_that_cannot_read_its_generation_leaves_no_pool_open(database_url: str) -> None:
    with connect(database_url) as conn:
        create_schema(conn)
        conn.execute("DROP TABLE documents CASCADE")  # the store's first query now fails
    before = open_pools()
    for opening in (PostgresIndexStore.open, partial(open_store, create=False)):
        with pytest.raises(psycopg.errors.UndefinedTable):
            opening(database_url)
        assert open_pools() == before  # no pool, and no pool worker thread, left behind


def test_a_command_run_in_a_serving_process_closes_only_its_own_pools(database_url: str) -> None:
    """`articlebot add` run in-process while a bot's reload opens its next index on another
    thread: the command's end closes its own connections, never the bot's."""
    before = open_pools()
    with ThreadPoolExecutor(1) as other_thread:
        bots = other_thread.submit(open_pool, database_url).result()
    commands = open_pool(database_url)
    try:
        close_pools(before)
        assert commands.closed
        assert not bots.closed
    finally:
        bots.close()
        commands.close()


def test_a_store_keeps_only_its_most_recently_read_documents(
    conn: psycopg.Connection, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import articlebot.storage.postgres.store as store_module

    monkeypatch.setattr(store_module, "CACHED_DOCUMENTS", 2)
    with write_generation(conn) as writer:
        writer.add(
            [make_document(name, f"{name} one. {name} two", i) for i, name in enumerate("abcde")]
        )
    store = open_store(database_url)
    try:
        for _ in range(2):  # read again after being dropped: the same text, from the database
            for name in "abcde":
                assert store.documents[name].text == f"{name} one. {name} two"
        assert list(store.documents._cache) == ["d", "e"]  # type: ignore[attr-defined]
        store.documents["d"]  # reading one keeps it longest
        store.documents["a"]
        assert list(store.documents._cache) == ["d", "a"]  # type: ignore[attr-defined]
    finally:
        store.close()


def test_another_application_s_tables_of_the_same_names_are_refused(database_url: str) -> None:
    # A CLI attacker's probe: a database with its own "documents" table made every command
    # fail with 'column "died" does not exist'.
    from articlebot.storage.postgres.schema import SchemaMismatchError

    with connect(database_url) as conn:
        conn.execute("CREATE TABLE documents (id serial PRIMARY KEY, name text)")
        conn.commit()
        with pytest.raises(SchemaMismatchError, match="tables named documents that are not"):
            create_schema(conn)
        assert conn.execute("SELECT to_regclass('passages') IS NULL").fetchone()[0]


def test_articlebot_in_a_schema_of_its_own_beside_another_application_s_tables(
    database_url: str,
) -> None:
    # A verifier's probe: the refusal above looked along the whole search path, and refused
    # articlebot in a schema of its own ("search_path=articlebot,public"), as it suggests.
    with connect(database_url) as conn:
        conn.execute("CREATE TABLE public.documents (id serial PRIMARY KEY, name text)")
        conn.execute("CREATE SCHEMA articlebot")
        conn.execute("SET search_path = articlebot, public")
        conn.commit()
        create_schema(conn)
        assert current_generation(conn).id == 0
        (where,) = conn.execute("SELECT to_regclass('articlebot.passages')").fetchone()
        assert where is not None


def test_a_removed_article_is_deleted_once_no_reader_can_still_be_on_it(
    conn: psycopg.Connection,
) -> None:
    # A CLI attacker: `remove` kept the article's text and vectors in the database for good
    # (and every update added another copy), though README says it drops it for good.
    with write_generation(conn) as writer:
        writer.add([make_document("a", "Alpha one. Alpha two", 1)])
        writer.add([make_document("b", "Beta one", 2)])
    with write_generation(conn) as writer:
        writer.remove(["a"])
    removed_in = current_generation(conn).id
    # Just removed: a reader still pinned to the generation before reads it whole.
    with write_generation(conn) as writer:
        writer.add([make_document("c", "Gamma one", 3)])
    assert document_ids(conn, removed_in - 1) == ["a", "b"]
    # Once the generation that removed it is older than readers are kept waiting for, the
    # next write deletes its rows.
    conn.execute(
        "UPDATE generations SET created = now() - make_interval(secs => %s) WHERE id = %s",
        (DEAD_ROWS_KEPT_SECONDS + 60, removed_in),
    )
    conn.commit()
    with write_generation(conn) as writer:
        writer.add([make_document("d", "Delta one", 4)])
    gone = "SELECT count(*) FROM {} WHERE doc_id = 'a'"
    for table in ("documents", "passages", "sentences"):
        assert conn.execute(gone.format(table)).fetchone()[0] == 0, table
    assert document_ids(conn, current_generation(conn).id) == ["b", "c", "d"]
