"""`ktgs serve`: open the index in KTGS_HOME, load the models once, serve the Vietnamese UI."""
from __future__ import annotations

from pathlib import Path

import click

SEED_CORPUS = Path(__file__).resolve().parents[2] / "corpus"   # the project's corpus/ (source checkout)


def register(main: click.Group) -> None:
    @main.command("serve")
    @click.option("--host", default=None, help="Địa chỉ lắng nghe (mặc định 127.0.0.1).")
    @click.option("--port", type=int, default=None, help="Cổng (mặc định 7860).")
    @click.option("--no-ingest", is_flag=True,
                  help="Kho trống thì không tự nạp kho văn bản mẫu corpus/; vẫn mở giao diện.")
    @click.option("--quiet", is_flag=True, help="Tắt thanh tiến trình.")
    def serve(host: str | None, port: int | None, no_ingest: bool, quiet: bool) -> None:
        """Mở giao diện web (Hỏi đáp, Tra cứu, Văn bản, Ôn tập, Đánh giá)."""
        from ktgs.assistant.ui.app import UIContext, launch
        from ktgs.assistant.ui.auth import login_required
        from ktgs.settings import load_settings

        settings = load_settings(quiet=quiet or None)
        login = login_required(settings, host or settings.host)   # before any work: no users, no 0.0.0.0
        ctx = UIContext(settings, login=login)
        if not ctx.documents():
            if no_ingest or not SEED_CORPUS.is_dir():
                click.echo(f"Kho văn bản trong {settings.home_path} đang trống: chạy `ktgs ingest corpus/` "
                           "hoặc tải văn bản lên ở thẻ «Văn bản».", err=True)
            else:
                from ktgs.index.indexer import index_paths

                click.echo(f"Kho văn bản trống: nạp kho mẫu {SEED_CORPUS} …", err=True)
                report = ctx.exclusive(index_paths, [SEED_CORPUS], settings, progress=not settings.quiet)
                click.echo(f"Đã nạp {len(report.new)} tệp, {report.units_indexed} đơn vị.", err=True)
        if ctx.documents():
            click.echo("Đang nạp mô hình…", err=True)
            ctx.warm_up()
        url = f"http://{host or settings.host}:{port or settings.port}"
        click.echo(f"Mở trình duyệt tại {url}  (Ctrl+C để dừng)"
                   + (" — cần đăng nhập (ktgs users list)" if login else ""), err=True)
        launch(settings, host=host, port=port, block=True, ctx=ctx, quiet=True)
