#!/usr/bin/env bash
# Files/s of the Python package's read_many beside the CLI on a generated
# corpus (jixiao gen, the seed's layout), and of read() one file at a time.
#
# Environment: BIN (the release binary), PYTHON (a Python with the jixiao
# wheel installed), BENCH_DIR (scratch, default /tmp/jixiao-bench),
# BENCH_PY_MB (corpus size, default 20: 1,343 files), BENCH_RUNS
# (runs of each, default 3; the fastest is reported).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-target/release/jixiao}
PY=${PYTHON:-.venv/bin/python}
DIR=${BENCH_DIR:-/tmp/jixiao-bench}
MB=${BENCH_PY_MB:-20}
RUNS=${BENCH_RUNS:-3}
C="$DIR/corpus-py-${MB}mb"
mkdir -p "$DIR"
if [ ! -f "$C/.done" ]; then
  rm -rf "$C"
  "$BIN" gen --megabytes "$MB" --seed 1 --out "$C" > "$DIR/gen-py-$MB.txt"
  touch "$C/.done"
fi
FILES=$(find "$C" -type f -name '*.txt' | wc -l)
echo "corpus: $(cat "$DIR/gen-py-$MB.txt")"
echo "machine: $(nproc) cores"
echo
echo "wall: the fastest of $RUNS runs; CPU: user+sys of that run (steadier on a shared machine)"
echo
echo "| run                                         | wall s |  files/s | CPU s | files/CPU-s |"
echo "|---------------------------------------------|--------|----------|-------|-------------|"
best() { sort -n | head -1; }
cli() {
  for _ in $(seq "$RUNS"); do
    rm -f "$DIR/py-cli.parquet"
    /usr/bin/time -f "%e %U %S" -o "$DIR/t.txt" "$BIN" convert "$C" -q -o "$DIR/py-cli.parquet" 2>/dev/null || true
    tail -n 1 "$DIR/t.txt"
  done | best
}
read -r S U K < <(cli)
awk -v s="$S" -v c="$(awk -v u="$U" -v k="$K" 'BEGIN{print u+k}')" -v n="$FILES" \
  'BEGIN{printf "| %-43s | %6.2f | %8.0f | %5.2f | %11.0f |\n", "jixiao convert DIR -o x.parquet", s, n/s, c, n/c}'
"$PY" - "$C" "$RUNS" "$FILES" <<'PY'
import resource, sys, time, pathlib
import jixiao
corpus, runs, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
files = sorted(str(p) for p in pathlib.Path(corpus).rglob("*.txt"))
def cpu():
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime
def best(f):
    t = []
    for _ in range(runs):
        s, c = time.perf_counter(), cpu(); r = f(); t.append((time.perf_counter() - s, cpu() - c))
    return min(t), r
def row(label, t):
    (s, c) = t
    print(f"| {label:<43} | {s:6.2f} | {n / s:8.0f} | {c:5.2f} | {n / c:11.0f} |")
for threads in (None, 1):
    t, r = best(lambda: jixiao.read_many(corpus, threads=threads))
    row(f"jixiao.read_many(DIR, threads={threads})", t)
t, r = best(lambda: [jixiao.read(f, on_error="reject") for f in files])
row("[jixiao.read(f) for f in files]", t)
import pyarrow as pa
t, r = best(lambda: pa.table(jixiao.read_many(corpus).indicators))
row("pa.table(read_many(DIR).indicators)", t)
PY
