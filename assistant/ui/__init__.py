"""The Gradio UI in Vietnamese (Hỏi đáp, Tra cứu, Văn bản, Ôn tập, Đánh giá): a thin client of the library.

`build_app(settings)` → gr.Blocks; `launch(settings, host, port)` serves it. Gradio is imported only
when these are called, never at import time.
"""
from ktgs.assistant.ui.app import UIContext, build_app, launch

__all__ = ["UIContext", "build_app", "launch"]
