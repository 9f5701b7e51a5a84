#!/usr/bin/env bash
# `make bench`, cross-year part: the reports (bench/aggregate.toml: text to
# Parquet plus the four reports) and the whole yoy pipeline (pipelines/yoy.toml:
# CSV, Parquet and XLSX with charts) beside text to Parquet alone, on generated
# corpora of several sizes (`jixiao gen --seed 7`: 140 departments, tables for
# several years each, so series form). Prints seconds, peak RSS and the growth
# of the peak from the smallest to the largest corpus.
#
# Environment: BIN, BENCH_DIR (scratch, default /tmp/jixiao-bench),
# REPORT_SIZES (MB, default "50 200 1000"), BENCH_RUNS (runs of each command
# on corpora under 500 MB, default 3; larger ones run once).
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

# measure LABEL RUNS CMD...: sets SECS (fastest run) and RSS_MB (largest peak).
measure() {
  local label=$1 runs=$2; shift 2
  local best="" worst_kb=0 secs kb
  for _ in $(seq "$runs"); do
    rm -rf "$DIR/out-$label"
    /usr/bin/time -f "%e %M" -o "$DIR/time.txt" "$@" --out "$DIR/out-$label" --quiet \
      > "$DIR/$label.stdout" 2> "$DIR/$label.stderr" || {
      echo "bench: $label failed; see $DIR/$label.stderr" >&2; cat "$DIR/$label.stderr" >&2; exit 1; }
    read -r secs kb < <(tail -n 1 "$DIR/time.txt")
    best=$(awk -v a="$best" -v b="$secs" 'BEGIN{print (a == "" || b < a) ? b : a}')
    [ "$kb" -gt "$worst_kb" ] && worst_kb=$kb
  done
  rm -rf "$DIR/out-$label"
  SECS=$best
  RSS_MB=$(awk -v k="$worst_kb" 'BEGIN{printf "%.0f", k/1024}')
}

echo
echo "cross-year reports (jixiao gen --seed 7; each figure the fastest of the runs, peak RSS the largest)"
echo
echo "| corpus | indicators | text to Parquet s / RSS MB | + reports s / RSS MB | reports / text | yoy pipeline (CSV, Parquet, XLSX) s / RSS MB |"
echo "|-------:|-----------:|---------------------------:|---------------------:|---------------:|---------------------------------------------:|"
first_agg="" first_yoy="" first_mb=""
for mb in $SIZES; do
  read -r docs cmb rows < <(corpus "$mb")
  runs=$RUNS; [ "$mb" -ge 500 ] && runs=1
  C="$DIR/corpus-yoy-${mb}mb"
  measure "pq-$mb" "$runs" "$BIN" run bench/parquet.toml --input "$C"; PQ_S=$SECS; PQ_RSS=$RSS_MB
  measure "agg-$mb" "$runs" "$BIN" run bench/aggregate.toml --input "$C"; AGG_S=$SECS; AGG_RSS=$RSS_MB
  measure "yoy-$mb" "$runs" "$BIN" run pipelines/yoy.toml --input "$C"; YOY_S=$SECS; YOY_RSS=$RSS_MB
  awk -v mb="$cmb" -v r="$rows" -v ps="$PQ_S" -v pm="$PQ_RSS" -v as="$AGG_S" -v am="$AGG_RSS" -v ys="$YOY_S" -v ym="$YOY_RSS" 'BEGIN{
    printf "| %6.0f MB | %10d | %9.1f / %6s | %9.1f / %6s | %13.2fx | %18.1f / %6s |\n", mb, r, ps, pm, as, am, as/ps, ys, ym }'
  if [ -z "$first_mb" ]; then first_mb=$cmb; first_agg=$AGG_RSS; first_yoy=$YOY_RSS; fi
  last_mb=$cmb; last_agg=$AGG_RSS; last_yoy=$YOY_RSS
done
echo
awk -v a="$first_mb" -v b="$last_mb" -v a0="$first_agg" -v a1="$last_agg" -v y0="$first_yoy" -v y1="$last_yoy" 'BEGIN{
  printf "peak RSS from %.0f MB to %.0f MB of input: reports %s -> %s MB (%+.0f%%), yoy pipeline %s -> %s MB (%+.0f%%)\n",
    a, b, a0, a1, (a1-a0)*100/a0, y0, y1, (y1-y0)*100/y0 }'
