#!/usr/bin/env bash
# Runs every benchmark and prints its figures. Usage: bench/run.sh BUILD_DIR
# (`make bench`). Set QUALITY=0 to skip the slow quality table and
# ACTIVE_LEARNING=0 to skip the active-learning curves (several minutes).
set -euo pipefail
build=${1:-build}
here=$(dirname "$0")

echo "== import =="
"$build/bench/import_bench" 100000 5
csv=$(dirname "$(mktemp -u)")/hitloop_import_bench/rows.csv
if command -v sqlite3 >/dev/null && [ -f "$csv" ]; then
  # Reference: the sqlite3 shell's own CSV import of the same file (no
  # validation, no dedup, no reviews): a floor for what SQLite can take.
  db=$(mktemp -u).db
  start=$(date +%s.%N)
  sqlite3 "$db" ".mode csv" ".import $csv t" >/dev/null
  end=$(date +%s.%N)
  rows=$(sqlite3 "$db" "select count(*) from t")
  rm -f "$db"
  awk -v r="$rows" -v s="$start" -v e="$end" 'BEGIN { printf "  reference: sqlite3 .import   %10.0f rows/s\n", r / (e - s) }'
fi

echo "== the binary: start-up and import, process start to exit =="
"$build/bench/startup_bench" 100000 5

echo "== n-gram evaluator speed =="
"$build/bench/ngram_speed_bench" 10000

echo "== server: POST /v1/evaluate =="
"$build/bench/serve_bench" 1000 5

echo "== server: review saves while a gated retrain runs =="
"$build/bench/review_under_load_bench" 1000 10000

if [ "${QUALITY:-1}" != 0 ]; then
  echo "== n-gram evaluator quality vs anchors (same folds) =="
  "$here/quality.sh" "$build"
fi
if [ "${ACTIVE_LEARNING:-1}" != 0 ]; then
  echo "== active learning: review queue vs random labels (AUROC by labels used) =="
  "$here/active_learning.sh" "$build"
fi
for extra in "$here"/encoder.sh "$here"/embed.sh; do
  [ -x "$extra" ] && "$extra" "$build"
done
exit 0
