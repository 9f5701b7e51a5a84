"""examples/spark_convert.py on pyspark in local mode: the Spark job's dataset
equals `jixiao run pipelines/dataset.toml` (same rows, same decimal totals),
and a bad file among the inputs is a rejects row, not a failed task.
Skipped when Java is absent (`.ci/run` installs it)."""

import importlib.util
import os
import shutil
import subprocess
import sys
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from conftest import BIN, ROOT

if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip(
        "Java not found: the Spark job needs a JRE (apt-get install default-jre-headless)",
        allow_module_level=True,
    )
pyspark = pytest.importorskip("pyspark", reason="pyspark not installed (tests/python/requirements.txt)")


def load_example():
    spec = importlib.util.spec_from_file_location("spark_convert", ROOT / "examples" / "spark_convert.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def spark():
    # The executors' Python is this one: it has the wheel installed.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    s = load_example().session("local[2]")
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()


def read(folder):
    return ds.dataset(str(folder), format="parquet", partitioning="hive").to_table()


def rows(t, columns):
    """Rows as sorted tuples: unsigned and signed integers, and decimals of
    any scale, compare by value."""
    return sorted(tuple(r[c] for c in columns) for r in t.to_pylist())


def cli_dataset(tmp_path, *extra):
    out = tmp_path / "cli"
    r = subprocess.run(
        [BIN, "run", "pipelines/dataset.toml", "--out", str(out), "-q", *extra],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert r.returncode in (0, 1), r.stderr
    return out


def test_the_spark_job_makes_the_cli_dataset(spark, tmp_path):
    job = load_example()
    out = tmp_path / "spark"
    job.convert(spark, str(ROOT / "samples"), str(out), glob="*.txt")
    cli = cli_dataset(tmp_path)
    for table in ("indicators", "projects"):
        a, b = read(cli / table), read(out / table)
        assert sorted(p.name for p in (out / table).iterdir() if p.is_dir()) == sorted(
            p.name for p in (cli / table).iterdir() if p.is_dir()
        )
        assert b.num_rows == a.num_rows > 0
        assert rows(b, a.column_names) == rows(a, a.column_names)
        for c in ("amount", "amount_fiscal", "amount_special", "amount_other"):
            # Decimal in Spark's files too, DECIMAL(38,8) as the CLI's.
            assert b.schema.field(c).type == a.schema.field(c).type == pa.decimal128(38, 8)
            assert pc.sum(b[c]).as_py() == pc.sum(a[c]).as_py()
        for c in a.column_names:
            if pa.types.is_string(a.schema.field(c).type) or pa.types.is_string_view(a.schema.field(c).type):
                assert pa.types.is_string(b.schema.field(c).type), c
    assert pc.sum(read(out / "projects")["amount"]).as_py() > Decimal(0)
    assert read(out / "rejects").num_rows == 0


def test_a_bad_file_is_a_rejects_row_not_a_failed_task(spark, tmp_path):
    job = load_example()
    inputs = tmp_path / "in"
    inputs.mkdir()
    for p in (ROOT / "samples").glob("*.txt"):
        shutil.copy(p, inputs / p.name)
    (inputs / "broken_2024.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(3000))
    (inputs / "broken_2024.xlsx").write_bytes(b"PK\x03\x04" + os.urandom(3000))
    (inputs / "notes 2024.txt").write_text("会议纪要\n没有表格\n", encoding="utf-8")
    out = tmp_path / "spark"
    job.convert(spark, str(inputs), str(out))
    rejects = read(out / "rejects").to_pylist()
    failed = sorted(r["source"] for r in rejects if r["kind"] == "file")
    assert failed == ["broken_2024.pdf", "broken_2024.xlsx", "notes 2024.txt"]
    # The good files are converted all the same, as the CLI converts them.
    cli = cli_dataset(tmp_path, "--input", str(inputs))
    a, b = read(cli / "indicators"), read(out / "indicators")
    assert rows(b, a.column_names) == rows(a, a.column_names)
    cli_rejects = pq.read_table(cli / "rejects.parquet").to_pylist()
    assert sorted(r["source"] for r in cli_rejects if r["kind"] == "file") == failed
