# Thin targets: each creates the virtualenv when missing, then calls its binaries.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8080

.PHONY: mock test lint install

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[tests]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(BIN)/.installed

mock: $(BIN)/.installed
	$(BIN)/broadcast-sandbox serve --host $(HOST) --port $(PORT)

lint: $(BIN)/.installed node_modules/.installed
	$(BIN)/ruff check mock tests
	$(BIN)/mypy
	node_modules/.bin/redocly lint --config redocly.yaml spec/openapi.yaml spec/sandbox.yaml

test: $(BIN)/.installed node_modules/.installed
	$(BIN)/ruff check mock tests
	$(BIN)/mypy
	$(BIN)/pytest
