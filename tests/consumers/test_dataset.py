"""The Hive-partitioned dataset (pipelines/dataset.toml) read by DuckDB and
pyarrow: its totals per year equal jixiao's own tables, and N shards written
into one folder make the same dataset as one run."""

import os
import subprocess
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("JIXIAO_BIN", str(ROOT / "target" / "release" / "jixiao"))


def run(*args):
    r = subprocess.run([BIN, *args], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    return r


def totals(con, folder):
    q = f"""select year, count(*), sum(amount) from read_parquet('{folder}/projects/*/*.parquet',
            hive_partitioning=true) group by year order by year"""
    return con.sql(q).fetchall()


def test_duckdb_reads_the_partitions_and_the_totals_match(tmp_path):
    import duckdb

    ds = tmp_path / "ds"
    run("run", "pipelines/dataset.toml", "--out", str(ds))
    assert (ds / "indicators" / "_SUCCESS").exists()
    assert (ds / "indicators" / "year=2024").is_dir()
    # The same conversion, flat, for comparison.
    flat = tmp_path / "flat"
    run("run", "pipelines/default.toml", "--out", str(flat), "--set", "emit.formats=[\"parquet\"]")
    con = duckdb.connect()
    expected = con.sql(
        f"select year, count(*), sum(amount) from read_parquet('{flat}/projects.parquet') group by year order by year"
    ).fetchall()
    got = totals(con, ds)
    assert got == expected
    # The seed year, from the document: 10 projects, 950.00 万元.
    assert (2024, 10, Decimal("950.00")) in got
    n = con.sql(
        f"select count(*) from read_parquet('{ds}/indicators/*/*.parquet', hive_partitioning=true) where year = 2024"
    ).fetchall()
    assert n == [(42,)]


def test_shards_fill_one_dataset(tmp_path):
    import duckdb

    whole, sharded = tmp_path / "whole", tmp_path / "sharded"
    run("run", "pipelines/dataset.toml", "--out", str(whole))
    for i in range(3):
        run("run", "pipelines/dataset.toml", "--out", str(sharded), "--shard", f"{i}/3")
    con = duckdb.connect()
    assert totals(con, sharded) == totals(con, whole)


def test_pyarrow_reads_the_dataset(tmp_path):
    import pyarrow.dataset as pads

    ds = tmp_path / "ds"
    run("run", "pipelines/dataset.toml", "--out", str(ds))
    d = pads.dataset(str(ds / "indicators"), format="parquet", partitioning="hive")
    t = d.to_table(filter=pads.field("year") == 2024)
    assert t.num_rows == 42


def test_shards_write_one_schema_and_engines_sum_exactly(tmp_path):
    """Every file of a sharded dataset has the same decimal types, so DuckDB's
    sums over 4 shards equal one run's to the last digit (documents in 万元
    with three decimals and targets such as 95.5 among them)."""
    import duckdb
    import pyarrow.parquet as pq

    # The text samples only: a workbook of the same table would be a duplicate
    # that only a run seeing both files can tell (shards see their own).
    docs = ["--input", "tests/fixtures/realdocs/raw", "--input", "samples/*.txt"]
    whole, sharded = tmp_path / "whole", tmp_path / "sharded"
    subprocess.run([BIN, "run", "pipelines/dataset.toml", *docs, "--out", str(whole), "-q"], cwd=ROOT)
    for i in range(4):
        subprocess.run(
            [BIN, "run", "pipelines/dataset.toml", *docs, "--out", str(sharded), "--shard", f"{i}/4", "-q"],
            cwd=ROOT,
        )
    for table in ("projects", "indicators"):
        files = sorted((sharded / table).glob("*/*.parquet"))
        assert len(files) > 1
        types = {
            (f.name, c.name, str(c.type))
            for f in files
            for c in pq.read_schema(f)
            if str(c.type).startswith("decimal")
        }
        assert {t[1:] for t in types} == {
            (name, "decimal128(38, 8)")
            for name in {t[1] for t in types}
        }, types
    con = duckdb.connect()

    def sums(folder):
        return (
            con.sql(
                f"select count(*), sum(amount), sum(amount_fiscal) from read_parquet('{folder}/projects/*/*.parquet', hive_partitioning=true)"
            ).fetchall(),
            con.sql(
                f"select count(*), sum(target_number), sum(weight) from read_parquet('{folder}/indicators/*/*.parquet', hive_partitioning=true)"
            ).fetchall(),
        )

    got, want = sums(sharded), sums(whole)
    assert got == want
    # The seed's 950.00 万元 is among them, exactly.
    assert con.sql(
        f"select sum(amount) from read_parquet('{sharded}/projects/*/*.parquet', hive_partitioning=true) where source = 'laisui_2024.txt'"
    ).fetchall() == [(Decimal("950.00"),)]
