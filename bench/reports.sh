#!/usr/bin/env bash
# `make bench`, cross-year part: the reports (bench/aggregate.toml: text to
# Parquet plus the four reports) and the whole yoy pipeline (pipelines/yoy.toml:
# CSV, Parquet and XLSX with charts) beside text to Parquet alone, on generated
# corpora of several sizes (`jixiao gen --seed 7`: 140 departments, tables for
# several years each, so series form). Prints seconds, CPU seconds, peak RSS
# and the growth of the peak from the smallest to the largest corpus.
#
# Environment: BIN, BENCH_DIR (scratch, default /tmp/jixiao-bench),
# REPORT_SIZES (MB, default "50 200 1000"), BENCH_RUNS (runs of each command
# on corpora under 500 MB, default 3), BENCH_LARGE_RUNS (runs of text to
# Parquet and of the reports on larger ones, default 2; the yoy pipeline
# runs once there).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-target/release/jixiao}
DIR=${BENCH_DIR:-/tmp/jixiao-bench}
SIZES=${REPORT_SIZES:-50 200 1000}
RUNS=${BENCH_RUNS:-3}
mkdir -p "$DIR"

# corpus MB: generates once (deterministic, seed 7); prints "docs MB indicators".
corpus() {
  local c="$DIR/corpus-yoy-$1mb"
  if [ ! -f "$c/.done" ]; then
    rm -rf "$c"
    "$BIN" gen --megabytes "$1" --seed 7 --out "$c" > "$DIR/gen-yoy-$1.txt"
    touch "$c/.done"
  fi
  awk '{print $1, $3, $7}' "$DIR/gen-yoy-$1.txt"
}

# once LABEL CMD...: one run; appends "secs cpu_secs kb" to $DIR/LABEL.runs.
once() {
  local label=$1; shift
  rm -rf "$DIR/out-$label"
  /usr/bin/time -f "%e %U %S %M" -o "$DIR/time.txt" "$@" --out "$DIR/out-$label" --quiet \
    > "$DIR/$label.stdout" 2> "$DIR/$label.stderr" || {
    echo "bench: $label failed; see $DIR/$label.stderr" >&2; cat "$DIR/$label.stderr" >&2; exit 1; }
  rm -rf "$DIR/out-$label"
  tail -n 1 "$DIR/time.txt" | awk '{printf "%s %.1f %s\n", $1, $2 + $3, $4}' >> "$DIR/$label.runs"
}

# best LABEL: sets SECS and CPU (of the fastest run) and RSS_MB (the largest peak).
best() {
  read -r SECS CPU RSS_MB < <(awk 'NR == 1 || $1 < s { s = $1; c = $2 } $3 > k { k = $3 }
    END { printf "%s %s %.0f\n", s, c, k / 1024 }' "$DIR/$1.runs")
}

echo
echo "cross-year reports (jixiao gen --seed 7). Text to Parquet and the reports run in turn,"
echo "so that both meet the same machine; each figure is the fastest run's, peak RSS the largest."
echo "CPU is user + system seconds of the run: on two cores it follows the work, where"
echo "seconds also follow what else the machine is doing."
echo
echo "| corpus | indicators | text to Parquet s / CPU s / RSS MB | + reports s / CPU s / RSS MB | reports / text (s, CPU) | yoy pipeline (CSV, Parquet, XLSX) s / RSS MB |"
echo "|-------:|-----------:|-----------------------------------:|-----------------------------:|------------------------:|---------------------------------------------:|"
first_agg="" first_yoy="" first_mb=""
for mb in $SIZES; do
  read -r docs cmb rows < <(corpus "$mb")
  runs=$RUNS; [ "$mb" -ge 500 ] && runs=${BENCH_LARGE_RUNS:-2}
  C="$DIR/corpus-yoy-${mb}mb"
  rm -f "$DIR/pq-$mb.runs" "$DIR/agg-$mb.runs" "$DIR/yoy-$mb.runs"
  for _ in $(seq "$runs"); do
    once "pq-$mb" "$BIN" run bench/parquet.toml --input "$C"
    once "agg-$mb" "$BIN" run bench/aggregate.toml --input "$C"
  done
  # The whole yoy pipeline takes minutes at 1 GB: once there.
  yruns=$runs; [ "$mb" -ge 500 ] && yruns=1
  for _ in $(seq "$yruns"); do once "yoy-$mb" "$BIN" run pipelines/yoy.toml --input "$C"; done
  best "pq-$mb"; PQ_S=$SECS; PQ_C=$CPU; PQ_RSS=$RSS_MB
  best "agg-$mb"; AGG_S=$SECS; AGG_C=$CPU; AGG_RSS=$RSS_MB
  best "yoy-$mb"; YOY_S=$SECS; YOY_RSS=$RSS_MB
  awk -v mb="$cmb" -v r="$rows" -v ps="$PQ_S" -v pc="$PQ_C" -v pm="$PQ_RSS" -v as="$AGG_S" -v ac="$AGG_C" -v am="$AGG_RSS" -v ys="$YOY_S" -v ym="$YOY_RSS" 'BEGIN{
    printf "| %6.0f MB | %10d | %9.1f / %5.1f / %6s | %9.1f / %5.1f / %6s | %8.2fx, %5.2fx | %18.1f / %6s |\n", mb, r, ps, pc, pm, as, ac, am, as/ps, ac/pc, ys, ym }'
  if [ -z "$first_mb" ]; then first_mb=$cmb; first_agg=$AGG_RSS; first_yoy=$YOY_RSS; fi
  last_mb=$cmb; last_agg=$AGG_RSS; last_yoy=$YOY_RSS
done
echo
awk -v a="$first_mb" -v b="$last_mb" -v a0="$first_agg" -v a1="$last_agg" -v y0="$first_yoy" -v y1="$last_yoy" 'BEGIN{
  printf "peak RSS from %.0f MB to %.0f MB of input: reports %s -> %s MB (%+.0f%%), yoy pipeline %s -> %s MB (%+.0f%%)\n",
    a, b, a0, a1, (a1-a0)*100/a0, y0, y1, (y1-y0)*100/y0 }'
