# CSC Performance. `make run` sets up and serves the demo; `make test` sets up and runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ASSETS := config/static/dist/.built

.PHONY: run test install messages assets chromium migrate demo lint typecheck pytest serve clean

run: install assets chromium
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py migrate --no-input
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py load_demo --with-users
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install assets chromium lint typecheck pytest

install: $(STAMP) messages

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The Welsh translation (docs/0026): the .po files are committed; their .mo files are built
# here by Django's compilemessages, which needs GNU gettext's msgfmt. Installed when missing
# and this is a Debian machine we may install on; otherwise said, and the build stops.
PO := $(wildcard config/locale/*/LC_MESSAGES/django.po)
MO := $(PO:.po=.mo)

messages: $(MO)

$(MO): %.mo: %.po | $(STAMP)
	@if ! command -v msgfmt >/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing Debian's gettext (msgfmt builds the Welsh translation)"; \
			apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q gettext; \
		else \
			echo "No msgfmt: install GNU gettext (as root: apt-get install gettext)." >&2; exit 1; \
		fi; \
	fi
	DEBUG=true $(BIN)/python manage.py compilemessages --ignore .venv --ignore node_modules

# Scrutiny packs are printed to PDF by Debian's Chromium (docs/0016); the browser tests use it
# too. Installed when missing and this is a Debian machine we may install on; otherwise said.
CHROMIUM ?= /usr/bin/chromium

chromium:
	@if [ -x $(CHROMIUM) ]; then \
		echo "Chromium: $(CHROMIUM)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium (pack PDFs and browser tests need it)"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	else \
		echo "Note: no Chromium at $(CHROMIUM): pack PDFs will say so and browser tests skip." \
			"Install Debian's chromium package (as root: apt-get install chromium)."; \
	fi

assets: $(ASSETS)

$(ASSETS): package.json package-lock.json $(shell find assets -type f 2>/dev/null)
	npm ci --no-audit --no-fund --loglevel=error
	npm run build
	touch $(ASSETS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports  # the apps' dependency arrows, no import circles (pyproject.toml)

typecheck: install
	DEBUG=true $(BIN)/mypy .

# One test process per core (pytest-xdist); PYTEST_WORKERS=0 runs them in this process.
PYTEST_WORKERS ?= auto

pytest: install assets
	DEBUG=$${DEBUG:-true} $(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) node_modules config/static/dist staticfiles db.sqlite3
