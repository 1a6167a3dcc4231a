# The two set-up commands of the README: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck check bench eval-ask clean provision lock

LOCK := locks/all-dev.txt

# Every dependency at the exact version and hash of the lock (bash scripts/lock.sh rewrites it),
# then the project itself, editable, without resolving anything again.
$(STAMP): pyproject.toml $(LOCK) locks/build.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r locks/build.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	# --no-deps trusts the lock to be complete: check that every requirement is met
	$(BIN)/python -m pip check
	# compile the cohort screen's rules once (numba caches them; about 20 s)
	$(BIN)/python -c "from oligoguide.cohort.kernel.batch_rules import warm_up; warm_up()"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/oligoguide serve --examples examples

test: $(STAMP)
	$(BIN)/python -m ruff check src tests
	$(BIN)/python -m ruff format --check src tests
	$(BIN)/python -m mypy
	BIN=$(BIN) bash scripts/security_checks.sh bandit
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/python -m ruff check src tests
	$(BIN)/python -m ruff format --check src tests

typecheck: $(STAMP)
	$(BIN)/python -m mypy

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r locks/bench.txt
	$(BIN)/python bench/run_all.py

eval-ask: $(STAMP)
	$(BIN)/python bench/eval_ask.py
	$(BIN)/python bench/eval_ask.py --unseen

# The Debian packages of the outside systems the tests use (installs as root, else prints the command).
provision:
	bash scripts/provision.sh

# Rewrite locks/ from pyproject.toml (uv, in .tools/); --upgrade moves to the newest releases.
lock:
	bash scripts/lock.sh

clean:
	rm -rf $(VENV) .tools build dist .pytest_cache .mypy_cache .ruff_cache
