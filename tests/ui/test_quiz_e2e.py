"""Ôn tập in a real browser: build a quiz on Luật Thanh tra, approve an item, download the GIFT
export and check the file; trainee mode shows the cited clause after an answer."""
from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.ui
BUILD_TIMEOUT_MS = 180_000


def test_build_approve_export_and_train(page, ui_app, tmp_path):
    from ktgs.assistant.quiz.bank import QuizBank

    page.get_by_role("tab", name="Ôn tập").click()
    page.click("#ktgs-quiz-doc input")
    page.get_by_role("option").filter(has_text="11/2022/QH15").first.click()
    page.click("#ktgs-quiz-build")
    summary = page.locator("#ktgs-quiz-summary .ktgs-report")
    summary.wait_for(timeout=BUILD_TIMEOUT_MS)
    made = int(re.search(r"Đã tạo (\d+) câu hỏi", summary.inner_text()).group(1))
    assert made >= 1
    preview = page.locator("#ktgs-quiz-preview .ktgs-quiz-item")
    preview.wait_for()
    item_id = preview.get_attribute("data-item-id")
    assert "Chờ duyệt" in preview.inner_text()

    page.click("#ktgs-quiz-approve")
    page.locator("#ktgs-quiz-preview").filter(has_text="Đã duyệt").wait_for(timeout=30_000)
    with QuizBank.open(ui_app.settings) as bank:
        entry = bank.get(item_id)
        assert entry.status == "approved"
        stem, key = entry.item.stem, entry.item.key

    # export the approved item as Moodle GIFT and download it
    page.get_by_role("tab", name="Xuất đề").click()
    page.click("#ktgs-quiz-export")
    link = page.locator("#ktgs-quiz-file a").first
    link.wait_for(timeout=60_000)
    with page.expect_download() as info:
        link.click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.suffix == ".gift"
    gift = saved.read_text(encoding="utf-8")
    questions = [q for q in re.split(r"\n\s*\n", gift) if "{" in q]
    assert len(questions) == 1                       # only the approved item is exported
    body = questions[0]
    plain = re.sub(r"\\(.)", r"\1", body)            # undo GIFT escapes (~ = # { } :)
    assert stem[:40] in plain
    assert f"={key}" in plain.replace("= ", "=")     # the key is the correct answer

    # trainee mode: answer the first question, then see the cited clause with the quote marked
    page.get_by_role("tab", name="Luyện tập").click()
    page.click("#ktgs-train-start")
    page.locator("#ktgs-train-stem .ktgs-panel-title").wait_for(timeout=30_000)
    page.locator("#ktgs-train-choice label").first.click()     # mcq and tf items have options
    page.click("#ktgs-train-answer")
    verdict = page.locator("#ktgs-train-verdict .ktgs-verdict-ok, #ktgs-train-verdict .ktgs-verdict-bad")
    verdict.wait_for(timeout=30_000)
    page.locator("#ktgs-train-verdict .ktgs-panel mark").first.wait_for(timeout=30_000)
    assert "Luật Thanh tra" in page.inner_text("#ktgs-train-verdict")
    page.screenshot(path=str(tmp_path / "on-tap.png"), full_page=True)
