"""The index describes itself: embedder, dimension, text-pipeline versions and BM25 parameters.

KTGS_HOME/manifests/<collection>.json. Ingesting or querying with another embedder or another
normaliser / segmenter / sparse-encoder version raises IndexMismatchError with the way out.
"""
from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from ktgs.errors import IndexMismatchError, IndexNotFoundError, KtgsError
from ktgs.index.sparse import B, K1, SPARSE_VERSION
from ktgs.ingest.text import NORMALISER_VERSION, SEGMENTER_VERSION


@dataclass
class Manifest:
    collection: str
    embedder: str
    dim: int
    avgdl: float
    backend: str = ""
    k1: float = K1
    b: float = B
    saturate: bool = True
    indexed_levels: list[str] = field(default_factory=list)
    normaliser_version: str = NORMALISER_VERSION
    segmenter_version: str = SEGMENTER_VERSION
    sparse_version: str = SPARSE_VERSION
    created: str = field(default_factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%S"))
    updated: str = ""

    @staticmethod
    def path_for(settings, collection: str | None = None) -> Path:
        return settings.home_path / "manifests" / f"{collection or settings.collection}.json"

    @classmethod
    def load(cls, path: Path) -> "Manifest":
        if not path.is_file():
            raise IndexNotFoundError(f"chưa có chỉ mục tại {path.parent.parent}; hãy chạy `ktgs ingest <thư mục>` trước")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise KtgsError(f"{path}: manifest is not valid JSON ({exc})") from exc
        return cls(**{k: v for k, v in data.items() if k in {f.name for f in fields(cls)}})

    def save(self, path: Path) -> None:
        self.updated = time.strftime("%Y-%m-%dT%H:%M:%S")
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=2), encoding="utf-8")
        tmp.replace(path)

    def check_pipeline(self) -> None:
        """The text pipeline of this code must be the one the index was built with."""
        current = {"normaliser": NORMALISER_VERSION, "segmenter": SEGMENTER_VERSION, "sparse encoder": SPARSE_VERSION}
        built = {"normaliser": self.normaliser_version, "segmenter": self.segmenter_version,
                 "sparse encoder": self.sparse_version}
        for what, version in current.items():
            if built[what] != version:
                raise IndexMismatchError(
                    f"index {self.collection!r} built with {what} {built[what]}, this ktgs uses {version}; "
                    f"re-ingest with --rebuild")

    def check_embedder(self, name: str | None) -> None:
        if name and name != self.embedder:
            raise IndexMismatchError(
                f"index {self.collection!r} built with {self.embedder}; re-ingest with --rebuild "
                f"or use --embedder {self.embedder}")
