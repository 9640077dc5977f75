"""Browser tier: log in as two roles through the real app (Gradio auth) and search the same words.
A trainee's search does not find the `mat` fixture document that an officer finds — neither in the
page nor in any HTTP body the browser received."""
from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # tests/: the shared access index helper
from access_index import PASSWORD, access_home, seen_levels  # noqa: E402

pytestmark = pytest.mark.ui
QUERY = "thời hạn kiểm tra kho lưu trữ của phòng thử nghiệm hư cấu"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def login_app(tmp_path_factory):
    from ktgs.assistant.ui.app import UIContext, launch

    settings = access_home(tmp_path_factory.mktemp("login-ui"))
    ctx = UIContext(settings)
    port = free_port()
    demo = launch(settings, host="127.0.0.1", port=port, block=False, ctx=ctx, quiet=True)
    assert ctx.login, "users exist: the app must ask for a login"
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()
        ctx.close()


def search_as(browser, url: str, user: str) -> tuple[str, str]:
    """(the page text after searching, every HTTP body the browser got) for `user`."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="vi-VN")
    page = context.new_page()
    bodies: list[str] = []

    def keep(response):
        try:
            bodies.append(response.text())
        except Exception:   # streamed (SSE) or binary bodies: the page text below covers them
            pass

    page.on("response", keep)
    try:
        page.goto(url)
        page.locator("input[type=password]").wait_for(timeout=60_000)
        page.locator("input:not([type=password])").first.fill(user)
        page.locator("input[type=password]").fill(PASSWORD)
        page.locator("input[type=password]").press("Enter")
        page.get_by_role("tab", name="Tra cứu").wait_for(timeout=60_000)
        page.get_by_role("tab", name="Tra cứu").click()
        box = page.locator("#ktgs-search-query textarea, #ktgs-search-query input").first
        box.fill(QUERY)
        page.click("#ktgs-search-go")
        page.locator("#ktgs-results", has_text="Điều").wait_for(timeout=120_000)
        page.wait_for_timeout(500)
        return page.inner_text("body"), "\n".join(bodies)
    finally:
        context.close()


def test_trainee_does_not_find_what_an_officer_finds(browser, login_app):
    officer_page, officer_http = search_as(browser, login_app, "cb")
    trainee_page, trainee_http = search_as(browser, login_app, "hv")
    assert "MT" in seen_levels(officer_page), officer_page[:2000]          # the officer finds the mat document
    assert seen_levels(trainee_page) <= {"CK"}, trainee_page[:2000]        # the trainee does not
    assert "CK" in seen_levels(trainee_page)                                # … but does get results
    assert seen_levels(trainee_http) <= {"CK"}
