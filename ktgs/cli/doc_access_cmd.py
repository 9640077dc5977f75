"""`ktgs doc access NUMBER LEVEL [--groups G,…]`: change a document's access level later.

The `access` command is meant for the `doc` group (ktgs/cli/doc_cmd.py, show|list). When no such
group is registered yet, this module adds a minimal one with `access` and a `show` that honours
`--as-user` (the integrator keeps one `show`: the other must take `--as-user` and read through
`ktgs.index.scoped.scoped()` the same way).
"""
from __future__ import annotations

import json

import click

from ktgs import audit
from ktgs.access import LEVELS, Viewer
from ktgs.cli.as_user import actor, as_user_option, resolve_viewer
from ktgs.contracts import Document
from ktgs.errors import AccessError, KtgsError
from ktgs.index.store import doc_number_key
from ktgs.settings import load_settings


def find_document(documents: list[Document], number: str) -> Document:
    """The document whose number or id is `number`; an unknown (or not visible) one is one error."""
    key = doc_number_key(number)
    for d in documents:
        if key in (doc_number_key(d.doc_number), doc_number_key(d.doc_id)):
            return d
    raise KtgsError(f"không có văn bản {number!r} trong kho")


@click.command("access")
@click.argument("number")
@click.argument("level", type=click.Choice(LEVELS))
@click.option("--groups", default=None, help="Nhóm được xem, cách nhau bởi dấu phẩy (bỏ trống = giữ nguyên; '-' = bỏ nhóm).")
@as_user_option
def access(number: str, level: str, groups: str | None, as_user: str | None) -> None:
    """Đổi mức truy cập của văn bản: ktgs doc access 25/2018/QH14 noi-bo"""
    from ktgs.index.indexer import Indexer

    settings = load_settings(quiet=True)
    viewer = resolve_viewer(settings, as_user)
    if viewer is not None and not viewer.may("manage"):
        audit.record(settings, viewer.name, "access_change", number=number, level=level, denied=True)
        raise AccessError("chỉ quản trị viên được đổi mức truy cập")
    indexer = Indexer.open(settings, progress=False)
    try:
        document = find_document(indexer.catalog.documents(), number)
        new_groups = document.groups if groups is None else ([] if groups.strip() == "-" else groups.split(","))
        old = (document.access, list(document.groups))
        n = indexer.set_access(document.doc_id, level, new_groups)
        changed = indexer.catalog.document(document.doc_id)
    finally:
        indexer.close()
    audit.record(settings, actor(viewer), "access_change", doc_id=document.doc_id, old=list(old),
                 new=[changed.access, list(changed.groups)], points=n)
    click.echo(f"{document.doc_number or document.doc_id}: {old[0]} → {changed.access}"
               + (f" (nhóm {', '.join(changed.groups)})" if changed.groups else "") + f"; {n} đơn vị đã cập nhật.")


def show_document(settings, number: str, viewer: Viewer | None) -> tuple[Document, list]:
    """A document and its units as `viewer` may see them (not visible = not found)."""
    from ktgs.index.scoped import scoped
    from ktgs.index.search import Searcher

    searcher = scoped(Searcher.open(settings), viewer)
    try:
        document = find_document(searcher.documents(), number)
        return document, searcher.units(document.doc_id)
    finally:
        searcher.close()


@click.command("show")
@click.argument("number")
@click.option("--json", "as_json", is_flag=True, help="In dạng JSON.")
@as_user_option
def show(number: str, as_json: bool, as_user: str | None) -> None:
    """Xem một văn bản: các đơn vị theo thứ tự."""
    settings = load_settings(quiet=True)
    viewer = resolve_viewer(settings, as_user)
    try:
        document, units = show_document(settings, number, viewer)
    except KtgsError:
        audit.record(settings, actor(viewer), "doc_view", number=number, found=False)
        raise
    audit.record(settings, actor(viewer), "doc_view", doc_id=document.doc_id, found=True)
    if as_json:
        click.echo(json.dumps({"doc_id": document.doc_id, "doc_number": document.doc_number, "title": document.title,
                               "access": document.access, "groups": list(document.groups),
                               "units": [{"unit_id": u.unit_id, "heading": u.heading, "text": u.text} for u in units]},
                              ensure_ascii=False, indent=2))
        return
    click.echo(f"{document.doc_number or document.doc_id} — {document.title}  [{document.access}]")
    for u in units:
        if u.level in ("dieu", "section"):
            click.echo(f"\n{u.text}")


def register(main: click.Group) -> None:
    group = main.commands.get("doc")
    if group is None:
        @main.group("doc")
        def doc() -> None:
            """Văn bản trong kho: xem, đổi mức truy cập."""

        doc.add_command(show)
        group = doc
    group.add_command(access)
