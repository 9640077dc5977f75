"""`ktgs models list|fetch|verify`: the model registry from the command line."""
from __future__ import annotations

import json
import sys
from dataclasses import asdict

import click

from ktgs.settings import load_settings


@click.group("models")
def models() -> None:
    """Mô hình (nhúng, ngôn ngữ): liệt kê, tải về, kiểm tra."""


@models.command("list")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
def models_list(as_json: bool) -> None:
    """Liệt kê các mô hình: tên, loại, số chiều, giấy phép, dung lượng, đã tải chưa."""
    from ktgs.index.models import is_available, list_models

    s = load_settings()
    rows = [dict(asdict(spec), fetched=is_available(spec.name, s)) for spec in list_models()]
    if as_json:
        for r in rows:
            r["parts"] = len(r["parts"]["requirements"]) if r["parts"] else 0
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    header = ("tên", "loại", "chiều", "giấy phép", "dung lượng", "đã tải")
    table = [header] + [(r["name"], r["kind"], str(r["dim"] or "–"), r["licence"], f"{r['size_mb']} MB",
                         "✓" if r["fetched"] else "✗") for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())


@models.command("fetch")
@click.argument("name")
@click.option("--force", is_flag=True, help="Tải và ghép lại dù đã có.")
@click.option("--quiet", is_flag=True, help="Không hiện thanh tiến trình.")
def models_fetch(name: str, force: bool, quiet: bool) -> None:
    """Tải mô hình NAME về KTGS_HOME/models (kiểm tra sha256 trước khi lưu)."""
    from ktgs.index.models import fetch

    s = load_settings(quiet=True) if quiet else load_settings()
    path = fetch(name, s, progress=not s.quiet, force=force)
    click.echo(f"Đã sẵn sàng: {name} → {path}")


@models.command("verify")
@click.argument("name", required=False)
def models_verify(name: str | None) -> None:
    """Băm lại các tệp đã lưu và so với sha256 đã ghi (mã thoát 1 nếu sai lệch)."""
    from ktgs.index.models import is_available, list_models, verify_problems

    s = load_settings()
    names = [name] if name else [m.name for m in list_models() if is_available(m.name, s)]
    bad = False
    for n in names:
        problems = verify_problems(n, s)
        if problems:
            bad = True
            click.echo(f"✗ {n}", err=True)
            for p in problems:
                click.echo(f"    {p}", err=True)
        else:
            click.echo(f"✓ {n}")
    if not names:
        click.echo("Chưa có mô hình nào để kiểm tra.")
    if bad:
        sys.exit(1)


def register(main: click.Group) -> None:
    main.add_command(models)
