"""`ktgs ask "câu hỏi"`: a grounded answer with verified citations; `--gold FILE` scores a gold set
and `--calibrate` picks the refusal threshold on it."""
from __future__ import annotations

import json
from typing import Any

import click

from ktgs.cli.as_user import actor, as_user_option, resolve_viewer


def _filters(doc_type: str | None, doc_number: str | None) -> Any:
    if not doc_type and not doc_number:
        return None
    from ktgs.index.search import SearchFilters

    return SearchFilters(doc_type=doc_type, doc_number=doc_number)


def _scoped_searcher(settings: Any, viewer: Any) -> Any:
    """None (the assistant opens its own) for the local user, else the index seen by `viewer`."""
    if viewer is None:
        return None
    from ktgs.index.scoped import scoped
    from ktgs.index.search import Searcher

    return scoped(Searcher.open(settings), viewer)


def _audit_answer(settings: Any, viewer: Any, answer: Any) -> None:
    """The question and the unit ids shown to the user (citations, else the closest units)."""
    from ktgs import audit

    shown = [c.unit_id for c in answer.citations] or [h.unit.unit_id for h in answer.hits[:3]]
    audit.record(settings, actor(viewer), "ask", question=answer.question, grounded=answer.grounded,
                 unit_ids=shown)


def answer_json(answer: Any) -> dict[str, Any]:
    return {
        "answer": answer.text,
        "grounded": answer.grounded,
        "citations": [{"unit_id": c.unit_id, "doc_number": c.doc_number, "label": c.label,
                       "quote": c.quote, "quote_start": c.quote_start, "quote_end": c.quote_end,
                       "n": c.n, "status": c.status, "status_note": c.status_note, "partial": c.partial}
                      for c in answer.citations],
        "warnings": list(answer.warnings),
        "as_of": answer.as_of,
        "timings": answer.timings,
        "mode": answer.mode,
        "question": answer.question,
        "rewritten_question": answer.rewritten_question,
        "model_ids": answer.model_ids,
        "prompt_id": answer.prompt_id,
    }


def _print_answer(answer: Any) -> None:
    click.echo(answer.text)
    if answer.citations:
        click.echo("\nTrích dẫn:")
        for c in answer.citations:
            click.echo(f"  [{c.n}] {c.label}: “{c.quote}”" + (f"\n      ⚠ {c.status_note}" if c.status_note else ""))
    if answer.warnings:
        click.echo(f"\nHiệu lực (tính đến {answer.as_of}):")
        for w in answer.warnings:
            click.echo(f"  ⚠ {w}")
    t = answer.timings
    click.echo(f"\n({answer.mode}, {t.get('total', 0):.0f} ms"
               + (f", token đầu {t['first_token']:.0f} ms" if "first_token" in t else "") + ")")


def _run_gold(assistant: Any, gold: str, mode: str | None, calibrate: bool, as_json: bool,
              out: str | None, quiet: bool) -> None:
    from ktgs.assistant.calibrate import best_threshold, load_gold, refusal_threshold, run_gold, summarise

    items = load_gold(gold)
    results = run_gold(items, assistant, mode=mode, progress=not quiet)
    report = summarise(results, refusal_threshold(assistant.settings))
    data = report.to_dict()
    if calibrate:
        threshold, accuracy = best_threshold(results)
        data["calibrated_threshold"], data["calibrated_accuracy"] = threshold, accuracy
    if out:
        with open(out, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=2)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"{report.n} câu hỏi ({report.n_answerable} có căn cứ), ngưỡng từ chối {report.threshold}")
    click.echo(f"  tìm thấy đáp án:      {report.answer_found:.1%}")
    click.echo(f"  trích dẫn đúng:       {report.citation_correct:.1%} (đúng đơn vị: {report.citation_exact:.1%})")
    click.echo(f"  từ chối đúng:         {report.refusal_accuracy:.1%} "
               f"(từ chối {report.refused_unanswerable:.1%} câu ngoài kho, trả lời {report.answered_answerable:.1%} câu trong kho)")
    click.echo(f"  thời gian p50 / max:  {report.latency_p50_ms:.0f} / {report.latency_max_ms:.0f} ms")
    if calibrate:
        click.echo(f"  ngưỡng hiệu chỉnh:    {data['calibrated_threshold']} (độ chính xác từ chối {data['calibrated_accuracy']:.1%})")
    for r in results:
        if (r.answerable and not (r.answer_found and r.citation_correct)) or (not r.answerable and r.grounded):
            click.echo(f"  ✗ {r.id}: grounded={r.grounded} support={r.support} cited={', '.join(r.cited[:2])}")


def register(main: click.Group) -> None:
    @main.command("ask")
    @click.argument("question", required=False)
    @click.option("--mode", type=click.Choice(["extractive", "local", "openai"]), default=None,
                  help="Cách trả lời (mặc định: settings.answer_mode).")
    @click.option("--k", "k", type=int, default=None, help="Số kết quả truy hồi.")
    @click.option("--type", "doc_type", default=None, help="Chỉ tìm trong loại văn bản (luat, quy-dinh, de-an …).")
    @click.option("--doc", "doc_number", default=None, help="Chỉ tìm trong văn bản số … (25/2018/QH14).")
    @click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD",
                  help="Trả lời theo các văn bản có hiệu lực vào ngày này (mặc định: hôm nay).")
    @click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
    @click.option("--stream", is_flag=True, help="In câu trả lời của LLM dần dần.")
    @click.option("--gold", default=None, type=click.Path(dir_okay=False),
                  help="Chấm bộ câu hỏi vàng (JSONL) thay vì hỏi một câu.")
    @click.option("--calibrate", is_flag=True, help="Cùng --gold: chọn ngưỡng từ chối tốt nhất.")
    @click.option("--out", default=None, type=click.Path(dir_okay=False), help="Cùng --gold: ghi kết quả JSON.")
    @click.option("--quiet", is_flag=True, help="Tắt thanh tiến trình.")
    @as_user_option
    def ask_command(question: str | None, mode: str | None, k: int | None, doc_type: str | None,
                    doc_number: str | None, as_of: str | None, as_json: bool, stream: bool, gold: str | None,
                    calibrate: bool, out: str | None, quiet: bool, as_user: str | None) -> None:
        """Hỏi đáp có trích dẫn đã kiểm chứng từ kho văn bản."""
        from ktgs.assistant.ask import Assistant
        from ktgs.settings import load_settings

        settings = load_settings(quiet=quiet or None)
        viewer = resolve_viewer(settings, as_user)
        if gold:
            assistant = Assistant(settings, log=False, searcher=_scoped_searcher(settings, viewer))
            try:
                _run_gold(assistant, gold, mode, calibrate, as_json, out, settings.quiet)
            finally:
                assistant.close()
                if viewer is not None:
                    assistant.searcher.close()
            return
        if not question:
            raise click.UsageError("cần một câu hỏi, ví dụ: ktgs ask \"Thời hạn giải quyết tố cáo là bao lâu?\"")
        from ktgs.index.validity import as_date

        day = as_date(as_of)          # a bad date is one friendly line before any model loads
        assistant = Assistant(settings, searcher=_scoped_searcher(settings, viewer))
        try:
            filters = _filters(doc_type, doc_number)
            if stream and not as_json and (mode or settings.answer_mode) != "extractive":
                answer = None
                for item in assistant.ask_stream(question, filters=filters, mode=mode, k=k, as_of=day):
                    if isinstance(item, str):
                        click.echo(item, nl=False)
                    else:
                        answer = item
                click.echo("\n\n— Sau kiểm chứng —")
                _print_answer(answer)
                _audit_answer(settings, viewer, answer)
                return
            answer = assistant.ask(question, filters=filters, mode=mode, k=k, as_of=day)
        finally:
            assistant.close()
            if viewer is not None:
                assistant.searcher.close()
        _audit_answer(settings, viewer, answer)
        if as_json:
            click.echo(json.dumps(answer_json(answer), ensure_ascii=False, indent=2))
        else:
            _print_answer(answer)
