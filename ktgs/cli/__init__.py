"""The ktgs command line: a thin layer over the library.

Each command group lives in its own module here and exposes `register(main)`. Library errors
(KtgsError) become one friendly line and exit code 1.
"""
from __future__ import annotations

import importlib
import sys

import click

from ktgs.errors import KtgsError

# Command modules, each with `register(group)`. Add yours here (one line each).
COMMAND_MODULES = (
    "ktgs.cli.parse_cmd",
    "ktgs.cli.bench_cmd",
    "ktgs.cli.ingest_cmd",
    "ktgs.cli.search_cmd",
    "ktgs.cli.models_cmd",
    "ktgs.cli.bench_embed_cmd",
    "ktgs.cli.bench_ask_cmd",
    "ktgs.cli.ask_cmd",
    "ktgs.cli.serve_cmd",
    "ktgs.cli.eval_cmd",
    "ktgs.cli.quiz_cmd",
    "ktgs.cli.refs_cmd",
    "ktgs.cli.doc_cmd",
    "ktgs.cli.index_cmd",
    "ktgs.cli.users_cmd",
    "ktgs.cli.audit_cmd",
    "ktgs.cli.doc_access_cmd",      # after ktgs.cli.doc_cmd: attaches `access` to its `doc` group
)


class _FriendlyGroup(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KtgsError as exc:
            click.echo(f"Lỗi: {exc}", err=True)
            sys.exit(1)


@click.group(cls=_FriendlyGroup)
@click.version_option(package_name="ktgs")
def main() -> None:
    """ktgs — tra cứu văn bản, hỏi đáp có trích dẫn cho ngành Kiểm tra Đảng."""


for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(main)


if __name__ == "__main__":  # pragma: no cover
    main()
