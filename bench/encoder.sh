#!/usr/bin/env bash
# Encoder speed, hitloop vs PyTorch eager, in one invocation: the same
# DistilBERT-sized classifier (6 layers, 768, 12 heads, FFN 3072) at 1 and
# 2 threads. PyTorch is shared/bench/torch_encoder_anchor.py on Debian's
# python3-torch (installed here if missing), plus its model at batch 32.
# Usage: bench/encoder.sh BUILD_DIR      (also run by `make bench`)
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
bench=$build/bench/encoder_bench

echo "== encoder speed (DistilBERT-sized, random weights) =="
if [ ! -x "$bench" ]; then
  echo "  skipped: $bench not built (libtorch-dev missing?)"
  exit 0
fi
. "$here/torch_anchor.sh"

out=$(mktemp)
trap 'rm -f "$out"' EXIT
for t in 1 2; do
  "$bench" "$t" >>"$out"
  if [ "$have_anchor" = 1 ]; then
    /usr/bin/python3 "$anchor" --threads "$t" >>"$out"
    # The anchor's own model at batch 32 (the script measures up to 8).
    /usr/bin/python3 - "$anchor_dir" "$t" >>"$out" <<'PY'
import json, sys, torch
sys.path.insert(0, sys.argv[1])
from torch_encoder_anchor import Classifier, timeit
t = int(sys.argv[2]); torch.set_num_threads(t); torch.manual_seed(0)
m = Classifier(); m.eval()
with torch.no_grad():
    ids = torch.randint(0, 30522, (32, 128)); mask = torch.ones(32, 128, dtype=torch.bool)
    ms = timeit(lambda: m(ids, mask), 4)
print(json.dumps({"anchor": "pytorch-eager", "shape": "distilbert", "op": "forward",
                  "batch": 32, "tokens": 128, "threads": t, "ms": round(ms, 2)}))
PY
  fi
done

/usr/bin/python3 - "$out" <<'PY'
import json, sys
rows = {}
for line in open(sys.argv[1]):
    line = line.strip()
    if not line.startswith("{"):
        continue
    r = json.loads(line)
    key = (r["op"], r["batch"], r["tokens"], r["threads"])
    rows.setdefault(key, {})["pytorch" if "anchor" in r else "hitloop"] = r["ms"]
print(f"  {'op':<11}{'batch x tokens':>15}{'threads':>8}{'hitloop ms':>12}{'PyTorch ms':>12}"
      f"{'speed-up':>10}{'hitloop ex/s':>14}")
for (op, b, t, th), v in sorted(rows.items(), key=lambda kv: (kv[0][0] != "forward", kv[0][1], kv[0][2], kv[0][3])):
    h, p = v.get("hitloop"), v.get("pytorch")
    ratio = f"{p / h:.2f}x" if h and p else "-"
    eps = f"{b * 1000 / h:.1f}" if h else "-"
    print(f"  {op:<11}{f'{b} x {t}':>15}{th:>8}{h if h else '-':>12}{p if p else '-':>12}{ratio:>10}{eps:>14}")
print("  speed-up = PyTorch ms / hitloop ms (above 1: hitloop is faster)")
PY
