#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One F of the mass-state model at two commits, side by side in ONE program: bench/one_program/fraction_side.cpp is
# compiled against each commit's headers (the base commit's under the namespace nusi_base, -Dnusi=nusi_base) and both
# are linked with bench/one_program/main.cpp, whose Google Benchmarks BM_F/<side>/model:m/threads:t run with random
# interleaving. Both sides then meet the same moments of a shared machine, which separate programs run one after the
# other (bench/compare_commits.sh) do not: use this where the machine's load moves by more than the change measured.
# Prints whether each model's F agrees bit for bit, then per model and thread count the median real times and their
# ratio HEAD/BASE. The driver files are the working tree's; both commits must have the API they call.
#
# usage: bash bench/compare_in_one_program.sh [--repetitions 15] [--min-time 0.1] [--filter REGEX] BASE [HEAD]
#   BASE, HEAD     commits (HEAD defaults to HEAD; uncommitted changes are not used)
#   --filter       a --benchmark_filter regex, e.g. 'model:0/threads:1' (default: all four models, 1 and 2 threads)
#   models: 0 thermal relics (the default model), 1 at rest, 2 Dirac thermal, 3 thermal with m_lightest = 0.05 eV
# Example: bash bench/compare_in_one_program.sh --filter 'model:[01]/threads:1' 227985c HEAD
set -euo pipefail
repetitions=15 min_time=0.1 filter=.
while (($#)); do
  case "$1" in
    --repetitions) repetitions=$2; shift 2 ;;
    --min-time) min_time=$2; shift 2 ;;
    --filter) filter=$2; shift 2 ;;
    -h|--help) sed -n '3,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "compare_in_one_program: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
(($# == 1 || $# == 2)) || { echo "usage: bash bench/compare_in_one_program.sh [options] BASE [HEAD]" >&2; exit 2; }
[[ $repetitions =~ ^[1-9][0-9]*$ ]] || { echo "compare_in_one_program: --repetitions must be a positive integer, got '$repetitions'" >&2; exit 2; }
root=$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
head_name=${2:-HEAD}
for side in base head; do
  name=$1
  [[ $side == head ]] && name=$head_name
  sha=$(git -C "$root" rev-parse --verify "$name^{commit}") || { echo "compare_in_one_program: no commit '$name'" >&2; exit 2; }
  mkdir -p "$work/$side" && git -C "$root" archive "$sha" include | tar -x -C "$work/$side"
done
cxx=${CXX:-g++}
flags=(-std=c++20 -O3 -DNDEBUG)
echo "-- compiling $1 and $head_name into one program" >&2
"$cxx" "${flags[@]}" -Dnusi=nusi_base -DNUSI_SIDE_FUNCTION=base_fraction -I"$work/base/include" \
  -c "$root/bench/one_program/fraction_side.cpp" -o "$work/base.o" &
base_job=$!
"$cxx" "${flags[@]}" -DNUSI_SIDE_FUNCTION=head_fraction -I"$work/head/include" \
  -c "$root/bench/one_program/fraction_side.cpp" -o "$work/head.o" &
head_job=$!
wait "$base_job" || { echo "compare_in_one_program: compiling against $1 failed" >&2; exit 1; }
wait "$head_job" || { echo "compare_in_one_program: compiling against $head_name failed" >&2; exit 1; }
"$cxx" "${flags[@]}" "$root/bench/one_program/main.cpp" "$work/base.o" "$work/head.o" -lbenchmark -pthread -o "$work/compare"
"$work/compare" --benchmark_filter="$filter" --benchmark_enable_random_interleaving=true \
  --benchmark_repetitions="$repetitions" --benchmark_min_time="$min_time" --benchmark_format=json >"$work/out.json"

python3 - "$work/out.json" "$repetitions" "$1" "$head_name" <<'PY'
import json, statistics, sys
path, repetitions, base_name, head_name = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
times, order = {}, []
with open(path) as f:
    for b in json.load(f)["benchmarks"]:
        if b.get("run_type", "iteration") != "iteration":
            continue
        side, case = b["run_name"].split("/", 2)[1], b["run_name"].split("/", 2)[2]
        if case not in times:
            times[case] = {"base": [], "head": []}
            order.append(case)
        times[case][side].append(b["real_time"])
print(f"medians of {repetitions} interleaved repetitions in one program; ratio = {head_name} / {base_name}")
width = max([len(c) for c in order] + [4])
print(f"{'case':<{width}}  {base_name:>12}  {head_name:>12}  {'ratio':>7}")
for case in sorted(order):
    b, h = statistics.median(times[case]["base"]), statistics.median(times[case]["head"])
    print(f"{case:<{width}}  {b:>9.4g} ms  {h:>9.4g} ms  {h / b:>7.3f}")
PY
