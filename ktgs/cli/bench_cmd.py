"""`ktgs bench …`: speed measurements. The `bench` group lives here; other modules add subcommands
with `from ktgs.cli.bench_cmd import bench` and `@bench.command(...)`."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import click

from ktgs.settings import load_settings


@click.group("bench")
def bench() -> None:
    """Đo tốc độ (nạp văn bản, tìm kiếm, nhúng)."""


@bench.command("ingest")
@click.option("--path", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Thư mục văn bản (mặc định ../shared/corpus nếu có, nếu không ./corpus).")
@click.option("--repeat", type=click.IntRange(1, 100), default=3, show_default=True,
              help="Số lần lặp; lấy lần nhanh nhất.")
@click.option("--real-docs", "real_docs", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None, help="Thư mục tệp thật để đo từng bộ đọc (trang/giây: PDF, DOCX, .doc, HTML, OCR).")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
def bench_ingest(path: Path | None, repeat: int, real_docs: Path | None, as_json: bool) -> None:
    """Đo tốc độ phân tích: tệp/giây, đơn vị/giây, MB/giây; trang PDF/giây; trang/giây từng bộ đọc."""
    from ktgs.ingest.bench import run_ingest_bench

    r = run_ingest_bench(path, repeat, load_settings(), real_docs=real_docs)
    if as_json:
        click.echo(json.dumps(r, ensure_ascii=False, indent=2))
        return
    click.echo(f"Kho: {r['corpus']} — {r['files']} tệp, {r['megabytes']} MB, {r['units']} đơn vị, "
               f"{r['errors']} lỗi")
    click.echo(f"  {r['files_per_s']} tệp/giây, {r['units_per_s']} đơn vị/giây, {r['mb_per_s']} MB/giây "
               f"(tốt nhất {repeat} lần: {r['seconds']} s)")
    if "pdf_pages" in r:
        click.echo(f"  PDF văn bản mẫu: {r['pdf_pages']} trang, {r['pdf_pages_per_s']} trang/giây")
    for fmt, row in r.get("readers", {}).items():
        if "pages" in row:
            click.echo(f"  bộ đọc {fmt}: {row['files']} tệp, {row['pages']} trang ({row['pages_counted']}), "
                       f"{row['pages_per_s']} trang/giây")
        else:
            click.echo(f"  bộ đọc: {row['files']} tệp lỗi")


def echo_results(results: list[dict], as_json: bool, line: Callable[[dict], str]) -> None:
    """Bench results as indented JSON, or one `line(result)` each."""
    if as_json:
        click.echo(json.dumps(results, ensure_ascii=False, indent=2))
        return
    for r in results:
        click.echo(line(r))


def register(main: click.Group) -> None:
    main.add_command(bench)
