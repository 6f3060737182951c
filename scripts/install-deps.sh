#!/usr/bin/env bash
# Installs every package hitloop needs to build, test and run: Debian
# packages with apt-get, and the browser-test driver (playwright-core, no
# browser download) with npm from the committed lockfile.
# Idempotent: does nothing when all are present; quiet unless something fails.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake pkg-config ccache curl
  libsqlite3-dev libsodium-dev nlohmann-json3-dev libutf8proc-dev libcpp-httplib-dev
  libgtest-dev libgmock-dev libbenchmark-dev libcurl4-openssl-dev
  libtorch-dev
  python3 python3-numpy  # tests/encoder/hf_load_check.py: transformers, checked in NumPy
  chromium
)
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  if ! { $sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "install-deps: apt-get failed (log above)" >&2
    exit 1
  fi
fi

# Browser tests: playwright-core from the lockfile; it drives Debian's
# chromium and never downloads a browser.
browser=tests/browser
stamp=$browser/node_modules/.installed-from-lock
if [ -f "$browser/package-lock.json" ] && ! cmp -s "$browser/package-lock.json" "$stamp" 2>/dev/null; then
  if ! (cd "$browser" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error) >"$log" 2>&1; then
    cat "$log" >&2
    echo "install-deps: npm ci in $browser failed (log above)" >&2
    exit 1
  fi
  cp "$browser/package-lock.json" "$stamp"
fi
