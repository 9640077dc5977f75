"""Language models behind one small protocol, adapted from llama-index at this edge.

`Generator`: `model_id`, `complete(messages) -> str`, `stream(messages) -> Iterator[str]`.
Two built-ins: a local GGUF run by llama.cpp (llama-index `LlamaCPP`) and any OpenAI-compatible
endpoint (llama-index `OpenAILike`: vLLM, Ollama, llama.cpp server …). Nothing loads at import.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Protocol, Sequence, runtime_checkable

from ktgs.errors import LLMError, ModelError
from ktgs.settings import Settings

Message = tuple[str, str]            # (role, content)
LOCAL_CONTEXT = 4096
LOCAL_THREADS = 2
MAX_NEW_TOKENS = 384
TEMPERATURE = 0.1


@runtime_checkable
class Generator(Protocol):
    model_id: str

    def complete(self, messages: Sequence[Message]) -> str: ...

    def stream(self, messages: Sequence[Message]) -> Iterator[str]: ...


def _chat_messages(messages: Sequence[Message]) -> list[Any]:
    from llama_index.core.llms import ChatMessage

    return [ChatMessage(role=role, content=content) for role, content in messages]


class LlamaIndexGenerator:
    """Any llama-index LLM as a Generator; library errors become LLMError."""

    def __init__(self, llm: Any, model_id: str):
        self.llm = llm
        self.model_id = model_id

    def complete(self, messages: Sequence[Message]) -> str:
        try:
            return self.llm.chat(_chat_messages(messages)).message.content or ""
        except Exception as exc:   # third-party failure → one typed error with the cause
            raise LLMError(f"{self.model_id}: {exc}") from exc

    def close(self) -> None:
        """Free a local model now rather than at interpreter shutdown (llama.cpp)."""
        model = getattr(self.llm, "_model", None)
        if model is not None and hasattr(model, "close"):
            model.close()

    def stream(self, messages: Sequence[Message]) -> Iterator[str]:
        try:
            for chunk in self.llm.stream_chat(_chat_messages(messages)):
                if chunk.delta:
                    yield chunk.delta
        except Exception as exc:
            raise LLMError(f"{self.model_id}: {exc}") from exc


def chatml(messages: Sequence[Any]) -> str:
    """Qwen2.5 chat template (ChatML) for llama.cpp's raw completion call."""
    parts = []
    for m in messages:
        role = getattr(m.role, "value", m.role)
        parts.append(f"<|im_start|>{role}\n{m.content}<|im_end|>\n")
    parts.append("<|im_start|>assistant\n")
    return "".join(parts)


def _completion_chatml(prompt: str) -> str:
    return f"<|im_start|>user\n{prompt}<|im_end|>\n<|im_start|>assistant\n"


@contextmanager
def _no_weight_repacking() -> Iterator[None]:
    """Load GGUF weights without llama.cpp's "extra buffer types" (runtime weight repacking).

    On CPUs with AMX/AVX-512 (the machines here), llama.cpp 0.3.36's repacked Q4_K kernels crash
    (segmentation fault) as soon as a prompt of more than one token is decoded; plain weights
    work. llama-cpp-python does not expose `use_extra_bufts`, so its default-params factory is
    wrapped while the model loads, then restored.
    """
    import llama_cpp
    import llama_cpp.llama as llama_module

    original = llama_cpp.llama_model_default_params

    def params() -> Any:
        p = original()
        p.use_extra_bufts = False
        return p

    llama_module.llama_cpp.llama_model_default_params = params
    try:
        yield
    finally:
        llama_module.llama_cpp.llama_model_default_params = original


def local_model_file(settings: Settings) -> Path:
    from ktgs.index.models import model_path

    return Path(model_path(settings.llm_model, settings)) / "model.gguf"


def local_generator(settings: Settings, n_threads: int = LOCAL_THREADS,
                    n_ctx: int = LOCAL_CONTEXT) -> LlamaIndexGenerator:
    """The GGUF named by settings.llm_model under KTGS_HOME/models, run by llama.cpp on CPU."""
    path = local_model_file(settings)
    if not path.is_file():
        raise ModelError(f"chưa có mô hình {settings.llm_model} ({path}); "
                         f"chạy `ktgs models fetch {settings.llm_model}` hoặc dùng --mode extractive")
    try:
        from llama_index.llms.llama_cpp import LlamaCPP
    except ImportError as exc:
        raise LLMError("thiếu llama-cpp-python / llama-index-llms-llama-cpp; cài `make llm`") from exc
    try:
        with _no_weight_repacking():
            llm = LlamaCPP(model_path=str(path), temperature=TEMPERATURE, max_new_tokens=MAX_NEW_TOKENS,
                           context_window=n_ctx,
                           generate_kwargs={"stop": ["<|im_end|>", "<|endoftext|>"]},
                           model_kwargs={"n_threads": n_threads, "n_gpu_layers": 0},
                           messages_to_prompt=chatml, completion_to_prompt=_completion_chatml,
                           verbose=False)
    except ValueError as exc:
        raise ModelError(f"{path}: {exc}") from exc
    return LlamaIndexGenerator(llm, model_id=f"llama.cpp:{settings.llm_model}")


def openai_generator(settings: Settings, timeout: float = 60.0) -> LlamaIndexGenerator:
    """settings.llm_model served at settings.llm_url (an OpenAI-compatible /v1 endpoint)."""
    if not settings.llm_url:
        raise LLMError("chưa đặt địa chỉ máy chủ LLM: KTGS_LLM_URL=http://host:port/v1")
    try:
        from llama_index.llms.openai_like import OpenAILike
    except ImportError as exc:
        raise LLMError("thiếu llama-index-llms-openai-like; cài `pip install ktgs[llm]`") from exc
    llm = OpenAILike(model=settings.llm_model, api_base=settings.llm_url,
                     api_key=settings.llm_api_key or "not-needed", is_chat_model=True,
                     context_window=LOCAL_CONTEXT * 2, max_tokens=MAX_NEW_TOKENS,
                     temperature=TEMPERATURE, timeout=timeout, max_retries=1)
    return LlamaIndexGenerator(llm, model_id=f"openai:{settings.llm_model}@{settings.llm_url}")


def endpoint_models(url: str, api_key: str = "", timeout: float = 10.0) -> list[str]:
    """Model ids an OpenAI-compatible endpoint serves (GET {url}/models)."""
    import json
    import urllib.error
    import urllib.request

    req = urllib.request.Request(url.rstrip("/") + "/models",
                                 headers={"Authorization": f"Bearer {api_key or 'not-needed'}"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            body = json.loads(resp.read().decode("utf-8"))
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise LLMError(f"không kết nối được máy chủ LLM {url}: {exc}") from exc
    return [m.get("id", "") for m in body.get("data", [])]


def make_generator(settings: Settings, mode: str) -> LlamaIndexGenerator:
    if mode == "local":
        return local_generator(settings)
    if mode == "openai":
        return openai_generator(settings)
    raise LLMError(f"unknown answer mode {mode!r}; choose one of: extractive, local, openai")
