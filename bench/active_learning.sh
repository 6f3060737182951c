#!/usr/bin/env bash
# Active-learning curves: the review queue's order against random labels on
# each data set in ../shared/data (bench/active_learning_bench.cpp).
# Usage: bench/active_learning.sh BUILD_DIR [SEEDS]
set -euo pipefail
build=${1:-build}
seeds=${2:-3}
shared=${SHARED:-$(dirname "$0")/../../shared}
sets=()
for name in begin_dev feedbackqa_dev halueval_general; do
  [ -f "$shared/data/$name.csv" ] && sets+=("$shared/data/$name.csv")
done
if [ ${#sets[@]} -eq 0 ]; then
  echo "active learning: no ../shared/data; skipped"
  exit 0
fi
"$build/bench/active_learning_bench" --seeds "$seeds" --cap 1500 "${sets[@]}"
