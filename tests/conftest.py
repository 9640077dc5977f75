"""Shared fixtures. Real texts are read in place from ../shared (never copied into the project)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KTGS_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpus"
ALQAC = SHARED / "evalsets" / "alqac-vn-law"


def pytest_collection_modifyitems(items):
    # every test without an explicit tier is a fast unit test
    tiers = {"models", "ui", "eval"}
    for item in items:
        if not any(item.get_closest_marker(t) for t in tiers):
            item.add_marker(pytest.mark.unit)


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.fail(f"shared corpus not found at {CORPUS} (set KTGS_SHARED)")
    return CORPUS


@pytest.fixture(scope="session")
def alqac_dir() -> Path:
    if not ALQAC.is_dir():
        pytest.fail(f"ALQAC eval set not found at {ALQAC} (set KTGS_SHARED)")
    return ALQAC


@pytest.fixture(scope="session")
def law(corpus_dir, tmp_path_factory):
    """Luật Tố cáo (25/2018/QH14) parsed as a quiz corpus; shared by the quiz tests (read-only)."""
    from ktgs.assistant.quiz.source import from_files
    from ktgs.settings import load_settings

    return from_files([corpus_dir / "luat-to-cao-25-2018-QH14.md"],
                      load_settings(home=str(tmp_path_factory.mktemp("quiz-home"))))


@pytest.fixture()
def ktgs_home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("KTGS_HOME", str(home))
    return home
