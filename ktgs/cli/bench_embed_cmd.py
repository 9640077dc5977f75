"""`ktgs bench embed`: embedding throughput and query latency (attached to the `bench` group)."""
from __future__ import annotations

from pathlib import Path

import click

from ktgs.settings import load_settings


@click.command("embed")
@click.option("--model", "names", multiple=True,
              help="Mô hình nhúng (lặp lại được); mặc định: mọi mô hình nhúng đã tải.")
@click.option("--dtype", "dtypes", multiple=True, type=click.Choice(["auto", "fp32", "bf16"]),
              help="Kiểu số cho mô hình sentence-transformers (lặp lại được); mặc định fp32 và bf16.")
@click.option("--n", "n", type=click.IntRange(10, 5000), default=500, show_default=True,
              help="Số đoạn văn bản luật dùng để đo.")
@click.option("--path", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Thư mục chứa luat-*.md (mặc định ../shared/corpus nếu có, nếu không ./corpus).")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
def bench_embed(names: tuple[str, ...], dtypes: tuple[str, ...], n: int, path: Path | None, as_json: bool) -> None:
    """Đo tốc độ nhúng: đơn vị/giây trên các đoạn luật thật, độ trễ một câu hỏi."""
    from ktgs.index.bench_embed import run_embed_bench
    from ktgs.ingest.bench import default_corpus

    from ktgs.cli.bench_cmd import echo_results

    results = run_embed_bench(load_settings(), path or default_corpus(), names, dtypes or ("fp32", "bf16"), n)
    echo_results(results, as_json, lambda r: (
        f"{r['embedder']} [{r['dtype']}] {r['dim']}d: {r['units_per_s']} đơn vị/giây "
        f"({r['units']} đoạn, TB {r['mean_chars']} ký tự, {r['seconds']} s); câu hỏi: "
        f"trung vị {r['query_ms_median']} ms, p90 {r['query_ms_p90']} ms; nạp {r['load_s']} s"))


def register(main: click.Group) -> None:
    """Attach `embed` to the `bench` group (registered on `main` by ktgs.cli.bench_cmd)."""
    from ktgs.cli.bench_cmd import bench

    bench.add_command(bench_embed)
