# make site  — build the whole site into site/ (creates .venv/ from the lock file if needed)
# make serve — serve it on http://127.0.0.1:8000 with live reload, regenerating on every edit
# make test  — run the tests (creates .venv/ if needed)
# make rehearse-ci — run every workflow of .github/workflows/ with act, offline (REHEARSAL_DIR=...)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-from-lock
export NO_MKDOCS_2_WARNING := 1

.PHONY: site serve test generate lint format bench bench-quick clean rehearse-ci

$(STAMP): requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $(STAMP)

site: $(STAMP)
	$(BIN)/python -m build_tools build

generate: $(STAMP)
	$(BIN)/python -m build_tools generate

serve: $(STAMP)
	$(BIN)/python -m build_tools generate
	$(BIN)/python -m mkdocs serve --dev-addr 127.0.0.1:8000 --livereload --dirty

test: $(STAMP)
	$(BIN)/python -m pytest

REHEARSAL_DIR ?= .cache/ci-rehearsal
rehearse-ci: $(STAMP)
	rm -rf $(REHEARSAL_DIR)
	$(BIN)/python -m tests.ci_rehearsal --out $(REHEARSAL_DIR)

lint: $(STAMP)
	$(BIN)/ruff check build_tools tests bench
	$(BIN)/ruff format --check build_tools tests bench

format: $(STAMP)
	$(BIN)/ruff format build_tools tests bench
	$(BIN)/ruff check --fix build_tools tests bench

# What generate owns in docs/ is listed by build_tools/layout.py (standard library only: no .venv needed).
clean:
	rm -rf site
	generated="$$($(PYTHON) -m build_tools.layout --generated)" && for name in $$generated; do rm -rf "docs/$$name"; done

bench: $(STAMP)
	$(BIN)/python -m bench

bench-quick: $(STAMP)
	$(BIN)/python -m bench --quick
