# MM-LLM Atlas: one entry point. `make serve` and `make test` set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: install browser-packages serve preview build validate test bench clean

$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; set PYTHON=python3.x")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.txt
	@touch $@

install: $(VENV)/.installed  ## create .venv with the pinned packages

# The browser tests' npm packages (axe-core), pinned by tests/browser/package-lock.json.
# Without npm the accessibility tests skip (CI installs npm and requires them).
BROWSER_PACKAGES := tests/browser/node_modules/.installed
$(BROWSER_PACKAGES): tests/browser/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error && touch $@; \
	else \
		echo "npm is missing: the accessibility tests (axe-core) will be skipped"; \
	fi

browser-packages: $(BROWSER_PACKAGES)

# --no-strict: in strict mode MkDocs counts the server's own 404 warnings, logged while a
# rebuild runs, and aborts the rebuild. `make build` and the tests stay strict and check
# every internal link (ATLAS_LINK_CHECK, off by default because it is slow).
serve: install  ## serve the site at http://127.0.0.1:8000 (redirects to /atlas/), rebuilding on changes
	$(BIN)/mkdocs serve --no-strict --dev-addr 127.0.0.1:8000

# A contributor's preview of one entry: its page, its lineage neighbours, its organizations
# and techniques, and the home page, rebuilt in a few seconds after each save at any catalog size.
preview: install  ## serve only the pages MODEL=<id> appears on, rebuilding on changes
	@test -n "$(MODEL)" || { echo "usage: make preview MODEL=<model id>" >&2; exit 2; }
	ATLAS_PREVIEW="$(MODEL)" $(BIN)/mkdocs serve --no-strict --dev-addr 127.0.0.1:8000

build: install  ## build the site with --strict and the link check into a temporary directory, then swap it in as site/
	$(BIN)/python scripts/build.py

validate: install  ## check the whole catalog
	$(BIN)/python scripts/validate.py

test: install browser-packages  ## run the whole test suite (it includes `scripts/bench.py --quick`)
	$(BIN)/python -m pytest

bench: install  ## benchmark 100, 1,000 and 10,000 models (about 45 minutes); rewrites docs/about/benchmarks.md
	$(BIN)/python scripts/bench.py --large-runs 1

clean:
	rm -rf site .pytest_cache
