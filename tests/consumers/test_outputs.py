"""The outputs opened by the real consumers: pyarrow, DuckDB, polars, openpyxl.

Runs the real jixiao binary (JIXIAO_BIN) on the seed, then reads each output
with the program an analyst would use, and compares against the CSV (whose
every field the Rust tests check against the document) and against the
document's own sums (943.00 + 7.00 = 950.00).
"""

import csv
import os
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "samples" / "laisui_2024.txt"
BIN = os.environ.get("JIXIAO_BIN", str(ROOT / "target" / "release" / "jixiao"))
AMOUNTS = ["amount", "amount_fiscal", "amount_special", "amount_other"]


def convert(out: Path, *extra: str) -> None:
    r = subprocess.run([BIN, "convert", str(SEED), "-o", str(out), *extra], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    d = tmp_path_factory.mktemp("out")
    for table in ["indicators", "projects"]:
        # leftmost: so the source columns hold values worth comparing too.
        convert(d / f"{table}.csv", "--table", table, "--dropped-cells", "leftmost")
        convert(d / f"{table}.parquet", "--table", table, "--dropped-cells", "leftmost")
    convert(d / "book.xlsx", "--dropped-cells", "leftmost")
    return d


def csv_rows(path: Path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def dec(s: str):
    return Decimal(s) if s != "" else None


@pytest.mark.parametrize("table,rows", [("indicators", 42), ("projects", 10)])
def test_pyarrow_reads_decimal_amounts_equal_to_csv(out, table, rows):
    import pyarrow as pa
    import pyarrow.parquet as pq

    t = pq.read_table(out / f"{table}.parquet")
    assert t.num_rows == rows
    for col in AMOUNTS:
        typ = t.schema.field(col).type
        assert pa.types.is_decimal(typ) and typ.scale == 2 and typ.precision <= 18, (col, typ)
    assert t.schema.field("year").type == pa.int32()
    # INT64-backed decimal with zstd, as written.
    meta = pq.ParquetFile(out / f"{table}.parquet").metadata
    chunk = meta.row_group(0).column(t.schema.get_field_index("amount"))
    assert chunk.physical_type == "INT64"
    assert chunk.compression == "ZSTD"
    assert chunk.statistics is not None and chunk.statistics.has_min_max
    expected = csv_rows(out / f"{table}.csv")
    got = t.to_pylist()
    for e, g in zip(expected, got):
        for col in AMOUNTS:
            assert g[col] == dec(e[col]), (col, e, g)
        assert g["project"] == e["project"]


def test_duckdb_sums_match_the_document(out):
    import duckdb

    p = str(out / "projects.parquet")
    rows = duckdb.sql(
        f"select unit, sum(amount), count(*) from read_parquet('{p}') group by unit order by unit"
    ).fetchall()
    assert rows == [
        ("广州市来穗人员服务中心", Decimal("7.00"), 1),
        ("广州市来穗人员服务管理局", Decimal("943.00"), 9),
    ]
    total = duckdb.sql(f"select sum(amount), sum(amount_fiscal) from read_parquet('{p}')").fetchall()
    assert total == [(Decimal("950.00"), Decimal("950.00"))]
    i = str(out / "indicators.parquet")
    rows = duckdb.sql(f"select project, amount, name, annual_value from read_parquet('{i}')").fetchall()
    expected = csv_rows(out / "indicators.csv")
    assert len(rows) == 42
    for (project, amount, name, annual), e in zip(rows, expected):
        assert (project, amount, name, annual) == (e["project"], Decimal(e["amount"]), e["name"], e["annual_value"])


def test_polars_reads_the_parquet(out):
    import polars as pl

    df = pl.read_parquet(out / "indicators.parquet")
    assert df.height == 42
    assert df.schema["amount"] == pl.Decimal(18, 2) or str(df.schema["amount"]).startswith("Decimal")
    counts = df.group_by("level").len().sort("level").rows()
    # Counted in the document: 25 产出, 13 效益, 4 满意度 indicators.
    assert dict(counts) == {"产出指标": 25, "效益指标": 13, "满意度指标": 4}


def test_openpyxl_sees_numbers_and_chinese_labels(out):
    import openpyxl

    wb = openpyxl.load_workbook(out / "book.xlsx")
    assert wb.sheetnames == ["绩效指标", "项目"]
    ws = wb["绩效指标"]
    header = [c.value for c in ws[1]]
    assert header[:5] == ["年度", "部门", "单位", "项目名称", "金额（万元）"]
    assert header[9:16] == ["一级指标代码", "一级指标", "二级指标代码", "二级指标", "三级指标", "实施周期指标值", "年度指标值"]
    assert ws.freeze_panes == "A2"
    expected = csv_rows(out / "indicators.csv")
    assert ws.max_row == 43
    amount_col = header.index("金额（万元）") + 1
    for r, e in enumerate(expected, start=2):
        cell = ws.cell(row=r, column=amount_col)
        assert isinstance(cell.value, (int, float)), cell.value
        assert Decimal(str(cell.value)).quantize(Decimal("0.01")) == Decimal(e["amount"])
        assert cell.number_format == "#,##0.00"
        assert ws.cell(row=r, column=1).value == 2024
    p = wb["项目"]
    total = sum(Decimal(str(p.cell(row=r, column=5).value)).quantize(Decimal("0.01")) for r in range(2, p.max_row + 1))
    assert total == Decimal("950.00")
    assert len(ws.tables) == 1
