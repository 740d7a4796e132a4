# Closeknit: `make run` to try it, `make test` to test it. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
CSS := closeknit/static/closeknit/css/closeknit.css
CHROMIUM := /usr/bin/chromium
# The PostgreSQL pass also runs Closeknit behind a real PgBouncer (common/tests/test_pgbouncer.py).
PGBOUNCER := /usr/sbin/pgbouncer
# The database passes run on every core, up to four (pytest-xdist: a test database per process).
PARALLEL := -n auto --maxprocesses=4
# Root may apt-get directly; anyone else needs sudo.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help run serve test lint test-sqlite test-postgres test-browser bench clean

help:
	@echo "make run   - install, load the demo district and serve on http://127.0.0.1:8000"
	@echo "make test  - install test tools, lint, and run every test on SQLite, PostgreSQL and Chromium"
	@echo "make bench - run the benchmarks in bench/"
	@echo "make serve - production: install the server extra, migrate, collect static files and run"
	@echo "             gunicorn, the task worker and the reminders' schedule (manage.py serve)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --editable ".[matching]"
	touch $@

$(VENV)/.installed-server: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --editable ".[server,matching]"
	touch $@ $(VENV)/.installed-run

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --editable ".[test]"
	touch $@ $(VENV)/.installed-run

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(CSS): node_modules/.installed $(wildcard assets/scss/*.scss)
	npm run --silent build:css

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium fonts-liberation libpango-1.0-0 libpangoft2-1.0-0 openssl

# Debian's package: the binary only; the test starts its own (scripts/pgbouncer.sh).
$(PGBOUNCER):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends pgbouncer

run: $(VENV)/.installed-run $(CSS)
	$(BIN)/python manage.py migrate --no-input -v0
	$(BIN)/python manage.py seed_demo --if-empty
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# Settings come from the environment (docs/operations.md): CLOSEKNIT_ENV=production and the rest.
serve: $(VENV)/.installed-server $(CSS)
	$(BIN)/python manage.py migrate --no-input -v0
	$(BIN)/python manage.py collectstatic --no-input -v0
	$(BIN)/python manage.py serve

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python manage.py makemigrations --check --dry-run -v0

test-sqlite: $(VENV)/.installed-test $(CSS) $(CHROMIUM)
	@echo "== Tests on SQLite"
	redis="$$(scripts/ensure-redis.sh)" && env -u DATABASE_URL CLOSEKNIT_TEST_REDIS_URL="$$redis" \
		$(BIN)/pytest -m "not browser" -p no:cacheprovider $(PARALLEL)

test-postgres: $(VENV)/.installed-test $(CSS) $(CHROMIUM) $(PGBOUNCER)
	@echo "== Tests on PostgreSQL"
	database="$$(scripts/ensure-postgres.sh)" && redis="$$(scripts/ensure-redis.sh)" && \
		DATABASE_URL="$$database" CLOSEKNIT_TEST_REDIS_URL="$$redis" $(BIN)/pytest -m "not browser" -p no:cacheprovider \
		--database-tests-only $(PARALLEL)

test-browser: $(VENV)/.installed-test $(CSS) $(CHROMIUM)
	@echo "== Browser tests (Chromium)"
	env -u DATABASE_URL $(BIN)/pytest -m browser -p no:cacheprovider

test: lint test-sqlite test-postgres test-browser

# bench/pages.py serves the pages with gunicorn (the server extra) and the built CSS.
bench: $(VENV)/.installed-test $(VENV)/.installed-server $(CSS)
	@for script in bench/[!_]*.py; do echo "== $$script"; $(BIN)/python "$$script" || exit 1; done

clean:
	rm -rf $(VENV) node_modules $(CSS) staticfiles
