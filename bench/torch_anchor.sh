# Sourced by encoder.sh and embed.sh: finds shared/bench/torch_encoder_anchor.py
# and Debian's python3-torch (installed if missing), and sets
#   anchor_dir, anchor   where the anchor is
#   have_anchor          1 when it can run here, else 0 (with a note why)
# Debian's default libblas.so.3 is the reference Netlib BLAS (~2 GFLOP/s):
# the anchor would then take most of an hour. ANCHOR=1 runs it anyway; or
# install an optimised BLAS (libopenblas0-pthread) first, as a PyTorch
# deployment would have.
anchor_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/shared/bench
anchor=$anchor_dir/torch_encoder_anchor.py
have_anchor=1
if [ ! -f "$anchor" ]; then
  echo "  note: $anchor not found; hitloop figures only"
  have_anchor=0
elif ! dpkg-query -W -f='${Status}' python3-torch 2>/dev/null | grep -q "install ok installed"; then
  echo "  installing python3-torch for the PyTorch anchor..." >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends python3-torch \
    >/dev/null 2>&1 || { echo "  note: python3-torch could not be installed; hitloop only"; have_anchor=0; }
fi
blas=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || echo unknown)
echo "  libblas.so.3 -> $blas (what PyTorch's matmuls use; hitloop's go through oneDNN)"
if [ "$have_anchor" = 1 ] && [[ "$blas" == */blas/libblas.so.3* ]] && [ "${ANCHOR:-0}" != 1 ]; then
  echo "  note: reference BLAS: skipping the PyTorch anchor (ANCHOR=1 runs it; or install"
  echo "        libopenblas0-pthread, as a PyTorch deployment would have)"
  have_anchor=0
fi
