"""Hỏi đáp and Tra cứu in a real browser: answer with a citation chip, the chip opens the cited unit
with the quoted span highlighted; a search hit opens its unit in context."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.ui
ANSWER_TIMEOUT_MS = 120_000     # the first question loads the embedder; 2 busy cores are slow


def test_chip_opens_cited_unit_with_highlight(page, ui_app, tmp_path):
    page.fill("#ktgs-question textarea", "Kinh phí thực hiện đề án là bao nhiêu?")
    page.click("#ktgs-ask")
    chip = page.locator("#ktgs-chips .ktgs-chip").first
    chip.wait_for(timeout=ANSWER_TIMEOUT_MS)
    # the streamed answer quotes the clause and is grounded on the Đề án's kinh phí section
    assert "4,7 tỷ đồng" in page.inner_text("#ktgs-chat")
    assert "Kinh phí thực hiện" in chip.inner_text()
    unit_id = chip.get_attribute("data-unit-id")
    assert unit_id.endswith("/phan-2/muc-iv")

    chip.click()
    mark = page.locator("#ktgs-panel mark")
    mark.wait_for(timeout=30_000)
    assert "4,7 tỷ đồng" in mark.inner_text()
    panel = page.locator("#ktgs-panel .ktgs-panel")
    assert panel.get_attribute("data-shown-unit") == unit_id
    text = panel.inner_text()
    for field in ("Số hiệu", "Loại văn bản", "Cơ quan ban hành", "Ngày ban hành", "Hiệu lực", "Độ đầy đủ"):
        assert field in text
    assert "Đề án" in text and "Nguồn kinh phí: Ngân sách nhà nước" in text

    # answer modes without a model or endpoint are shown but cannot be picked
    local = page.locator('#ktgs-mode label:has(input[value="local"])')
    assert local.evaluate("e => getComputedStyle(e).pointerEvents") == "none"
    assert page.locator('#ktgs-mode input[value="extractive"]').is_checked()

    page.screenshot(path=str(tmp_path / "hoi-dap.png"), full_page=True)
    assert ui_app.external_requests == []       # renders offline: nothing fetched from outside


def test_refusal_lists_closest_units(page):
    page.fill("#ktgs-question textarea", "Thủ tục cấp hộ chiếu phổ thông cần những giấy tờ gì?")
    page.click("#ktgs-ask")
    page.locator("#ktgs-chips .ktgs-muted").filter(has_text="Không tìm thấy căn cứ").wait_for(
        timeout=ANSWER_TIMEOUT_MS)
    assert "Không tìm thấy căn cứ trong kho văn bản" in page.inner_text("#ktgs-chat")


def test_search_hit_opens_unit_in_context(page, ui_app, tmp_path):
    page.get_by_role("tab", name="Tra cứu").click()
    page.fill("#ktgs-search-query textarea", "Kinh phí thực hiện đề án")
    page.click("#ktgs-search-go")
    page.locator("#ktgs-results .ktgs-hit").first.wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert page.locator("#ktgs-results .ktgs-group").count() >= 1      # results grouped by document
    hit = page.locator('#ktgs-results .ktgs-hit[data-unit-id$="/phan-2/muc-iv"]')
    assert hit.count() == 1
    unit_id = hit.get_attribute("data-unit-id")
    hit.click()
    page.locator(f'#ktgs-search-panel [data-shown-unit="{unit_id}"]').wait_for(timeout=30_000)
    assert "4,7 tỷ đồng" in page.inner_text("#ktgs-search-panel")

    # filter by document type: the same query now returns only the law's units
    page.click("#ktgs-f-type input")
    page.get_by_role("option", name="Luật").click()
    page.click("#ktgs-search-go")
    page.wait_for_function(
        "() => { const hits = [...document.querySelectorAll('#ktgs-results .ktgs-hit')];"
        " return hits.length > 0 && hits.every(e => e.dataset.unitId.startsWith('11-2022-QH15/')); }",
        timeout=60_000)

    # a khoản opens inside its Điều, with the sibling khoản around it
    page.fill("#ktgs-search-query textarea", "Thẩm định dự thảo kết luận thanh tra là gì")
    page.click("#ktgs-search-go")
    khoan = page.locator('#ktgs-results .ktgs-hit[data-unit-id*="/khoan-"]').first
    khoan.wait_for(timeout=ANSWER_TIMEOUT_MS)
    khoan_id = khoan.get_attribute("data-unit-id")
    khoan.click()
    page.locator(f'#ktgs-search-panel [data-shown-unit="{khoan_id}"]').wait_for(timeout=30_000)
    assert page.locator(f'#ktgs-search-panel .ktgs-current[data-sibling="{khoan_id}"] mark').count() == 1
    assert page.locator("#ktgs-search-panel .ktgs-sibling").count() >= 2
    page.screenshot(path=str(tmp_path / "tra-cuu.png"), full_page=True)


FICTITIOUS = """VĂN BẢN GIẢ ĐỊNH – chỉ dùng để kiểm thử

QUY CHẾ THỬ NGHIỆM VỀ VIỆC NUÔI CÁ CẢNH TRONG KHUÔN VIÊN CƠ QUAN

Điều 1. Phạm vi
Quy chế giả định này chỉ dùng để kiểm thử việc tải văn bản lên.

Điều 2. Thời hạn thay nước bể cá
Thời hạn thay nước bể cá cảnh là không quá 7 ngày một lần.
"""


def test_upload_reports_each_file_and_lists_document(page, ui_app, tmp_path):
    good = tmp_path / "quy-che-gia-dinh-ca-canh.txt"
    good.write_text(FICTITIOUS, encoding="utf-8")
    bad = tmp_path / "hong.pdf"
    bad.write_bytes(b"day khong phai PDF")
    page.get_by_role("tab", name="Văn bản").click()
    page.locator("#ktgs-doc-table").get_by_text("11/2022/QH15").last.click()
    page.locator("#ktgs-doc-tree .ktgs-node").first.wait_for(timeout=30_000)
    page.locator("#ktgs-doc-tree .ktgs-node:visible").filter(has_text="Điều 2").first.click()
    page.locator('#ktgs-doc-unit [data-shown-unit="11-2022-QH15/dieu-2"]').wait_for(timeout=30_000)

    page.get_by_text("Tải văn bản mới lên").click()
    page.set_input_files("#ktgs-upload input[type=file]", [str(good), str(bad)])
    page.locator('#ktgs-upload td.filename[aria-label="hong.pdf"]').wait_for(timeout=30_000)
    page.click("#ktgs-ingest")
    report = page.locator("#ktgs-ingest-report .ktgs-report")
    report.wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert "✓ quy-che-gia-dinh-ca-canh.txt" in report.inner_text()
    assert "✗ hong.pdf" in report.locator("li.bad").inner_text()
    page.locator("#ktgs-doc-table").get_by_text("quy-che-gia-dinh-ca-canh.txt").last.wait_for(timeout=30_000)
    page.screenshot(path=str(tmp_path / "van-ban.png"), full_page=True)
