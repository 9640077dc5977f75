import json
from pathlib import Path

import pytest

from ktgs.errors import KtgsError
from ktgs.settings import Settings, documented_settings, load_settings

DOC = Path(__file__).resolve().parents[1] / "docs" / "settings.md"


def test_every_setting_is_documented():
    doc = DOC.read_text(encoding="utf-8")
    missing = [name for name in documented_settings() if f"`{name}`" not in doc or f"`KTGS_{name.upper()}`" not in doc]
    assert missing == []


def test_every_setting_has_help_text():
    assert all(len(help) > 10 for help in documented_settings().values())


def test_precedence_file_then_env_then_overrides(tmp_path, monkeypatch):
    (tmp_path / "settings.json").write_text(json.dumps({"top_k": 7, "embedder": "from-file"}), encoding="utf-8")
    monkeypatch.setenv("KTGS_HOME", str(tmp_path))
    monkeypatch.setenv("KTGS_EMBEDDER", "from-env")
    s = load_settings(answer_mode="openai")
    assert (s.top_k, s.embedder, s.answer_mode) == (7, "from-env", "openai")
    assert Path(s.home) == tmp_path.resolve()


def test_env_values_are_coerced(monkeypatch, tmp_path):
    monkeypatch.setenv("KTGS_HOME", str(tmp_path))
    monkeypatch.setenv("KTGS_DENSE_WEIGHT", "0.5")
    monkeypatch.setenv("KTGS_QUIET", "yes")
    s = load_settings()
    assert s.dense_weight == 0.5 and s.quiet is True


def test_bad_values_are_clear_errors(tmp_path, monkeypatch):
    monkeypatch.setenv("KTGS_HOME", str(tmp_path))
    monkeypatch.setenv("KTGS_TOP_K", "many")
    with pytest.raises(KtgsError, match="top_k"):
        load_settings()
    with pytest.raises(KtgsError, match="unknown setting"):
        Settings().with_(no_such_thing=1)
