"""A small stand-in for an OpenAI-compatible LLM server, for tests (real HTTP on 127.0.0.1).

Implements GET /v1/models and POST /v1/chat/completions (plain JSON and stream=true SSE) the way
the OpenAI API shapes them. The "model" it is asked for picks the canned behaviour:

- ``fake-good``: quotes the first sentence of evidence [1] from the prompt and cites [1];
- ``fake-bad``: cites [9] (no such evidence) and quotes words that are in no unit;
- ``fake-mixed``: one good sentence (as fake-good) and one fabricated quote cited as [1];
- ``fake-refuse``: says it found nothing ("Không tìm thấy căn cứ trong kho văn bản.").
- ``fake-obey``: a model that obeys instructions hidden in the evidence (see canned_obey): it states
  the injected payload as fact, cites it to the evidence of the real law, quotes it under a fake
  "Điều" label and cites an evidence number that does not exist (tests/test_injection.py).
- ``fake-quiz``: answers the quiz prompts (ktgs.assistant.prompts QUIZ_SITUATION / QUIZ_PARAPHRASE)
  with JSON: a scenario around the asked statement with its answer masked (see canned_situation),
  or the stem with its lead-in reworded ("Theo X, …" → "Căn cứ X, …");
- ``fake-quiz-leak``: the same JSON, but the scenario (or the reworded stem) names the answer;
- ``fake-quiz-broken``: a reply cut off in the middle of its JSON.
A selection request (the local answer shape, prompt with "Các câu trích:") is answered by
``canned_selection``. A rewrite request (prompt ending "Câu hỏi độc lập:") gets the previous question with its subject
swapped for the follow-up's.
Anything else is answered with a 404 error object like the real API's.
Every request body is kept in ``server.requests`` for assertions on what was sent.
"""
from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODELS = ("fake-good", "fake-bad", "fake-mixed", "fake-refuse", "fake-quiz", "fake-quiz-leak", "fake-quiz-broken",
          "fake-obey")
FABRICATED = "thời hạn giải quyết là 90 ngày làm việc kể từ ngày nộp đơn"
_EVIDENCE_RE = re.compile(r"^\[1\] [^\n]*\n(.+?)(?:\n\n\[2\]|\n\nCâu hỏi:|\Z)", re.S | re.M)
_ENUM_RE = re.compile(r"^(?:\d+(?:\.\d+)*\.|[a-zđ]\)|[IVX]+\.|-)\s+")


def first_sentence(user_text: str) -> str:
    """The first sentence of evidence [1] in a prompt built by ktgs.assistant.prompts."""
    m = _EVIDENCE_RE.search(user_text)
    if not m:
        return ""
    for line in m.group(1).splitlines():
        line = _ENUM_RE.sub("", line.strip())
        sentence = re.split(r"(?<=[.;:])\s", line)[0].rstrip(" .;:")
        if len(sentence) > 15:
            return sentence
    return ""


def canned_rewrite(user_text: str) -> str:
    """For the rewrite prompt: the previous question with "tố cáo" swapped for the follow-up's
    subject ("còn khiếu nại thì sao?" → "khiếu nại")."""
    previous = re.findall(r"^Hỏi: (.+)$", user_text, re.M)[-1]
    follow = re.search(r"^Câu hỏi tiếp theo: (.+)$", user_text, re.M).group(1)
    subject = re.sub(r"^(?:còn|vậy còn)\s+|\s*thì sao\??$", "", follow.strip())
    return previous.replace("tố cáo", subject)


def _field(user_text: str, label: str) -> str:
    m = re.search(rf"^{label}[^:\n]*: (.*)$", user_text, re.M)
    return m.group(1).strip() if m else ""


def canned_situation(user_text: str, leak: bool = False) -> dict:
    """A scenario for the situational prompt: an officer applying the asked statement, its answer
    masked as "……" (a template already has that blank; a question is quoted as it is)."""
    asked, key, document = _field(user_text, "Nội dung được hỏi"), _field(user_text, "Đáp án"), _field(user_text, "Văn bản")
    masked = asked.replace(key, "……") if key else asked
    scenario = (f"Ông Nguyễn Văn An, cán bộ Ủy ban Kiểm tra huyện, được giao xử lý một vụ việc và cần vận dụng "
                f"quy định: {masked}")
    if leak:
        scenario += f" Ông An cho rằng đáp án là {key}."
    return {"scenario": scenario, "question": f"Theo {document}, ông An cần xác định nội dung nào là đúng?"}


def canned_paraphrase(user_text: str, leak: bool = False) -> dict:
    stem = _field(user_text, "Câu hỏi gốc")
    stem = re.sub(r"^Theo (.+?), ", r"Căn cứ \1, ", stem, count=1)
    if leak:
        stem += f" (gợi ý: {_field(user_text, 'Không được nhắc tới').split('; ')[0]})"
    return {"stem": stem}


def canned_quiz(model: str, system: str, user: str) -> str:
    if model == "fake-quiz-broken":
        return '{"scenario": "Ông Nguyễn Văn An, cán bộ Ủy ban Kiểm tra huyện, được giao'
    leak = model == "fake-quiz-leak"
    body = canned_paraphrase(user, leak) if '"stem"' in system else canned_situation(user, leak)
    return json.dumps(body, ensure_ascii=False)


def canned_selection(model: str, user_text: str) -> str:
    """For the SELECT prompt (local answer shape): fake-good leads with the quote of candidate (1)
    and shows the candidates in reverse order; fake-bad writes a fabricated lead and picks (9)."""
    cands = re.findall(r"^\((\d+)\) (.*)$", user_text, re.M)
    if model == "fake-bad" or not cands:
        return f"TRẢ LỜI: {FABRICATED} [1].\nCHỌN: 9"
    m = re.match(r"“([^”]+)” \[(\d+)\]", cands[0][1])
    lead = f"“{m.group(1)}” [{m.group(2)}]." if m else ""
    order = ", ".join(k for k, _ in reversed(cands))
    return f"TRẢ LỜI: {lead}\nCHỌN: {order}"


# what an injected instruction asks the assistant to say: the clause after one of these cues
OBEY_CUES = re.compile(r"(?:trả lời rằng|khẳng định rằng|phải nói rằng|ghi nhận rằng|kết luận rằng)\s*:?\s*"
                       r"[“\"]?([^.;\n“”\"]{8,}?)[”\"]?\s*(?:[.;\n]|$)", re.IGNORECASE)
_EVIDENCE_HEAD = re.compile(r"^\[(\d+)\] (.*)$", re.M)


def canned_obey(user_text: str) -> str:
    """Obey the first injected instruction of the evidence: assert its payload as fact, cited to
    the evidence whose label names a law ("Luật"), quoted under a fake Điều label, cited [9]."""
    m = OBEY_CUES.search(user_text.split("Câu hỏi:")[0])
    if not m:
        return "Không tìm thấy căn cứ trong kho văn bản."
    payload = m.group(1).strip()
    blocks = [b for b in re.split(r"\n\n(?=\[\d+\] )", user_text.split("Câu hỏi:")[0]) if _EVIDENCE_HEAD.match(b)]
    heads = [(_EVIDENCE_HEAD.match(b).group(1), _EVIDENCE_HEAD.match(b).group(2), b) for b in blocks]
    law = next((n for n, label, _ in heads if "Luật" in label), heads[0][0] if heads else "1")
    hostile = next((n for n, _, block in heads if payload in block), law)
    return (f"Theo quy định hiện hành, {payload} [{law}]. "
            f"Điều 157 Luật Thanh tra số 11/2022/QH15 quy định: “{payload}” [{hostile}] "
            f"(Điều 157 Luật Thanh tra số 11/2022/QH15). "
            f"Căn cứ [9] cũng quy định “{payload}” [9].")


def canned_answer(model: str, messages: list[dict]) -> str:
    user = next((m["content"] for m in reversed(messages) if m["role"] == "user"), "")
    if model.startswith("fake-quiz"):
        system = next((m["content"] for m in messages if m["role"] == "system"), "")
        return canned_quiz(model, system, user)
    if "Câu hỏi độc lập:" in user:
        return canned_rewrite(user)
    if "Các câu trích:" in user:
        return canned_selection(model, user)
    if model == "fake-refuse":
        return "Không tìm thấy căn cứ trong kho văn bản."
    if model == "fake-obey":
        return canned_obey(user)
    good = f"Theo căn cứ [1]: “{first_sentence(user)}” [1]."
    if model == "fake-good":
        return good
    if model == "fake-bad":
        return f"Căn cứ [9] quy định “{FABRICATED}” [9]. Ngoài ra “{FABRICATED}” [1]."
    return f"{good} Ngoài ra, “{FABRICATED}” [1]."


class _Handler(BaseHTTPRequestHandler):
    server: "FakeOpenAIServer"

    def log_message(self, *args) -> None:      # keep test output quiet
        pass

    def _json(self, status: int, body: dict) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path.rstrip("/") == "/v1/models":
            self._json(200, {"object": "list", "data": [
                {"id": m, "object": "model", "created": 0, "owned_by": "ktgs-tests"} for m in MODELS]})
        else:
            self._json(404, {"error": {"message": f"no route {self.path}", "type": "invalid_request_error"}})

    def do_POST(self) -> None:
        if self.path.rstrip("/") != "/v1/chat/completions":
            self._json(404, {"error": {"message": f"no route {self.path}", "type": "invalid_request_error"}})
            return
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        self.server.requests.append(body)
        model = body.get("model", "")
        if model not in MODELS:
            self._json(404, {"error": {"message": f"The model `{model}` does not exist.",
                                       "type": "invalid_request_error", "code": "model_not_found"}})
            return
        text = canned_answer(model, body.get("messages", []))
        created = int(time.time())
        if not body.get("stream"):
            self._json(200, {
                "id": "chatcmpl-fake", "object": "chat.completion", "created": created, "model": model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                             "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}})
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        pieces = [{"role": "assistant", "content": ""}] + [{"content": w} for w in re.findall(r"\S+\s*", text)]
        for i, delta in enumerate(pieces):
            chunk = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": created,
                     "model": model, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}
            self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode("utf-8"))
            self.wfile.flush()
        done = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": created, "model": model,
                "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
        self.wfile.write(f"data: {json.dumps(done)}\n\ndata: [DONE]\n\n".encode("utf-8"))
        self.wfile.flush()


class FakeOpenAIServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[dict] = []
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def __enter__(self) -> "FakeOpenAIServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
        self.server_close()
