# Quick start: `make serve` runs the emulator, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# What serving needs, and the test extra on top: `make serve` installs only the first.
SERVE_STAMP := $(VENV)/.serve-installed
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.bench-installed
CLIENTS_STAMP := $(VENV)/.clients-installed
# The heavier suite of `make test-clients`: third-party tools (Ansible), every docs page's
# commands (alone and all pages in sequence against one server), the fuzzing and
# concurrency runs. `.ci/run` runs both targets.
CLIENT_TESTS := tests/clients tests/docs/test_code_blocks.py tests/robustness
# `make serve PORT=4567 ARGS='--scenario my.yaml'`
PORT ?= 4566
ARGS ?=

.PHONY: serve test test-clients lint docs bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# A cold install shows pip's progress: a silent minute looks like a hang.
$(SERVE_STAMP): pyproject.toml | $(BIN)/python
	@echo "installing ami-emulator into $(VENV) (about 30 s the first time)"
	$(BIN)/pip install --upgrade pip
	$(BIN)/pip install -e .
	touch $(SERVE_STAMP)

$(STAMP): pyproject.toml | $(SERVE_STAMP)
	@echo "installing the test extra into $(VENV) (about a minute the first time)"
	$(BIN)/pip install -e '.[test]'
	touch $(STAMP)

serve: $(SERVE_STAMP)
	@$(BIN)/ami-emulator serve --port $(PORT) $(ARGS)

# -rs: each skipped test says why (tests/conftest.py adds how to enable them).
test: $(STAMP)
	$(BIN)/ruff check emulator tests
	$(BIN)/python -m pytest -n auto -rs $(addprefix --ignore=,$(CLIENT_TESTS))

$(CLIENTS_STAMP): pyproject.toml | $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,clients]'
	touch $(CLIENTS_STAMP)

# Ansible's amazon.aws modules run unchanged against the server, and the rest of CLIENT_TESTS.
test-clients: $(CLIENTS_STAMP)
	$(BIN)/python -m pytest -n auto -rs $(CLIENT_TESTS)

lint: $(STAMP)
	$(BIN)/ruff check emulator tests
	$(BIN)/ruff format --check emulator tests

$(BENCH_STAMP): pyproject.toml | $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(BENCH_STAMP)

# ami-emulator beside moto's server (a few minutes; never part of `make test`).
# Writes bench/results.md and bench/latency.png.
bench: $(BENCH_STAMP)
	$(BIN)/python -m bench.run

docs: $(STAMP)
	$(BIN)/python -m emulator.docgen > docs/operations.md

clean:
	rm -rf $(VENV) build *.egg-info
