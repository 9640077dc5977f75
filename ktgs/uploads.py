"""Files uploaded through the UI, checked before anything is kept.

Refused, each with one Vietnamese sentence: more than settings.upload_max_files at once; a file
over settings.max_file_mb (the size is read from the file system, nothing is read into memory);
a type not in UPLOAD_SUFFIXES; a name that carries a path ("../", "/etc/x", "a\\b") or control
characters; a DOCX/ODT whose decompressed size is over settings.max_unpacked_mb or that
compresses more than MAX_RATIO times (a zip bomb). Accepted files are copied to
KTGS_HOME/uploads/<user>/<sha256 prefix>/<name>: the file keeps its own name (reports and the
document list show it), the same content keeps one path, two different files with the same name
never overwrite each other, and nothing lands outside KTGS_HOME.
"""
from __future__ import annotations

import hashlib
import re
import shutil
import unicodedata
import zipfile
from pathlib import Path
from typing import Any, Sequence

from ktgs.errors import KtgsError

UPLOAD_SUFFIXES = (".pdf", ".docx", ".odt", ".txt", ".md", ".html", ".htm")
ZIP_SUFFIXES = (".docx", ".odt")
UPLOAD_DIR = "uploads"
MAX_RATIO = 200          # decompressed / compressed: Office files are well under 50
_SAFE_USER = re.compile(r"[^A-Za-z0-9_.-]+")


class UploadError(KtgsError):
    """An upload refused before anything was stored."""


def check_name(name: str) -> str:
    """The file name as given, when it is a plain name (no folder, no control characters)."""
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\x00" in name:
        raise UploadError(f"tên tệp {name!r} không hợp lệ: tên tệp không được chứa đường dẫn thư mục")
    if any(unicodedata.category(c).startswith("C") for c in name):
        raise UploadError(f"tên tệp {name!r} không hợp lệ: có ký tự điều khiển")
    if Path(name).suffix.lower() not in UPLOAD_SUFFIXES:
        raise UploadError(f"tệp {name}: chỉ nhận {', '.join(UPLOAD_SUFFIXES)}")
    return name


def check_zip(path: Path, name: str, settings: Any) -> None:
    """DOCX/ODT: the sum of the declared sizes of the members, before anything is unpacked."""
    limit = settings.max_unpacked_mb * 1024 * 1024
    try:
        with zipfile.ZipFile(path) as z:
            unpacked = sum(i.file_size for i in z.infolist())
            packed = sum(i.compress_size for i in z.infolist()) or 1
    except zipfile.BadZipFile as exc:
        raise UploadError(f"tệp {name} không phải tệp {Path(name).suffix.lstrip('.').upper()} hợp lệ") from exc
    if unpacked > limit or unpacked / packed > MAX_RATIO:
        raise UploadError(f"tệp {name} khi giải nén lên tới {unpacked / 1024 / 1024:.0f} MB "
                          f"(giới hạn {settings.max_unpacked_mb} MB, tỉ lệ nén tối đa {MAX_RATIO}): "
                          "có thể là tệp nén độc hại, không nạp")


def check_uploads(files: Sequence[tuple[Path, str]], settings: Any) -> None:
    """(temp path, name the user gave) pairs; UploadError for the first that is refused."""
    if len(files) > settings.upload_max_files:
        raise UploadError(f"tải lên {len(files)} tệp một lần là quá nhiều (tối đa {settings.upload_max_files})")
    for path, name in files:
        check_name(name)
        size = Path(path).stat().st_size
        if size > settings.max_file_mb * 1024 * 1024:
            raise UploadError(f"tệp {name} nặng {size / 1024 / 1024:.0f} MB, vượt giới hạn {settings.max_file_mb} MB")
        if Path(name).suffix.lower() in ZIP_SUFFIXES:
            check_zip(Path(path), name, settings)


def store_uploads(files: Sequence[tuple[Path, str]], settings: Any, user: str = "local") -> list[Path]:
    """Check every file first, then copy each under KTGS_HOME/uploads/<user>/; return the stored paths."""
    check_uploads(files, settings)
    root = (settings.home_path / UPLOAD_DIR / (_SAFE_USER.sub("_", user) or "_")).resolve()
    out = []
    for path, name in files:
        digest = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        dest = (root / digest.hexdigest()[:16] / name).resolve()
        if not dest.is_relative_to(settings.home_path.resolve()):
            raise UploadError(f"tên tệp {name!r} không hợp lệ")   # unreachable after check_name; kept as a guard
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)
        out.append(dest)
    return out


def gradio_files(uploaded: Sequence[Any]) -> list[tuple[Path, str]]:
    """Gradio upload values (paths or FileData-like objects) -> (temp path, the name the user gave)."""
    out = []
    for f in uploaded or []:
        path = Path(getattr(f, "path", None) or getattr(f, "name", None) or str(f))
        name = getattr(f, "orig_name", None) or path.name
        out.append((path, str(name)))
    return out
