"""`ktgs search "câu hỏi"`: hybrid search over the index, as text or JSON."""
from __future__ import annotations

import json

import click

from ktgs import audit
from ktgs.cli.as_user import actor, as_user_option, resolve_viewer
from ktgs.index.scoped import scoped
from ktgs.settings import load_settings


def hit_json(hit) -> dict:
    """The --json record of one hit (exactly these keys)."""
    validity = (hit.document.metadata or {}).get("validity", {}) if hit.document else {}
    return {"rank": hit.rank, "unit_id": hit.unit.unit_id, "doc_id": hit.unit.doc_id,
            "doc_number": hit.document.doc_number if hit.document else "", "path": hit.unit.path,
            "label": hit.label, "score": round(float(hit.score), 6), "text": hit.unit.text,
            "status": hit.document.status if hit.document else "unknown",
            "status_note": (validity.get("reason", "") if validity.get("status") != "in_force"
                            or validity.get("history") else "")}


def snippet(text: str, n: int = 220) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= n else flat[:n].rsplit(" ", 1)[0] + " …"


@click.command("search")
@click.argument("query")
@click.option("--k", "-k", "k", type=click.IntRange(1, 200), default=None, help="Số kết quả (mặc định top_k).")
@click.option("--type", "doc_type", multiple=True, help="Loại văn bản: luat, quy-dinh, huong-dan, de-an, …")
@click.option("--doc", "doc_number", multiple=True, help="Số hiệu văn bản, ví dụ 25/2018/QH14.")
@click.option("--issuer", multiple=True, help="Cơ quan ban hành.")
@click.option("--year-from", type=int, default=None, help="Ban hành từ năm.")
@click.option("--year-to", type=int, default=None, help="Ban hành đến năm.")
@click.option("--status", multiple=True,
              help="Hiệu lực: in_force, partly_expired, expired, not_yet, unknown (mặc định: chỉ văn bản còn hiệu lực).")
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD", help="Hiệu lực tính đến ngày này (mặc định: hôm nay).")
@click.option("--mode", type=click.Choice(["hybrid", "bm25", "dense"]), default="hybrid", show_default=True)
@click.option("--by-doc", is_flag=True, help="Mỗi văn bản một kết quả.")
@click.option("--qdrant-url", default=None, help="Máy chủ Qdrant (http://…); mặc định: Qdrant Edge.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@as_user_option
def search(query: str, k: int | None, doc_type, doc_number, issuer, year_from, year_to, status, as_of, mode: str,
           by_doc: bool, qdrant_url: str | None, as_json: bool, as_user: str | None) -> None:
    """Tìm các điều, khoản, mục liên quan đến câu hỏi (văn bản còn hiệu lực vào ngày --as-of)."""
    from ktgs.index.search import Searcher, SearchFilters
    from ktgs.index.validity import as_date

    day = as_date(as_of)
    settings = load_settings(qdrant_url=qdrant_url)
    filters = SearchFilters(doc_type=list(doc_type) or None, doc_number=list(doc_number) or None,
                            issuer=list(issuer) or None, year_from=year_from, year_to=year_to,
                            status=list(status) or None)
    viewer = resolve_viewer(settings, as_user)
    searcher = scoped(Searcher.open(settings), viewer)
    try:
        hits = searcher.search(query, k=k, mode=mode, filters=filters, group_by_doc=by_doc, as_of=day)
        excluded = list(searcher.last_excluded)
    finally:
        searcher.close()
    audit.record(settings, actor(viewer), "search", query=query, unit_ids=[h.unit.unit_id for h in hits])
    if as_json:
        click.echo(json.dumps([hit_json(h) for h in hits], ensure_ascii=False, indent=2))
        return
    if not hits:
        click.echo("Không tìm thấy kết quả.")
    for h in hits:
        click.echo(f"{h.rank:>2}. {h.label}  [{h.score:.4f}]")
        click.echo(f"    {snippet(h.unit.text)}")
    gone = list(dict.fromkeys(hit_json(h)["status_note"] for h in excluded if hit_json(h)["status_note"]))
    if gone:
        click.echo(f"\nĐã bỏ qua (không còn / chưa có hiệu lực vào {day.isoformat()}):")
        for note in gone[:5]:
            click.echo(f"  ⚠ {note}")


@click.command("search")
@click.option("--mode", type=click.Choice(["hybrid", "bm25", "dense"]), multiple=True,
              help="Chế độ cần đo (mặc định cả ba).")
@click.option("--repeat", type=click.IntRange(1, 50), default=3, show_default=True)
@click.option("--stores", is_flag=True, help="Thêm phép đo Qdrant Edge và qdrant-client trên dữ liệu tổng hợp.")
@click.option("--sizes", default="10000,50000", show_default=True, help="Số đơn vị tổng hợp, cách nhau bởi dấu phẩy.")
@click.option("--backend", "backends", type=click.Choice(["edge", "client"]), multiple=True,
              help="Kho cần đo với --stores (mặc định cả hai).")
@click.option("--corpus", type=click.Path(exists=True, file_okay=False), default=None,
              help="Thư mục văn bản lấy câu cho vectơ BM25 tổng hợp (mặc định ../shared/corpus hoặc ./corpus).")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
def bench_search(mode, repeat: int, stores: bool, sizes: str, backends, corpus, as_json: bool) -> None:
    """Đo độ trễ tìm kiếm p50/p95 (gồm nhúng câu hỏi) và so sánh hai kho Qdrant."""
    from pathlib import Path

    from ktgs.index.bench_search import search_latency, store_benchmark
    from ktgs.index.search import Searcher

    settings = load_settings()
    out: dict = {"search": [], "stores": []}
    if not stores or mode:
        searcher = Searcher.open(settings)
        try:
            out["search"] = [search_latency(searcher, mode=m, repeat=repeat) for m in (mode or ("hybrid", "bm25", "dense"))]
        finally:
            searcher.close()
    if stores:
        folder = Path(corpus) if corpus else next(
            (p for p in (Path("../shared/corpus"), Path("corpus")) if p.is_dir()), Path("corpus"))
        out["stores"] = store_benchmark(folder, [int(x) for x in sizes.split(",") if x.strip()],
                                        backends or ("edge", "client"), progress=not settings.quiet)
    if as_json:
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    for r in out["search"]:
        click.echo(f"{r['mode']:>6}: p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms (nhúng {r['embed_p50_ms']} ms, "
                   f"kho {r['store_p50_ms']} ms; {r['n']} truy vấn)")
    for r in out["stores"]:
        click.echo(f"{r['backend']:>6} {r['units']:>7} đơn vị: nạp {r['upsert_s']} s + tối ưu {r['optimize_s']} s, "
                   f"truy vấn p50 {r['query_p50_ms']} ms, p95 {r['query_p95_ms']} ms")


def register(main: click.Group) -> None:
    from ktgs.cli.bench_cmd import bench

    main.add_command(search)
    bench.add_command(bench_search)
