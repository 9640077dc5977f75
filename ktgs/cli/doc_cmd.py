"""`ktgs doc show NUMBER [--as-of D] [--json]` and `ktgs doc list [--status …]`: a document's card
(identity, effective dates, status with its reason, relations both ways) from the legal graph."""
from __future__ import annotations

import json

import click

from ktgs import audit
from ktgs.cli.as_user import actor, as_user_option, resolve_viewer
from ktgs.contracts import STATUSES
from ktgs.errors import KtgsError
from ktgs.index.scoped import visible_card
from ktgs.settings import load_settings

_KIND_NAMES = {"replaces": "thay thế", "repeals": "bãi bỏ", "ends": "làm hết hiệu lực", "amends": "sửa đổi, bổ sung",
               "consolidates": "hợp nhất", "details": "quy định chi tiết / hướng dẫn", "based_on": "căn cứ",
               "cites": "dẫn chiếu"}
_KIND_NAMES_IN = {"replaces": "bị thay thế bởi", "repeals": "bị bãi bỏ bởi", "ends": "hết hiệu lực theo",
                  "amends": "được sửa đổi, bổ sung bởi", "consolidates": "được hợp nhất trong",
                  "details": "được hướng dẫn / quy định chi tiết bởi", "based_on": "là căn cứ của",
                  "cites": "được dẫn chiếu bởi"}
STATUS_NAMES = {"in_force": "còn hiệu lực", "partly_expired": "hết hiệu lực một phần", "expired": "hết hiệu lực",
                "not_yet": "chưa có hiệu lực", "unknown": "không rõ"}


def _graph(settings, viewer=None):
    """The legal graph and, for a `viewer`, the doc_ids and numbers of catalogued documents they may
    not see (None for the local single user)."""
    from ktgs.index.catalog import Catalog
    from ktgs.index.validity import Graph

    catalog = Catalog.open(settings)
    try:
        hidden = None if viewer is None else {
            key for d in catalog.documents() if not viewer.sees(d) for key in (d.doc_id, d.doc_number) if key}
        return Graph.from_catalog(catalog), hidden
    finally:
        catalog.close()


def _card_for(settings, number: str, as_of, with_cites: bool, viewer) -> dict:
    """The card as `viewer` may see it (ktgs.index.scoped.visible_card)."""
    graph, hidden = _graph(settings, viewer)
    card = graph.card(number, as_of, with_cites=with_cites)
    if hidden is None:
        return card
    try:
        return visible_card(card, hidden)
    except KtgsError:
        raise KtgsError(f"không có văn bản {number!r} trong kho, và không văn bản nào nhắc đến nó") from None


def register(main: click.Group) -> None:
    @main.group("doc")
    def doc() -> None:
        """Văn bản trong kho: hiệu lực, ngày có hiệu lực, lược đồ quan hệ."""

    @doc.command("show")
    @click.argument("number")
    @click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD", help="Hiệu lực tính đến ngày này (mặc định: hôm nay).")
    @click.option("--cites", "with_cites", is_flag=True, help="Kể cả các dẫn chiếu thông thường.")
    @click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
    @as_user_option
    def show(number: str, as_of: str | None, with_cites: bool, as_json: bool, as_user: str | None) -> None:
        """Thẻ văn bản: hiệu lực và lý do, các văn bản thay thế / sửa đổi / hướng dẫn (cả hai chiều)."""
        settings = load_settings()
        viewer = resolve_viewer(settings, as_user)
        try:
            card = _card_for(settings, number, as_of, with_cites, viewer)
        except KtgsError:
            audit.record(settings, actor(viewer), "doc_view", number=number, found=False)
            raise
        audit.record(settings, actor(viewer), "doc_view", doc_id=card["doc_id"], found=True)
        if as_json:
            click.echo(json.dumps(card, ensure_ascii=False, indent=2))
            return
        click.echo(card["name"] + (f" — {card['title']}" if card["title"] else "")
                   + ("" if card["in_corpus"] else " (không có trong kho; chỉ được nhắc đến)"))
        if card["issued_date"]:
            click.echo(f"  Ban hành:        {card['issued_date']}")
        click.echo(f"  Có hiệu lực từ:  {card['effective_from'] or '—'}")
        click.echo(f"  Hết hiệu lực từ: {card['effective_to'] or '—'}")
        click.echo(f"  Hiệu lực ({card['as_of']}): {STATUS_NAMES.get(card['status'], card['status'])}")
        click.echo(f"  Lý do: {card['status_reason']}" + (f" [{card['status_unit_id']}]" if card["status_unit_id"] else ""))
        for p in card["pending"]:
            click.echo(f"  Sắp thay đổi: {p}")
        for n in card["numbering_note"]:
            click.echo(f"  Đánh số: {n}")
        if card["relations"]:
            click.echo("  Lược đồ:")
        for r in card["relations"]:
            verb = (_KIND_NAMES if r["direction"] == "out" else _KIND_NAMES_IN).get(r["kind"], r["kind"])
            bits = [b for b in (r["scope"], r["date"], r["unit_id"] and f"[{r['unit_id']}]") if b]
            click.echo(f"    {'→' if r['direction'] == 'out' else '←'} {verb} {r['doc_number']}"
                       + (f" ({'; '.join(bits)})" if bits else ""))

    @doc.command("list")
    @click.option("--status", "statuses", multiple=True, type=click.Choice(STATUSES),
                  help="Chỉ các văn bản có hiệu lực này (lặp lại được).")
    @click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD", help="Hiệu lực tính đến ngày này (mặc định: hôm nay).")
    @click.option("--all", "include_refs", is_flag=True, help="Cả các văn bản chỉ được nhắc đến (không có trong kho).")
    @click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
    def list_cmd(statuses, as_of: str | None, include_refs: bool, as_json: bool) -> None:
        """Danh sách văn bản với hiệu lực của chúng."""
        rows = _graph(load_settings())[0].documents(as_of, in_corpus=None if include_refs else True)
        if statuses:
            rows = [r for r in rows if r["status"] in statuses]
        if as_json:
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        if not rows:
            click.echo("Không có văn bản nào.")
        for r in rows:
            flag = "" if r["in_corpus"] else "  (ngoài kho)"
            click.echo(f"{STATUS_NAMES.get(r['status'], r['status']):<22} {r['name']}{flag}")
