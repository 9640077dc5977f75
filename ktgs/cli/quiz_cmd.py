"""`ktgs quiz build|coverage|bank`: thin wiring over ktgs.assistant.quiz."""
from __future__ import annotations

import json

import click

from ktgs import audit
from ktgs.cli.as_user import actor, as_user_option, resolve_viewer
from ktgs.errors import KtgsError
from ktgs.settings import load_settings

ITEM_KEYS = ("id", "type", "stem", "options", "key", "explanation", "citations", "flags", "difficulty", "tags")


def _spec(n: int, types: str, seed: int, difficulty: str | None, paraphrase: bool = False):
    from ktgs.assistant.quiz.generate import DEFAULT_MIX, QuizSpec, parse_mix

    kinds = tuple(t.strip() for t in types.split(",") if t.strip())
    bad = [t for t in kinds if t not in ("mcq", "tf", "cloze", "situational")]
    if bad:
        raise KtgsError(f"loại câu hỏi không hợp lệ: {', '.join(bad)}; chọn trong: mcq, tf, cloze, situational")
    try:
        mix = parse_mix(difficulty) if difficulty else dict(DEFAULT_MIX)
    except ValueError as exc:
        raise KtgsError(str(exc)) from exc
    return QuizSpec(n=n, types=kinds, seed=seed, difficulty_mix=mix, paraphrase=paraphrase)


def _scope_options(f):
    f = click.option("--history", is_flag=True,
                     help="Cả văn bản đã hết hiệu lực / nguyên văn cũ (ôn lịch sử); mặc định chỉ văn bản còn hiệu lực.")(f)
    f = click.option("--dieu", multiple=True, help="Điều số, ví dụ --dieu 30 (lặp lại được).")(f)
    f = click.option("--chuong", multiple=True, help="Chương, ví dụ --chuong III (lặp lại được).")(f)
    f = click.option("--doc", multiple=True, required=True,
                     help="Số hiệu văn bản (25/2018/QH14) hoặc đường dẫn tệp khi chưa có chỉ mục (lặp lại được).")(f)
    return f


def register(main: click.Group) -> None:
    @main.group()
    def quiz() -> None:
        """Tạo đề ôn tập có đáp án trích dẫn, tự kiểm tra, ngân hàng câu hỏi."""

    @quiz.command("build")
    @_scope_options
    @click.option("--n", "n", default=20, show_default=True, help="Số câu hỏi.")
    @click.option("--types", default="mcq", show_default=True,
                  help="mcq,tf,cloze,situational (câu tình huống cần answer_mode local/openai).")
    @click.option("--seed", default=0, show_default=True, help="Cùng seed cho cùng đề.")
    @click.option("--difficulty", default=None, help="Tỉ lệ mức khó, ví dụ 1:0.3,2:0.5,3:0.2")
    @click.option("--paraphrase", is_flag=True,
                  help="Nhờ mô hình ngôn ngữ diễn đạt lại lời dẫn câu hỏi (cần answer_mode local/openai).")
    @click.option("--out", type=click.Path(dir_okay=False), default=None,
                  help="Tệp xuất: .gift .xml .txt(aiken) .csv .docx .pdf .apkg")
    @click.option("--format", "fmt", default=None, help="Định dạng xuất khi không suy ra được từ đuôi tệp.")
    @click.option("--json", "as_json", is_flag=True, help="In đề dạng JSON.")
    @click.option("--include-flagged", is_flag=True, help="Xuất cả câu bị tự kiểm tra gắn cờ.")
    @click.option("--no-selfcheck", is_flag=True, help="Bỏ qua bước tự kiểm tra.")
    @click.option("--reuse-approved", is_flag=True, help="Dùng lại câu đã duyệt trong ngân hàng.")
    @click.option("--no-save", is_flag=True, help="Không lưu câu hỏi vào ngân hàng.")
    @click.option("--quiet", is_flag=True, help="Tắt thanh tiến trình.")
    @as_user_option
    def build(doc, chuong, dieu, history, n, types, seed, difficulty, paraphrase, out, fmt, as_json, include_flagged,
              no_selfcheck, reuse_approved, no_save, quiet, as_user) -> None:
        """Tạo đề: ktgs quiz build --doc 25/2018/QH14 --n 20 --types mcq,tf --seed 1 --out de.gift"""
        from ktgs.assistant.quiz.export import export_items
        from ktgs.assistant.quiz.service import make_quiz

        settings = load_settings(quiet=quiet or None)
        viewer = resolve_viewer(settings, as_user)
        run = make_quiz(settings, list(doc), _spec(n, types, seed, difficulty, paraphrase), chuong, dieu,
                        selfcheck=not no_selfcheck, reuse_approved=reuse_approved, save=not no_save,
                        history=history, viewer=viewer)
        items = run.quiz.items
        audit.record(settings, actor(viewer), "quiz_build", docs=list(doc), n=len(items),
                     unit_ids=sorted({c.unit_id for it in items for c in it.citations}))
        if as_json:
            d = run.to_dict()
            d["items"] = [{k: it.to_dict()[k] for k in ITEM_KEYS} for it in items]
            click.echo(json.dumps(d, ensure_ascii=False, indent=2))
        for note in run.quiz.notes + run.notes:
            click.echo(note, err=True)
        if run.selfcheck is not None:
            click.echo(f"Tự kiểm tra: trợ lý trả lời khớp đáp án {run.selfcheck.agreement_rate:.0%} "
                       f"({len(run.selfcheck.results)} câu, {run.selfcheck.ambiguous} câu có hai phương án "
                       f"đều có căn cứ).", err=True)
        if out:
            res = export_items(items, out, fmt, include_flagged=include_flagged)
            audit.record(settings, actor(viewer), "export", path=str(res.path), format=res.fmt, items=res.written)
            msg = f"Đã xuất {res.written} câu ra {res.path} ({res.fmt})"
            if res.skipped_flagged:
                msg += f"; bỏ {res.skipped_flagged} câu bị gắn cờ (dùng --include-flagged để xuất)"
            if res.skipped_unsupported:
                msg += f"; {len(res.skipped_unsupported)} câu không hợp định dạng này"
            click.echo(msg + ".", err=True)
        elif not as_json:
            for i, it in enumerate(items, 1):
                flag = f"  [cờ: {', '.join(it.flags)}]" if it.flags else ""
                click.echo(f"{i}. ({it.type}, mức {it.difficulty}) {it.stem}{flag}")
                for j, o in enumerate(it.options):
                    click.echo(f"   {'ABCD'[j] if j < 4 else j}. {o}")
                click.echo(f"   → {it.key} — {it.citations[0].label}")

    @quiz.command("coverage")
    @_scope_options
    @click.option("--n", "n", default=20, show_default=True)
    @click.option("--types", default="mcq", show_default=True)
    @click.option("--seed", default=0, show_default=True)
    @click.option("--json", "as_json", is_flag=True)
    def coverage(doc, chuong, dieu, history, n, types, seed, as_json) -> None:
        """Điều nào có câu hỏi trong đề tạo với các tham số này."""
        from ktgs.assistant.quiz.service import make_quiz

        settings = load_settings(quiet=True)
        run = make_quiz(settings, list(doc), _spec(n, types, seed, None), chuong, dieu, selfcheck=False, save=False,
                        history=history)
        units = {u.unit_id: u for u in run.corpus.units}
        cov = run.quiz.coverage
        if as_json:
            click.echo(json.dumps({"coverage": cov}, ensure_ascii=False, indent=2))
            return
        for art, ids in cov.items():
            click.echo(f"{'✓' if ids else '·'} {units[art].heading[:90]} — {len(ids)} câu")
        covered = sum(1 for ids in cov.values() if ids)
        click.echo(f"Đã phủ {covered}/{len(cov)} điều.")

    @quiz.group("bank")
    def bank() -> None:
        """Ngân hàng câu hỏi: xem, duyệt, loại."""

    @bank.command("list")
    @click.option("--status", type=click.Choice(["draft", "approved", "rejected"]), default=None)
    @click.option("--doc", default=None, help="Số hiệu văn bản.")
    @click.option("--json", "as_json", is_flag=True)
    def bank_list(status, doc, as_json) -> None:
        from ktgs.assistant.quiz.bank import QuizBank

        with QuizBank.open(load_settings()) as qb:
            entries = qb.list(status, doc)
        if as_json:
            click.echo(json.dumps([{"id": e.item.id, "status": e.status, "note": e.reviewer_note,
                                    "updated_at": e.updated_at, "item": e.item.to_dict()} for e in entries],
                                  ensure_ascii=False, indent=2))
            return
        for e in entries:
            flags = f" [{', '.join(e.item.flags)}]" if e.item.flags else ""
            click.echo(f"{e.item.id}  {e.status:<8} {e.item.type:<5} {e.item.stem[:100]}{flags}")
        click.echo(f"{len(entries)} câu.", err=True)

    def _review(action: str):
        @bank.command(action)
        @click.argument("item_id")
        @click.option("--note", default=None, help="Ghi chú của người duyệt.")
        def cmd(item_id, note) -> None:
            from ktgs.assistant.quiz.bank import QuizBank

            with QuizBank.open(load_settings()) as qb:
                entry = getattr(qb, action)(item_id, note)
            click.echo(f"{entry.item.id}: {entry.status}")
        cmd.__doc__ = {"approve": "Duyệt một câu hỏi.", "reject": "Loại một câu hỏi."}[action]

    _review("approve")
    _review("reject")
