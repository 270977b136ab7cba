# The two commands of the README, and the lint the CI runs.
#
#   make demo   set everything up, then run the built-in demo
#   make test   set everything up, then run the whole test suite
#   make lint   ruff, mypy and bandit on the code
#
# Each target installs what it needs: missing Debian packages (through
# tools/install-system-deps), a virtual environment in .venv, and opskit
# itself as a real wheel install (not editable), so tests run what ships.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: demo test lint dev system-deps system-deps-test clean

demo: system-deps $(BIN)/python
	$(PIP) install .
	$(BIN)/opskit demo --dir opskit-demo

test: system-deps-test $(BIN)/python
	$(PIP) install ".[test]"
	$(BIN)/pytest

lint: $(BIN)/python
	$(PIP) install -e ".[lint]"
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/bandit -q -c pyproject.toml -r opskit playbooks

# An editable install for working on opskit itself.
dev: system-deps-test $(BIN)/python
	$(PIP) install -e ".[test,lint]"
	$(BIN)/python -m compileall -q opskit playbooks

system-deps:
	tools/install-system-deps

system-deps-test:
	tools/install-system-deps --test

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("opskit needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)

clean:
	rm -rf $(VENV) build dist *.egg-info opskit-demo .pytest_cache .mypy_cache .ruff_cache
