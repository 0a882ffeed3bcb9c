# make venv  — a writer's .venv/: what generate, check, serve and build need (requirements.txt)
# make site  — build the whole site into site/ (creates that .venv/ if needed)
# make serve — serve it on http://127.0.0.1:8000 with live reload, regenerating on every edit
# make hooks — pre-commit and the tools its hooks run (pinned in requirements-dev.txt), installed as git's hook
# make schemas — rewrite schemas/*.schema.json from build_tools/schema.py (editors' completion)
# make test  — run the tests (adds the test tools of requirements-dev.txt to .venv/)
# make rehearse-ci — run every workflow of .github/workflows/ with act, offline (REHEARSAL_DIR=...)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check
# What is installed, one stamp per lock: a writer's environment, or everything (the name CI has always called).
WRITER := $(VENV)/.installed-runtime
STAMP := $(VENV)/.installed-from-lock
export NO_MKDOCS_2_WARNING := 1

.PHONY: venv dev hooks schemas site serve test generate lint format bench bench-quick clean rehearse-ci

venv: $(WRITER)
dev: $(STAMP)

$(WRITER): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements.txt
	@touch $(WRITER)

# requirements-dev.txt starts with -r requirements.txt: this installs the writer's set too.
$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements-dev.txt
	@touch $(WRITER) $(STAMP)

# Only pre-commit, the hooks' own tools and what they need, at the versions of requirements-dev.txt.
hooks: $(WRITER)
	$(PIP) -c requirements-dev.txt pre_commit pre_commit_hooks ruff
	$(BIN)/pre-commit install

schemas: $(WRITER)
	$(BIN)/python -m build_tools.jsonschemas

site: $(WRITER)
	$(BIN)/python -m build_tools build

generate: $(WRITER)
	$(BIN)/python -m build_tools generate

serve: $(WRITER)
	$(BIN)/python -m build_tools generate
	$(BIN)/python -m mkdocs serve --dev-addr 127.0.0.1:8000 --livereload --dirty

test: $(STAMP)
	$(BIN)/python -m pytest

REHEARSAL_DIR ?= .cache/ci-rehearsal
rehearse-ci: $(STAMP)
	rm -rf $(REHEARSAL_DIR)
	$(BIN)/python -m tests.ci_rehearsal --out $(REHEARSAL_DIR)

lint: $(STAMP)
	$(BIN)/ruff check build_tools tests bench tools
	$(BIN)/ruff format --check build_tools tests bench tools

format: $(STAMP)
	$(BIN)/ruff format build_tools tests bench tools
	$(BIN)/ruff check --fix build_tools tests bench tools

# What generate owns in docs/ is listed by build_tools/layout.py (standard library only: no .venv needed).
clean:
	rm -rf site
	generated="$$($(PYTHON) -m build_tools.layout --generated)" && for name in $$generated; do rm -rf "docs/$$name"; done

bench: $(STAMP)
	$(BIN)/python -m bench

bench-quick: $(STAMP)
	$(BIN)/python -m bench --quick
