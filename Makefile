# The two commands: `make run` and `make test`. Everything else builds on them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test check lint format screenshots bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## run: install, create and migrate the database, serve on http://127.0.0.1:5000
run: $(STAMP)
	$(BIN)/classroom init-db
	$(BIN)/classroom serve --demo --host $(HOST) --port $(PORT)

## test: install, then run every test (browser tests need /usr/bin/chromium)
test: $(STAMP)
	$(BIN)/classroom check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

## check: validate every lesson and quiz
check: $(STAMP)
	$(BIN)/classroom check

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## screenshots: regenerate the README's screenshots with the browser test harness
screenshots: $(STAMP)
	$(BIN)/python -m tests.browser.screenshots docs/screenshots

## bench: load, reports and crash drill against the real server; prints every figure
bench: $(STAMP)
	@status=0; \
	$(BIN)/python bench/load.py || status=1; \
	$(BIN)/python bench/reports.py || status=1; \
	$(BIN)/python bench/crash.py || status=1; \
	exit $$status

clean:
	rm -rf $(VENV) build *.egg-info
