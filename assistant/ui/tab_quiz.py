"""Ôn tập: build a quiz from a document, review the items (edit / approve / reject → bank),
export (GIFT, Moodle XML, Aiken, CSV, DOCX, PDF, Anki), and a trainee mode that shows the cited
clause after each answer."""
from __future__ import annotations

import time
from typing import Any

import gradio as gr  # tab modules are imported only by build_app()

from ktgs.errors import KtgsError

TYPE_CHOICES = [("Trắc nghiệm 4 phương án", "mcq"), ("Đúng / Sai", "tf"), ("Điền khuyết", "cloze"),
                ("Tình huống (cần mô hình ngôn ngữ)", "situational")]
EXPORT_CHOICES = [("Moodle GIFT (.gift)", "gift"), ("Moodle XML (.xml)", "xml"), ("Aiken (.txt)", "aiken"),
                  ("CSV (.csv)", "csv"), ("Word để in (.docx)", "docx"), ("PDF để in (.pdf)", "pdf"),
                  ("Bộ thẻ Anki (.apkg)", "apkg")]
STATUS_NAMES = {"draft": "Chờ duyệt", "approved": "Đã duyệt", "rejected": "Đã loại"}
FLAG_NAMES = {"selfcheck_disagrees": "tự kiểm tra không khớp đáp án", "ambiguous": "có thể nhiều đáp án đúng",
              "unverified": "đáp án chưa được kiểm chứng"}
EXPORT_DIR = "exports"


# -- library calls -------------------------------------------------------------------------------

def document_choices(ctx: Any) -> list[tuple[str, str]]:
    return [(f"{d.doc_number or d.doc_id} — {d.title[:70]}", d.doc_number or d.doc_id) for d in ctx.documents()]


def build_items(ctx: Any, doc: str, n: int, types: list[str], seed: int) -> tuple[list[Any], list[str]]:
    """Generate and self-check items for one document of the index; keep them in the bank as drafts.
    Returns (items, notes). Same steps as quiz.service.make_quiz, but over the UI's open searcher
    (make_quiz opens its own, and one Qdrant Edge shard takes one owner at a time)."""
    from ktgs.assistant.quiz.bank import QuizBank
    from ktgs.assistant.quiz.generate import QuizSpec, build_quiz
    from ktgs.assistant.quiz.selfcheck import self_check
    from ktgs.assistant.quiz.service import quiz_generator
    from ktgs.assistant.quiz.source import Corpus, select_units

    if not doc:
        raise KtgsError("hãy chọn một văn bản")
    if not types:
        raise KtgsError("hãy chọn ít nhất một dạng câu hỏi")
    spec = QuizSpec(n=int(n), types=tuple(types), seed=int(seed))

    def run() -> tuple[list[Any], list[str]]:
        searcher = ctx.searcher
        documents = {d.doc_id: d for d in searcher.documents()}
        corpus = Corpus(documents, [u for d in documents for u in searcher.units(d)])
        generator, llm_notes = quiz_generator(ctx.settings, spec, ctx.assistant)
        quiz = build_quiz(select_units(corpus, [doc]), corpus.documents, spec, pool_units=corpus.units,
                          generator=generator)
        report = self_check(quiz.items, ctx.assistant, progress=False)
        with QuizBank.open(ctx.settings) as bank:
            bank.add(quiz.items)
        notes = llm_notes + list(quiz.notes)
        if quiz.items:
            notes.append(f"Tự kiểm tra: trợ lý trả lời khớp đáp án {report.agreement_rate:.0%} số câu.")
        return quiz.items, notes

    return ctx.call(run)


def bank_entries(ctx: Any, ids: list[str]) -> list[Any]:
    from ktgs.assistant.quiz.bank import QuizBank

    with QuizBank.open(ctx.settings) as bank:
        return [bank.get(i) for i in ids]


def review(ctx: Any, item_id: str, action: str, note: str = "", **changes: Any) -> Any:
    from ktgs.assistant.quiz.bank import QuizBank

    with QuizBank.open(ctx.settings) as bank:
        if action == "edit":
            return bank.edit(item_id, note=note or None, **changes)
        return getattr(bank, action)(item_id, note=note or None)


def export(ctx: Any, ids: list[str], fmt: str, approved_only: bool) -> Any:
    """Write the quiz's items (their reviewed versions) to KTGS_HOME/exports/; return ExportResult."""
    from ktgs.assistant.quiz.export import FORMATS, export_items

    entries = [e for e in bank_entries(ctx, ids) if e.status != "rejected"]
    # only items every citation of which the user may see (ctx reads as the logged-in user)
    entries = [e for e in entries if all(ctx.find_unit(c.unit_id) is not None for c in e.item.citations)]
    if approved_only:
        entries = [e for e in entries if e.status == "approved"]
    if not entries:
        raise KtgsError("chưa có câu hỏi nào để xuất (hãy duyệt ít nhất một câu, hoặc bỏ chọn «chỉ câu đã duyệt»)")
    path = ctx.settings.path(EXPORT_DIR, f"de-on-tap-{time.strftime('%Y%m%d-%H%M%S')}{FORMATS[fmt][1]}")
    result = export_items([e.item for e in entries], path, fmt=fmt, include_flagged=approved_only)
    ctx.audit("export", path=str(result.path), format=result.fmt, items=result.written)
    return result


# -- rendering -----------------------------------------------------------------------------------

def item_html(entry: Any, show_key: bool = True) -> str:
    from ktgs.assistant.ui.render import esc

    it = entry.item
    opts = "".join(
        f'<li class="{"ktgs-key" if show_key and o == it.key else ""}">{esc(o)}</li>' for o in it.options)
    cites = "".join(f"<li>{esc(c.label)}: “{esc(c.quote)}”</li>" for c in it.citations)
    flags = ", ".join(FLAG_NAMES.get(f, f) for f in it.flags)
    key = f'<div class="ktgs-key">Đáp án: {esc(it.key)}</div>' if show_key else ""
    return (f'<div class="ktgs-quiz-item" data-item-id="{esc(it.id)}">'
            f'<div><b>{esc(STATUS_NAMES.get(entry.status, entry.status))}</b>'
            f'{" · đã sửa" if entry.edited else ""} · độ khó {it.difficulty}</div>'
            f'<div class="ktgs-panel-title">{esc(it.stem)}</div><ol type="A">{opts}</ol>{key}'
            f'<div>{esc(it.explanation)}</div><ul>{cites}</ul>'
            + (f'<div class="ktgs-quiz-flags">Cảnh báo: {esc(flags)}</div>' if flags else "") + "</div>")


def item_choices(entries: list[Any]) -> list[tuple[str, str]]:
    return [(f"{i}. [{STATUS_NAMES.get(e.status, e.status)}] {e.item.stem[:80]}", e.item.id)
            for i, e in enumerate(entries, 1)]


def build(ctx: Any) -> None:
    from ktgs.assistant.ui import render

    with gr.Tab("Ôn tập", id="quiz", elem_id="tab-quiz") as tab:
        ids = gr.State([])
        with gr.Row():
            doc = gr.Dropdown(document_choices(ctx), label="Văn bản", scale=3, elem_id="ktgs-quiz-doc")
            n = gr.Number(10, label="Số câu", precision=0, minimum=1, maximum=100, scale=1)
            seed = gr.Number(1, label="Hạt giống (seed)", precision=0, scale=1)
        types = gr.CheckboxGroup(TYPE_CHOICES, value=["mcq", "tf"], label="Dạng câu hỏi")
        make = gr.Button("Tạo đề", variant="primary", elem_id="ktgs-quiz-build")
        summary = gr.HTML("", elem_id="ktgs-quiz-summary")
        with gr.Tab("Duyệt câu hỏi"):
            pick = gr.Dropdown([], label="Câu hỏi", elem_id="ktgs-quiz-pick")
            preview = gr.HTML("", elem_id="ktgs-quiz-preview")
            with gr.Accordion("Sửa câu hỏi", open=False):
                e_stem = gr.Textbox(label="Câu dẫn", lines=2)
                e_options = gr.Textbox(label="Phương án (mỗi dòng một phương án)", lines=4)
                e_key = gr.Textbox(label="Đáp án đúng (trùng một phương án)")
                e_expl = gr.Textbox(label="Giải thích", lines=2)
                save = gr.Button("Lưu bản sửa")
            note = gr.Textbox(label="Ghi chú của người duyệt")
            with gr.Row():
                approve = gr.Button("Duyệt ✓", variant="primary", elem_id="ktgs-quiz-approve")
                reject = gr.Button("Loại ✗", variant="stop", elem_id="ktgs-quiz-reject")
        with gr.Tab("Xuất đề"):
            with gr.Row():
                fmt = gr.Dropdown(EXPORT_CHOICES, value="gift", label="Định dạng", elem_id="ktgs-quiz-format")
                approved_only = gr.Checkbox(True, label="Chỉ xuất câu đã duyệt")
                go_export = gr.Button("Xuất tệp", elem_id="ktgs-quiz-export")
            export_file = gr.File(label="Tệp đã xuất", interactive=False, elem_id="ktgs-quiz-file")
            export_note = gr.HTML("")
        with gr.Tab("Luyện tập"):
            t_index = gr.State(0)
            t_stem = gr.HTML('<div class="ktgs-muted">Tạo đề rồi bấm «Bắt đầu».</div>', elem_id="ktgs-train-stem")
            t_choice = gr.Radio([], label="Chọn đáp án", elem_id="ktgs-train-choice")
            t_cloze = gr.Textbox(label="Điền vào chỗ trống", visible=False)
            with gr.Row():
                t_start = gr.Button("Bắt đầu", elem_id="ktgs-train-start")
                t_answer = gr.Button("Trả lời", variant="primary", elem_id="ktgs-train-answer")
                t_next = gr.Button("Câu tiếp", elem_id="ktgs-train-next")
            t_verdict = gr.HTML("", elem_id="ktgs-train-verdict")

        def on_build(d: str, count: float, ts: list, s: float) -> tuple:
            try:
                items, notes = build_items(ctx, d, int(count or 10), ts, int(s or 0))
            except KtgsError as exc:
                return [], render.error_box(f"Lỗi: {exc}"), gr.Dropdown(choices=[], value=None), ""
            new_ids = [it.id for it in items]
            entries = bank_entries(ctx, new_ids)
            flagged = sum(1 for it in items if it.flagged)
            head = " ".join([f"Đã tạo {len(items)} câu hỏi ({flagged} câu có cảnh báo, không xuất nếu chưa duyệt);"
                             " các câu được lưu vào ngân hàng ở trạng thái chờ duyệt.", *notes])
            first = new_ids[0] if new_ids else None
            return (new_ids, f'<div class="ktgs-report">{render.esc(head)}</div>',
                    gr.Dropdown(choices=item_choices(entries), value=first),
                    item_html(entries[0]) if entries else "")

        def on_pick(item_id: str) -> tuple:
            if not item_id:
                return "", "", "", "", ""
            entry = bank_entries(ctx, [item_id])[0]
            it = entry.item
            return item_html(entry), it.stem, "\n".join(it.options), it.key, it.explanation

        def on_review(action: str):
            def handler(item_id: str, quiz_ids: list, note_text: str, stem: str, options: str, key: str,
                        expl: str) -> tuple:
                if not item_id:
                    return gr.skip(), render.error_box("Chưa chọn câu hỏi.")
                try:
                    if action == "edit":
                        opts = [o.strip() for o in options.splitlines() if o.strip()]
                        entry = review(ctx, item_id, "edit", note_text, stem=stem.strip(), options=opts,
                                       key=key.strip(), explanation=expl.strip())
                    else:
                        entry = review(ctx, item_id, action, note_text)
                except KtgsError as exc:
                    return gr.skip(), render.error_box(f"Lỗi: {exc}")
                entries = bank_entries(ctx, quiz_ids)
                return gr.Dropdown(choices=item_choices(entries), value=entry.item.id), item_html(entry)
            return handler

        def on_export(quiz_ids: list, f: str, only: bool) -> tuple:
            try:
                result = export(ctx, quiz_ids, f, only)
            except KtgsError as exc:
                return None, render.error_box(f"Lỗi: {exc}")
            msg = f"Đã xuất {result.written} câu ({result.fmt})."
            if result.skipped_flagged:
                msg += f" Bỏ qua {result.skipped_flagged} câu có cảnh báo."
            if result.skipped_unsupported:
                msg += f" {len(result.skipped_unsupported)} câu định dạng này không chứa được."
            return str(result.path), f'<div class="ktgs-report">{render.esc(msg)}</div>'

        def show_question(quiz_ids: list, i: int) -> tuple:
            entries = [e for e in bank_entries(ctx, quiz_ids) if e.status != "rejected"]
            if not entries:
                return (i, '<div class="ktgs-muted">Chưa có câu hỏi.</div>', gr.Radio(choices=[], value=None),
                        gr.Textbox(visible=False), "")
            i = i % len(entries)
            it = entries[i].item
            stem = f'<div class="ktgs-panel-title">Câu {i + 1}/{len(entries)}. {render.esc(it.stem)}</div>'
            cloze = it.type == "cloze" or not it.options
            return (i, stem, gr.Radio(choices=it.options, value=None, visible=not cloze),
                    gr.Textbox(value="", visible=cloze), "")

        def answer_question(quiz_ids: list, i: int, choice: str, typed: str) -> str:
            entries = [e for e in bank_entries(ctx, quiz_ids) if e.status != "rejected"]
            if not entries:
                return ""
            it = entries[i % len(entries)].item
            given = (choice if it.options else typed) or ""
            right = given.strip().casefold() == it.key.strip().casefold()
            verdict = ('<div class="ktgs-verdict-ok">Đúng!</div>' if right else
                       f'<div class="ktgs-verdict-bad">Chưa đúng. Đáp án: {render.esc(it.key)}</div>')
            panels = []
            panels = [ctx.unit_panel(c.unit_id, quote=c.quote) for c in it.citations[:2]]
            return verdict + "".join(panels)

        def refresh_docs() -> Any:
            return gr.Dropdown(choices=document_choices(ctx))

        make.click(on_build, [doc, n, types, seed], [ids, summary, pick, preview])
        pick.change(on_pick, [pick], [preview, e_stem, e_options, e_key, e_expl])
        review_inputs = [pick, ids, note, e_stem, e_options, e_key, e_expl]
        approve.click(on_review("approve"), review_inputs, [pick, preview])
        reject.click(on_review("reject"), review_inputs, [pick, preview])
        save.click(on_review("edit"), review_inputs, [pick, preview])
        go_export.click(on_export, [ids, fmt, approved_only], [export_file, export_note])
        t_start.click(lambda q: show_question(q, 0), [ids], [t_index, t_stem, t_choice, t_cloze, t_verdict])
        t_next.click(lambda q, i: show_question(q, i + 1), [ids, t_index],
                     [t_index, t_stem, t_choice, t_cloze, t_verdict])
        t_answer.click(answer_question, [ids, t_index, t_choice, t_cloze], t_verdict)
        tab.select(refresh_docs, None, doc)
