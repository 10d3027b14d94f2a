# Red Engine — see README.md. Every target builds on `make install`.
# Python 3.11: `python3.11`, or `python3` when that is 3.11 (override with `make PYTHON=...`).
PYTHON ?= $(shell for p in python3.11 python3; do $$p -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null && { command -v $$p; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install assets run test lint migrate demo messages check-deploy clean

$(PY):
	@test -n "$(PYTHON)" && command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required: neither python3.11 nor python3 is 3.11 (or pass PYTHON=/path/to/python3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm is required to install the local Bootstrap files"; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed

## install: create .venv and install the pinned requirements and front-end files (safe to run twice)
install: $(VENV)/.installed assets

migrate: install
	$(PY) manage.py migrate --no-input

demo: migrate
	$(PY) manage.py load_demo

## run: migrate the database (SQLite unless DATABASE_URL is set), load the demo company, serve on :8000
run: demo
	$(PY) manage.py runserver $(HOST):$(PORT)

## test: ruff and the whole pytest suite (PostgreSQL when DATABASE_URL is set, SQLite otherwise)
test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

## messages: refresh and compile the zh-hans catalogue
messages: install
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=node_modules --ignore=tests
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv --ignore=node_modules

check-deploy: install
	REDENGINE_ENV=production SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=redengine.example $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) node_modules staticfiles
