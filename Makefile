# Two commands on a fresh clone:  make demo  (scan the embedded example)  and  make test  (the whole suite).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DATA   ?= ../shared/data
BENCH  ?= $(DATA)/bench/dev.jsonl

.PHONY: demo test check model eval bench bench-api bench-clean bench-urls bench-html bench-hook serve venv clean

# Python 3.11+ is checked before the venv exists: an older interpreter stops here with a message instead
# of leaving a half-made .venv that breaks every later make. A venv that fails half way is removed.
$(BIN)/python:
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0 if v >= (3, 11) else "moderation needs Python 3.11 or newer; $(PYTHON) is %d.%d (try make PYTHON=python3.11)" % v[:2])'
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip || { rm -rf $(VENV); exit 1; }

# Two install markers: make demo installs the package alone; make test, check and the rest add the dev extras.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

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
	$(BIN)/python -m moderation.bench record --bench $(BENCH) --model-dir classifiers/models

eval: venv  ## the benchmark metrics
	$(BIN)/moderation eval $(BENCH)

bench: venv  ## speed, load time, memory and a profile, on one core
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 $(BIN)/python -m moderation.bench speed --bench $(BENCH)

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
