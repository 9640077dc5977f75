"""One settings object: defaults with help text, overridden by KTGS_HOME/settings.json, then env.

Every setting is documented in docs/settings.md (a test checks it). Environment variables are
KTGS_ plus the upper-case name, e.g. KTGS_EMBEDDER=embeddinggemma-300m.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from ktgs.errors import KtgsError


def _setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    home: str = _setting("", "Data directory (KTGS_HOME): index, catalog, logs, models, eval runs. Default ./data.")
    models_dir: str = _setting("", "Where fetched models live (KTGS_MODELS_DIR); empty = KTGS_HOME/models.")
    embedder: str = _setting("multilingual-e5-small", "Dense embedder name from `ktgs models list`, a hub id or a local path.")
    dtype: str = _setting("auto", "Embedder dtype for sentence-transformers models: auto, fp32 or bf16.")
    rescore_embedder: str = _setting("", "Optional stronger embedder that re-scores the top candidates (empty = off).")
    qdrant_url: str = _setting("", "Qdrant server URL (http://…) or ':memory:'; empty = embedded Qdrant Edge.")
    collection: str = _setting("ktgs", "Collection (corpus) name.")
    top_k: int = _setting(10, "Number of results returned by search.")
    prefetch_k: int = _setting(50, "Candidates fetched by each leg (dense, sparse) before fusion.")
    dense_weight: float = _setting(1.0, "RRF weight of the dense leg.")
    sparse_weight: float = _setting(1.0, "RRF weight of the BM25 leg.")
    rrf_k: int = _setting(60, "RRF constant k.")
    answer_mode: str = _setting("extractive", "Assistant answer mode: extractive, local or openai.")
    llm_url: str = _setting("", "OpenAI-compatible endpoint for answer_mode=openai (KTGS_LLM_URL).")
    llm_model: str = _setting("qwen2.5-1.5b-instruct-q4", "LLM name: a registry name for local mode, the served model id for openai mode.")
    llm_api_key: str = _setting("", "API key for the OpenAI-compatible endpoint, if it needs one.")
    expand_references: bool = _setting(False, "Add the units quoted evidence refers to (\"theo quy định tại khoản 1 Điều 30\") to the evidence.")
    refusal_threshold: float = _setting(0.0, "Minimum evidence score below which the assistant refuses; 0 = calibrated default.")
    max_file_mb: int = _setting(100, "Files larger than this are refused at ingest.")
    ocr: bool = _setting(True, "OCR pages without a text layer with Tesseract (vie) when it is installed.")
    host: str = _setting("127.0.0.1", "Address the UI listens on.")
    port: int = _setting(7860, "Port the UI listens on.")
    quiet: bool = _setting(False, "Switch off progress bars.")
    access_rights: str = _setting(
        "hoc-vien=cong-khai;giang-vien=cong-khai,noi-bo;can-bo=cong-khai,noi-bo,mat;quan-tri=cong-khai,noi-bo,mat",
        "Access levels each role sees, 'role=level,level;…' (groups of a document still apply to every role).")
    llm_allow_mat: bool = _setting(False, "Allow `mat` units in prompts sent to an OpenAI-compatible endpoint that is not on this machine.")
    audit_retention_days: int = _setting(0, "Audit entries older than this many days are pruned (0 = keep forever).")
    login_max_failures: int = _setting(5, "Failed logins of one name, within login_lock_minutes, after which it is locked for that long.")
    login_lock_minutes: int = _setting(15, "Window and lock time of login throttling, in minutes.")
    session_minutes: int = _setting(480, "A UI login expires after this many minutes.")
    upload_max_files: int = _setting(20, "Most files one UI upload may hold.")
    max_unpacked_mb: int = _setting(200, "Largest decompressed size of a DOCX/ODT (zip) accepted, in MB (zip bombs).")

    @property
    def home_path(self) -> Path:
        return Path(self.home).expanduser().resolve()

    @property
    def models_path(self) -> Path:
        return Path(self.models_dir).expanduser().resolve() if self.models_dir else self.home_path / "models"

    def path(self, *parts: str) -> Path:
        p = self.home_path.joinpath(*parts)
        p.parent.mkdir(parents=True, exist_ok=True)
        return p

    def with_(self, **changes: Any) -> "Settings":
        unknown = set(changes) - {f.name for f in fields(self)}
        if unknown:
            raise KtgsError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        return replace(self, **{k: _coerce(self, k, v) for k, v in changes.items() if v is not None})

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _coerce(s: Settings, name: str, value: Any) -> Any:
    kind = type(getattr(Settings(), name))
    if kind is bool and isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    try:
        return kind(value)
    except (TypeError, ValueError) as exc:
        raise KtgsError(f"setting {name!r} expects {kind.__name__}, got {value!r}") from exc


def documented_settings() -> dict[str, str]:
    return {f.name: f.metadata["help"] for f in fields(Settings)}


def load_settings(**overrides: Any) -> Settings:
    """Defaults ← KTGS_HOME/settings.json ← KTGS_* environment ← explicit overrides."""
    home = overrides.get("home") or os.environ.get("KTGS_HOME") or "data"
    s = Settings(home=str(Path(home).expanduser().resolve()))
    cfg = Path(s.home) / "settings.json"
    if cfg.is_file():
        try:
            s = s.with_(**{k: v for k, v in json.loads(cfg.read_text(encoding="utf-8")).items() if k != "home"})
        except json.JSONDecodeError as exc:
            raise KtgsError(f"{cfg}: not valid JSON ({exc})") from exc
    env = {f.name: os.environ[f"KTGS_{f.name.upper()}"] for f in fields(Settings)
           if f.name != "home" and f"KTGS_{f.name.upper()}" in os.environ}
    s = s.with_(**env)
    return s.with_(**{k: v for k, v in overrides.items() if k != "home"})
