"""Reading JSON Lines files with errors that name the file and line."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

from ktgs.errors import KtgsError


def iter_jsonl(path: str | Path, error: type[KtgsError] = KtgsError,
               what: str = "file") -> Iterator[tuple[int, dict]]:
    """(line number, object) for each non-blank line; a missing file or a bad line raises `error`."""
    path = Path(path)
    if not path.is_file():
        raise error(f"{what} not found: {path}")
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                yield n, json.loads(line)
            except json.JSONDecodeError as exc:
                raise error(f"{path}:{n}: not valid JSON ({exc})") from exc
