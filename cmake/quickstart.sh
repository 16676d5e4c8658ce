#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The README's two commands. `figures`: build and compute the paper's bounds and figures with the
# embedded defaults (into ./figures). `test`: build and run the whole test suite.
# Each installs the Debian 12 packages it needs (apt-get, as root or through sudo) when missing.
set -euo pipefail
mode=${1:-}
case "$mode" in figures|test) ;; *) echo "usage: bash cmake/quickstart.sh figures|test" >&2; exit 2 ;; esac
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${NUSI_BUILD_DIR:-$root/build}
jobs=$(nproc 2>/dev/null || echo 2)

packages=(g++ make cmake libboost-dev doctest-dev libbenchmark-dev python3-matplotlib doxygen libopenmpi-dev openmpi-bin)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "-- installing Debian packages: ${missing[*]}"
  if [[ $(id -u) -eq 0 ]]; then sudo=(); elif command -v sudo >/dev/null; then sudo=(sudo); else
    echo "quickstart: missing packages (${missing[*]}) and not root; install them with apt-get" >&2; exit 2; fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$jobs"

if [[ $mode == figures ]]; then
  out=${NUSI_FIGURES_DIR:-$root/figures}
  mkdir -p "$out"
  "$build/bin/nusi" figures --out "$out"
else
  ctest --test-dir "$build" --output-on-failure -j"$jobs"
fi
