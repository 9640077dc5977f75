"""The Gradio app: five tabs in Vietnamese over one `UIContext` that holds what is loaded once.

`build_app(settings)` returns the gr.Blocks; `launch(settings, host, port)` serves it (no share
links, no analytics, no external fonts: the page must render offline). Callbacks in the tab
modules only parse inputs, call the library through the context and render HTML.
"""
from __future__ import annotations

import contextvars
import dataclasses
import os
import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Iterator

from ktgs import audit
from ktgs.access import ROLE_NAMES
from ktgs.assistant.ui.auth import Sessions, login_required, request_user, rights_line
from ktgs.contracts import Answer, Document, Hit, Unit
from ktgs.errors import AccessError, IndexNotFoundError, KtgsError
from ktgs.index.scoped import scoped
from ktgs.settings import Settings

ASSETS_CSS = Path(__file__).with_name("assets.css")
TITLE = "ktgs — Tra cứu văn bản & hỏi đáp có trích dẫn"
SYSTEM_FONTS = ["Noto Sans", "DejaVu Sans", "Segoe UI", "Arial", "sans-serif"]
MONO_FONTS = ["DejaVu Sans Mono", "Consolas", "monospace"]

ACTION_NAMES = {"ingest": "nạp văn bản", "eval": "chạy đánh giá", "manage": "quản lý người dùng và mức truy cập"}
MODE_LABELS = {"extractive": "Trích dẫn (không dùng LLM)", "local": "LLM cục bộ", "openai": "Máy chủ LLM"}


class UIContext:
    """What the UI loads once and shares between sessions: settings, searcher, assistant.

    The index (Qdrant Edge shard, SQLite catalog, Q&A log) is owned by ONE library thread: every
    callback goes through `call()` / `stream()`, which run the library there. Gradio serves events
    from a pool of worker threads, and SQLite connections may not cross threads; one owner also
    serialises writers (ingest, eval runs) against readers.
    """

    def __init__(self, settings: Settings, assistant: Any = None, login: bool = False):
        self.as_of = ""          # the date control: "" = today
        self.settings = settings
        self._assistant = assistant
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ktgs-library")
        # with login on, every read goes through the requesting user's rights (ui/auth.py)
        self.login = login
        self.sessions = Sessions(settings)
        self._scoped: dict[Any, Any] = {}      # (viewer, mode) -> Assistant over that viewer's scoped searcher

    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run fn(*args, **kwargs) on the library thread and return its result (or raise its error)."""
        if threading.current_thread().name.startswith("ktgs-library"):
            return fn(*args, **kwargs)
        # the caller's context travels along (Gradio's progress tracking lives in a context variable)
        return self._worker.submit(contextvars.copy_context().run, fn, *args, **kwargs).result()

    def stream(self, make: Callable[[], Iterator[Any]]) -> Iterator[Any]:
        """Iterate the generator `make()` on the library thread, yielding its items here as they come."""
        items: "queue.Queue[tuple[str, Any]]" = queue.Queue()

        def pump() -> None:
            try:
                for item in make():
                    items.put(("item", item))
            except BaseException as exc:  # handed to the caller's thread and re-raised there
                items.put(("error", exc))
            else:
                items.put(("done", None))

        self._worker.submit(contextvars.copy_context().run, pump)
        while True:
            kind, value = items.get()
            if kind == "item":
                yield value
            elif kind == "error":
                raise value
            else:
                return

    def close(self) -> None:
        self.call(self.reopen)
        self._worker.shutdown(wait=True)


    # -- who is asking ----------------------------------------------------------------------
    def viewer(self) -> Any:
        """None (local single user, all rights) without login; else the logged-in user's Viewer
        (NOBODY outside an event); an expired session is an AuthError."""
        if not self.login:
            return None
        return self.sessions.viewer(request_user())

    def require(self, action: str) -> Any:
        """The viewer, when their role may do `action` (ingest, eval, manage); else AccessError."""
        viewer = self.viewer()
        if viewer is not None and not viewer.may(action):
            raise AccessError(f"vai trò {ROLE_NAMES[viewer.role]} không được {ACTION_NAMES[action]}")
        return viewer

    def audit(self, action: str, **detail: Any) -> None:
        viewer = self.viewer()
        audit.record(self.settings, viewer.name if viewer is not None else "local", action, **detail)

    # -- loaded once (library thread only) ----------------------------------------------------
    @property
    def base_assistant(self) -> Any:
        if self._assistant is None:
            from ktgs.assistant.ask import Assistant

            self._assistant = Assistant.open(self.settings)
        return self._assistant

    @property
    def assistant(self) -> Any:
        """The assistant as the requesting user: over their scoped view of the shared searcher."""
        return self.assistant_for(self.settings.answer_mode)

    def assistant_for(self, mode: str) -> Any:
        """As `assistant`, for answer `mode`: a scoped assistant shares the loaded LLM of the base
        one (handed in as its generator, so it is never loaded twice nor closed by it)."""
        viewer = self.viewer()
        if viewer is None:
            return self.base_assistant
        key = (viewer, mode)
        if key not in self._scoped:
            from ktgs.assistant.ask import Assistant

            base = self.base_assistant
            generator = base.generator(mode) if mode in ("local", "openai") else None
            self._scoped[key] = Assistant(self.settings, searcher=scoped(base.searcher, viewer), generator=generator)
        return self._scoped[key]

    @property
    def searcher(self) -> Any:
        return self.assistant.searcher

    def warm_up(self) -> None:
        """Open the index and load the embedder now rather than on the first question."""
        self.call(lambda: self.base_assistant.searcher.search("khởi động", k=1))

    def reopen(self) -> None:
        """Close the loaded searcher (call on the library thread); the next use opens the index again."""
        for scoped_assistant in self._scoped.values():
            scoped_assistant.close()             # its Q&A log and models; the searcher is shared
        self._scoped.clear()
        if self._assistant is not None:
            searcher = getattr(self._assistant, "_searcher", None)
            if searcher is not None:
                searcher.close()
            self._assistant.close()
        self._assistant = None

    def exclusive(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run a writer (ingest, eval run) on the library thread with the searcher closed."""
        def run() -> Any:
            self.reopen()
            try:
                return fn(*args, **kwargs)
            finally:
                self.reopen()
        return self.call(run)

    # -- library calls, routed to the library thread ----------------------------------------
    def ask_stream(self, question: str, history: list, mode: str) -> Iterator[Any]:
        as_of = self.as_of or None

        def run() -> Iterator[Any]:
            for item in self.assistant_for(mode).ask_stream(question, history=history, mode=mode, as_of=as_of):
                if isinstance(item, Answer):
                    self.audit("ask", question=question, grounded=item.grounded,
                               unit_ids=[c.unit_id for c in item.citations] or [h.unit.unit_id for h in item.hits[:3]])
                yield item
        return self.stream(run)

    def search(self, query: str, **kwargs: Any) -> list[Hit]:
        kwargs.setdefault("as_of", self.as_of or None)

        def run() -> list[Hit]:
            hits = self.searcher.search(query, **kwargs)
            self.audit("search", query=query, unit_ids=[h.unit.unit_id for h in hits])
            return hits
        return self.call(run)

    def set_as_of(self, value: str) -> str:
        """The date answers, searches and cards speak for ('' = today); a bad date is refused."""
        from ktgs.index.validity import as_date

        value = (value or "").strip()
        self.as_of = as_date(value).isoformat() if value else ""
        return self.as_of

    def card(self, doc_id: str) -> dict:
        """The validity card of a document (ktgs.index.validity.Graph.card) on the chosen date."""
        searcher = self.searcher
        if hasattr(searcher, "viewer"):      # a logged-in user: what they may not see is left out
            return self.call(lambda: searcher.card(doc_id, self.as_of or None))
        return self.call(lambda: searcher.graph.card(doc_id, self.as_of or None))

    def documents(self) -> list[Document]:
        """The catalog's documents, each with its status on the chosen date (the legal graph's)."""
        def run() -> list[Document]:
            try:
                docs = list(self.searcher.documents())
                graph = self.searcher.graph
            except IndexNotFoundError:
                return []
            as_of = self.as_of or None
            return [dataclasses.replace(d, status=graph.status_of(d.doc_id, as_of).status) for d in docs]
        return self.call(run)

    def index_status(self) -> str:
        """One line for the header: how many documents, or what to do when the index is empty."""
        docs = self.documents()
        who = rights_line(self.viewer()) + " " if self.login else ""
        if not docs:
            return who + "Kho văn bản trống: chạy `ktgs ingest corpus/` hoặc tải văn bản lên ở thẻ «Văn bản»."
        return who + f"Kho văn bản: {len(docs)} văn bản."

    def find_unit(self, unit_id: str) -> Unit | None:
        return self.call(lambda: self.searcher.get_unit(unit_id))

    def unit(self, unit_id: str) -> Unit:
        unit = self.find_unit(unit_id)
        if unit is None:
            raise KtgsError(f"không tìm thấy đơn vị {unit_id} trong kho")
        return unit

    def document(self, doc_id: str) -> Document | None:
        return self.call(lambda: self.searcher.get_document(doc_id))

    def children(self, unit_id: str) -> list[Unit]:
        return self.call(lambda: list(self.searcher.children(unit_id)))

    def units_of(self, doc_id: str) -> list[Unit]:
        return self.call(lambda: list(self.searcher.units(doc_id)))

    def unit_panel(self, unit_id: str, **marks: Any) -> str:
        """The side panel for one unit (label, notes, metadata), with `marks` (start/end or quote)
        highlighted; an unknown unit gives an error box, not an exception."""
        from ktgs.assistant.ui import render

        try:
            unit = self.unit(unit_id)
        except KtgsError as exc:
            return render.error_box(str(exc))
        document = self.document(unit.doc_id)
        if document is not None:      # the badge shows the unit's status on the chosen date
            st = self.call(lambda: self.searcher.unit_status(unit, self.as_of or None))
            meta = {**document.metadata, **({"history_of": st.consolidated_by} if st.history else {})}
            document = dataclasses.replace(document, status=st.status, metadata=meta)
        label, notes = self.label(unit, document)
        if document is not None and st.note:
            notes = [*notes, st.note]
        return render.render_unit_panel(unit, document, label=label, notes=notes, **marks)

    def label(self, unit: Unit, document: Document | None) -> tuple[str, list[str]]:
        from ktgs.ingest.labels import citation_label, label_notes

        if document is None:
            return unit.heading or unit.unit_id, []
        return citation_label(unit, document), label_notes(document)

    # -- answer modes ------------------------------------------------------------------------
    def mode_availability(self) -> dict[str, str]:
        """mode → "" when usable, else the reason it is not (shown next to the option)."""
        out = {"extractive": ""}
        try:
            from ktgs.assistant.llm import local_model_file

            has_gguf = local_model_file(self.settings).is_file()
        except (KtgsError, ImportError):   # no model registry / unknown model: not configured
            has_gguf = False
        try:
            import llama_cpp  # noqa: F401  (only whether it is installed)

            has_runtime = True
        except ImportError:
            has_runtime = False
        out["local"] = "" if has_gguf and has_runtime else (
            "chưa cài llama-cpp-python" if has_gguf else "chưa tải mô hình (ktgs models fetch …)")
        out["openai"] = "" if self.settings.llm_url else "chưa đặt KTGS_LLM_URL"
        return out

    def mode_choices(self) -> list[tuple[str, str]]:
        avail = self.mode_availability()
        return [(MODE_LABELS[m] + (f" — {why}" if why else ""), m) for m, why in avail.items()]

    def default_mode(self) -> str:
        mode = self.settings.answer_mode
        return mode if not self.mode_availability().get(mode, "x") else "extractive"


def app_css(ctx: UIContext) -> str:
    """The stylesheet, plus rules that grey out answer modes that are not configured."""
    css = ASSETS_CSS.read_text(encoding="utf-8")
    for mode, why in ctx.mode_availability().items():
        if why:
            css += (f'\n#ktgs-mode label:has(input[value="{mode}"]) '
                    "{ opacity: .45; pointer-events: none; cursor: not-allowed; }")
    return css


def build_app(settings: Settings, ctx: UIContext | None = None) -> Any:
    """The five tabs as one gr.Blocks (not launched)."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio as gr

    from ktgs.assistant.ui import tab_admin, tab_chat, tab_documents, tab_eval, tab_quiz, tab_search

    ctx = ctx or UIContext(settings)
    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        with gr.Row(elem_id="ktgs-header"):
            gr.HTML('<div class="ktgs-brand">ktgs · Tra cứu văn bản và hỏi đáp có trích dẫn</div>')
            status = gr.HTML('<div class="ktgs-status" id="ktgs-index-status"></div>')
            as_of = gr.Textbox(label="Hiệu lực tính đến ngày", placeholder="YYYY-MM-DD (trống: hôm nay)",
                               max_lines=1, scale=0, min_width=200, elem_id="ktgs-as-of")
        with gr.Tabs():
            tab_chat.build(ctx)
            tab_search.build(ctx)
            tab_documents.build(ctx)
            tab_quiz.build(ctx)
            tab_eval.build(ctx)
            if ctx.login:
                tab_admin.build(ctx)          # the audit view (administrators; ui/tab_admin.py)

        def header_status() -> str:
            from ktgs.assistant.ui.render import esc

            return f'<div class="ktgs-status" id="ktgs-index-status">{esc(ctx.index_status())}</div>'

        def set_date(value: str) -> Any:
            from ktgs.errors import KtgsError

            try:
                return ctx.set_as_of(value)
            except KtgsError as exc:
                gr.Warning(str(exc))
                return ctx.as_of

        as_of.submit(set_date, as_of, as_of)
        as_of.blur(set_date, as_of, as_of)
        demo.load(header_status, None, status)
    demo.ktgs_context = ctx
    return demo


def theme() -> Any:
    import gradio as gr

    return gr.themes.Default(primary_hue="red", secondary_hue="amber", neutral_hue="slate",
                             font=SYSTEM_FONTS, font_mono=MONO_FONTS)


def launch(settings: Settings, host: str | None = None, port: int | None = None,
           block: bool = True, ctx: UIContext | None = None, quiet: bool = False) -> Any:
    """Serve the app on host:port (127.0.0.1:7860 by default). Returns the Blocks when not blocking."""
    host = host or settings.host
    login = login_required(settings, host)          # refuses a non-loopback address without users
    ctx = ctx or UIContext(settings)
    ctx.login = login
    demo = build_app(settings, ctx)
    demo.queue(default_concurrency_limit=2)
    demo.launch(server_name=host, server_port=port or settings.port, share=False,
                inbrowser=False, prevent_thread_lock=not block, quiet=quiet, show_error=True,
                footer_links=[], theme=theme(), css=app_css(ctx),
                # with login, no folder is served as-is: eval indexes hold whole document texts
                allowed_paths=[] if login else [str(settings.home_path / "evals")], ssr_mode=False, pwa=False,
                mcp_server=False, auth=ctx.sessions.login if login else None,
                auth_message="Đăng nhập ktgs bằng tài khoản do quản trị viên cấp." if login else None)
    return demo
