"""`ktgs bench ask`: answer latency per mode (attached to the `bench` group)."""
from __future__ import annotations

import click

from ktgs.settings import load_settings


@click.command("ask")
@click.option("--mode", "modes", multiple=True, type=click.Choice(["extractive", "local", "openai"]),
              help="Chế độ trả lời (lặp lại được); mặc định: extractive.")
@click.option("--repeat", type=click.IntRange(1, 20), default=1, show_default=True,
              help="Số lần hỏi lại mỗi câu.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
def bench_ask(modes: tuple[str, ...], repeat: int, as_json: bool) -> None:
    """Đo thời gian trả lời: token đầu tiên và tổng thời gian (chỉ mục hiện có, 5 câu hỏi mẫu)."""
    from ktgs.assistant.bench_ask import run_ask_bench

    from ktgs.cli.bench_cmd import echo_results

    results = [run_ask_bench(load_settings(), mode, repeat=repeat) for mode in (modes or ("extractive",))]
    echo_results(results, as_json, lambda r: (
        f"{r['mode']} ({r['model']}): token đầu p50 {r['first_token_ms_p50']} ms, "
        f"p95 {r['first_token_ms_p95']} ms; tổng p50 {r['total_ms_p50']} ms, p95 {r['total_ms_p95']} ms; "
        f"có căn cứ {r['grounded']}/{r['questions'] * r['repeat']}; nạp {r['load_s']} s"))


def register(main: click.Group) -> None:
    from ktgs.cli.bench_cmd import bench

    bench.add_command(bench_ask)
