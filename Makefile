# The two commands of the README: `make demo` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
DEMO   := build/demo

.PHONY: setup demo test lint gazetteer bench model eval clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "kg needs Python >= 3.11"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $@

demo: $(STAMP)
	$(BIN)/kg build examples/corpus --out $(DEMO)
	@for q in kg/query/examples/*.rq; do \
		echo; echo "### $$(head -1 $$q | sed 's/^# //')"; \
		$(BIN)/kg query sparql @$$q --graph $(DEMO) || exit 1; \
	done

test: lint
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check kg tests
	$(BIN)/mypy kg

# Rebuild the shipped gazetteer from ../shared/data/gazetteer (names only; see kg/data/NOTICE.md).
gazetteer: $(STAMP)
	$(BIN)/kg gazetteer --shared ../shared --out kg/data/gazetteer.tsv

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache

# Speed and scale figures (never part of `make test`): bench/scale.py, results in
# bench/results/scale.json; `make bench SIZES="1000 10000"` for the smaller corpora only.
SIZES ?= 1000 10000 100000
bench: $(STAMP)
	$(BIN)/python bench/scale.py --sizes $(SIZES)

# Rebuild the shipped trained pipeline from the annotations (fixed seeds; needs ../shared/seeds).
model: $(STAMP)
	$(BIN)/kg train --out kg/data/model --epochs 15 --seed 0

# Extraction quality on the seed dev split and the public test sets.
eval: $(STAMP)
	$(BIN)/kg eval --split dev
	@for c in scierc scier tdmsci; do $(BIN)/kg eval --corpus $$c; done
