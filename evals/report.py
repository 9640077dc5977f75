"""Run reports: report.md (tables) and report.html (tables + PNG plots embedded as base64).

Plots: headline metric bars per config with 95 % bootstrap CI whiskers, recall@k curves, and a
latency histogram. matplotlib is imported lazily with the Agg backend (no display needed).
"""
from __future__ import annotations

import base64
import html
import io
from pathlib import Path
from typing import Any

BAR_METRICS = ("recall@10", "mrr@10", "ndcg@10", "f2", "accuracy", "key_fact_recall", "citation_precision",
               "faithfulness")
TABLE_METRICS = ("recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10", "f2", "accuracy", "answered",
                 "key_fact_recall", "citation_precision", "citation_recall", "refusal_accuracy", "answer_rate",
                 "faithfulness", "superseded_trap_rate", "false_flag_rate", "p50_ms", "p95_ms", "n")
KIND_COLUMNS = ("n", "key_fact_recall", "citation_recall", "citation_precision", "recall@10", "mrr@10",
                "refusal_accuracy", "answer_rate", "superseded_trap_rate")
CURVE_K = (1, 3, 5, 10, 20)


def _fmt(v: Any, key: str = "") -> str:
    if v is None:
        return "–"
    if key.endswith("_ms"):
        return f"{v:.0f}"
    if isinstance(v, float):
        return f"{v:.3f}"
    return str(v)


def _ci(summary: dict, key: str) -> str:
    ci = (summary.get("ci") or {}).get(key)
    return f" [{ci[0]:.3f}–{ci[1]:.3f}]" if ci else ""


def metric_rows(results: dict) -> tuple[list[str], list[list[str]]]:
    """Header and rows (one per config) of the metrics table; metrics no config has are left out."""
    configs = results["configs"]
    keys = [k for k in TABLE_METRICS if any(s.get(k) is not None for s in configs.values())]
    rows = [[name] + [_fmt(s.get(k), k) + (_ci(s, k) if k in BAR_METRICS else "") for k in keys]
            for name, s in configs.items()]
    return ["config", *keys], rows


def kind_rows(results: dict) -> tuple[list[str], list[list[str]]]:
    """Header and rows (one per config × question kind) of the per-kind table; empty without kinds.
    Columns no row has a value for are left out."""
    rows_src = [(name, kind, m) for name, s in results["configs"].items()
                for kind, m in (s.get("by_kind") or {}).items()]
    if not rows_src:
        return [], []
    keys = [k for k in KIND_COLUMNS if any(m.get(k) is not None for _, _, m in rows_src)]
    rows = [[name, kind] + [_fmt(m.get(k), k) for k in keys] for name, kind, m in rows_src]
    return ["config", "kind", *keys], rows


def markdown(results: dict) -> str:
    head, rows = metric_rows(results)
    lines = [f"# Đánh giá `{results['run_id']}`", "",
             f"Dataset **{results['dataset']}** ({results['split']}), {results['n_questions']} câu hỏi, "
             f"{results['created']}. Khoảng tin cậy 95 % bootstrap (1000 lần, seed 0) trong ngoặc vuông.", "",
             "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    khead, krows = kind_rows(results)
    if krows:
        lines += ["", "## Theo loại câu hỏi", "", "| " + " | ".join(khead) + " |", "|" + "---|" * len(khead)]
        lines += ["| " + " | ".join(r) + " |" for r in krows]
    lines += ["", "## Cấu hình", ""]
    for name, s in results["configs"].items():
        c = s.get("config", {})
        lines.append(f"- `{name}`: mode={c.get('mode')}, embedder={c.get('embedder')}, "
                     f"overrides={c.get('overrides')}")
    return "\n".join(lines) + "\n"


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def plots(results: dict) -> dict[str, str]:
    """Base64 PNGs: 'metrics' (bars + CI whiskers), 'recall_curve', 'latency'."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    configs = results["configs"]
    out = {}
    keys = [k for k in BAR_METRICS if any(s.get(k) is not None for s in configs.values())]
    if keys:
        fig, ax = plt.subplots(figsize=(max(6, 1.4 * len(keys) * max(1, len(configs)) / 2), 3.6))
        width = 0.8 / max(len(configs), 1)
        for i, (name, s) in enumerate(configs.items()):
            xs = [j + i * width for j in range(len(keys))]
            vals = [s.get(k) or 0.0 for k in keys]
            cis = [(s.get("ci") or {}).get(k) for k in keys]
            err = [[v - c[0] if c else 0 for v, c in zip(vals, cis)], [c[1] - v if c else 0 for v, c in zip(vals, cis)]]
            ax.bar(xs, vals, width, label=name, yerr=err, capsize=3)
        ax.set_xticks([j + width * (len(configs) - 1) / 2 for j in range(len(keys))], keys, rotation=20)
        ax.set_ylim(0, 1.05)
        ax.legend(fontsize=8)
        ax.set_title("Chỉ số theo cấu hình (95 % CI)")
        out["metrics"] = _png(fig)
    if any(s.get("recall@10") is not None for s in configs.values()):
        fig, ax = plt.subplots(figsize=(5, 3.4))
        for name, s in configs.items():
            ks = [k for k in CURVE_K if s.get(f"recall@{k}") is not None]
            ax.plot(ks, [s[f"recall@{k}"] for k in ks], marker="o", label=name)
        ax.set_xlabel("k")
        ax.set_ylabel("Recall@k")
        ax.legend(fontsize=8)
        ax.set_title("Recall@k")
        out["recall_curve"] = _png(fig)
    lat = {n: s.get("latencies_ms") or [] for n, s in configs.items()}
    if any(lat.values()):
        fig, ax = plt.subplots(figsize=(5, 3.4))
        for name, xs in lat.items():
            if xs:
                ax.hist(xs, bins=30, alpha=0.5, label=name)
        ax.set_xlabel("ms / câu")
        ax.legend(fontsize=8)
        ax.set_title("Độ trễ")
        out["latency"] = _png(fig)
    return out


def html_report(results: dict) -> str:
    head, rows = metric_rows(results)
    table = ("<table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head) + "</tr>"
             + "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows)
             + "</table>")
    khead, krows = kind_rows(results)
    if krows:
        table += ("<h2>Theo loại câu hỏi</h2><table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in khead)
                  + "</tr>" + "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>"
                                      for r in krows) + "</table>")
    imgs = "".join(f'<figure><img alt="{k}" src="data:image/png;base64,{v}"/><figcaption>{k}</figcaption></figure>'
                   for k, v in plots(results).items())
    title = html.escape(f"Đánh giá {results['run_id']}")
    return (f"<!doctype html><html lang='vi'><head><meta charset='utf-8'><title>{title}</title>"
            "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
            "td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}figure{display:inline-block}</style>"
            f"</head><body><h1>{title}</h1><p>Dataset {html.escape(results['dataset'])}, "
            f"{results['n_questions']} câu hỏi, {html.escape(results['created'])}.</p>{table}{imgs}</body></html>")


def write_reports(run_dir: Path, results: dict) -> tuple[Path, Path]:
    md, page = Path(run_dir) / "report.md", Path(run_dir) / "report.html"
    md.write_text(markdown(results), encoding="utf-8")
    page.write_text(html_report(results), encoding="utf-8")
    return md, page
