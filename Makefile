# ktgs — two commands: `make run` and `make test`. Everything else is optional.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := $(CURDIR)/.venv
PY := $(VENV)/bin/python
KTGS := $(VENV)/bin/ktgs
export KTGS_HOME ?= $(CURDIR)/data
STAMP := $(VENV)/.installed

.PHONY: install run test test-fast eval bench bench-ingest llm clean help

help:
	@echo "make run    — cài đặt, nạp kho văn bản mẫu, mở trợ lý tại http://127.0.0.1:7860"
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

test: install
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

llm: install
	$(PY) -m pip install -q -e '.[all,local-llm]'
	$(KTGS) models fetch qwen2.5-1.5b-instruct-q4

clean:
	rm -rf $(VENV) build *.egg-info
