# A fresh machine needs only `make serve` or `make test`: each creates .venv and installs what it needs.
#   make serve ARGS="--port 9300"        extra options for `connector-api serve`
#   make test PYTEST_ARGS="-m memory"    extra options for pytest
#   make test VENV=/tmp/venv PYTHON=python3.12

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
ARGS ?=
PYTEST_ARGS ?=

.PHONY: venv serve test lint

# The stamps are rewritten whenever pyproject.toml changes, so dependencies follow it.
$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "connector-api needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --editable .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --editable '.[test]'
	touch $@ $(VENV)/.installed

venv: $(VENV)/.installed-test

serve: $(VENV)/.installed
	$(BIN)/connector-api serve $(ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/mypy

# Lint first, then the whole pytest suite even if lint failed, so its closing summary line is
# always printed; the exit status is pytest's if it failed (5 when no test ran), else lint's.
test: $(VENV)/.installed-test
	@lint=0; \
	echo "+ ruff check ."; $(BIN)/ruff check . || lint=1; \
	echo "+ mypy"; $(BIN)/mypy || lint=1; \
	echo "+ pytest $(PYTEST_ARGS)"; $(BIN)/python -m pytest $(PYTEST_ARGS); tests=$$?; \
	if [ $$lint -ne 0 ]; then echo "make test: ruff or mypy failed (see above)" >&2; fi; \
	if [ $$tests -ne 0 ]; then exit $$tests; fi; \
	exit $$lint

# Every storage and endpoint against the framework ceiling, with plots (needs wrk: apt-get install -y wrk;
# matplotlib comes with the test extra). See bench/README.md.
#   make bench BENCH_ARGS="--quick"     options of `python -m bench` (`--help` lists them)
.PHONY: bench
bench: $(VENV)/.installed-test
	$(BIN)/python -m bench $(BENCH_ARGS)
