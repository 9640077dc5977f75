"""`ktgs refs UNIT_ID [--json]`: what a unit cites and which units cite it (over the ingested corpus)."""
from __future__ import annotations

import json

import click

from ktgs.errors import UnitNotFoundError
from ktgs.index.catalog import Catalog
from ktgs.index.crossref_store import unit_refs_json
from ktgs.settings import load_settings


def register(main: click.Group) -> None:
    @main.command("refs")
    @click.argument("unit_id")
    @click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON (cites, cited_by).")
    def refs_cmd(unit_id: str, as_json: bool) -> None:
        """Dẫn chiếu của một đơn vị (điều, khoản, điểm) và các đơn vị dẫn chiếu đến nó."""
        catalog = Catalog.open(load_settings())
        try:
            if catalog.unit(unit_id) is None:
                raise UnitNotFoundError(f"không có đơn vị {unit_id} trong kho (xem mã đơn vị bằng `ktgs parse --json`)")
            refs = unit_refs_json(catalog, unit_id)
        finally:
            catalog.close()
        if as_json:
            click.echo(json.dumps(refs, ensure_ascii=False, indent=2))
            return
        click.echo(f"{unit_id}")
        click.echo(f"Dẫn chiếu đến ({len(refs['cites'])}):")
        for c in refs["cites"]:
            where = c["unit_id"] or f"chưa xác định — {c['reason']}"
            click.echo(f"  • {c['target']} ({c['text']}) → {where}")
        click.echo(f"Được dẫn chiếu bởi ({len(refs['cited_by'])}):")
        for u in refs["cited_by"]:
            click.echo(f"  • {u}")
