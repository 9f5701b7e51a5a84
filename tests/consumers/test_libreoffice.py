"""The workbooks open in LibreOffice (headless): the yoy workbook with its
report sheets and charts converts to CSV and holds the document's values."""

import csv
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("JIXIAO_BIN", str(ROOT / "target" / "release" / "jixiao"))
# UTF-8 (76), every sheet to its own file (-1): LibreOffice ≥ 7.2.
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def test_libreoffice_opens_the_yoy_workbook(tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is needed (.ci/run installs libreoffice-calc-nogui)"
    out = tmp_path / "out"
    r = subprocess.run([BIN, "run", "pipelines/yoy.toml", "--out", str(out)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    conv = tmp_path / "lo"
    r = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", CSV_FILTER,
         "--outdir", str(conv), str(out / "yoy.xlsx")],
        capture_output=True, text=True, timeout=300,
    )
    assert r.returncode == 0, r.stderr
    sheets = sorted(p.name for p in conv.iterdir())
    assert "yoy-年度汇总.csv" in sheets and "yoy-绩效指标.csv" in sheets and "yoy-图表.csv" in sheets, sheets
    with open(conv / "yoy-年度汇总.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    dept = {r["年度"]: Decimal(r["金额（万元）"].replace(",", "")) for r in rows if r["范围"] == "department"}
    # 2024 is the seed: 950.00 万元.
    assert dept["2024"] == Decimal("950.00")
    with open(conv / "yoy-绩效指标.csv", encoding="utf-8", newline="") as f:
        indicators = list(csv.DictReader(f))
    assert sum(1 for r in indicators if r["年度"] == "2024") == 42
