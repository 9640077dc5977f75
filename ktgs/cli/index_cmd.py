"""`ktgs index check [--repair] [--json]`: does the index agree with itself (index/consistency.py)."""
from __future__ import annotations

import json

import click

from ktgs.index.catalog import Catalog
from ktgs.index.consistency import check_open, repair_open
from ktgs.index.store import open_store
from ktgs.settings import load_settings


@click.group("index")
def index_group() -> None:
    """Kiểm tra và sửa chỉ mục."""


@index_group.command("check")
@click.option("--repair", is_flag=True, help="Xóa vector không có trong danh mục; đánh dấu văn bản thiếu vector "
                                             "để lần `ktgs ingest` tới nhúng lại. Không xóa gì trong danh mục.")
@click.option("--json", "as_json", is_flag=True, help="In báo cáo dạng JSON.")
@click.option("--qdrant-url", default=None, help="Máy chủ Qdrant (http://…); mặc định: Qdrant Edge nhúng sẵn.")
def check_cmd(repair: bool, as_json: bool, qdrant_url: str | None) -> None:
    """So danh mục với vector (đếm và duyệt): thiếu, thừa, trùng. Mã thoát 1 nếu không nhất quán."""
    settings = load_settings(qdrant_url=qdrant_url)
    store, catalog = open_store(settings), Catalog.open(settings)
    try:
        report = check_open(settings, store, catalog)
        done = repair_open(report, store, catalog) if repair and not report.ok and not report.problems else []
        after = check_open(settings, store, catalog) if done else None
    finally:
        catalog.close()
        store.close()
    if as_json:
        click.echo(json.dumps({**report.to_dict(), "repaired": done,
                               "after": after.to_dict() if after else None}, ensure_ascii=False, indent=2))
    else:
        for line in report.lines():
            click.echo(line)
        for line in done:
            click.echo(f"Đã sửa: {line}")
        if after is not None and not after.ok:
            click.echo("Sau khi sửa:")
            for line in after.lines():
                click.echo(line)
    if not (after or report).ok:
        raise SystemExit(1)


def register(main: click.Group) -> None:
    main.add_command(index_group)
