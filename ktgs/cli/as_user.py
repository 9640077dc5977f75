"""`--as-user NAME`: run a command with that user's rights (for administrators and tests).

Without it a command runs as the local single user, who sees everything (the `make run` default
on 127.0.0.1); the audit trail names that user "local".
"""
from __future__ import annotations

from typing import Any

import click

from ktgs.access import Viewer
from ktgs.users import Users

LOCAL_USER = "local"


def as_user_option(f: Any) -> Any:
    return click.option("--as-user", "as_user", default=None, metavar="NAME",
                        help="Chạy với quyền của người dùng NAME (ktgs users list).")(f)


def resolve_viewer(settings: Any, name: str | None) -> Viewer | None:
    if not name:
        return None
    with Users.open(settings) as users:
        return users.viewer(name)


def actor(viewer: Viewer | None) -> str:
    return viewer.name if viewer is not None else LOCAL_USER
