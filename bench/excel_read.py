#!/usr/bin/env python3
"""Read benchmark: jixiao against openpyxl on a long workbook of N indicators.

Run with the project's venv (it has openpyxl), after building the release
binary and the workbook generator:

    cargo build --release && cargo build --release --example make_workbooks
    .venv/bin/python bench/excel_read.py            # 200,000 indicators
    .venv/bin/python bench/excel_read.py --n 20000 --repeat 1

The workbook (target/bench/bench_long_<N>_2024.xlsx) is written once by
`make_workbooks bench N`: one indicator per row, 5 per project, with the
unit, project and amount cells merged over each project's rows.

Timings, best of --repeat, wall clock:
  jixiao read      workbook -> document model (make_workbooks read): what
                   every later stage starts from.
  jixiao convert   the real binary: read, build the tables, write CSV.
  openpyxl rows    openpyxl read-only mode, every row's values, nothing else:
                   a lower bound for any Python reader.
  openpyxl parse   the same plus what jixiao does with them: carry 单位, 项目,
                   一级/二级 down, split level codes, one dict per indicator.
Not part of `make test`.
"""

import argparse
import pathlib
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "release" / "jixiao"
GEN = ROOT / "target" / "release" / "examples" / "make_workbooks"


def best(repeat, fn):
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), result


def jixiao_read(wb):
    out = subprocess.run([GEN, "read", wb], check=True, capture_output=True, text=True)
    return int(out.stdout.split()[0])


def jixiao_convert(wb, tmp):
    out = pathlib.Path(tmp) / "indicators.csv"
    subprocess.run([BIN, "convert", wb, "-o", out, "-q"], check=True)
    with open(out, encoding="utf-8-sig") as f:
        return sum(1 for _ in f) - 1


def openpyxl_rows(wb):
    import openpyxl

    book = openpyxl.load_workbook(wb, read_only=True, data_only=True)
    n = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
    book.close()
    return n


def split_code(s):
    code, sep, rest = (s or "").partition("-")
    return (code, rest) if sep and code.isdigit() else (None, s)


def openpyxl_parse(wb):
    import openpyxl

    book = openpyxl.load_workbook(wb, read_only=True, data_only=True)
    rows = book.worksheets[0].iter_rows(min_row=5, values_only=True)
    unit = project = level = category = None
    amount = None
    out = []
    for r in rows:
        if r[0]:
            unit = r[0]
        if r[1] and r[1] != project:
            project, amount, level, category = r[1], r[2], None, None
        if r[7]:
            level = split_code(r[7])
        if r[8]:
            category = split_code(r[8])
        if r[9]:
            out.append(
                {
                    "unit": unit,
                    "project": project,
                    "amount": amount,
                    "level_code": level[0],
                    "level": level[1],
                    "category_code": category[0],
                    "category": category[1],
                    "name": r[9],
                    "cycle_value": r[10],
                    "annual_value": r[11],
                }
            )
    book.close()
    return len(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200_000, help="indicators in the workbook")
    ap.add_argument("--repeat", type=int, default=3, help="runs per tool; the best counts")
    args = ap.parse_args()
    for p in (BIN, GEN):
        if not p.exists():
            sys.exit(f"{p} is missing: cargo build --release && cargo build --release --example make_workbooks")
    try:
        import openpyxl
    except ImportError:
        sys.exit("openpyxl is missing: run with .venv/bin/python (make venv)")
    wb = ROOT / "target" / "bench" / f"bench_long_{args.n}_2024.xlsx"
    if not wb.exists():
        wb.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([GEN, "bench", str(args.n), wb], check=True)
    print(f"{wb.relative_to(ROOT)}: {wb.stat().st_size / 1e6:.1f} MB, {args.n} indicators, openpyxl {openpyxl.__version__}")
    print(f"{'reader':<18}{'seconds':>9}{'rows':>9}{'rows/s':>11}")
    with tempfile.TemporaryDirectory() as tmp:
        runs = [
            ("jixiao read", lambda: jixiao_read(wb)),
            ("jixiao convert", lambda: jixiao_convert(wb, tmp)),
            ("openpyxl rows", lambda: openpyxl_rows(wb)),
            ("openpyxl parse", lambda: openpyxl_parse(wb)),
        ]
        for name, fn in runs:
            secs, rows = best(args.repeat, fn)
            print(f"{name:<18}{secs:>9.2f}{rows:>9}{rows / secs:>11,.0f}")


if __name__ == "__main__":
    main()
