"""Đánh giá: pick a dataset and configs, run them side by side with progress, show the report
(inline and as a link) and drill into one question's results per config."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import gradio as gr  # tab modules are imported only by build_app()

from ktgs.errors import KtgsError

DEFAULT_CONFIGS = ["bm25", "hybrid", "extractive"]


def runs_dir(settings: Any) -> Path:
    return settings.home_path / "evals"


def list_runs(settings: Any) -> list[str]:
    """Run ids under KTGS_HOME/evals/, newest first."""
    root = runs_dir(settings)
    if not root.is_dir():
        return []
    return sorted((p.parent.name for p in root.glob("*/results.json")), reverse=True)


def dataset_choices() -> list[tuple[str, str]]:
    from ktgs.evals.datasets import gold_names

    return [(f"Bộ câu hỏi vàng: {n}", n) for n in gold_names()] + [("ALQAC (luật Việt Nam, dev)", "alqac")]


def config_choices() -> list[str]:
    from ktgs.evals.runner import PRESETS

    return list(PRESETS)


def run_eval(ctx: Any, dataset: str, configs: list[str], limit: int | None) -> str:
    """Run with the UI's searcher closed (one Qdrant Edge owner at a time); return the run id."""
    from ktgs.evals.runner import run

    if not dataset:
        raise KtgsError("hãy chọn bộ dữ liệu")
    # with login, no free server paths (the local single user may name any file, as with `ktgs eval`)
    if ctx.login and dataset not in {value for _, value in dataset_choices()}:
        raise KtgsError(f"bộ dữ liệu {dataset!r} không có trong danh sách")
    ctx.require("eval")
    ctx.audit("eval_run", dataset=dataset, configs=list(configs), limit=limit)
    if not configs:
        raise KtgsError("hãy chọn ít nhất một cấu hình")
    return ctx.exclusive(run, dataset, configs, limit=limit or None, settings=ctx.settings, progress=True).name


def report_html(settings: Any, run_id: str) -> str:
    """The run's report.html inline (sandboxed iframe) plus a link that opens it in a new tab."""
    from ktgs.assistant.ui.render import esc

    page = runs_dir(settings) / run_id / "report.html"
    if not page.is_file():
        return f'<div class="ktgs-error">Không tìm thấy báo cáo {esc(run_id)}.</div>'
    url = f"/gradio_api/file={page}"
    return (f'<div><a href="{esc(url)}" target="_blank" rel="noopener" id="ktgs-report-link">'
            f'Mở báo cáo trong thẻ mới</a> · <code>{esc(str(page))}</code></div>'
            f'<iframe class="ktgs-eval-frame" id="ktgs-report-frame" sandbox="" '
            f'srcdoc="{esc(page.read_text(encoding="utf-8"))}"></iframe>')


def questions(settings: Any, run_id: str) -> list[dict]:
    path = runs_dir(settings) / run_id / "questions.jsonl"
    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def question_html(row: dict) -> str:
    """One question across configs: gold, retrieved ids (gold ones marked), answer and verdicts."""
    from ktgs.assistant.ui.render import esc

    gold = set(row.get("gold") or [])
    parts = [f'<div class="ktgs-panel-title">{esc(row.get("question", ""))}</div>',
             f'<div>Căn cứ đúng: {esc(", ".join(sorted(gold)) or "—")}</div>']
    if row.get("gold_answer"):
        parts.append(f'<div>Đáp án chuẩn: {esc(row["gold_answer"])}</div>')
    for name, rec in (row.get("configs") or {}).items():
        retrieved = "".join(
            f'<li>{"<b>" if u in gold else ""}{esc(u)}{" ✓</b>" if u in gold else ""}</li>'
            for u in (rec.get("retrieved") or [])[:10])
        metrics = ", ".join(f"{k} {v:.3f}" if isinstance(v, (int, float)) else f"{k} {v}"
                            for k, v in (rec.get("metrics") or {}).items() if v is not None)
        answer = f'<div class="ktgs-unit-text">{esc(rec["answer"])}</div>' if rec.get("answer") else ""
        parts.append(f'<div class="ktgs-quiz-item"><b>{esc(name)}</b><div class="ktgs-score">{esc(metrics)}</div>'
                     f'{answer}<ol>{retrieved}</ol></div>')
    return "".join(parts)


def build(ctx: Any) -> None:
    from ktgs.assistant.ui import render

    with gr.Tab("Đánh giá", id="eval", elem_id="tab-eval") as tab:
        with gr.Row():
            dataset = gr.Dropdown(dataset_choices(), label="Bộ dữ liệu", scale=2, allow_custom_value=not ctx.login,
                                  elem_id="ktgs-eval-dataset")
            configs = gr.Dropdown(config_choices(), value=DEFAULT_CONFIGS, multiselect=True,
                                  label="Cấu hình so sánh", scale=3, elem_id="ktgs-eval-configs")
            limit = gr.Number(20, label="Số câu (0 = tất cả)", precision=0, minimum=0, scale=1)
            go = gr.Button("Chạy đánh giá", variant="primary", scale=1, elem_id="ktgs-eval-run")
        with gr.Row():
            run_pick = gr.Dropdown(list_runs(ctx.settings), label="Các lần chạy", scale=3, elem_id="ktgs-eval-runs")
            q_pick = gr.Dropdown([], label="Xem chi tiết câu hỏi", scale=3, elem_id="ktgs-eval-question")
        status = gr.HTML("")
        report = gr.HTML('<div class="ktgs-muted">Chọn một lần chạy để xem báo cáo.</div>', elem_id="ktgs-eval-report")
        detail = gr.HTML("", elem_id="ktgs-eval-detail")

        def on_run(d: str, cs: list, n: float, progress: Any = gr.Progress(track_tqdm=True)) -> tuple:
            progress(0, desc="Đang đánh giá…")
            try:
                run_id = run_eval(ctx, d, list(cs or []), int(n or 0))
            except KtgsError as exc:
                return gr.skip(), render.error_box(f"Lỗi: {exc}")
            return gr.Dropdown(choices=list_runs(ctx.settings), value=run_id), ""

        def on_pick_run(run_id: str) -> tuple:
            if not run_id:
                return gr.skip(), gr.skip(), ""
            qs = questions(ctx.settings, run_id)
            choices = [(f'{q["id"]}: {q["question"][:80]}', q["id"]) for q in qs]
            return report_html(ctx.settings, run_id), gr.Dropdown(choices=choices, value=None), ""

        def on_pick_question(run_id: str, qid: str) -> str:
            row = next((q for q in questions(ctx.settings, run_id or "") if q["id"] == qid), None)
            return question_html(row) if row else ""

        go.click(on_run, [dataset, configs, limit], [run_pick, status])
        run_pick.change(on_pick_run, [run_pick], [report, q_pick, detail])
        q_pick.change(on_pick_question, [run_pick, q_pick], detail)
        tab.select(lambda: gr.Dropdown(choices=list_runs(ctx.settings)), None, run_pick)
