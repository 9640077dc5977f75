"""`ktgs parse FILE|DIR`: show what the structure parser makes of documents (no index is touched)."""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import click
from tqdm import tqdm

from ktgs.contracts import ParseResult
from ktgs.settings import load_settings


def result_to_json(res: ParseResult) -> dict:
    return {"document": res.document.to_dict(), "units": [u.to_dict() for u in res.units],
            "warnings": list(res.warnings)}


def summary_line(path: Path, res: ParseResult) -> str:
    levels = Counter(u.level for u in res.units)
    parts = [f"{levels['dieu']} điều"] if levels["dieu"] else []
    parts.append(f"{len(res.units)} đơn vị")
    return f"✓ {path.name}: {', '.join(parts)}"


def register(main: click.Group) -> None:
    @main.command("parse")
    @click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
    @click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON (văn bản, đơn vị, cảnh báo).")
    @click.option("--quiet", is_flag=True, help="Tắt thanh tiến trình.")
    def parse_cmd(paths: tuple[Path, ...], as_json: bool, quiet: bool) -> None:
        """Phân tích cấu trúc văn bản (Chương, Điều, khoản, điểm; Phần, mục của Đề án)."""
        from ktgs.ingest.parse import parse_file, parse_paths

        settings = load_settings(quiet=quiet or None)
        if len(paths) == 1 and paths[0].is_file():
            res = parse_file(paths[0], settings)      # errors become one line at the CLI edge
            if as_json:
                click.echo(json.dumps(result_to_json(res), ensure_ascii=False, indent=2))
            else:
                click.echo(summary_line(paths[0], res))
                for w in res.warnings:
                    click.echo(f"  ! {w}")
            return
        ok, failed, units, out = 0, 0, 0, []
        for path, res, err in parse_paths(paths, settings, progress=not (quiet or as_json)):
            if err is not None:
                failed += 1
                reason = getattr(err, "reason", str(err))
                out.append({"path": str(path), "error": reason})
                if not as_json:
                    tqdm.write(f"✗ {path.name}: {reason}")
                continue
            ok += 1
            units += len(res.units)
            out.append({"path": str(path), **result_to_json(res)})
            if not as_json:
                tqdm.write(summary_line(path, res))
        if as_json:
            click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        else:
            click.echo(f"Đã phân tích {ok}/{ok + failed} tệp, {units} đơn vị; {failed} tệp lỗi.")
        sys.exit(0 if ok else 1)
