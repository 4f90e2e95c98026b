# Coach Academy. `make demo` serves the product; `make test` runs every check.
PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .tools/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install messages migrate demo serve test lint format e2e worker beat bench clean makemessages

help:
	@echo "make demo    set up and serve the product with demo content on http://$(HOST):$(PORT)/"
	@echo "make test    lint and run the whole test suite"
	@echo "make worker  run a Celery worker (needs CELERY_BROKER_URL, e.g. Redis)"
	@echo "make beat    run the Celery beat scheduler"
	@echo "make bench   run the load and scale benchmarks"

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

install: $(VENV)/.synced

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	@touch $@

# .po files are committed; the compiled .mo files are made here (pure Python).
# One catalogue per language, in site/locale; */locale also matches it. An unmatched
# glob stays literal in sh, hence the -f test; a catalogue with errors fails the target.
messages: install
	@for po in */locale/*/LC_MESSAGES/*.po; do \
		[ -f "$$po" ] || continue; \
		$(VENV)/bin/pybabel compile --statistics -i $$po -o $${po%.po}.mo || exit 1; \
	done

makemessages: install
	$(MANAGE) makemessages --all --ignore=.venv --ignore=.tools --ignore=node_modules --ignore=tests --no-obsolete
	$(MANAGE) makemessages --all -d djangojs --ignore=.venv --ignore=.tools --ignore=node_modules --ignore=staticfiles

migrate: install
	@mkdir -p var media
	$(MANAGE) migrate --noinput

demo: install messages migrate
	$(MANAGE) demo_seed
	@echo ""
	@echo "Coach Academy is running at http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	$(MANAGE) runserver $(HOST):$(PORT)

serve: install messages migrate
	$(MANAGE) runserver $(HOST):$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: install node_modules/.installed messages lint
	@mkdir -p var
	$(VENV)/bin/pytest --create-db $(PYTEST_ARGS)

e2e: install node_modules/.installed messages
	$(VENV)/bin/pytest -m e2e $(PYTEST_ARGS)

worker: install
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-config.settings.dev} \
	$(VENV)/bin/celery -A config worker -Q default,email,pdf --concurrency=2 --loglevel=INFO

beat: install
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-config.settings.dev} \
	$(VENV)/bin/celery -A config beat --loglevel=INFO

bench: install
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf var staticfiles .tools $(VENV) node_modules
