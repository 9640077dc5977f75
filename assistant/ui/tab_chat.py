"""Hỏi đáp: streamed answers with citation chips; a chip opens the cited unit in the side panel
with the quoted span marked, the document's metadata and status."""
from __future__ import annotations

from typing import Any, Iterator

import gradio as gr  # tab modules are imported only by build_app()

from ktgs.contracts import Answer
from ktgs.errors import KtgsError

EXAMPLES = [
    "Thời hạn giải quyết tố cáo là bao lâu?",
    "Kinh phí thực hiện đề án là bao nhiêu?",
    "Người khiếu nại có những quyền gì?",
    "thoi han giai quyet khieu nai lan dau",
    "Các hành vi bị nghiêm cấm trong phòng, chống tham nhũng?",
]
THINKING = "…"


def build(ctx: Any) -> None:
    from ktgs.assistant.ui import render

    with gr.Tab("Hỏi đáp", id="chat", elem_id="tab-chat"):
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=420):
                chatbot = gr.Chatbot(label="Hội thoại", height=430, elem_id="ktgs-chat",
                                     feedback_options=None, buttons=["copy"],
                                     placeholder="Đặt câu hỏi về văn bản trong kho; mỗi câu trả lời kèm căn cứ.")
                chips = gr.HTML(render.render_chips(None), js_on_load=render.CLICK_JS, elem_id="ktgs-chips")
                with gr.Row():
                    question = gr.Textbox(show_label=False, placeholder="Nhập câu hỏi rồi nhấn Enter…",
                                          scale=6, elem_id="ktgs-question", lines=1, max_lines=4)
                    ask = gr.Button("Hỏi", variant="primary", scale=1, min_width=80, elem_id="ktgs-ask")
                with gr.Row():
                    mode = gr.Radio(ctx.mode_choices(), value=ctx.default_mode(), label="Cách trả lời",
                                    elem_id="ktgs-mode", scale=4)
                    clear = gr.Button("Xóa hội thoại", scale=1, min_width=80, elem_id="ktgs-clear")
                gr.Examples([[q] for q in EXAMPLES], inputs=[question], label="Câu hỏi mẫu",
                            examples_per_page=len(EXAMPLES))
            with gr.Column(scale=2, min_width=320):
                panel = gr.HTML(render.empty_panel(), elem_id="ktgs-panel")
        history = gr.State([])

        def respond(q: str, messages: list, hist: list, mode_value: str) -> Iterator[tuple]:
            q = (q or "").strip()
            if not q:
                yield gr.skip(), gr.skip(), gr.skip(), gr.skip()
                return
            usable = ctx.mode_availability()
            if usable.get(mode_value, "không rõ"):
                gr.Warning(f"Chế độ «{mode_value}» chưa sẵn sàng ({usable.get(mode_value)}); dùng chế độ trích dẫn.")
                mode_value = "extractive"
            messages = list(messages or []) + [{"role": "user", "content": q},
                                               {"role": "assistant", "content": THINKING}]
            yield "", messages, render.render_chips(None), hist
            text, answer = "", None
            try:
                for item in ctx.ask_stream(q, [tuple(h) for h in hist], mode_value):
                    if isinstance(item, Answer):
                        answer = item
                    else:
                        text += item
                        messages[-1] = {"role": "assistant", "content": text}
                        yield gr.skip(), messages, gr.skip(), gr.skip()
            except KtgsError as exc:
                messages[-1] = {"role": "assistant", "content": f"Lỗi: {exc}"}
                yield "", messages, render.render_chips(None), hist
                return
            messages[-1] = {"role": "assistant", "content": render.answer_markdown(answer)}
            hist = list(hist) + [[q, answer.text]]
            yield "", messages, render.render_chips(answer), hist

        def open_citation(evt: gr.SelectData) -> str:
            start, end = _span(evt.index)
            return ctx.unit_panel(str(evt.value), start=start, end=end)

        def reset() -> tuple:
            return [], [], render.render_chips(None), render.empty_panel()

        outputs = [question, chatbot, chips, history]
        question.submit(respond, [question, chatbot, history, mode], outputs)
        ask.click(respond, [question, chatbot, history, mode], outputs)
        chips.select(open_citation, None, panel)
        clear.click(reset, None, [chatbot, history, chips, panel])


def _span(index: Any) -> tuple[int, int]:
    if isinstance(index, (list, tuple)) and len(index) == 2:
        try:
            return int(index[0]), int(index[1])
        except (TypeError, ValueError):
            return -1, -1
    return -1, -1
