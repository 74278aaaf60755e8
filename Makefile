# Catalogue des alliances — `make run` serves the site, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app catalogue
HOST ?= 127.0.0.1
PORT ?= 5000
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
# The Playwright package drives Debian's Chromium: never let it fetch a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: run test test-postgres test-cluster bench bench-load bench-cluster install browser-tools test-servers translations clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall when the dependencies change. WeasyPrint (PDF dossiers) needs Debian's Pango and
# the fonts the PDFs are set in.
$(STAMP): $(PY) setup.cfg pyproject.toml
	@if ! ls /usr/lib/*/libpango-1.0.so.0 /usr/lib/*/libpangoft2-1.0.so.0 >/dev/null 2>&1 \
		|| [ ! -d /usr/share/fonts/truetype/dejavu ]; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y \
			libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; fi
	$(PY) -m pip install --quiet -e '.[test]'
	@if $(PY) -m pip show Whoosh >/dev/null 2>&1; then \
		echo "The 2016 'Whoosh' distribution is installed: it clobbers whoosh-reloaded." >&2; exit 1; fi
	touch $(STAMP)

install: $(STAMP)

# The browser tests need Debian's Chromium, Java for the Nu Html Checker, and the npm packages
# axe-core and vnu-jar from package-lock.json (--ignore-scripts: vnu-jar's postinstall would
# download a Java runtime; the jar itself is in the package).
browser-tools: $(NODE_STAMP)
	@if [ ! -x /usr/bin/chromium ] || ! command -v java >/dev/null; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium default-jre-headless; fi

$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $(NODE_STAMP)

# The tests of several hosts sharing their rate limits start Debian's Redis server.
test-servers:
	@command -v redis-server >/dev/null && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
		(apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server postgresql)

run: install
	$(FLASK) init-db
	$(FLASK) load-demo --if-empty
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install browser-tools test-servers
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

# The whole suite again on a throwaway PostgreSQL server.
test-postgres: install browser-tools test-servers
	scripts/with-postgres.sh $(PY) -m pytest

# Two gunicorn hosts on one throwaway PostgreSQL and Redis, each with its own search index.
test-cluster: install test-servers
	CATALOGUE_TEST_CLUSTER=1 scripts/with-postgres.sh $(PY) -m pytest tests/cluster

# The load bench's mix against two hosts for 60 s: throughput, p95, propagation delay.
bench-cluster: install test-servers
	@command -v wrk >/dev/null || (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk)
	scripts/with-postgres.sh $(PY) bench/cluster_bench.py

# After changing a text: extract the French msgids, update the English catalogue (new entries
# come empty, to translate), compile it. Both .po and .mo are committed; tests/test_i18n.py checks.
translations: install
	@mkdir -p build
	$(VENV)/bin/pybabel extract -F babel.cfg --ignore-dirs '.* ._ build node_modules instance tests' \
		--no-location --sort-output -o build/messages.pot .
	$(VENV)/bin/pybabel update -i build/messages.pot -d catalogue/translations --ignore-obsolete -w 100
	$(VENV)/bin/pybabel compile -d catalogue/translations --statistics

bench: install
	$(PY) bench/search_bench.py

# A minute of mixed traffic against gunicorn with 4 workers (not part of `make test`).
bench-load: install
	@command -v wrk >/dev/null || (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk)
	$(PY) bench/load_bench.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info node_modules test-artifacts
