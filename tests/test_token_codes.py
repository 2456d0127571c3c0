"""The int8 codes the index keeps token vectors in: cosines kept, and stable through rewrites."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from articlebot.index.token_codes import dequantize, quantize

unit_rows = arrays(
    np.float32,
    st.tuples(st.integers(1, 20), st.just(384)),
    elements=st.floats(-1, 1, width=32),
).filter(lambda v: bool((np.abs(v).max(axis=1) > 1e-3).all()))


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=1, keepdims=True)


@given(unit_rows)
def test_codes_keep_a_unit_vectors_cosines(vectors: np.ndarray) -> None:
    """A cosine to a kept token vector moves by at most half a code step in every component
    (sqrt(384) * peak / 254, ~0.01 at the model's usual peak of 0.15); for the model's own
    vectors it stays within 0.001 (the index test compares them with fresh encodings)."""
    vectors = _unit(vectors)
    codes, scales = quantize(vectors)
    assert codes.dtype == np.int8 and scales.dtype == np.float32
    assert np.abs(codes).max(axis=1).tolist() == [127] * len(vectors)
    back = dequantize(codes, scales)
    probes = np.vstack(
        [vectors, _unit(np.random.default_rng(0).standard_normal((8, 384)).astype(np.float32))]
    )
    bound = np.sqrt(384) * np.abs(vectors).max(axis=1) / 254 + 1e-5
    assert (np.abs(back @ probes.T - vectors @ probes.T).max(axis=1) <= bound).all()


@given(unit_rows)
def test_rewriting_kept_vectors_gives_the_same_codes(vectors: np.ndarray) -> None:
    """An unchanged document's token vectors, read and written into the next generation,
    come out as they went in: rewrites do not wear them down."""
    codes, scales = quantize(_unit(vectors))
    again, again_scales = quantize(dequantize(codes, scales))
    assert np.array_equal(codes, again)
    np.testing.assert_allclose(again_scales, scales, rtol=1e-6)


def test_a_zero_vector_and_no_vectors_have_codes() -> None:
    """Nothing to scale is not a division by zero."""
    codes, scales = quantize(np.zeros((1, 4), dtype=np.float32))
    assert codes.tolist() == [[0, 0, 0, 0]] and scales.tolist() == [0.0]
    codes, scales = quantize(np.zeros((0, 4), dtype=np.float32))
    assert codes.shape == (0, 4) and scales.shape == (0,)
    assert dequantize(codes, scales).shape == (0, 4)
