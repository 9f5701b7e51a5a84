"""The cross-year reports written a batch of departments at a time: each report's
row groups are encoded as the batches come and copied, as they are, into the
Parquet output. pyarrow, DuckDB and polars read those files, and they hold the
same rows as the reports made in one batch and as the CSV files beside them."""

import csv
import os
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("JIXIAO_BIN", str(ROOT / "target" / "release" / "jixiao"))
REPORTS = ["summary_by_year", "project_trend", "indicator_mix", "target_changes"]


def run(*args):
    r = subprocess.run([BIN, *args], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    return r


@pytest.fixture(scope="module")
def outs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("reports")
    corpus = tmp / "corpus"
    run("gen", "--docs", "600", "--seed", "5", "--out", str(corpus))
    out = {}
    # batch_rows = 1: every department is a batch of its own, so every report
    # is many parts; a huge batch_rows: the whole corpus in one batch.
    for label, rows in [("batched", "1"), ("whole", "1000000000")]:
        out[label] = tmp / label
        run("run", "pipelines/yoy.toml", "--input", str(corpus), "--out", str(out[label]),
            "--set", f"reports.batch_rows={rows}", "--set", 'emit.formats=["csv","parquet"]')
    return out


@pytest.mark.parametrize("report", REPORTS)
def test_pyarrow_reads_the_batched_reports_equal_to_one_batch(outs, report):
    import pyarrow.parquet as pq

    batched = pq.read_table(outs["batched"] / f"{report}.parquet")
    whole = pq.read_table(outs["whole"] / f"{report}.parquet")
    assert batched.num_rows > 0
    assert batched.schema.equals(whole.schema)
    assert batched.equals(whole)


def test_the_batched_target_changes_are_many_row_groups(outs):
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(outs["batched"] / "target_changes.parquet").metadata
    assert meta.num_row_groups > 1
    assert sum(meta.row_group(i).num_rows for i in range(meta.num_row_groups)) == meta.num_rows


def test_duckdb_sums_of_the_batched_targets_equal_the_csv(outs):
    import duckdb

    path = outs["batched"] / "target_changes.parquet"
    got = duckdb.sql(
        f"select count(*), sum(target_number), sum(prev_target_number), count(distinct series_id) "
        f"from read_parquet('{path}')"
    ).fetchall()[0]
    with open(outs["batched"] / "target_changes.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    total = lambda c: sum(Decimal(r[c]) for r in rows if r[c] != "")
    assert got[0] == len(rows)
    assert got[1] == total("target_number")
    assert got[2] == total("prev_target_number")
    assert got[3] == len({r["series_id"] for r in rows})


def test_polars_reads_the_batched_trend_in_series_order(outs):
    import polars as pl

    df = pl.read_parquet(outs["batched"] / "project_trend.parquet")
    ids = df["series_id"].to_list()
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
