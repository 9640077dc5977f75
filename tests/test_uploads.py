"""Bad uploads: a zip bomb, a 2 GB file, 1,000 files at once, a path in a file name — each refused
with one Vietnamese sentence before anything is stored, and nothing written outside KTGS_HOME."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from ktgs.settings import Settings
from ktgs.uploads import UploadError, check_uploads, store_uploads


@pytest.fixture()
def settings(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    return Settings(home=str(home))


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def small(tmp_path, name="a.md", text="Điều 1. Nội dung kiểm thử hư cấu.\n"):
    p = tmp_path / "src" / name
    p.parent.mkdir(exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


def test_zip_bomb_docx_is_refused(tmp_path, settings):
    bomb = tmp_path / "bom.docx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"\0" * (300 * 1024 * 1024))   # 300 MB of zeros, ~300 KB packed
    assert bomb.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(UploadError, match=r"bom.docx khi giải nén lên tới 300 MB .*tệp nén độc hại"):
        store_uploads([(bomb, "bom.docx")], settings)
    assert files_under(settings.home_path) == []


def test_high_ratio_odt_is_refused_even_under_the_size_limit(tmp_path, settings):
    odt = tmp_path / "x.odt"
    with zipfile.ZipFile(odt, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("content.xml", b"a" * (20 * 1024 * 1024))            # 20 MB, ratio ~1000
    with pytest.raises(UploadError, match="tỉ lệ nén tối đa 200"):
        check_uploads([(odt, "x.odt")], settings)


def test_two_gigabyte_upload_is_refused_without_writing_it(tmp_path, settings):
    big = tmp_path / "lon.pdf"
    with open(big, "wb") as f:
        f.truncate(2 * 1024 ** 3)                  # sparse: 2 GB of size, no blocks written
    with pytest.raises(UploadError, match="lon.pdf nặng 2048 MB, vượt giới hạn 100 MB"):
        store_uploads([(big, "lon.pdf")], settings)
    assert files_under(settings.home_path) == []


def test_a_thousand_files_at_once_are_refused(tmp_path, settings):
    src = small(tmp_path)
    with pytest.raises(UploadError, match="tải lên 1000 tệp một lần là quá nhiều \\(tối đa 20\\)"):
        store_uploads([(src, f"t{i}.md") for i in range(1000)], settings)
    assert files_under(settings.home_path) == []


@pytest.mark.parametrize("name", ["../../ngoai.md", "/etc/passwd.md", "thu-muc\\\\a.md", "..", "a\x00.md", "a\n.md"])
def test_a_path_in_a_file_name_is_refused(tmp_path, settings, name):
    src = small(tmp_path)
    with pytest.raises(UploadError, match="không hợp lệ"):
        store_uploads([(src, name)], settings)
    assert files_under(settings.home_path) == [] and not (tmp_path / "ngoai.md").exists()


def test_wrong_type_is_refused(tmp_path, settings):
    with pytest.raises(UploadError, match="chỉ nhận .pdf"):
        store_uploads([(small(tmp_path), "chay.sh")], settings)


def test_same_name_different_content_never_overwrite(tmp_path, settings):
    a = small(tmp_path, "a.md", "Điều 1. Bản thứ nhất (hư cấu).\n")
    b = tmp_path / "other" / "a.md"
    b.parent.mkdir()
    b.write_text("Điều 1. Bản thứ hai (hư cấu).\n", encoding="utf-8")
    first = store_uploads([(a, "a.md")], settings, user="hv")
    second = store_uploads([(b, "a.md")], settings, user="hv")
    again = store_uploads([(a, "a.md")], settings, user="hv")
    assert first != second and first == again
    assert all(p.parent.parent == settings.home_path / "uploads" / "hv" and p.name == "a.md" for p in first + second)
    assert {p.read_text(encoding="utf-8") for p in first + second} == {"Điều 1. Bản thứ nhất (hư cấu).\n",
                                                                     "Điều 1. Bản thứ hai (hư cấu).\n"}
    assert store_uploads([(a, "a.md")], settings, user="../../x")[0].is_relative_to(settings.home_path)
