"""One call for the CLI and UI: load the scope, build, self-check, keep in the bank."""
from __future__ import annotations

from dataclasses import dataclass, field

from ktgs.errors import IndexNotFoundError
from ktgs.settings import Settings

from .bank import QuizBank
from .generate import Quiz, QuizSpec, build_quiz
from .selfcheck import SelfCheckReport, self_check
from .source import Corpus, load_corpus, select_units


@dataclass
class QuizRun:
    quiz: Quiz
    corpus: Corpus
    selfcheck: SelfCheckReport | None = None
    notes: list[str] = field(default_factory=list)
    saved: int = 0

    def to_dict(self) -> dict:
        d = self.quiz.to_dict()
        d["notes"] = self.quiz.notes + self.notes
        if self.selfcheck is not None:
            d["selfcheck"] = {"agreement_rate": round(self.selfcheck.agreement_rate, 4),
                              "checked": len(self.selfcheck.results), "ambiguous": self.selfcheck.ambiguous}
        return d


def make_quiz(settings: Settings, docs: list[str], spec: QuizSpec, chuong: list[str] = (), dieu: list[str] = (),
              selfcheck: bool = True, reuse_approved: bool = False, save: bool = True,
              assistant=None) -> QuizRun:
    corpus = load_corpus(list(docs), settings)
    units = select_units(corpus, list(docs), list(chuong), list(dieu))
    notes: list[str] = []
    reuse = []
    if reuse_approved:
        with QuizBank.open(settings) as bank:
            in_scope = {u.unit_id for u in units}
            reuse = [it for it in bank.approved_items() if any(c.unit_id in in_scope for c in it.citations)]
    quiz = build_quiz(units, corpus.documents, spec, pool_units=corpus.units, reuse=reuse)
    report = None
    if selfcheck:
        try:
            if assistant is None:
                from ktgs.assistant.ask import Assistant

                assistant = Assistant(settings, log=False)
            report = self_check(quiz.items, assistant, progress=not settings.quiet)
        except IndexNotFoundError as exc:
            notes.append(f"Chưa tự kiểm tra được câu hỏi: {exc}")
    saved = 0
    if save:
        with QuizBank.open(settings) as bank:
            saved = bank.add(quiz.items)
    return QuizRun(quiz, corpus, report, notes, saved)
