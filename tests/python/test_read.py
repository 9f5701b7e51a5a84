"""The Python package (crates/jixiao-py): every fixture read by the CLI and by
``jixiao.read`` gives the same rows, columns and types; bytes read as the file;
``read_many`` as ``jixiao convert`` over a folder; decimals stay decimal in
pyarrow, polars and pandas; bad input is a ``ReadError``, never a crash."""

import csv
import os
import subprocess
import threading
import time
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import jixiao
from conftest import BIN, ROOT

INPUT_EXTENSIONS = {".txt", ".pdf", ".xlsx", ".xls", ".ods", ".csv"}


def fixtures():
    out = []
    for p in sorted((ROOT / "tests" / "fixtures").rglob("*")):
        if p.is_file() and p.suffix.lower() in INPUT_EXTENSIONS and "truth" not in p.parts:
            out.append(p.relative_to(ROOT))
    return out


FIXTURES = fixtures()


def cli(*args):
    r = subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, cwd=ROOT)
    # 1 is "data problems": rejects, a file that could not be read.
    assert r.returncode in (0, 1), r.stderr
    return r


def cli_table(inputs, table, out):
    # --no-bom: the rejects CSV for machines, its text exactly as read.
    cli("convert", *inputs, "--table", table, "--no-bom", "-q", "-o", out)
    if not out.exists():
        return None
    return pq.read_table(out).replace_schema_metadata(None)


def cli_rejects(out):
    """The rejects CSV beside a CLI output, as rows of strings."""
    path = out.with_name(out.stem + ".rejects.csv")
    if not path.exists():
        return []
    with open(path, encoding="utf-8-sig", newline="") as f:
        return [tuple(r.values()) for r in csv.DictReader(f)]


def as_csv_rows(table):
    return [
        tuple("" if v is None else str(v) for v in r.values())
        for r in pa.table(table).to_pylist()
    ]


def same(py_table, cli_table_):
    got = pa.table(py_table)
    if cli_table_ is None:
        assert got.num_rows == 0
        return
    assert got.schema == cli_table_.schema
    assert got.equals(cli_table_), (got.to_pylist()[:3], cli_table_.to_pylist()[:3])


def test_there_are_fixtures_of_every_kind():
    kinds = {p.suffix.lower() for p in FIXTURES}
    assert {".txt", ".pdf", ".xlsx", ".xls", ".ods"} <= kinds
    assert len(FIXTURES) > 150


@pytest.mark.parametrize("fixture", FIXTURES, ids=str)
def test_every_fixture_gives_the_cli_rows(fixture, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    ind = cli_table([fixture], "indicators", tmp_path / "i.parquet")
    proj = cli_table([fixture], "projects", tmp_path / "p.parquet")
    r = jixiao.read(str(fixture), on_error="reject")
    same(r.indicators, ind)
    same(r.projects, proj)
    assert as_csv_rows(r.rejects) == cli_rejects(tmp_path / "i.parquet")


@pytest.mark.parametrize(
    "fixture",
    [f for f in FIXTURES if f.suffix.lower() != ".txt"][::5] + [Path("samples/laisui_2024.txt")],
    ids=str,
)
def test_bytes_read_as_the_file_they_were(fixture):
    path = ROOT / fixture
    by_path = jixiao.read(path, on_error="reject")
    by_bytes = jixiao.read(path.read_bytes(), name=path.name, on_error="reject")
    for t in ("indicators", "projects", "warnings"):
        assert pa.table(getattr(by_bytes, t)).equals(pa.table(getattr(by_path, t))), t
    # A file's failure names the file as it was given: a path, or the name.
    want = pa.table(by_path.rejects).to_pylist()
    for r in want:
        r["reason"] = r["reason"].replace(str(path), path.name)
    assert pa.table(by_bytes.rejects).to_pylist() == want


def test_read_many_is_convert_over_a_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    ind = cli_table(["samples"], "indicators", tmp_path / "i.parquet")
    proj = cli_table(["samples"], "projects", tmp_path / "p.parquet")
    r = jixiao.read_many("samples", threads=2)
    same(r.indicators, ind)
    same(r.projects, proj)
    # samples/excel repeats the text tables: counted once, as by the CLI.
    assert r.duplicates > 0
    kinds = pa.table(r.warnings).column("kind").to_pylist()
    assert kinds.count("duplicate") == r.duplicates
    # A list of paths is the same as their folder.
    many = jixiao.read_many(sorted(str(p) for p in (ROOT / "samples").rglob("*") if p.is_file()))
    assert pa.table(many.indicators).num_rows == ind.num_rows


def test_amounts_are_decimals_in_pyarrow_polars_and_pandas():
    import polars as pl

    r = jixiao.read(ROOT / "samples" / "laisui_2024.txt")
    t = pa.table(r.projects)
    assert pa.types.is_decimal(t.schema.field("amount").type)
    df = pl.DataFrame(r.projects)
    assert df.schema["amount"] == pl.Decimal(18, 2)
    assert pl.from_arrow(r.projects).struct.unnest().equals(df)
    assert r.projects.to_polars().equals(df)
    pdf = r.projects.to_pandas()
    assert all(isinstance(v, Decimal) for v in pdf["amount"])
    assert pdf["amount"].sum() == sum(t.column("amount").to_pylist())


def test_tables_are_shared_not_copied():
    r = jixiao.read(ROOT / "samples" / "laisui_2024.txt")
    a = pa.table(r.indicators)
    b = pa.table(r.indicators)
    # Two exports of one table point at the same buffers.
    ca, cb = a.column("amount").chunk(0), b.column("amount").chunk(0)
    assert ca.buffers()[1].address == cb.buffers()[1].address
    assert r.indicators.num_rows == len(r.indicators) == a.num_rows
    assert r.indicators.column_names == a.column_names == jixiao.columns()["indicators"]
    ind, proj, rej, warn = r
    assert (ind.name, proj.name, rej.name, warn.name) == ("indicators", "projects", "rejects", "warnings")


def test_empty_tables_keep_their_columns():
    for name, cols in jixiao.columns().items():
        t = pa.table(jixiao.empty(name))
        assert t.num_rows == 0 and t.column_names == cols
    r = jixiao.read(ROOT / "samples" / "laisui_2024.txt")
    assert pa.table(r.rejects).column_names == jixiao.columns()["rejects"]


GARBAGE = [
    (b"%PDF-1.7\n\x00\xff garbage", "bad_2024.pdf"),
    (b"PK\x03\x04 not a zip at all", "bad_2024.xlsx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "bad_2024.xls"),
    (b"PK\x03\x04" + os.urandom(4000), "bad_2024.ods"),
    (os.urandom(5000), "bad_2024.txt"),
    (b"", "empty_2024.txt"),
    ("预算\n".encode("utf-8") * 100, "nothing_2024.txt"),
]


@pytest.mark.parametrize("data,name", GARBAGE, ids=[n for _, n in GARBAGE])
def test_bad_bytes_are_a_read_error_never_a_crash(data, name):
    with pytest.raises(jixiao.ReadError) as e:
        jixiao.read(data, name=name)
    assert e.value.file == name
    assert name in str(e.value) and "/tmp" not in str(e.value)
    r = jixiao.read(data, name=name, on_error="reject")
    rows = pa.table(r.rejects).to_pylist()
    assert len(rows) == 1 and rows[0]["kind"] == "file" and rows[0]["source"] == name
    assert r.files_failed == 1 and pa.table(r.indicators).num_rows == 0


def test_errors_name_the_file_and_line():
    with pytest.raises(jixiao.ReadError) as e:
        jixiao.read(b"hello\nworld\n", name="x_2024.txt")
    assert (e.value.file, e.value.line) == ("x_2024.txt", 1)
    with pytest.raises(jixiao.ReadError) as e:
        jixiao.read(b"x", name="no_year.txt")
    assert "year" in str(e.value)
    with pytest.raises(jixiao.ReadError):
        jixiao.read(ROOT / "no" / "such_2024.txt")
    with pytest.raises(TypeError):
        jixiao.read(42)
    with pytest.raises(ValueError):
        jixiao.read(b"x", name="x_2024.txt", dropped_cells="middle")
    with pytest.raises(ValueError):
        jixiao.read(ROOT / "samples" / "laisui_2024.txt", name="x.txt")
    with pytest.raises(FileNotFoundError) as e:
        jixiao.read_many([ROOT / "samples", ROOT / "no_such_folder"])
    assert e.value.filename == str(ROOT / "no_such_folder")
    with pytest.raises(ValueError, match="matches no file"):
        jixiao.read_many(str(ROOT / "samples" / "*.none"))


def test_year_and_dropped_cells_are_the_cli_options(tmp_path):
    data = (ROOT / "samples" / "laisui_2024.txt").read_bytes()
    r = jixiao.read(data, name="laisui.txt", year=2031)
    assert set(pa.table(r.projects).column("year").to_pylist()) == {2031}


def test_read_many_releases_the_gil():
    files = [ROOT / f for f in FIXTURES if f.suffix == ".pdf"]
    ticks = 0
    done = threading.Event()
    out = {}

    def work():
        out["r"] = jixiao.read_many(files, threads=2)
        done.set()

    t = threading.Thread(target=work)
    t.start()
    while not done.is_set():
        ticks += 1
        time.sleep(0.001)
    t.join()
    assert out["r"].files == len(files)
    # Python ran beside the reading: the GIL was not held throughout.
    assert ticks > 5


def test_duckdb_queries_a_table_in_place():
    duckdb = pytest.importorskip("duckdb")
    r = jixiao.read(ROOT / "samples" / "laisui_2024.txt")
    ind = r.indicators  # noqa: F841 — found by name by DuckDB's replacement scan
    (got,) = duckdb.sql("select count(*), sum(amount) from ind").fetchall()
    t = pa.table(r.indicators)
    assert got == (t.num_rows, sum(t.column("amount").to_pylist()))


def test_damaged_files_never_crash_the_interpreter():
    import random

    rng = random.Random(33)
    seeds = [ROOT / f for f in FIXTURES if f.suffix.lower() in (".pdf", ".xlsx", ".xls", ".ods")][::6]
    assert len(seeds) >= 10
    for path in seeds:
        data = bytearray(path.read_bytes())
        for _ in range(3):
            damaged = bytearray(data)
            for _ in range(20):
                damaged[rng.randrange(len(damaged))] = rng.randrange(256)
            cut = damaged[: rng.randrange(len(damaged) // 2, len(damaged) + 1)]
            r = jixiao.read(bytes(cut), name=path.name, on_error="reject")
            # Either read (perhaps with rejects) or one row saying why not.
            assert r.files == 1
            assert r.files_failed == 0 or pa.table(r.rejects).column("kind").to_pylist() == ["file"]


def test_the_stubs_match_the_module(tmp_path):
    pytest.importorskip("mypy", reason="mypy not installed (tests/python/requirements.txt)")
    import sys

    r = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "jixiao"],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert r.returncode == 0, r.stdout + r.stderr
