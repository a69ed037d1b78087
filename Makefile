# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_ADMIN_USERNAME ?= admin
export DJANGO_ADMIN_PASSWORD ?= admin

.PHONY: run test test-sqlite test-postgres lint format bench setup migrate clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

migrate: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py loaddata fixtures/seed_catalogue.json

run: migrate
	$(PY) manage.py create_admin --if-missing
	$(PY) manage.py generate_demo_images
	@echo ""
	@echo "  Catalogue:  http://$(HOST):$(PORT)/"
	@echo "  Admin:      http://$(HOST):$(PORT)/admin/  (user: $(DJANGO_ADMIN_USERNAME), password: $(DJANGO_ADMIN_PASSWORD))"
	@echo ""
	$(PY) manage.py runserver $(HOST):$(PORT)

test: setup
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m ruff check .
	./scripts/ensure-chromium.sh
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite: setup
	@echo "== Test suite on SQLite =="
	$(PY) -m pytest -q $(PYTEST_ARGS)

test-postgres: setup
	@echo "== Test suite on PostgreSQL =="
	./scripts/with-postgres-replica.sh $(PY) -m pytest -q -m "not browser" $(PYTEST_ARGS)

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: setup
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

bench: setup
	$(PY) manage.py run_benchmarks

clean:
	rm -rf $(VENV) var .pytest_cache
