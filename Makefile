# Quick start: `make serve` runs the emulator, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.bench-installed
CLIENTS_STAMP := $(VENV)/.clients-installed

.PHONY: serve test test-clients lint docs bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/ami-emulator serve

test: $(STAMP)
	$(BIN)/ruff check emulator tests
	$(BIN)/python -m pytest -n auto --ignore=tests/clients

$(CLIENTS_STAMP): pyproject.toml | $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,clients]'
	touch $(CLIENTS_STAMP)

# Third-party tools (Ansible's amazon.aws modules) run unchanged against the server.
test-clients: $(CLIENTS_STAMP)
	$(BIN)/python -m pytest -n auto tests/clients

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
