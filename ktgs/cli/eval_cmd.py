"""`ktgs eval retrieval | run | compare`: thin wrappers over ktgs.evals."""
from __future__ import annotations

import json
from pathlib import Path

import click

RETRIEVAL_KEYS = ("recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10", "f2", "precision", "recall",
                  "article_recall@10", "article_mrr@10", "p50_ms", "p95_ms", "n")


def _settings(quiet: bool):
    from ktgs.settings import load_settings

    return load_settings(quiet=True) if quiet else load_settings()


@click.group("eval")
def eval_group() -> None:
    """Đánh giá: truy hồi trên ALQAC, chạy so sánh cấu hình, so sánh hai lần chạy."""


@eval_group.command("retrieval")
@click.option("--dataset", default="alqac", show_default=True,
              help="alqac, tên bộ câu hỏi vàng trong evals/gold/, hoặc đường dẫn JSONL.")
@click.option("--split", default="dev", show_default=True, help="Chỉ có dev cho ALQAC.")
@click.option("--mode", type=click.Choice(["bm25", "dense", "hybrid"]), default="hybrid", show_default=True)
@click.option("--embedder", default=None, help="Mô hình nhúng (mặc định theo cài đặt).")
@click.option("--corpus", type=click.Path(exists=True, path_type=Path), default=None,
              help="corpus.jsonl các điều luật (hoặc thư mục văn bản) khi --dataset là đường dẫn.")
@click.option("--limit", type=int, default=None, help="Chỉ chạy N câu đầu.")
@click.option("--query", type=click.Choice(["question", "question+choices"]), default="question",
              show_default=True, help="Câu tìm kiếm: chỉ câu hỏi, hoặc kèm các phương án A–D của câu trắc nghiệm.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả JSON.")
@click.option("--quiet", is_flag=True, help="Tắt thanh tiến trình.")
def retrieval_cmd(dataset, split, mode, embedder, corpus, limit, query, as_json, quiet) -> None:
    """Đo Recall@k, MRR@10, nDCG@10, macro-F2 của tìm kiếm."""
    from ktgs.evals.retrieval import evaluate_retrieval

    s = _settings(quiet)
    r = evaluate_retrieval(dataset, split=split, mode=mode, embedder=embedder, limit=limit, corpus=corpus,
                           settings=s, progress=not quiet, query=query)
    out = {k: r.get(k) for k in RETRIEVAL_KEYS}
    out.update({"ci": r["ci"], "dataset": r["dataset"], "mode": mode, "embedder": r["embedder"], "query": query})
    if as_json:
        click.echo(json.dumps(out, ensure_ascii=False))
        return
    click.echo(f"{r['dataset']} · {mode} · {r['embedder']} · {r['n']} câu")
    for k in RETRIEVAL_KEYS[:-1]:
        v = out[k]
        ci = r["ci"].get(k)
        click.echo(f"  {k:<18} {v:.4f}" + (f"  [{ci[0]:.3f}–{ci[1]:.3f}]" if ci else "") if v is not None
                   else f"  {k:<18} –")


@eval_group.command("run")
@click.option("--dataset", required=True, help="alqac, tên bộ câu hỏi vàng, hoặc đường dẫn JSONL.")
@click.option("--config", "configs", multiple=True, required=True,
              help="Tên cấu hình (bm25, dense, hybrid, hybrid-gemma, extractive, local …) hoặc key=value,...")
@click.option("--split", default="dev", show_default=True)
@click.option("--corpus", type=click.Path(exists=True, path_type=Path), default=None)
@click.option("--limit", type=int, default=None)
@click.option("--run-id", default=None, help="Tên thư mục kết quả (mặc định: thời điểm chạy).")
@click.option("--json", "as_json", is_flag=True)
@click.option("--quiet", is_flag=True)
def run_cmd(dataset, configs, split, corpus, limit, run_id, as_json, quiet) -> None:
    """Chạy nhiều cấu hình trên cùng bộ câu hỏi; ghi results.json, report.md, report.html."""
    from ktgs.evals.runner import json_summary, run

    run_dir = run(dataset, configs, split=split, corpus=corpus, limit=limit, settings=_settings(quiet),
                  progress=not quiet, run_id=run_id)
    summary = json_summary(run_dir)
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False))
        return
    click.echo((run_dir / "report.md").read_text(encoding="utf-8"))
    click.echo(f"Báo cáo: {summary['report']}")


@eval_group.command("compare")
@click.argument("run1")
@click.argument("run2")
@click.option("--json", "as_json", is_flag=True)
def compare_cmd(run1, run2, as_json) -> None:
    """Chênh lệch từng chỉ số giữa hai lần chạy và các câu đổi kết quả.

    RUN1, RUN2: thư mục lần chạy, hoặc mã lần chạy trong KTGS_HOME/evals/."""
    from ktgs.evals.compare import compare, compare_markdown

    result = compare(_run_dir(run1), _run_dir(run2))
    click.echo(json.dumps(result, ensure_ascii=False, indent=2) if as_json else compare_markdown(result))


def _run_dir(run: str) -> Path:
    for path in (Path(run), _settings(True).home_path / "evals" / run):
        if path.is_dir():
            return path
    raise click.BadParameter(f"không thấy lần chạy {run!r} (thư mục, hoặc mã trong KTGS_HOME/evals/)")


def register(main: click.Group) -> None:
    main.add_command(eval_group)
