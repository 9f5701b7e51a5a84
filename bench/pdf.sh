#!/usr/bin/env bash
# PDF input: pages/s, indicator rows/s and peak RSS of jixiao-core's PDF
# reader (examples/pdf_rows.rs: read into the model, nothing written, no
# polars) beside Python pdfplumber extracting the same pages' tables
# (bench/pdf_tables.py), on the PDF fixtures: the seed's table as wide, long,
# rotated, unruled and STSong-Light forms PDFs and appended to a disclosure, and the
# five real Jiangsu budget disclosures (refused: no target table).
#
# Environment: PDF_ROWS (the release example; built if absent), PYTHON (with
# pdfplumber; default python3), PDF_REPEAT (times each file
# is given, default 5), BENCH_RUNS (runs of each, default 3; fastest kept).
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET=${CARGO_TARGET_DIR:-target}
BIN=${PDF_ROWS:-$TARGET/release/examples/pdf_rows}
PY=${PYTHON:-python3}
REPEAT=${PDF_REPEAT:-5}
RUNS=${BENCH_RUNS:-3}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT

if [ ! -x "$BIN" ]; then
  cargo build --release -p jixiao-core --example pdf_rows >&2
fi

FIX=tests/fixtures/pdf
FILES=()
for _ in $(seq "$REPEAT"); do
  FILES+=("$FIX"/laisui_2024_wide.pdf "$FIX"/laisui_2024_wide_rotated.pdf "$FIX"/laisui_2024_long.pdf "$FIX"/laisui_2024_long_unruled.pdf
          "$FIX"/laisui_2024_forms_stsong.pdf "$FIX"/jiangsu_budget_02_2019_with_targets.pdf
          "$FIX"/jiangsu_budget_0[1-5]_*[0-9].pdf)
done

# measure LABEL CMD...: fastest wall seconds of RUNS runs (SECS), largest peak RSS (RSS_MB).
measure() {
  local label=$1; shift
  local best="" worst_kb=0 secs kb
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$DIR/time.txt" "$@" > "$DIR/$label.out" 2> "$DIR/$label.err" || true
    read -r secs kb < <(tail -1 "$DIR/time.txt")
    if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; fi
    if [ "$kb" -gt "$worst_kb" ]; then worst_kb=$kb; fi
  done
  SECS=$best
  RSS_MB=$(awk "BEGIN{printf \"%.1f\", $worst_kb/1024}")
}

measure rust "$BIN" "${FILES[@]}"
ROWS=$(awk -F'\t' '{split($3,a," "); s+=a[2]} END{print s}' "$DIR/rust.out")
R_SECS=$SECS; R_RSS=$RSS_MB

measure python "$PY" bench/pdf_tables.py "${FILES[@]}"
read -r _ PY_PAGES PY_ROWS < "$DIR/python.out"
P_SECS=$SECS; P_RSS=$RSS_MB
PAGES=$PY_PAGES  # the same files: the page count pdfplumber reports

rate() { awk "BEGIN{s=$2; if (s < 0.001) s = 0.001; printf \"%.1f\", $1/s}"; }
echo "PDF input: ${#FILES[@]} files, $PAGES pages ($REPEAT× the fixtures), fastest of $RUNS runs"
printf '  %-34s %8s s %10s pages/s %12s rows/s %8s MB peak RSS\n' \
  "jixiao-core pdf::read_pdf" "$R_SECS" "$(rate "$PAGES" "$R_SECS")" "$(rate "$ROWS" "$R_SECS")" "$R_RSS"
printf '  %-34s %8s s %10s pages/s %12s rows/s %8s MB peak RSS\n' \
  "Python pdfplumber extract_tables" "$P_SECS" "$(rate "$PY_PAGES" "$P_SECS")" "$(rate "$PY_ROWS" "$P_SECS")" "$P_RSS"
echo "  (rows: indicator rows read into the model for jixiao, $ROWS; raw table rows extracted for Python, $PY_ROWS)"
echo "  speed-up in pages/s: $(awk "BEGIN{printf \"%.1f\", ($PAGES/$R_SECS)/($PY_PAGES/$P_SECS)}")×"
