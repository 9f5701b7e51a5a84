#!/usr/bin/env bash
# Real-document and construction scores of a converter binary, one total line per set:
#   bench/score_all.sh [BIN]   (default: the core's fast convert_csv example, else the release binary)
# Sets: ../shared/realdocs (development), tests/fixtures/holdout (text constructions),
# tests/fixtures/constructed .. constructed5 (workbooks, PDFs and text of other
# kinds; the second and third made by someone who had not read the readers).
set -u
cd "$(dirname "$0")/.."
BIN=${1:-target/release/examples/convert_csv}
[ -x "$BIN" ] || BIN=target/release/jixiao
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
SCORE=$(cd .. && pwd)/shared/realdocs/score.py
py=python3; [ -x .venv/bin/python ] && .venv/bin/python -c 'import opencc' 2>/dev/null && py=.venv/bin/python
if [ -d ../shared/realdocs ]; then
  printf 'realdocs     '; $py $SCORE "$BIN" ../shared/realdocs/raw ../shared/realdocs/truth | tail -n 1
fi
printf 'holdout      '; $py $SCORE "$BIN" tests/fixtures/holdout/raw tests/fixtures/holdout/truth | tail -n 1
for set in constructed constructed2 constructed3 constructed4 constructed5 constructed6 constructed7; do
  [ -x "tests/fixtures/$set/score.sh" ] || continue
  printf '%-13s' "$set"; SCORE=$SCORE "tests/fixtures/$set/score.sh" "$BIN" | tail -n 1
done
