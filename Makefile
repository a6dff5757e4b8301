# The two commands: `make run` (the whole system on embedded defaults) and
# `make test` (the whole suite). Both create .venv and install on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

export WEB_PORT ?= 8000
export SANDBOX_PORT ?= 8010
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: install run test fuzz lint format clean bench bench-quick mutate

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Hatid needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

# The git-ignored development .env (config/devenv.py): commands run by hand,
# as the README prints them, get DJANGO_DEBUG=1 without typing it.
.env: | $(STAMP)
	$(BIN)/python -m config.devenv .env

install: $(STAMP) .env

run: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --no-input -v 0
	DJANGO_DEBUG=1 $(BIN)/python manage.py bootstrap_demo
	DJANGO_DEBUG=1 $(BIN)/honcho --procfile Procfile start

# pytest-xdist: one process per core. DATABASE_URL / REDIS_URL, when set, point
# the suite at a real PostgreSQL and Redis (CI always sets both).
test: install
	DJANGO_DEBUG=1 $(BIN)/pytest -n $${TEST_PROCESSES:-auto} $(PYTEST_ARGS)

# The fuzzers (tests/fuzz/) at full strength: schemathesis over the whole partner
# API with its coverage phase, hypothesis over every callback kind. `make test`
# runs them bounded (HATID_FUZZ_EXAMPLES=6). Needs DATABASE_URL on PostgreSQL.
fuzz: install
	HATID_FUZZ_EXAMPLES=$${HATID_FUZZ_EXAMPLES:-100} DJANGO_DEBUG=1 $(BIN)/pytest -n $${TEST_PROCESSES:-auto} tests/fuzz $(PYTEST_ARGS)

# Benchmarks and the chaos suite (bench/): real PostgreSQL and Redis (see
# bench/harness.py for BENCH_DATABASE_URL / BENCH_REDIS_URL), results in bench/results/.
$(VENV)/.bench-stamp: $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,bench]'
	@touch $@

bench: $(VENV)/.bench-stamp
	$(BIN)/python bench/run_all.py $(BENCH_ARGS)

bench-quick: $(VENV)/.bench-stamp
	$(BIN)/python bench/run_all.py --quick $(BENCH_ARGS)

# Mutation testing of the core modules against the fast tests (tools/mutate.py);
# MUTATE_ARGS e.g. --module telecom/outbox.py, --sample 30, --fail-under 0.9.
mutate: install
	$(BIN)/python tools/mutate.py $(MUTATE_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var .env
