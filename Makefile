# Two commands on a fresh clone:  make demo  (scan the embedded example)  and  make test  (the whole suite).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DATA   ?= ../shared/data
BENCH  ?= $(DATA)/bench/dev.jsonl

.PHONY: demo test check model eval bench bench-api bench-clean bench-urls bench-html bench-hook serve venv clean

# The interpreter is checked before a venv is made, so a wrong one leaves nothing behind to break later runs.
$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || \
	  { echo "moderation needs Python 3.11 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1 || echo missing). Use make PYTHON=python3.11 (or newer)." >&2; exit 2; }
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip || { rm -rf $(VENV); exit 1; }

# Two install markers: the package alone (what `make demo` needs) and the package with the dev extras
# (tests, linters, every optional integration) for `make test` and the benchmarks.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

venv: $(VENV)/.installed-dev

demo: $(VENV)/.installed  ## scan the embedded example article and explain the verdict (no network, no server)
	$(BIN)/moderation demo

test: venv  ## the whole test suite (data tests skip without ../shared/data)
	$(BIN)/python -m pytest -q

check: venv  ## lint, format check and types
	$(BIN)/ruff check moderation classifiers api tests
	$(BIN)/ruff format --check moderation classifiers api tests
	$(BIN)/mypy moderation classifiers api

model: venv  ## rebuild the shipped models (text and URL) from ../shared/data; scores go in the sidecars
	$(BIN)/moderation train --data $(DATA) --out classifiers/models
	$(BIN)/moderation train-urls --data $(DATA) --out classifiers/models
	$(BIN)/moderation train-lang --data $(DATA) --out classifiers/models
	$(BIN)/python -m moderation.bench record --bench $(BENCH) --model-dir classifiers/models

eval: venv  ## the benchmark metrics (both benchmarks) and the chatty false-alarm check
	$(BIN)/moderation eval $(DATA)/bench/dev.jsonl
	$(BIN)/moderation eval $(DATA)/bench/dev-hard.jsonl
	$(BIN)/python -m moderation.bench chatty --data $(DATA)

bench: venv  ## speed, load time, memory and a profile, on one core; hostile inputs at 10 KB-1 MB, memory per MB
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 $(BIN)/python -m moderation.bench speed --bench $(BENCH)
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 $(BIN)/python -m moderation.bench adversarial

serve: venv  ## the HTTP API on 127.0.0.1:8000 with the shipped models
	$(BIN)/moderation serve --host 127.0.0.1 --port 8000 --workers 2 --access-log

bench-api: venv  ## bounded load on loopback: requests/s and p50/p99 for 1 and 2 workers
	$(BIN)/python -m moderation.bench api --bench $(BENCH)

bench-clean: venv  ## moderation clean on 50k gzip JSONL documents: 1 vs 2 workers, peak memory vs input size
	$(BIN)/python -m moderation.bench clean --data $(DATA)

bench-urls: venv  ## URL checker: held-out AUC/FPR, list exactness, checks/s on one core, cold start
	OMP_NUM_THREADS=1 $(BIN)/python -m moderation.bench urls --data $(DATA)

bench-html: venv  ## HTML path: page-set quality, pages/s on one core, extractors compared, hostile pages
	OMP_NUM_THREADS=1 $(BIN)/python -m moderation.bench html

bench-hook: venv  ## newsroom hook: p50/p99 per 3 KB article in process, one thread and four
	OMP_NUM_THREADS=1 $(BIN)/python -m moderation.bench hook

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
