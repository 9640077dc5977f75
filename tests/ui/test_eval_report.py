"""Đánh giá in a real browser: run two configs side by side on a slice of our gold set, see the
report (written by ktgs.evals.report) inline and through its link, with every plot rendered, and
drill into one question."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.ui
RUN_TIMEOUT_MS = 240_000
REPO = Path(__file__).resolve().parents[2]
GOLD = REPO / "evals" / "gold" / "de-an-and-laws.jsonl"
SEED_DOC = "doc-b861269ea834/"     # the seed Đề án's doc_id (hash of its type and title)


@pytest.fixture()
def gold_slice(tmp_path) -> Path:
    """The gold questions about the seed Đề án plus three unanswerable ones (the UI index holds
    the Đề án, not the four big laws)."""
    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    def ids(r):    # an element of "relevant" may be a list of equivalent unit ids
        return [u for g in r["relevant"] for u in (g if isinstance(g, list) else [g])]

    keep = [r for r in rows if r["relevant"] and all(u.startswith(SEED_DOC) for u in ids(r))]
    keep += [r for r in rows if not r["answerable"]][:3]
    assert len(keep) >= 8
    path = tmp_path / "de-an-slice.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in keep), encoding="utf-8")
    return path


def images_rendered(frame) -> list[int]:
    return frame.evaluate("() => [...document.images].map(i => i.complete ? i.naturalWidth : 0)")


def test_run_report_renders_plots(page, ui_app, gold_slice, tmp_path):
    page.get_by_role("tab", name="Đánh giá").click()
    dataset = page.locator("#ktgs-eval-dataset input")
    dataset.fill(str(gold_slice))
    dataset.press("Enter")
    page.click("#ktgs-eval-configs input")                  # the default configs: bm25, hybrid, extractive
    page.keyboard.press("Escape")
    page.click("#ktgs-eval-run")
    frame_el = page.locator("#ktgs-report-frame")
    frame_el.wait_for(timeout=RUN_TIMEOUT_MS)

    run_dir = sorted((ui_app.settings.home_path / "evals").glob("*/results.json"))[-1].parent
    results = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))
    assert set(results["configs"]) == {"bm25", "hybrid", "extractive"}
    assert results["configs"]["hybrid"]["n"] >= 8

    inline = frame_el.element_handle().content_frame()
    widths = images_rendered(inline)
    assert widths and all(w > 0 for w in widths), widths      # every plot decoded inside the page

    # the link opens the same report from disk in its own tab
    href = page.get_attribute("#ktgs-report-link", "href")
    report = page.context.new_page()
    report.goto(ui_app.url.rstrip("/") + href)
    report.wait_for_load_state("load")
    assert report.title().startswith("Đánh giá")
    widths = images_rendered(report)
    assert len(widths) >= 2 and all(w > 0 for w in widths), widths
    report.screenshot(path=str(tmp_path / "bao-cao.png"), full_page=True)
    report.close()

    # drill into the kinh phí question: its gold unit is marked among each config's results
    page.click("#ktgs-eval-question input")
    page.get_by_role("option").filter(has_text="Kinh phí thực hiện đề án").first.click()
    detail = page.locator("#ktgs-eval-detail")
    detail.filter(has_text="Căn cứ đúng").wait_for(timeout=30_000)
    assert "4,7 tỷ đồng" in detail.inner_text()
    assert detail.locator("b", has_text="phan-2/muc-iv ✓").count() >= 1
    page.screenshot(path=str(tmp_path / "danh-gia.png"), full_page=True)
