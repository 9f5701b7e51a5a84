# jixiao: `make run` converts samples/ into out/; `make test` runs every test.
CARGO      ?= cargo
PYTHON     ?= python3
VENV       ?= .venv
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
BIN        := $(TARGET_DIR)/release/jixiao
PY         := $(VENV)/bin/python
OUT        ?= out
WHEELS     := $(TARGET_DIR)/wheels

.PHONY: all build run test test-rust test-consumers test-python python-wheel venv venv-python fmt clippy clean-out bench bench-python

all: build

build:
	$(CARGO) build --release --locked

run: build
	$(BIN) validate pipelines/*.toml
	$(BIN) run pipelines/default.toml --out $(OUT)
	$(BIN) run pipelines/excel.toml --out $(OUT)/excel
	@echo "outputs in $(OUT)/"

test: test-rust test-consumers test-python

test-rust:
	$(CARGO) test --release --locked --workspace

# The outputs opened by the real consumers: pyarrow, DuckDB, polars, openpyxl.
test-consumers: build venv
	JIXIAO_BIN=$(BIN) $(PY) -m pytest -q tests/consumers

# The Python package (crates/jixiao-py): its wheel built by maturin and
# installed into the test venv as a user installs it; its tables compared
# with the CLI's on every fixture, and the Spark job (examples/spark_convert.py)
# run in local mode beside `jixiao run pipelines/dataset.toml` (skipped
# without Java).
test-python: build python-wheel
	JIXIAO_BIN=$(BIN) $(PY) -m pytest -q tests/python

python-wheel: venv-python
	rm -f $(WHEELS)/jixiao-*.whl
	$(VENV)/bin/maturin build --release --locked -m crates/jixiao-py/Cargo.toml -o $(WHEELS)
	$(PY) -m pip install --quiet --force-reinstall --no-deps $(WHEELS)/jixiao-*.whl

venv-python: $(VENV)/.installed-python

$(VENV)/.installed-python: $(VENV)/.installed tests/python/requirements.txt
	$(PY) -m pip install --quiet -r tests/python/requirements.txt
	touch $@

venv: $(VENV)/.installed

$(VENV)/.installed: tests/consumers/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r tests/consumers/requirements.txt
	touch $@

# Throughput and peak memory on a generated 200 MB corpus (and 1 GB for memory growth),
# the cross-year reports and the yoy pipeline at 50 MB, 200 MB and 1 GB,
# then PDF pages/s beside Python pdfplumber on the PDF fixtures.
bench: build venv
	BIN=$(BIN) PYTHON=$(PYTHON) bench/run.sh
	BIN=$(BIN) bench/reports.sh
	$(CARGO) build --release --locked -p jixiao-core --example pdf_rows
	$(PY) -m pip install --quiet pdfplumber
	PDF_ROWS=$(TARGET_DIR)/release/examples/pdf_rows PYTHON=$(PY) bench/pdf.sh

# files/s of the Python package's read_many beside the CLI (bench/python.sh).
bench-python: build python-wheel
	BIN=$(BIN) PYTHON=$(PY) bench/python.sh

fmt:
	$(CARGO) fmt

clippy:
	$(CARGO) clippy --release --workspace --all-targets

clean-out:
	rm -rf $(OUT)
