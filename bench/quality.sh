#!/usr/bin/env bash
# Quality table: hitloop's n-gram evaluator against the anchors (sklearn
# TF-IDF + LR, fastText) on exactly the same folds of each data set in
# ../shared/data: 5 stratified folds grouped by model_input (rows sharing an
# input stay in one fold, as production brings new inputs). hitloop trains
# on each fold exactly as `hitloop train --data` does. The headline figure
# is the AUROC averaged over folds. Usage: bench/quality.sh BUILD_DIR
set -euo pipefail
build=${1:-build}
shared=${SHARED:-$(dirname "$0")/../../shared}
anchors="$shared/bench/text_baselines.py"
if [ ! -f "$anchors" ] || ! ls "$shared"/data/*.csv >/dev/null 2>&1; then
  echo "quality: no ../shared/bench or ../shared/data; skipped"
  exit 0
fi
for p in python3-sklearn python3-pandas fasttext; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="${missing:-} $p"
done
if [ -n "${missing:-}" ]; then
  echo "quality: installing anchor packages:$missing" >&2
  apt-get install -y -qq $missing >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for csv in "$shared"/data/*.csv; do
  name=$(basename "$csv" .csv)
  echo "quality: $name: anchors (5 folds grouped by input)..." >&2
  /usr/bin/python3 "$anchors" "$csv" --cv 5 --group-by-input --folds-dir "$work/$name" >>"$work/results.jsonl"
  echo "quality: $name: hitloop on the same folds..." >&2
  "$build/bench/quality_bench" "$work/$name" >>"$work/results.jsonl"
done
/usr/bin/python3 - "$work/results.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
sets = sorted({r["data"].replace(".csv", "") for r in rows})
print(f"{'data set':<18} {'evaluator':<18} {'AUROC':>6} {'pooled':>7} {'acc':>6} {'F1 bad':>7} {'train s':>8}")
for s in sets:
    mine = [r for r in rows if r["data"].replace(".csv", "") == s]
    for r in sorted(mine, key=lambda r: -r["auroc_mean_fold"]):
        print(f"{s:<18} {r['anchor']:<18} {r['auroc_mean_fold']:6.3f} {r['auroc']:7.3f} {r['accuracy']:6.3f} {r['f1_bad']:7.3f} {r['train_s']:8.1f}")
    ours = [r["auroc_mean_fold"] for r in mine if r["anchor"].startswith("hitloop")]
    anchors = [r["auroc_mean_fold"] for r in mine if not r["anchor"].startswith("hitloop")]
    if ours and anchors:
        print(f"{s:<18} hitloop - best anchor: {ours[0] - max(anchors):+.3f} (goal: at least +0.020)")
print("AUROC: mean over the 5 folds; pooled: over all held-out rows; acc and F1 bad at each evaluator's own threshold")
PY
