# jixiao: `make run` converts samples/ into out/; `make test` runs every test.
CARGO      ?= cargo
PYTHON     ?= python3
VENV       ?= .venv
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
BIN        := $(TARGET_DIR)/release/jixiao
PY         := $(VENV)/bin/python
OUT        ?= out

.PHONY: all build run test test-rust test-consumers venv fmt clippy clean-out bench

all: build

build:
	$(CARGO) build --release --locked

run: build
	$(BIN) validate pipelines/*.toml
	$(BIN) run pipelines/default.toml --out $(OUT)
	$(BIN) run pipelines/excel.toml --out $(OUT)/excel
	@echo "outputs in $(OUT)/"

test: test-rust test-consumers

test-rust:
	$(CARGO) test --release --locked --workspace

# The outputs opened by the real consumers: pyarrow, DuckDB, polars, openpyxl.
test-consumers: build venv
	JIXIAO_BIN=$(BIN) $(PY) -m pytest -q tests/consumers

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

fmt:
	$(CARGO) fmt

clippy:
	$(CARGO) clippy --release --workspace --all-targets

clean-out:
	rm -rf $(OUT)
