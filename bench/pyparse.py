"""The comparison: a plain Python regex parser for the same corpus.

What an analyst would write in an afternoon: read each file, join the lines
(Chinese wraps anywhere), pull indicators out with one regular expression,
write a CSV. It does less than jixiao (no units, projects, amounts, checks),
so the ratio flatters Python.
"""

import csv
import os
import re
import sys

IND = re.compile(
    r"(\d+)、(?:(\d+)-)?([^；]+)；(?:(\d+)-)?([^；]+)；([^；]+?)；"
    r"实施周期指标值[:：]([^；]*)；年度指标值[:：](.*?)。"
)


def main(folder: str, out: str) -> None:
    n = 0
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["source", "seq", "level_code", "level", "category_code", "category", "name", "cycle_value", "annual_value"])
        for name in sorted(os.listdir(folder)):
            with open(os.path.join(folder, name), encoding="utf-8") as fh:
                joined = "".join(line.strip() for line in fh)
            for m in IND.finditer(joined):
                w.writerow((name, *m.groups()))
                n += 1
    print(n)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
