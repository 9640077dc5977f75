"""One call for the CLI and UI: load the scope, build, self-check, keep in the bank."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ktgs.access import Viewer
from ktgs.errors import IndexNotFoundError, KtgsError
from ktgs.index.scoped import scoped
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


def quiz_generator(settings: Settings, spec: QuizSpec, assistant: Any = None) -> tuple[Any, list[str]]:
    """The language model for situational items and paraphrases: the assistant's (when one is
    given) or a new one from settings.answer_mode. (None, notes) when the spec needs none, the mode
    is extractive, or the model cannot be opened (the note says why)."""
    if not spec.needs_llm or settings.answer_mode not in ("local", "openai"):
        return None, []
    try:
        if assistant is not None and hasattr(assistant, "generator"):
            return assistant.generator(settings.answer_mode), []
        from ktgs.assistant.llm import make_generator

        return make_generator(settings, settings.answer_mode), []
    except KtgsError as exc:          # LLMError, ModelError: a missing URL, package or GGUF
        return None, [f"Không mở được mô hình ngôn ngữ ({settings.answer_mode}): {exc}"]


def _scoped_searcher(settings: Settings, viewer: Viewer | None) -> Any:
    if viewer is None:
        return None                   # the assistant opens (and closes) its own
    from ktgs.index.search import Searcher

    return scoped(Searcher.open(settings), viewer)


def make_quiz(settings: Settings, docs: list[str], spec: QuizSpec, chuong: list[str] = (), dieu: list[str] = (),
              selfcheck: bool = True, reuse_approved: bool = False, save: bool = True,
              assistant=None, generator: Any = None, history: bool = False,
              viewer: Viewer | None = None) -> QuizRun:
    """Scope, build (with `generator`, else the model named by settings when the spec needs one),
    self-check with the assistant, save to the bank. With a viewer, only what that user may see
    is read (and the self-check searches as that user)."""
    corpus = load_corpus(list(docs), settings, viewer)
    units = select_units(corpus, list(docs), list(chuong), list(dieu), history=history)
    notes: list[str] = []
    reuse = []
    if reuse_approved:
        with QuizBank.open(settings) as bank:
            in_scope = {u.unit_id for u in units}
            reuse = [it for it in bank.approved_items() if any(c.unit_id in in_scope for c in it.citations)]
    own = generator is None
    if own:
        generator, notes = quiz_generator(settings, spec, assistant)
        own = generator is not None and assistant is None
    try:
        quiz = build_quiz(units, corpus.documents, spec, pool_units=corpus.units, reuse=reuse, generator=generator)
    finally:
        close = getattr(generator, "close", None) if own else None
        if close is not None:
            close()                   # free a local llama.cpp model before the self-check
    report = None
    if selfcheck:
        checker = assistant
        try:
            if checker is None:
                from ktgs.assistant.ask import Assistant

                checker = Assistant(settings, log=False, searcher=_scoped_searcher(settings, viewer))
            report = self_check(quiz.items, checker, progress=not settings.quiet)
        except IndexNotFoundError as exc:
            notes.append(f"Chưa tự kiểm tra được câu hỏi: {exc}")
        finally:
            if assistant is None and checker is not None:
                checker.close()       # Qdrant Edge: one opener at a time
                if viewer is not None:
                    checker.searcher.close()
    saved = 0
    if save:
        with QuizBank.open(settings) as bank:
            saved = bank.add(quiz.items)
    return QuizRun(quiz, corpus, report, notes, saved)
