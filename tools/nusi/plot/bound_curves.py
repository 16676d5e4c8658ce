# SPDX-License-Identifier: MIT
"""Reading the bound curves (CSV) and the CURVE.csv:LABEL[:STYLE] arguments of fig1.py and beyond.py."""
import csv
import math


def read_curve(path):
    """(log10 M, log10 g) of a CSV with columns log10_mass_MeV,log10_g_bound; '#' lines, empty or nan skipped."""
    xs, ys = [], []
    with open(path, newline="") as f:
        for row in csv.DictReader(r for r in f if not r.startswith("#")):
            try:
                x, y = float(row["log10_mass_MeV"]), float(row["log10_g_bound"])
            except (KeyError, ValueError):
                continue
            if math.isfinite(x) and math.isfinite(y):
                xs.append(x)
                ys.append(y)
    return xs, ys


def curve_specs(args):
    """Yields (index, xs, ys, label, style) for each non-empty CURVE.csv:LABEL[:STYLE]; style defaults to 'fill'."""
    for i, spec in enumerate(args):
        parts = spec.split(":")
        path, label = parts[0], parts[1] if len(parts) > 1 else parts[0]
        style = parts[2] if len(parts) > 2 else "fill"
        xs, ys = read_curve(path)
        if xs:
            yield i, xs, ys, label, style
