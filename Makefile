# certdash: `make run` serves the demo, `make test` runs the whole suite. Both install what they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
CERTIFICATES ?= 20000

# Debian packages. The app embeds a TrueType CJK font in its PDFs (fonts-wqy-microhei). The tests
# also need a browser, PostgreSQL, poppler (pdfsig, pdffonts, pdftoppm check the PDFs) and a real
# PC/SC stack with a virtual card reader (pcscd, vpcd, vicc); pyscard compiles against libpcsclite; wrk drives bench.load.
APT_RUN := fonts-wqy-microhei
APT_TEST := $(APT_RUN) poppler-utils libnss3-tools chromium chromium-driver postgresql pcscd vsmartcard-vpcd vsmartcard-vpicc python3-virtualsmartcard \
	libpcsclite-dev gcc redis-server wrk

.PHONY: run test lint install install-dev system-run system-test messages bench-seed bench-load clean

run: system-run install
	$(PY) -m flask --app app:server demo --certificates $(CERTIFICATES)
	$(PY) app.py

test: system-test install-dev lint
	$(PY) -m tests.support.axe  # axe-core for the page tour, from the npm registry, once
	$(PY) -m pytest -n auto

# ruff (style and errors), import-linter (the layers of pyproject.toml), mypy (data/ and exports/)
lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(VENV)/.installed $@

system-run:
	@bash .ci/apt-install $(APT_RUN)

system-test:
	@bash .ci/apt-install $(APT_TEST)

messages: system-test install-dev
	$(VENV)/bin/pybabel extract -F dashboard/translations/babel.cfg -k t -k N_ --no-default-keywords \
	  --no-location --omit-header -o dashboard/translations/messages.pot app.py auth callbacks dashboard data layouts exports
	$(VENV)/bin/pybabel update -i dashboard/translations/messages.pot -d dashboard/translations \
	  --ignore-obsolete --width 100

bench-seed: system-test install-dev
	$(PY) -m bench.seed --certificates 200000

bench-load: system-test install-dev
	$(PY) -m bench.load

clean:
	rm -rf $(VENV) instance .pytest_cache
