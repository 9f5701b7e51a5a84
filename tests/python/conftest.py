import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("JIXIAO_BIN", str(ROOT / "target" / "release" / "jixiao"))
