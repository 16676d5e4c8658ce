#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Side-by-side benchmark medians of two commits, measured in one run, so that a slowdown is seen
# before it lands. Builds one benchmark program at each commit (from `git archive`, in a temporary
# directory; the working tree is not touched), then runs the two programs alternately, ROUNDS times,
# and prints each benchmark's median real time at BASE and at HEAD and their ratio HEAD/BASE.
# Alternating the runs spreads the noise of a shared machine over both sides equally.
#
# usage: bash bench/compare_commits.sh [--bench bench_transport] [--filter REGEX] [--rounds 5]
#                                      [--min-time 0.2] [--keep DIR] BASE [HEAD]
#   BASE, HEAD  commits (HEAD defaults to HEAD; the working tree's uncommitted changes are not used)
#   --bench     the benchmark program (a bench/bench_*.cpp name present at both commits)
#   --filter    --benchmark_filter regex, e.g. 'BM_kernel_assembly/energy_bins:400'
#   --keep      sources and builds in DIR, kept (reused for the same commits, replaced for others)
# Example: bash bench/compare_commits.sh --filter 'BM_kernel_assembly' b1f3644 HEAD
set -euo pipefail
bench=bench_transport filter=. rounds=5 min_time=0.2 keep=
while (($#)); do
  case "$1" in
    --bench) bench=$2; shift 2 ;;
    --filter) filter=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --min-time) min_time=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    -h|--help) sed -n '3,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "compare_commits: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
(($# == 1 || $# == 2)) || { echo "usage: bash bench/compare_commits.sh [options] BASE [HEAD]" >&2; exit 2; }
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "compare_commits: --rounds must be a positive integer, got '$rounds'" >&2; exit 2; }
root=$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)
work=${keep:-$(mktemp -d)}
[[ -n $keep ]] || trap 'rm -rf "$work"' EXIT
mkdir -p "$work"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)

build() {  # build <label> <commit>: prints the path of the benchmark program
  local label=$1 sha
  sha=$(git -C "$root" rev-parse --verify "$2^{commit}") || { echo "compare_commits: no commit '$2'" >&2; exit 2; }
  local src=$work/$label-src bin=$work/$label-build
  # A kept directory is reused only for the same commit (its sources are replaced otherwise; the build follows them).
  if [[ ! -d $src || $(cat "$work/$label-commit" 2>/dev/null) != "$sha" ]]; then
    rm -rf "$src" && mkdir -p "$src" && git -C "$root" archive "$sha" | tar -x -C "$src"
    echo "$sha" >"$work/$label-commit"
  fi
  cmake -S "$src" -B "$bin" -DCMAKE_BUILD_TYPE=Release -DNUSI_BUILD_TESTS=OFF -DNUSI_BUILD_EXAMPLES=OFF \
        -DNUSI_BUILD_TOOLS=OFF -DNUSI_BUILD_BENCHMARKS=ON -DNUSI_WITH_MPI=OFF --no-warn-unused-cli "${launcher[@]}" >/dev/null
  cmake --build "$bin" -j"$(nproc 2>/dev/null || echo 2)" --target "$bench" >/dev/null \
    || { echo "compare_commits: building $bench at $2 ($sha) failed" >&2; exit 1; }
  echo "$bin/bench/$bench"
}
echo "-- building $bench at $1 and ${2:-HEAD}" >&2
base_bin=$(build base "$1")
head_bin=$(build head "${2:-HEAD}")

for ((r = 1; r <= rounds; ++r)); do
  echo "-- round $r of $rounds" >&2
  for side in base head; do
    prog=${side}_bin
    "${!prog}" --benchmark_filter="$filter" --benchmark_min_time="$min_time" \
               --benchmark_format=json >"$work/$side-$r.json"
  done
done

python3 - "$work" "$rounds" "$1" "${2:-HEAD}" <<'PY'
import json, statistics, sys
work, rounds, base_name, head_name = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
times = {"base": {}, "head": {}}
units = {}
order = []
for side in times:
    for r in range(1, rounds + 1):
        with open(f"{work}/{side}-{r}.json") as f:
            for b in json.load(f)["benchmarks"]:
                if b.get("run_type", "iteration") != "iteration":
                    continue
                name = b["name"]
                if name not in units:
                    units[name] = b["time_unit"]
                    order.append(name)
                times[side].setdefault(name, []).append(b["real_time"])
print(f"medians of {rounds} alternating runs; ratio = {head_name} / {base_name}")
width = max([len(n) for n in order] + [9])
print(f"{'benchmark':<{width}}  {base_name:>14}  {head_name:>14}  {'ratio':>7}")
for name in order:
    if name not in times["base"] or name not in times["head"]:
        print(f"{name:<{width}}  (only at {'base' if name in times['base'] else 'head'})")
        continue
    b, h = statistics.median(times["base"][name]), statistics.median(times["head"][name])
    u = units[name]
    print(f"{name:<{width}}  {b:>11.4g} {u:<2}  {h:>11.4g} {u:<2}  {h / b:>7.3f}")
PY
