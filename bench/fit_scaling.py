#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Reads Google Benchmark JSON files (bench_results/*.json from `cmake --build build --target
nusi_bench_json`) and prints, as Markdown: the machine, every benchmark's median, the ratios to the
floors, and the fitted exponent p of t ~ n^p (least squares in log-log) for every benchmark run at
three or more sizes of one argument with the others fixed.

usage: python3 bench/fit_scaling.py [build/bench_results]
"""
import glob
import json
import math
import os
import re
import sys
from collections import defaultdict

UNIT = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}

# (benchmark, floor, size argument) pairs reported as ratios at each size.
RATIOS = [
    ("BM_energy_solve", "BM_floor_operator_apply", "energy_bins"),
    ("BM_fraction_above_threshold", "BM_floor_operator_apply", "energy_bins"),
    ("BM_kernel_assembly", "BM_floor_operator_apply", "energy_bins"),
    ("BM_emission_projection", "BM_floor_operator_apply", "energy_bins"),
    # No shared size: every run against the floor's single run (one phase-space point).
    ("BM_sigma_2to4_diagram_one_percent", "BM_floor_cascade_point", None),
    ("BM_mass_state_solve", "BM_floor_block_apply", "energy_bins"),
    ("BM_mass_state_fraction_at_rest_s", "BM_floor_block_apply", "energy_bins"),
    ("BM_mass_state_fraction_at_rest_stu", "BM_floor_block_apply", "energy_bins"),
    ("BM_mass_state_fraction_thermal_stu", "BM_floor_block_apply", "energy_bins"),
]


def machine():
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return model, os.cpu_count()


def parse_name(run_name):
    """'BM_x/energy_bins:400/angle_bins:64/real_time' -> ('BM_x', {'energy_bins': 400, ...})."""
    parts = run_name.split("/")
    args = {}
    for p in parts[1:]:
        m = re.fullmatch(r"([A-Za-z_0-9]+):(-?\d+)", p)
        if m:
            args[m.group(1)] = int(m.group(2))
    return parts[0], args


def fit(xs, ys):
    """Least-squares slope of log y on log x, with its standard error (None for 2 points)."""
    lx = [math.log(x) for x in xs]
    ly = [math.log(y) for y in ys]
    n = len(lx)
    mx, my = sum(lx) / n, sum(ly) / n
    sxx = sum((a - mx) ** 2 for a in lx)
    slope = sum((a - mx) * (b - my) for a, b in zip(lx, ly)) / sxx
    if n < 3:
        return slope, None
    resid = sum((b - my - slope * (a - mx)) ** 2 for a, b in zip(lx, ly))
    return slope, math.sqrt(resid / (n - 2) / sxx)


def fmt_time(seconds):
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6), ("ns", 1e-9)):
        if seconds >= scale or unit == "ns":
            return f"{seconds / scale:.3g} {unit}"


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else "build/bench_results"
    files = sorted(glob.glob(os.path.join(folder, "*.json")))
    if not files:
        sys.exit(f"fit_scaling.py: no JSON files in {folder} (run the nusi_bench_json target first)")
    medians = {}  # run_name -> (family, args, cpu seconds, real seconds, file)
    context = None
    for path in files:
        with open(path) as f:
            data = json.load(f)
        context = context or data.get("context", {})
        for b in data.get("benchmarks", []):
            if b.get("run_type") != "aggregate" or b.get("aggregate_name") != "median":
                continue
            scale = UNIT[b.get("time_unit", "ns")]
            family, args = parse_name(b["run_name"])
            medians[b["run_name"]] = (family, args, b["cpu_time"] * scale, b["real_time"] * scale,
                                      os.path.basename(path))
    model, cpus = machine()
    print(f"Machine: {model}, {cpus} cores; load average at the start "
          f"{', '.join(f'{x:.2f}' for x in context.get('load_avg', []))}; "
          f"Google Benchmark library build {context.get('library_build_type', '?')} (nusi: Release); "
          f"{context.get('date', '')}\n")

    print("| benchmark | median CPU time | median wall time |\n|---|---|---|")
    for name, (family, args, cpu, real, path) in medians.items():
        print(f"| `{name}` | {fmt_time(cpu)} | {fmt_time(real)} |")

    print("\nRatios to the floor (median CPU times, same binary):\n")
    print("| benchmark | size | time | floor | ratio |\n|---|---|---|---|---|")
    for bench, floor, arg in RATIOS:
        for name, (family, args, cpu, real, path) in medians.items():
            if family != bench or (arg is not None and arg not in args):
                continue
            for fname, (ffam, fargs, fcpu, freal, fpath) in medians.items():
                if ffam == floor and (arg is None or fargs.get(arg) == args[arg]):
                    size = f"{arg} {args[arg]}" if arg else ", ".join(f"{k} {v}" for k, v in args.items()) or "-"
                    print(f"| `{bench}` | {size} | {fmt_time(cpu)} | {fmt_time(fcpu)} | {cpu / fcpu:.0f} |")

    print("\nScaling: t ~ n^p, least squares on log t vs log n (median CPU times):\n")
    print("| benchmark | varying | fixed | sizes | times | p | +- |\n|---|---|---|---|---|---|---|")
    groups = defaultdict(list)
    for name, (family, args, cpu, real, path) in medians.items():
        for arg, value in args.items():
            if arg == "threads":
                continue
            fixed = tuple(sorted((k, v) for k, v in args.items() if k != arg))
            groups[(family, arg, fixed)].append((value, cpu))
    for (family, arg, fixed), points in sorted(groups.items()):
        points = sorted(set(points))
        if len({x for x, _ in points}) < 3 or min(x for x, _ in points) <= 0:
            continue  # a size needs 3 positive values (not e.g. the Monte Carlo's log10 M x 100)
        xs, ys = [x for x, _ in points], [y for _, y in points]
        p, err = fit(xs, ys)
        fixed_text = ", ".join(f"{k} {v}" for k, v in fixed) or "-"
        print(f"| `{family}` | {arg} | {fixed_text} | {', '.join(map(str, xs))} | "
              f"{', '.join(fmt_time(y) for y in ys)} | {p:.2f} | {err:.2f} |")


if __name__ == "__main__":
    main()
