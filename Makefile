# Catalogue des alliances — `make run` serves the site, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app catalogue
HOST ?= 127.0.0.1
PORT ?= 5000
STAMP := $(VENV)/.installed

.PHONY: run test test-postgres bench install clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall when the dependencies change.
$(STAMP): $(PY) setup.cfg pyproject.toml
	$(PY) -m pip install --quiet -e '.[test]'
	@if $(PY) -m pip show Whoosh >/dev/null 2>&1; then \
		echo "The 2016 'Whoosh' distribution is installed: it clobbers whoosh-reloaded." >&2; exit 1; fi
	touch $(STAMP)

install: $(STAMP)

run: install
	$(FLASK) init-db
	$(FLASK) load-demo --if-empty
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install
	$(PY) -m pytest

# The whole suite again on a throwaway PostgreSQL server (Debian's package, installed when missing).
test-postgres: install
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
		(apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql)
	scripts/with-postgres.sh $(PY) -m pytest

bench: install
	$(PY) bench/search_bench.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
