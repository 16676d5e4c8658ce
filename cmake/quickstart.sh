#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The README's two commands. `figures`: build and compute the paper's bounds and figures with the
# embedded defaults (into ./figures). `test`: build and run the whole test suite (build/), clang-tidy
# on the headers (test tidy.headers), libFuzzer on the parsers (target nusi_fuzz), and the suite again
# under AddressSanitizer and UndefinedBehaviorSanitizer (build-sanitize/).
# Each installs the Debian 12 packages it needs (apt-get, as root or through sudo) when missing.
set -euo pipefail
mode=${1:-}
case "$mode" in figures|test) ;; *) echo "usage: bash cmake/quickstart.sh figures|test" >&2; exit 2 ;; esac
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${NUSI_BUILD_DIR:-$root/build}
jobs=$(nproc 2>/dev/null || echo 2)

packages=(g++ make cmake libboost-dev libcli11-dev nlohmann-json3-dev libfmt-dev doctest-dev libbenchmark-dev python3-matplotlib doxygen
          libopenmpi-dev openmpi-bin pybind11-dev python3-dev python3-numpy python3-pytest)
# test: clang-tidy, clang++ with libFuzzer (Debian 12 ships it in libclang-rt-14-dev), python3-yaml (CITATION.cff).
[[ $mode == test ]] && packages+=(clang clang-tidy libclang-rt-14-dev python3-yaml)
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

# The Python module (python/) and its tests use Debian's interpreter, which sees python3-numpy and python3-pytest
# (a python3 earlier on PATH may be another interpreter).
python_args=()
[[ -x /usr/bin/python3 ]] && python_args=(-DPython_EXECUTABLE=/usr/bin/python3)
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release "${python_args[@]}" >/dev/null

if [[ $mode == figures ]]; then
  cmake --build "$build" -j"$jobs" --target nusi_tool  # the tool alone: tests and benchmarks come with `test`
  out=${NUSI_FIGURES_DIR:-$root/figures}
  mkdir -p "$out"
  "$build/bin/nusi" figures --out "$out"
else
  stage() { echo "-- quickstart: $1 (${SECONDS} s since the start)"; }  # where CI time goes
  cmake --build "$build" -j"$jobs"
  stage "Release build done"
  ctest --test-dir "$build" --output-on-failure -j"$jobs"
  stage "Release tests done"
  cmake --build "$build" --target nusi_fuzz
  stage "fuzzing done"
  # The suite again with ASan + UBSan (any finding aborts the test); the package-consumer tests,
  # the API docs and clang-tidy do not depend on the build flags and ran above.
  # -O1 with line tables (-g1): symbolized stacks at less than half the compile time of -O2 -g
  # (31 s against 67 s of CPU for the heaviest tool source), which dominated this stage. The examples
  # (their own tests in Release above) only call what the suite tests here.
  sanitize_build=${NUSI_SANITIZE_BUILD_DIR:-$root/build-sanitize}
  cmake -S "$root" -B "$sanitize_build" -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" \
        -DNUSI_SANITIZE=ON -DNUSI_BUILD_BENCHMARKS=OFF -DNUSI_BUILD_EXAMPLES=OFF -DNUSI_WITH_MPI=OFF >/dev/null
  cmake --build "$sanitize_build" -j"$jobs"
  stage "sanitizer build done"
  leaks=1  # LeakSanitizer cannot run under a tracer (it uses ptrace itself)
  tracer=$(awk '/^TracerPid:/ {print $2}' /proc/self/status 2>/dev/null || true)
  if [[ -n $tracer && $tracer != 0 ]]; then
    leaks=0; echo "-- running under a tracer: LeakSanitizer off"
  fi
  # mpi.*: OpenMPI itself leaks at exit under LeakSanitizer; the MPI test runs in the Release build above.
  # Release only (with them this stage's tests took 414 s at -O2, without them 130 s at -O1, loaded):
  # cli.figures_runs, the whole gallery, whose library computations the suite runs here piece by piece;
  # scan.resume_after_signals_*, 108,054-job plans killed and resumed (the journal has its own fuzzer,
  # and scan.resume_reference and scan.resume_refuses_damaged_journal run here).
  ASAN_OPTIONS=detect_leaks=$leaks:abort_on_error=1:check_initialization_order=1:strict_init_order=1:detect_stack_use_after_return=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir "$sanitize_build" --output-on-failure -j"$jobs" -E '^(consumer|docs|tidy|mpi)\.|^cli\.figures_runs$|^scan\.resume_after_signals_'
  stage "sanitizer tests done"
fi
