# MM-LLM Atlas: one entry point. `make serve` and `make test` set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: install serve build validate test bench clean

$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; set PYTHON=python3.x")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.txt
	@touch $@

install: $(VENV)/.installed  ## create .venv with the pinned packages

serve: install  ## serve the site at http://127.0.0.1:8000, rebuilding on any change under docs/, catalog/ or hooks/
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

build: install  ## build the site into site/ with --strict
	$(BIN)/mkdocs build --strict

validate: install  ## check the whole catalog
	$(BIN)/python scripts/validate.py

test: install  ## run the whole test suite (it includes `scripts/bench.py --quick`)
	$(BIN)/python -m pytest

bench: install  ## benchmark 100, 1,000 and 10,000 models (about 45 minutes); rewrites docs/about/benchmarks.md
	$(BIN)/python scripts/bench.py --large-runs 1

clean:
	rm -rf site .pytest_cache
