#!/usr/bin/env bash
# Embed kind speed (issue 11's goal: embedding + head training of 1,000 rows
# with a MiniLM-L6-sized model in < 60 s on this 2-core machine), in one
# invocation with the PyTorch anchor (shared/bench/torch_encoder_anchor.py
# --shape minilm: the same 6 x 384 encoder in PyTorch eager) for the
# encoder's forward at the anchor's shapes.
# Data: the first 1,000 rows of ../shared/data/feedbackqa_dev.csv (long
# answers: most outputs fill the 256 tokens), else of the bundled example.
# Usage: bench/embed.sh BUILD_DIR [CSV] [ROWS]      (also run by `make bench`)
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
bench=$build/bench/embed_bench
data=${2:-$here/../../shared/data/feedbackqa_dev.csv}
[ -f "$data" ] || data=$here/../examples/ecommerce_support.csv
rows=${3:-1000}

echo "== embed kind speed (MiniLM-L6-sized, random weights) =="
if [ ! -x "$bench" ]; then
  echo "  skipped: $bench not built (libtorch-dev missing?)"
  exit 0
fi
. "$here/torch_anchor.sh"
echo "  data: $(basename "$data"), first $rows labeled rows"

out=$(mktemp)
trap 'rm -f "$out"' EXIT
for t in 2 1; do
  "$bench" "$here/../tests/fixtures/hf-encoders/tiny-bert" "$data" "$rows" "$t" 2>/dev/null | tee -a "$out" |
    grep -v '^{' || true
  if [ "$have_anchor" = 1 ]; then
    /usr/bin/python3 "$anchor" --shape minilm --threads "$t" | grep '"forward"' >>"$out"
  fi
done

/usr/bin/python3 - "$out" <<'PY'
import json, sys
rows = {}
for line in open(sys.argv[1]):
    if not line.startswith("{"):
        continue
    r = json.loads(line)
    if r["op"] == "forward":
        key = (r["batch"], r["tokens"], r["threads"])
        rows.setdefault(key, {})["pytorch" if "anchor" in r else "hitloop"] = r["ms"]
    else:
        print("  " + json.dumps(r))
print(f"  encoder forward  {'batch x tokens':>15}{'threads':>8}{'hitloop ms':>12}{'PyTorch ms':>12}{'speed-up':>10}")
for (b, t, th), v in sorted(rows.items()):
    h, p = v.get("hitloop"), v.get("pytorch")
    ratio = f"{p / h:.2f}x" if h and p else "-"
    print(f"  {'':<16}{f'{b} x {t}':>15}{th:>8}{h if h else '-':>12}{p if p else '-':>12}{ratio:>10}")
PY
