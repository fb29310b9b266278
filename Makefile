# Two commands: `make run` and `make test`. Everything else is their plumbing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: run test lint deps dev-deps browser faketime fonts locks

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

run: $(VENV)/.deps fonts
	$(BIN)/stamphub run

# A Debian package installed when its command is missing (as root, or via sudo).
apt = command -v $(1) >/dev/null 2>&1 || { \
  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $(1) >/dev/null; \
  else sudo apt-get update -qq && sudo apt-get install -y -qq $(1) >/dev/null; fi; }

# Debian packages installed when one of their files is missing: $(call apt_files,packages,files).
apt_files = missing=; for f in $(2); do [ -f "$$f" ] || missing=1; done; [ -z "$$missing" ] || { \
  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $(1) >/dev/null; \
  else sudo apt-get update -qq && sudo apt-get install -y -qq $(1) >/dev/null; fi; }

# Noto fonts, one per script, for posters, insert sheets and pass images (hub/render/fonts.py).
FONT_FILES := /usr/share/fonts/truetype/noto/NotoSans-Regular.ttf \
  /usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf \
  /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc \
  /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
fonts:
	@$(call apt_files,fonts-noto-core fonts-noto-cjk fonts-dejavu-core libfribidi0,$(FONT_FILES))

# Chromium drives the browser end-to-end tests.
browser:
	@$(call apt,chromium)

# libfaketime moves the clock for the time-proof run: faketime '+540 days' make test
faketime:
	@$(call apt,faketime)

test: $(VENV)/.dev-deps browser fonts
	$(BIN)/ruff check hub tests
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

lint: $(VENV)/.dev-deps
	$(BIN)/ruff check hub tests
	$(BIN)/ruff format --check hub tests

# The lock files, with hashes, from pyproject.toml; the versions they pin stay unless removed
# from them (or: make locks LOCK_ARGS=--upgrade).
LOCK_ARGS ?=
locks: $(VENV)/.dev-deps
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes --quiet $(LOCK_ARGS) \
		--constraint requirements.lock -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes --quiet $(LOCK_ARGS) \
		--extra dev --constraint requirements.lock --constraint requirements-dev.lock -o requirements-dev.lock
