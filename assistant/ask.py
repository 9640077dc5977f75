"""The assistant: (rewrite follow-up) → hybrid retrieval → khoản-level evidence → answer → verify.

`Assistant` holds the loaded searcher and generator so the UI and evals don't reload models per
question; `ask()` is a thin convenience over it used by the CLI, the UI and the evals alike.
Modes (settings.answer_mode): extractive (no LLM), local (llama.cpp GGUF), openai (endpoint).
"""
from __future__ import annotations

import time
from typing import Any, Iterator, Sequence

from ktgs.assistant.calibrate import refusal_threshold, support_score
from ktgs.assistant.evidence import Evidence, select_evidence
from ktgs.assistant.extractive import extractive_answer
from ktgs.assistant.llm_answer import candidates, compose, lead_so_far
from ktgs.assistant.prompts import ANSWER, SELECT, answer_messages, select_messages
from ktgs.assistant.references import add_referenced_evidence
from ktgs.assistant.validity_notes import apply_validity
from ktgs.assistant.verify import Verification, verify_answer
from ktgs.access import for_llm, history_for_llm
from ktgs.contracts import Answer, Hit
from ktgs.errors import KtgsError
from ktgs.settings import Settings, load_settings

MODES = ("extractive", "local", "openai")
REFUSAL = "Không tìm thấy căn cứ trong kho văn bản để trả lời câu hỏi này."
CLOSEST = "Các quy định gần nhất"
MAX_EVIDENCE = 5
# Evidence put in an LLM prompt: (items, characters per item). On 2 CPU cores prefill is most of the
# time to first token (~250 tokens per 900 characters of Vietnamese), so the local model gets less.
LLM_EVIDENCE = {"local": (3, 600), "openai": (4, 900)}
History = Sequence[tuple[str, Any]]  # (question, Answer or answer text)


class Assistant:
    def __init__(self, settings: Settings | None = None, searcher: Any = None,
                 generator: Any = None, log: bool = True):
        self.settings = settings or load_settings()
        self._searcher = searcher
        self._owns_searcher = searcher is None
        self._generators: dict[str, Any] = {}
        if generator is not None:
            self._generators["given"] = generator
        self._log_enabled = log
        self._log = None

    @classmethod
    def open(cls, settings: Settings | None = None, **kwargs: Any) -> "Assistant":
        return cls(settings, **kwargs)

    # -- loaded once ---------------------------------------------------------------------
    @property
    def searcher(self) -> Any:
        if self._searcher is None:
            from ktgs.index.search import Searcher

            self._searcher = Searcher.open(self.settings)
        return self._searcher

    def generator(self, mode: str) -> Any:
        if "given" in self._generators:
            return self._generators["given"]
        if mode not in self._generators:
            from ktgs.assistant.llm import make_generator

            self._generators[mode] = make_generator(self.settings, mode)
        return self._generators[mode]

    @property
    def default_mode(self) -> str:
        """settings.answer_mode; a generator handed in makes the default an LLM mode."""
        given = self._generators.get("given")
        if given is not None and self.settings.answer_mode == "extractive":
            return "openai" if str(getattr(given, "model_id", "")).startswith("openai") else "local"
        return self.settings.answer_mode

    def close(self) -> None:
        """Release the log and a searcher this object opened (Qdrant Edge allows one opener);
        the next question opens it again."""
        if self._owns_searcher and self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        for key in [k for k in self._generators if k != "given"]:
            close = getattr(self._generators.pop(key), "close", None)
            if close:
                close()
        if self._log is not None:
            self._log.close()
            self._log = None

    # -- pipeline ------------------------------------------------------------------------
    def retrieve(self, question: str, filters: Any = None, k: int | None = None,
                 as_of: Any = None) -> tuple[list[Hit], list[Evidence]]:
        hits = self.searcher.search(question, k=k or self.settings.top_k, mode="hybrid", filters=filters,
                                    as_of=as_of)
        return hits, select_evidence(question, hits, self.searcher, max_items=MAX_EVIDENCE)

    def ask(self, question: str, filters: Any = None, history: History | None = None,
            mode: str | None = None, k: int | None = None, as_of: Any = None) -> Answer:
        """A verified answer as of `as_of` (a date or 'YYYY-MM-DD'; today by default)."""
        answer = None
        for item in self._run(question, filters, history, mode, k, stream=False, as_of=as_of):
            if isinstance(item, Answer):
                answer = item
        assert answer is not None
        return answer

    def ask_stream(self, question: str, filters: Any = None, history: History | None = None,
                   mode: str | None = None, k: int | None = None, as_of: Any = None) -> Iterator[str | Answer]:
        """Yield text deltas as the model writes them, then the final verified Answer (whose
        text may differ: unsupported sentences are dropped)."""
        yield from self._run(question, filters, history, mode, k, stream=True, as_of=as_of)

    def _run(self, question: str, filters: Any, history: History | None, mode: str | None,
             k: int | None, stream: bool, as_of: Any = None) -> Iterator[str | Answer]:
        mode = mode or self.default_mode
        if mode not in MODES:
            raise KtgsError(f"unknown answer mode {mode!r}; choose one of: {', '.join(MODES)}")
        question = question.strip()
        if not question:
            raise KtgsError("câu hỏi trống")
        timings: dict[str, float] = {}
        t0 = clock = time.perf_counter()

        def lap(name: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            timings[name] = round((now - clock) * 1000, 2)
            clock = now

        generator = self.generator(mode) if mode != "extractive" else None
        from ktgs.assistant.rewrite import rewrite

        rewritten = rewrite(question, history_for_llm(history, self.settings, mode), generator)
        lap("rewrite")
        hits = self.searcher.search(rewritten, k=k or self.settings.top_k, mode="hybrid", filters=filters,
                                    as_of=as_of)
        lap("retrieve")
        evidence = select_evidence(rewritten, hits, self.searcher, max_items=MAX_EVIDENCE)
        support = support_score(rewritten, evidence)
        if self.settings.expand_references:      # the units the quoted clauses refer to
            evidence = add_referenced_evidence(evidence, self.searcher)
        lap("evidence")
        model_ids = {"embedder": _embedder_id(self.searcher)}
        prompt_id = ""
        verification: Verification | None = None
        if evidence and support >= refusal_threshold(self.settings):
            shown = evidence                 # what the answer may cite: what its writer was shown
            if generator is None:
                text = extractive_answer(rewritten, evidence)
            elif mode == "local":
                # the small local model picks and orders the quotes and writes the lead line only
                prompt_id = SELECT.id
                model_ids["llm"] = generator.model_id
                cands = candidates(rewritten, evidence)
                messages = select_messages(rewritten, cands.lines)
                if stream and cands.lines:
                    parts = []
                    shown_lead = 0
                    for delta in generator.stream(messages):
                        if not parts:
                            timings["first_token"] = round((time.perf_counter() - t0) * 1000, 2)
                        parts.append(delta)
                        lead = lead_so_far("".join(parts))      # the UI sees the lead line as it is written
                        if len(lead) > shown_lead:
                            yield lead[shown_lead:]
                            shown_lead = len(lead)
                    reply = "".join(parts)
                else:
                    reply = generator.complete(messages) if cands.lines else ""
                text = compose(cands, reply)
            else:

                prompt_id = ANSWER.id
                model_ids["llm"] = generator.model_id
                items, chars = LLM_EVIDENCE[mode]
                shown = for_llm(evidence, self.settings, mode)[:items]   # no `mat` to a remote endpoint
                messages = answer_messages(rewritten, shown, chars)
                if stream:
                    parts = []
                    for delta in generator.stream(messages):
                        if not parts:
                            timings["first_token"] = round((time.perf_counter() - t0) * 1000, 2)
                        parts.append(delta)
                        yield delta
                    text = "".join(parts)
                else:
                    text = generator.complete(messages)
            lap("generate")
            verification = verify_answer(text, shown)
            lap("verify")
        if verification is not None and verification.grounded:
            answer = Answer(text=verification.text, citations=verification.citations, grounded=True)
        else:
            answer = Answer(text=refusal_text(evidence), citations=[], grounded=False)
        answer.hits = hits
        if hasattr(self.searcher, "graph"):
            apply_validity(answer, question, self.searcher, getattr(self.searcher, "last_as_of", "") or str(as_of or ""))
        lap("validity")
        timings["total"] = round((time.perf_counter() - t0) * 1000, 2)
        answer.mode, answer.hits, answer.timings = mode, hits, timings
        answer.model_ids, answer.prompt_id = model_ids, prompt_id
        answer.question, answer.rewritten_question = question, rewritten
        self._record(answer, verification)
        yield answer

    def _record(self, answer: Answer, verification: Verification | None) -> None:
        if not self._log_enabled:
            return
        from ktgs.assistant.qa_log import FILENAME, QALog

        if self._log is None:
            self._log = QALog(self.settings.path(FILENAME))
        checks = [{"sentence": s.text, "refs": s.refs, "status": s.status}
                  for s in (verification.sentences if verification else [])]
        self._log.record(answer, checks)


def refusal_text(evidence: Sequence[Evidence], n: int = 3) -> str:
    labels = [ev.label for ev in evidence[:n]]
    return f"{REFUSAL}\n{CLOSEST}: {'; '.join(labels)}." if labels else REFUSAL


def _embedder_id(searcher: Any) -> str:
    embedder = getattr(searcher, "embedder", None)
    return str(getattr(embedder, "name", "") or getattr(searcher, "embedder_name", "") or "")


def ask(question: str, filters: Any = None, history: History | None = None,
        settings: Settings | None = None, searcher: Any = None, generator: Any = None,
        as_of: Any = None) -> Answer:
    """One question, one verified Answer as of `as_of` (see Assistant for repeated use)."""
    assistant = Assistant(settings, searcher=searcher, generator=generator)
    try:
        return assistant.ask(question, filters=filters, history=history, as_of=as_of)
    finally:
        assistant.close()
