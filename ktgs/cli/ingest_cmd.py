"""`ktgs ingest PATH…`: parse and index files and folders (incremental)."""
from __future__ import annotations

from pathlib import Path

import click

from ktgs import audit
from ktgs.access import LEVELS
from ktgs.cli.as_user import LOCAL_USER
from ktgs.settings import load_settings


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--rebuild", is_flag=True, help="Xóa chỉ mục hiện có và nạp lại từ đầu.")
@click.option("--embedder", default=None, help="Mô hình nhúng (xem `ktgs models list`).")
@click.option("--qdrant-url", default=None, help="Máy chủ Qdrant (http://…); mặc định: Qdrant Edge nhúng sẵn.")
@click.option("--access", "access_level", type=click.Choice(LEVELS), default=None,
              help="Mức truy cập của văn bản mới (front matter `access:` hay tệp .ktgs-access chặt hơn thì theo đó).")
@click.option("--groups", default=None, help="Nhóm được xem, cách nhau bởi dấu phẩy.")
@click.option("--quiet", is_flag=True, help="Không hiện thanh tiến trình.")
def ingest(paths: tuple[Path, ...], rebuild: bool, embedder: str | None, qdrant_url: str | None,
           access_level: str | None, groups: str | None, quiet: bool) -> None:
    """Nạp văn bản vào kho: chỉ nhúng lại tệp mới hoặc đã thay đổi, gỡ tệp đã bị xóa khỏi thư mục."""
    from ktgs.index.indexer import index_paths

    settings = load_settings(qdrant_url=qdrant_url, quiet=quiet or None)
    r = index_paths(paths, settings, progress=not settings.quiet, rebuild=rebuild, embedder=embedder,
                    access_level=access_level, access_groups=groups.split(",") if groups else None)
    audit.record(settings, LOCAL_USER, "ingest", paths=[str(p) for p in paths], new=r.new, changed=r.changed,
                 removed=r.removed, failed=[p for p, _ in r.failed], access=access_level, groups=groups or "")
    click.echo(f"Tệp: {len(r.new)} mới, {len(r.changed)} thay đổi, {len(r.unchanged)} không đổi, "
               f"{len(r.removed)} đã gỡ, {len(r.failed)} lỗi")
    click.echo(f"Đơn vị: {r.units_indexed} đã nhúng, {r.units_removed} đã gỡ, {r.points_total} trong chỉ mục "
               f"— {r.seconds:.1f} giây ({r.units_per_s:.1f} đơn vị/giây)")
    for path, reason in r.failed:
        click.echo(f"  Lỗi {path}: {reason}", err=True)
    if r.failed and not (r.new or r.changed or r.unchanged):
        raise SystemExit(1)


def register(main: click.Group) -> None:
    main.add_command(ingest)
