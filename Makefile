# CivicGrid — two commands: `make run` (set up everything, load the demo district, serve) and
# `make test` (the whole suite). Everything else here is a step those two use.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
SCALE ?= small
export DJANGO_SETTINGS_MODULE := civicgrid.settings

.PHONY: run dev test system-deps lint format assets messages setup setup-dev migrate demo bench bench-load bench-peer clean openapi

run: setup migrate demo
	$(PY) manage.py collectstatic --noinput -v0
	@$(PY) manage.py demo_logins
	@echo "CivicGrid: http://127.0.0.1:$(PORT)/"
	@# The periodic jobs (deadline reminders, daily digests) run next to gunicorn and stop with it;
	@# a district with a Celery broker runs `celery -A civicgrid beat` instead.
	@if [ -z "$$CELERY_BROKER_URL" ]; then $(PY) manage.py run_scheduler & scheduler=$$!; fi; \
	trap '[ -n "$$scheduler" ] && kill -TERM $$scheduler 2>/dev/null; wait' EXIT INT TERM; \
	$(VENV)/bin/gunicorn civicgrid.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --threads 4 --access-logfile -

# Auto-reloading development server with DEBUG on.
dev: setup-dev migrate demo
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

# pytest exits 5 when it collected no test: that is a broken run, not a green one.
test: setup-dev system-deps
	$(PY) -m pytest -n auto; rc=$$?; if [ $$rc -eq 5 ]; then echo "make test: no test was collected" >&2; fi; exit $$rc

# Debian's chromium, a Chinese font and gettext (installed when missing, or a clear message).
system-deps:
	@scripts/system-deps.sh

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: setup-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: setup-dev $(VENV)/.installed-load
	$(PY) -m bench

# The district load test (locust, PostgreSQL, Redis; restarts the machine's PostgreSQL once for the
# crash test — run it on a machine nothing else is using) and the side-by-side with django-helpdesk.
bench-load: setup-dev $(VENV)/.installed-load
	$(PY) -m bench --only load.sustained_rps

bench-peer: setup-dev
	$(PY) -m bench --only peer.helpdesk.create

$(VENV)/.installed-load: bench/requirements-load.txt $(VENV)/.installed-dev
	$(VENV)/bin/pip install -q -r bench/requirements-load.txt
	touch $@
# The committed OpenAPI 3 schema of /api/v1/ (a test fails when it drifts from the code).
openapi: setup-dev
	$(PY) manage.py spectacular --lang zh-hans --validate --fail-on-warn --file docs/api/openapi.yaml

# --- steps -----------------------------------------------------------------------------------
$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.installed

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# Front-end packages come from the npm registry and are copied into static/vendor (not committed).
assets: node_modules/.package-lock.json
	$(PYTHON) scripts/copy_assets.py

messages: $(VENV)/.installed
	$(PY) scripts/compile_messages.py

setup: $(VENV)/.installed assets messages
setup-dev: $(VENV)/.installed-dev assets messages

migrate: setup
	$(PY) manage.py migrate -v0

demo: migrate
	$(PY) manage.py seed_demo --scale $(SCALE) --if-empty

clean:
	rm -rf $(VENV) node_modules civicgrid/static/vendor var .pytest_cache
