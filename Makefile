# chuangcheng: `make run` serves the demo county, `make test` runs the suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres
export DJANGO_SETTINGS_MODULE := chuangcheng.settings

.PHONY: setup run test test-pg e2e bench lint format migrate demo clean

$(VENV)/.stamp: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

chuangcheng/static/vendor/.stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	./scripts/vendor_assets.sh

setup: $(VENV)/.stamp chuangcheng/static/vendor/.stamp
	mkdir -p var/staticfiles var/media

migrate: setup
	$(PY) manage.py migrate --noinput -v 0

run: migrate
	$(PY) manage.py bootstrap
	./scripts/serve.sh $(HOST) $(PORT)

demo: migrate
	$(PY) manage.py demo_county --seed 1

test: setup
	$(PY) -m pytest -n 2 chuangcheng

test-pg: setup
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(PY) -m pytest -n 2 chuangcheng

e2e: setup
	./scripts/ensure_chromium.sh
	$(PY) -m pytest e2e

bench: setup
	$(PY) bench/run_all.py

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy chuangcheng
	$(PY) manage.py makemigrations --check --dry-run
	DEBUG=false SECRET_KEY=lint-$$(date +%s)-a-long-random-secret-key-for-the-deploy-check-only \
	  SECURE_COOKIES=true SECURE_SSL_REDIRECT=true SECURE_HSTS_SECONDS=31536000 \
	  $(PY) manage.py check --deploy --fail-level WARNING

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf var chuangcheng/static/vendor
