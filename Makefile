# Two commands: `make run` and `make test`. Everything else is their plumbing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: run test lint deps dev-deps browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.deps: requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $@

$(VENV)/.dev-deps: requirements-dev.lock $(VENV)/.deps
	$(BIN)/pip install -q -r requirements-dev.lock
	touch $@

deps: $(VENV)/.deps
dev-deps: $(VENV)/.dev-deps

run: $(VENV)/.deps
	$(BIN)/stamphub run

# Chromium drives the browser end-to-end tests; installed from Debian when missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi; }

test: $(VENV)/.dev-deps browser
	$(BIN)/ruff check hub tests
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

lint: $(VENV)/.dev-deps
	$(BIN)/ruff check hub tests
	$(BIN)/ruff format --check hub tests
