# Catalogue des alliances — `make run` serves the site, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app catalogue
HOST ?= 127.0.0.1
PORT ?= 5000
STAMP := $(VENV)/.installed

.PHONY: run test bench install clean

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

bench: install
	$(PY) bench/search_bench.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
