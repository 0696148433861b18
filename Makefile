# SkillStack: `make run` and `make test` are the whole set-up on a fresh machine (Python 3.11+ and make).
# Each target builds .venv from pyproject.toml on first use and refreshes it when pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run chat test bench lint format clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "SkillStack needs Python 3.11+, found " + sys.version.split()[0] + ": run make PYTHON=python3.11 ...")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)  ## migrate, then start the bot (Telegram with TELEGRAM_BOT_TOKEN, else the terminal)
	$(BIN)/skillstack run

chat: $(STAMP)  ## the terminal channel
	$(BIN)/skillstack chat

test: $(STAMP)  ## the test suite (PostgreSQL too when SKILLSTACK_TEST_POSTGRES_URL is set)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)  ## every benchmark under tests/bench, one JSON object each
	@set -e; for script in tests/bench/bench_*.py; do [ -e "$$script" ] || continue; \
		name=$$(basename $$script .py); $(BIN)/python -m tests.bench.$$name; done

lint: $(STAMP)  ## ruff, mypy (core strictly typed) and the import contracts in pyproject.toml (core's layers only import downward)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .import_linter_cache .mypy_cache
