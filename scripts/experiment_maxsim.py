"""Experiment: a late-interaction (ColBERT-style MaxSim) signal from the bundled model's token
embeddings, re-ranking the top candidates (issue #14).

    PYTHONPATH=. .venv/bin/python scripts/experiment_maxsim.py [--cache /tmp/maxsim.npz]

MaxSim of a question and a text: for each question token (word pieces, [CLS]/[SEP] and
punctuation dropped; optionally stopwords dropped), the best cosine to any token of the text,
averaged over the question's tokens (optionally weighted by the word piece's IDF over the
searched collection's documents). Token embeddings are all-MiniLM-L6-v2's last hidden states,
before mean pooling: the ONNX export with that tensor added as a second graph output (a separate
session here; `OnnxEncoder.encode` is unchanged). Candidate sentences are encoded alone.

Columns: "sentence" (MaxSim to the sentence) for choosing the bold sentence; for the passage,
"sent" (the best of its sentences' MaxSim) or "tok" (MaxSim over all of its sentences' tokens).

Evaluated on the same questions, signals and leave-articles-out folds as
`calibrate.py --ranking`, re-ranking only the first stage's top `--top` candidates:
  - hand: RankingSettings' hand weights (today's default);
  - hand + maxsim: hand score + w * MaxSim over the top candidates, and hand sentence score +
    w' * MaxSim, w and w' chosen per fold on the other folds' reader questions (grid);
  - learned: `calibrate.py`'s listwise ranker (left-out folds);
  - learned + maxsim: the learned ranker as first stage, then a second listwise ranker over its
    top candidates with MaxSim as an extra column, and a sentence ranker with the extra column,
    both fitted on the other folds only.

Findings (2026-12-02). Cells: top passage hit@1 / bold sentence, answerable questions,
left-out folds (hand: no fitting), n = 320 / 320 / 612:

                                            its article    all 21         XQuAD + news
    hand (today)                            0.803 0.756    0.738 0.691    0.946 0.784
    learned                                 0.806 0.759    0.747 0.703    0.933 0.750
    hand + maxsim (nostop/tok, top 10)      0.844 0.806    0.806 0.769    0.941 0.781
    learned + maxsim (same)                 0.825 0.778    0.778 0.734    0.941 0.770
    hand + maxsim, variant/kind/top also    0.825 0.787    0.787 0.750    0.946 0.781
      chosen per fold among 24

    --top 10 --variants 2 --objective all gives rows 1-4 (weights chosen on all three kinds of
    question; every fold chose w=40, five of seven w'=8, as all folds together do); --nested
    --top 3 5 10 --objective all gives the last. Choosing on reader questions only (as
    calibrate.py fits) gains more there and loses XQuAD's top passage (0.931; nested, reader
    0.831 0.791, all 21 0.794 0.753, XQuAD bold 0.781).
  - Of the 24 hand + MaxSim variants (4 weightings x 2 passage kinds x top 3/5/10; weights
    chosen on reader questions), every one helps reader questions: bold +0.003 to +0.050 of
    their article, +0.025 to +0.075 of all 21; XQuAD (questions written from the text, which
    lexical overlap already finds) gets -0.016 to +0.002 top passage and -0.011 to 0.000
    bold. The product's variant is "nostop"
    (stopwords dropped, no IDF: word-piece IDF would need the index to keep it) with "tok"
    (MaxSim over all of a passage's sentences' tokens) over the hand ranking's best 10.
  - The passage weight runs to the grid's top (40): within the 10 best, MaxSim nearly alone
    decides the order, the hand score breaking ties. As a column of the learned ranker it
    helps less (+0.02-0.03 bold): the listwise fit over all candidates does not reach that.
  - Gains are spread (w=40, w'=8, asked of their article): 11 of the 21 reader articles get
    more bold answers right, 7 as many, 3 one fewer.
  - Cost: the extra encoder call over the candidates' sentences is as long as `encode` of them
    (the same model): top 10 is ~21 sentences, median 1.2 s on the shared, loaded two-core
    AMD EPYC (avx2 fma f16c, no avx512) this ran on, top 5 ~12 sentences 0.58 s; end to end,
    reader questions of their article went from 10 ms to 630 ms each. Hence off by default
    then; since the index keeps every sentence's token vectors (int8 codes, read in one product
    for the candidates) it costs ~0.5 ms a question and is on by default (issue #14).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import calibrate  # noqa: E402
from calibrate import (  # noqa: E402
    FOLDS,
    HAND_PASSAGE,
    HAND_SENTENCE,
    READER_SOURCES,
    RankRows,
    _groups,
    fit_listwise,
    fit_ranker,
    rank_outcomes,
)

from articlebot.collection import load_encoder, update_index  # noqa: E402
from articlebot.config import load_settings  # noqa: E402
from articlebot.encoders.loading import encoder_cache_dir  # noqa: E402
from articlebot.evaluation import load_eval_file  # noqa: E402
from articlebot.retrieval.ranking import (  # noqa: E402
    LATE_PASSAGE_WEIGHT,
    LATE_SENTENCE_WEIGHT,
    RankingSettings,
    segment_argmax,
)
from articlebot.retrieval.retriever import Retriever, normalize_question  # noqa: E402

#: The token embeddings: the last layer's output, before the graph's mean pooling.
TOKEN_TENSOR = "/inner/encoder/layer.5/output/LayerNorm/LayerNormalization_output_0"
#: MaxSim variants: (IDF-weighted, stopwords dropped).
VARIANTS = ((False, False), (True, False), (False, True), (True, True))
VARIANT_NAMES = ("plain", "idf", "nostop", "idf+nostop")
PUNCT = re.compile(r"^\W+$")
GRID = (0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 20.0, 40.0)
#: The question kinds the weights are chosen on (set by --objective).
OBJECTIVE = READER_SOURCES


class TokenEncoder:
    """The bundled model's export with its token embeddings as an extra output."""

    def __init__(self, threads: int | None = None) -> None:
        import onnx
        import onnxruntime as ort
        from tokenizers import Tokenizer

        from articlebot.encoders.onnx import session_options

        export = encoder_cache_dir(load_settings())
        model = onnx.load(str(export / "model.onnx"))
        model.graph.output.append(
            onnx.helper.make_tensor_value_info(TOKEN_TENSOR, onnx.TensorProto.FLOAT, None)
        )
        options = session_options(threads)
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(
            model.SerializeToString(), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.tokenizer = Tokenizer.from_file(str(export / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=256)
        self.plain = Tokenizer.from_file(str(export / "tokenizer.json"))
        self.plain.no_padding()
        self.plain.no_truncation()

    def tokens(self, texts: list[str], batch: int = 32) -> list[tuple[list[str], np.ndarray]]:
        """Per text: its word pieces and their unit-length vectors, [CLS] and [SEP] dropped."""
        encodings = self.tokenizer.encode_batch(texts)
        out: list[tuple[list[str], np.ndarray]] = [None] * len(texts)  # type: ignore[list-item]
        order = np.argsort([-len(e.ids) for e in encodings], kind="stable")
        for start in range(0, len(order), batch):
            rows = order[start : start + batch]
            width = max(len(encodings[r].ids) for r in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros_like(ids)
            for i, r in enumerate(rows):
                n = len(encodings[r].ids)
                ids[i, :n] = encodings[r].ids
                mask[i, :n] = 1
            feeds = calibrate_feeds(self.inputs, ids, mask)
            hidden = self.session.run([TOKEN_TENSOR], feeds)[0]
            for i, r in enumerate(rows):
                n = len(encodings[r].ids)
                vectors = hidden[i, 1 : n - 1]
                vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
                out[r] = (encodings[r].tokens[1 : n - 1], vectors.astype(np.float32))
        return out


def calibrate_feeds(names, ids, mask):
    from articlebot.encoders.onnx import model_feeds

    return model_feeds(names, ids, mask, np.zeros_like(ids))


def piece_idf(encoder: TokenEncoder, documents) -> dict[str, float]:
    """IDF of each word piece over the documents."""
    df: dict[str, int] = {}
    for doc in documents:
        for piece in set(encoder.plain.encode(doc.text).tokens):
            df[piece] = df.get(piece, 0) + 1
    n = len(documents)
    return {p: float(np.log1p((n - c + 0.5) / (c + 0.5))) for p, c in df.items()} | {
        "": float(np.log1p((n + 0.5) / 0.5))
    }


def question_weights(pieces: list[str], idf: dict[str, float], stopwords) -> np.ndarray:
    """(variants, pieces) weights of the question's word pieces, each variant summing to 1."""
    keep = np.array([not PUNCT.match(p) for p in pieces], dtype=float)
    # A piece is a stopword when it is a whole word (no continuation after it) in the list.
    stop = np.zeros(len(pieces))
    for i, p in enumerate(pieces):
        whole = not p.startswith("##") and (
            i + 1 == len(pieces) or not pieces[i + 1].startswith("##")
        )
        stop[i] = float(whole and p.lower() in stopwords)
    rare = np.array([idf.get(p, idf[""]) for p in pieces])
    rows = []
    for use_idf, drop_stop in VARIANTS:
        w = keep * (1 - stop if drop_stop else 1.0) * (rare if use_idf else 1.0)
        if w.sum() <= 0:
            w = keep if keep.sum() > 0 else np.ones(len(pieces))
        rows.append(w / w.sum())
    return np.array(rows)


class MaxSim:
    """MaxSim of questions against an index's sentences (their token vectors cached)."""

    def __init__(self, encoder: TokenEncoder, retriever: Retriever) -> None:
        from bm25s.stopwords import STOPWORDS_EN

        self.encoder = encoder
        self.retriever = retriever
        self.idf = piece_idf(encoder, list(retriever.index.documents.values()))
        self.stopwords = frozenset(STOPWORDS_EN)
        self.cache: dict[int, np.ndarray] = {}

    def sentence_texts(self, rows: np.ndarray, owners: list[str]) -> list[str]:
        spans = self.retriever.index.sentence_spans(rows).tolist()
        documents = self.retriever.index.documents
        return [documents[d].text[a:b] for d, (a, b) in zip(owners, spans, strict=True)]

    def signals(self, question: str, rows: np.ndarray, offsets: np.ndarray, owners: list[str]):
        """(sentences, variants), (passages, variants) best-sentence and (passages, variants)
        all-tokens MaxSim."""
        missing = [i for i, r in enumerate(rows.tolist()) if r not in self.cache]
        if missing:
            texts = self.sentence_texts(rows[missing], [owners[i] for i in missing])
            for i, (_, vectors) in zip(missing, self.encoder.tokens(texts), strict=True):
                self.cache[int(rows[i])] = vectors
        text = self.retriever.spelled(normalize_question(question, 1000))
        pieces, q = self.encoder.tokens([text])[0]
        weights = question_weights(pieces, self.idf, self.stopwords)  # (V, Q)
        best = np.stack([(self.cache[int(r)] @ q.T).max(axis=0) for r in rows.tolist()])  # (S, Q)
        sentence = best @ weights.T  # (S, V)
        per_passage_sentence = np.maximum.reduceat(sentence, offsets, axis=0)
        per_passage_tokens = np.maximum.reduceat(best, offsets, axis=0) @ weights.T
        return sentence, per_passage_sentence, per_passage_tokens


def collect(shared: Path, encoder: TokenEncoder) -> dict[str, np.ndarray]:
    """`calibrate.collect_ranking`'s rows plus the MaxSim columns (same questions, order)."""
    extra: dict[str, list[np.ndarray]] = {"ms": [], "mps": [], "mpt": []}

    def observe(retriever: Retriever) -> object:
        maxsim = MaxSim(encoder, retriever)

        class Recording:
            index = retriever.index

            def signals(self, question, scope):
                s = retriever.signals(question, scope)
                if s is not None:
                    owners = [retriever.index.passage(int(r)).doc_id for r in s.candidates]
                    counts = np.diff(np.r_[s.sentence_offsets, len(s.sentence_rows)])
                    sentence_owner = np.repeat(np.array(owners, dtype=object), counts).tolist()
                    ms, mps, mpt = maxsim.signals(
                        question, s.sentence_rows, s.sentence_offsets, sentence_owner
                    )
                    extra["ms"].append(ms)
                    extra["mps"].append(mps)
                    extra["mpt"].append(mpt)
                return s

        return Recording()

    started = time.perf_counter()
    rows = calibrate.collect_ranking(shared, observe)
    print(f"  collected in {time.perf_counter() - started:.0f} s")
    out = dict(vars(rows))
    out.update({k: np.concatenate(v) for k, v in extra.items()})
    return out


# --- evaluation ---------------------------------------------------------------------------


def top_mask(rows: RankRows, scores: np.ndarray, top: int) -> np.ndarray:
    """Per passage row: whether it is among its question's `top` best by `scores`."""
    _, starts = _groups(rows.pq)
    sizes = np.diff(np.r_[starts, len(rows.pq)])
    mask = np.zeros(len(scores), dtype=bool)
    for s, n in zip(starts.tolist(), sizes.tolist(), strict=True):
        order = np.argsort(-scores[s : s + n], kind="stable")[:top]
        mask[s + order] = True
    return mask


def outcomes(rows: RankRows, pscore, sscore) -> tuple[np.ndarray, np.ndarray]:
    """Per question: top passage holds the answer, its best sentence holds it."""
    n = len(rows.qsource)
    hit = np.zeros(n, dtype=bool)
    bold = np.zeros(n, dtype=bool)
    keys, starts = _groups(rows.pq)
    sizes = np.diff(np.r_[starts, len(rows.pq)])
    top = segment_argmax(pscore, starts, sizes)
    hit[keys] = rows.py[top] == 1
    skeys, sstarts = _groups(rows.sp)
    ssizes = np.diff(np.r_[sstarts, len(rows.sp)])
    best = dict(zip(skeys.tolist(), segment_argmax(sscore, sstarts, ssizes).tolist(), strict=True))
    for q, p in zip(keys.tolist(), top.tolist(), strict=True):
        bold[q] = rows.sy[best[p]] == 1
    return hit, bold


def reranked(base: np.ndarray, extra: np.ndarray, w: float, mask: np.ndarray) -> np.ndarray:
    """Base scores; the masked (top) candidates get w * extra and stay above the rest."""
    lift = base.max() - base.min() + abs(w) * (np.abs(extra).max()) + 1.0
    return np.where(mask, base + w * extra + lift, base)


def hand_plus(rows, pcol, scol, top, train_q):
    """Hand weights + MaxSim with weights chosen on `train_q` reader questions: per passage
    weight by hit@1, then per sentence weight by bold."""
    base = rows.px @ HAND_PASSAGE
    mask = top_mask(rows, base, top)
    sbase = rows.sx @ HAND_SENTENCE
    train = train_q & np.isin(rows.qsource, OBJECTIVE)
    best_w, best_h = 0.0, -1.0
    for w in GRID:
        h, _ = outcomes(rows, reranked(base, pcol, w, mask), sbase)
        if h[train].mean() > best_h + 1e-12:
            best_w, best_h = w, h[train].mean()
    pscore = reranked(base, pcol, best_w, mask)
    best_ws, best_b = 0.0, -1.0
    for ws in GRID:
        _, b = outcomes(rows, pscore, sbase + ws * scol)
        if b[train].mean() > best_b + 1e-12:
            best_ws, best_b = ws, b[train].mean()
    return pscore, sbase + best_ws * scol, (best_w, best_ws)


def learned_plus(rows, pcol, scol, top, train_q):
    """The learned ranker as first stage, then a listwise ranker with MaxSim over its top
    candidates, and a sentence ranker with MaxSim (fitted on `train_q` reader questions)."""
    wp, ws = fit_ranker(rows, train_q)
    base = rows.px @ wp
    mask = top_mask(rows, base, top)
    qmask = np.isin(rows.qsource, READER_SOURCES) & train_q
    pmask = qmask[rows.pq] & mask
    px = np.c_[rows.px, pcol]
    wp2 = fit_listwise(px[pmask], rows.py[pmask], rows.pq[pmask], np.r_[wp, 0.0])
    sx = np.c_[rows.sx, scol]
    smask = qmask[rows.pq][rows.sp] & (rows.py[rows.sp] == 1)
    ws2 = fit_listwise(sx[smask], rows.sy[smask], rows.sp[smask], np.r_[ws, 0.0])
    second = px @ wp2
    lift = np.abs(second).max() + np.abs(base).max() + 1.0
    pscore = np.where(mask, second + 2 * lift, base)
    return pscore, sx @ ws2, (float(wp2[-1]), float(ws2[-1]))


def cross_validated(rows, method, pcol, scol, top):
    hit = np.zeros(len(rows.qsource), dtype=bool)
    bold = np.zeros(len(rows.qsource), dtype=bool)
    chosen = []
    for fold in range(FOLDS):
        pscore, sscore, weights = method(rows, pcol, scol, top, rows.qfold != fold)
        h, b = outcomes(rows, pscore, sscore)
        test = rows.qfold == fold
        hit[test], bold[test] = h[test], b[test]
        chosen.append(weights)
    return hit, bold, chosen


def nested(rows, data, tops, variants):
    """Hand + MaxSim with the variant, the passage kind and the number re-ranked chosen per fold
    too, by the other folds' bold (then hit@1) on the objective's questions."""
    hit = np.zeros(len(rows.qsource), dtype=bool)
    bold = np.zeros(len(rows.qsource), dtype=bool)
    picks = []
    for fold in range(FOLDS):
        train = rows.qfold != fold
        objective = train & np.isin(rows.qsource, OBJECTIVE)
        best = None
        for top in tops:
            for v in variants:
                for kind, key in (("sent", "mps"), ("tok", "mpt")):
                    pscore, sscore, w = hand_plus(
                        rows, data[key][:, v], data["ms"][:, v], top, train
                    )
                    h, b = outcomes(rows, pscore, sscore)
                    score = (b[objective].mean(), h[objective].mean())
                    if best is None or score > best[0]:
                        best = (score, pscore, sscore, (top, VARIANT_NAMES[v], kind, *w))
        h, b = outcomes(rows, best[1], best[2])
        test = rows.qfold == fold
        hit[test], bold[test] = h[test], b[test]
        picks.append(best[3])
    return hit, bold, picks


def line(rows, hit, bold, title):
    cells = []
    for source in ("reader", "reader-all", "xquad"):
        mine = rows.qsource == source
        cells.append(f"{hit[mine].mean():.3f} {bold[mine].mean():.3f}")
    print(f"  {title:34} " + "  ".join(f"{c:>12}" for c in cells))


def report(data: dict[str, np.ndarray], top: int, variants) -> None:
    rows = RankRows(*(data[name] for name in RankRows.__annotations__))
    print(f"top {top} re-ranked; cells: hit@1 bold (left-out folds except 'hand')")
    print(f"  {'':34} {'its article':>12}  {'all 21':>12}  {'XQuAD+news':>12}")
    print(
        "  "
        + " ".join(f"n={int((rows.qsource == s).sum())}" for s in ("reader", "reader-all", "xquad"))
    )
    line(rows, *rank_outcomes(rows, HAND_PASSAGE, HAND_SENTENCE), "hand (today)")
    learned = calibrate.cross_validate_ranker(rows)
    line(rows, *learned, "learned")
    for v in variants:
        for passage_kind, key in (("sent", "mps"), ("tok", "mpt")):
            pcol, scol = data[key][:, v], data["ms"][:, v]
            name = f"{VARIANT_NAMES[v]}/{passage_kind}"
            h, b, w = cross_validated(rows, hand_plus, pcol, scol, top)
            line(rows, h, b, f"hand + maxsim {name}")
            print(f"      weights per fold: {[tuple(round(x, 2) for x in ww) for ww in w]}")
            everything = np.ones(len(rows.qsource), dtype=bool)
            print(f"      weights on all folds: {hand_plus(rows, pcol, scol, top, everything)[2]}")
            h, b, w = cross_validated(rows, learned_plus, pcol, scol, top)
            line(rows, h, b, f"learned + maxsim {name}")
            print(f"      maxsim weights per fold: {[tuple(round(x, 2) for x in ww) for ww in w]}")


def latency(shared: Path, encoder: TokenEncoder, tops=(5, 10), n=40) -> None:
    """Time the extra encoder call: the sentences of the top candidates (and the question's
    tokens) for `n` reader questions asked of all 21 articles."""
    flags = ""
    for text in Path("/proc/cpuinfo").read_text().splitlines():
        if text.startswith("flags"):
            flags = text.split(":", 1)[1].strip()
            break
    model_name = next(
        (
            t.split(":", 1)[1].strip()
            for t in Path("/proc/cpuinfo").read_text().splitlines()
            if t.startswith("model name")
        ),
        "?",
    )
    wanted = [f for f in flags.split() if re.match(r"avx|fma|sse4|amx|vnni|f16c", f)]
    print(f"cpu: {model_name}; flags: {' '.join(wanted)}")
    model = load_encoder(load_settings())
    reader = load_eval_file(ROOT / "eval" / "reader_dev.jsonl")
    questions = [q for q in reader.questions if q.answerable][:n]
    with tempfile.TemporaryDirectory() as tmp:
        data, _ = update_index(load_settings(index_dir=Path(tmp)), model, reader.documents)
        retriever = Retriever(data, model)
        maxsim = MaxSim(encoder, retriever)
        for top in tops:
            times, counts, plain = [], [], []
            for q in questions:
                s = retriever.signals(q.q, None)
                order = np.argsort(-(s.passages @ HAND_PASSAGE), kind="stable")[:top]
                offsets = s.sentence_offsets
                ends = np.r_[offsets[1:], len(s.sentence_rows)]
                rows = np.concatenate([s.sentence_rows[offsets[i] : ends[i]] for i in order])
                owners = [retriever.index.passage(int(s.candidates[i])).doc_id for i in order]
                owner_rows = np.repeat(
                    np.array(owners, dtype=object), [ends[i] - offsets[i] for i in order]
                ).tolist()
                texts = maxsim.sentence_texts(rows, owner_rows)
                started = time.perf_counter()
                encoder.tokens(texts)
                encoder.tokens([q.q])
                times.append(time.perf_counter() - started)
                counts.append(len(texts))
                started = time.perf_counter()
                model.encode(texts)
                plain.append(time.perf_counter() - started)
            times.sort()
            print(
                f"  top {top:2}: {statistics.median(counts):.0f} sentences (median); extra encode "
                f"median {1000 * statistics.median(times):.1f} ms, "
                f"p90 {1000 * times[int(0.9 * len(times))]:.1f} ms over {len(times)} questions "
                f"(the same sentences through `encode`: median "
                f"{1000 * statistics.median(plain):.1f} ms)"
            )
        product_latency(data, model, questions)


def product_latency(data, model, questions) -> None:
    """Per question through `Retriever.ask`, over every other question: without late
    interaction, with it on a fresh cache of token vectors, and with it after the questions in
    between were asked (other questions about the same articles, as a bot meets them)."""
    late = RankingSettings(
        late_passage_weight=LATE_PASSAGE_WEIGHT, late_sentence_weight=LATE_SENTENCE_WEIGHT
    )
    timed, others = questions[1::2], questions[0::2]
    model.token_vectors(["load the token session"])  # once per process, not per question

    def report(name: str, retriever: Retriever) -> None:
        times = []
        for q in timed:
            started = time.perf_counter()
            retriever.ask(q.q)
            times.append(time.perf_counter() - started)
        times.sort()
        print(
            f"  ask, {name}: median {1000 * statistics.median(times):.1f} ms, "
            f"p90 {1000 * times[int(0.9 * len(times))]:.1f} ms over {len(times)} questions"
        )

    off = Retriever(data, model)
    off.ask(others[0].q)  # the speller, made on the first question
    report("late interaction off", off)
    report("late interaction on, nothing kept", Retriever(data, model, ranking=late))
    warm = Retriever(data, model, ranking=late)
    for q in others:
        warm.ask(q.q)
    report(f"late interaction on, after {len(others)} other questions", warm)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/maxsim_signals.npz"))
    parser.add_argument("--top", type=int, nargs="+", default=[5, 10])
    parser.add_argument("--variants", type=int, nargs="+", default=[0, 1, 2, 3])
    parser.add_argument("--nested", action="store_true", help="only the nested selection")
    parser.add_argument(
        "--objective",
        choices=("reader", "all"),
        default="reader",
        help="choose weights on reader questions (as calibrate.py) or on all three kinds",
    )
    parser.add_argument("--latency", action="store_true", help="time the extra encoder call")
    args = parser.parse_args()
    encoder = TokenEncoder()
    if args.latency:
        latency(args.shared, encoder)
        return
    if args.cache.exists():
        data = dict(np.load(args.cache, allow_pickle=False))
    else:
        data = collect(args.shared, encoder)
        np.savez(args.cache, **data)
    global OBJECTIVE
    if args.objective == "all":
        OBJECTIVE = (*READER_SOURCES, "xquad")
    rows = RankRows(*(data[name] for name in RankRows.__annotations__))
    if args.nested:
        print(f"nested selection (objective {args.objective}); cells: hit@1 bold, left-out")
        line(rows, *rank_outcomes(rows, HAND_PASSAGE, HAND_SENTENCE), "hand (today)")
        h, b, picks = nested(rows, data, args.top, args.variants)
        line(rows, h, b, "hand + maxsim, all chosen per fold")
        print(f"      per fold (top, variant, kind, w, w'): {picks}")
        return
    for top in args.top:
        report(data, top, args.variants)


if __name__ == "__main__":
    main()
