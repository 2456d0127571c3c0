"""Keyword scoring reads bm25s's files itself: it must agree with bm25s exactly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from articlebot.index.keyword import (
    TOKEN_PATTERN,
    KeywordIndex,
    KeywordIndexError,
    TermPostings,
)
from articlebot.ingest.documents import bundled_article_path

QUESTIONS = [
    "Who was Laurent Vinatier swapped for?",
    "When was he ARRESTED, and by whom?",
    "9 sacks in 3 games: the Broncos' defence",
    "l'été à Zürich — naïve café (1,000,000 €)",
    "the of and a",  # stop words only
    "",
    "zzzz unknownword qwerty",
]


def _texts() -> list[str]:
    article = bundled_article_path().read_text(encoding="utf-8")
    return [p for p in article.split("\n") if p.strip()]


@pytest.fixture(scope="module")
def built() -> KeywordIndex:
    return KeywordIndex.build(_texts())


def test_tokens_match_bm25s(built: KeywordIndex) -> None:
    import bm25s
    from bm25s.stopwords import STOPWORDS_EN
    from Stemmer import Stemmer

    texts = _texts() + QUESTIONS
    expected = bm25s.tokenize(
        texts,
        token_pattern=TOKEN_PATTERN,
        stopwords=list(STOPWORDS_EN),
        stemmer=Stemmer("english"),
        return_ids=False,
        show_progress=False,
    )
    # bm25s stands in an empty string for a text without terms; the index never holds one.
    expected = [[t for t in tokens if t] for tokens in expected]
    assert [built.tokenizer.terms(t) for t in texts] == expected


def test_scores_match_bm25s_after_a_round_trip(built: KeywordIndex, tmp_path: Path) -> None:
    import bm25s

    built.save(tmp_path)
    reference = bm25s.BM25.load(str(tmp_path), show_progress=False)
    loaded = KeywordIndex.load(tmp_path, built.size)
    assert loaded.vocab == reference.vocab_dict
    answered = 0
    for question in QUESTIONS:
        ids = sorted(set(loaded.term_ids([question])[0]))
        ours = loaded.scores_for_ids(ids)
        if ids:
            theirs = reference.get_scores_from_ids(ids)
            np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
            answered += int(ours.max() > 0)
        else:
            assert not ours.any()
    assert answered >= 3  # the article's own words score some passages
    np.testing.assert_allclose(loaded.idf(), built.idf())


def test_answering_does_not_import_bm25s_or_scipy(built: KeywordIndex, tmp_path: Path) -> None:
    built.save(tmp_path)
    script = (
        "import sys; from pathlib import Path\n"
        "from articlebot.index.keyword import KeywordIndex\n"
        f"k = KeywordIndex.load(Path({str(tmp_path)!r}), {built.size})\n"
        "ids = sorted(set(k.term_ids(['Who was Laurent Vinatier swapped for?'])[0]))\n"
        "assert k.scores_for_ids(ids).max() > 0\n"
        "print(sorted(m for m in ('bm25s', 'scipy') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_damaged_keyword_folder_is_reported(built: KeywordIndex, tmp_path: Path) -> None:
    built.save(tmp_path)
    (tmp_path / "vocab.index.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(KeywordIndexError, match="damaged"):
        KeywordIndex.load(tmp_path, built.size)


@pytest.mark.parametrize("name", ["indices.csc.index.npy", "indptr.csc.index.npy"])
def test_damaged_bytes_inside_the_postings_are_reported(
    built: KeywordIndex, tmp_path: Path, name: str
) -> None:
    # A CLI attacker's probe: bytes flipped after the arrays' headers were served from, with
    # numpy warnings at most.
    built.save(tmp_path)
    path = tmp_path / name
    damaged = bytearray(path.read_bytes())
    middle = 128 + (len(damaged) - 128) // 2  # past the header, before the last entry
    for at in range(middle, middle + 8):
        damaged[at] ^= 0x7F
    path.write_bytes(bytes(damaged))
    with pytest.raises(KeywordIndexError, match="damaged"):
        KeywordIndex.load(tmp_path, built.size)
    built.save(tmp_path / "whole")
    assert KeywordIndex.load(tmp_path / "whole", built.size).size == built.size


def test_a_term_without_a_column_or_offsets_of_another_type_are_reported(
    built: KeywordIndex, tmp_path: Path
) -> None:
    # A verifier's probe: a term id past the columns ended in an IndexError, a negative one
    # was served from another term's column, offsets saved as floats in a TypeError.
    for damage in ("past", "negative", "floats"):
        folder = tmp_path / damage
        built.save(folder)
        if damage == "floats":
            indptr = folder / "indptr.csc.index.npy"
            np.save(indptr, np.load(indptr).astype(np.float64))
        else:
            vocab = json.loads((folder / "vocab.index.json").read_text(encoding="utf-8"))
            term = next(t for t in vocab if t)
            vocab[term] = len(vocab) + 5 if damage == "past" else -1
            (folder / "vocab.index.json").write_text(json.dumps(vocab), encoding="utf-8")
        with pytest.raises(KeywordIndexError, match="damaged"):
            KeywordIndex.load(folder, built.size)


def test_folder_without_tokens_file_is_refused(built: KeywordIndex, tmp_path: Path) -> None:
    """Without tokens.json a question cannot be tokenized as the index was: the index loader
    reports the file missing (and says to rebuild)."""
    built.save(tmp_path)
    (tmp_path / "tokens.json").unlink()
    with pytest.raises(FileNotFoundError) as missing:
        KeywordIndex.load(tmp_path, built.size)
    assert missing.value.filename.endswith("tokens.json")


def test_postings_presence_and_scipy_compatible_file(tmp_path: Path) -> None:
    from scipy import sparse

    rows = [[0, 3], [], [1, 3, 4], [3]]
    postings = TermPostings.from_rows(rows, n_terms=6)
    dense = np.zeros((4, 6), dtype=np.float32)
    for r, terms in enumerate(rows):
        dense[r, terms] = 1
    picked = np.array([3, 0, 2, 2], dtype=np.int64)
    np.testing.assert_array_equal(
        postings.select([3, 5, 1, 0]).presence(picked), dense[picked][:, [3, 5, 1, 0]]
    )
    path = tmp_path / "terms.npz"
    postings.save(path)
    np.testing.assert_array_equal(sparse.load_npz(path).toarray(), dense)
    assert TermPostings.load(path).shape == (4, 6)
    # Only the current index format's CSC layout is read.
    sparse.save_npz(tmp_path / "other.npz", sparse.csr_matrix(dense))
    with pytest.raises(KeywordIndexError, match="'csr' matrix"):
        TermPostings.load(tmp_path / "other.npz")


def test_counts_between_counts_holders_inside_each_range() -> None:
    rows = [[0, 3], [], [1, 3, 4], [3], [0]]
    postings = TermPostings.from_rows(rows, n_terms=6)
    starts, ends = np.array([0, 2, 4, 1]), np.array([5, 4, 5, 1])
    counts = postings.select([3, 0, 5]).counts_between(starts, ends)
    expected = [
        [sum(t in rows[r] for r in range(a, b)) for t in (3, 0, 5)]
        for a, b in zip(starts, ends, strict=True)
    ]
    np.testing.assert_array_equal(counts, expected)


@pytest.mark.parametrize("texts", [[], ["!!!"], ["the of and"]])
def test_a_corpus_without_any_term_still_saves_and_loads(texts: list[str], tmp_path: Path) -> None:
    built = KeywordIndex.build(texts)
    built.save(tmp_path)
    loaded = KeywordIndex.load(tmp_path, built.size)
    ids = sorted(set(loaded.term_ids(["Who was swapped?"])[0]))
    assert not loaded.scores_for_ids(ids).any() and loaded.size == len(texts)
