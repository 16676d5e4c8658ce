#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Bounds beyond the paper's energy criterion on the propagation part of Fig. 1 (log10 M/MeV from -7 to
-1.5): the time-spread bound, the SN 1987A event-level bounds and Galactic-supernova forecasts.

usage: beyond.py OUT.png CURVE.csv:LABEL[:STYLE] [CURVE.csv:LABEL[:STYLE] ...]
Each CSV has columns log10_mass_MeV,log10_g_bound (others ignored; nan = no bound; '#' lines skipped).
STYLE: 'fill' (shaded excluded region above the curve, default), 'line', 'dash' or 'dot'.
"""
import math
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from bound_curves import curve_specs  # noqa: E402

G_TOP = 0.0


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    fig, ax = plt.subplots(figsize=(7.5, 5.2))
    colors = ["tab:red", "tab:blue", "tab:green", "tab:green", "tab:olive", "tab:purple", "tab:pink", "tab:orange", "tab:brown"]
    styles = {"line": "-", "dash": "--", "dot": ":"}
    lo = 0.0
    for i, xs, ys, label, style in curve_specs(argv[2:]):
        lo = min(lo, min(ys))
        c = colors[i % len(colors)]
        if style == "fill":
            ax.fill_between(xs, ys, [G_TOP] * len(ys), color=c, alpha=0.2, lw=0)
            ax.plot(xs, ys, color=c, lw=2.2, label=label + " (excluded above)")
        else:
            ax.plot(xs, ys, color=c, lw=1.6, ls=styles.get(style, "-"), label=label)
    ax.set_xlim(-7, -1.5)
    ax.set_ylim(math.floor(lo * 2) / 2 - 0.25, G_TOP)
    ax.set_xlabel(r"$\log_{10}(M/\mathrm{MeV})$  (mediator mass)")
    ax.set_ylabel(r"$\log_{10} g$  (coupling)")
    ax.set_title(r"Propagation bounds beyond the paper's criterion (one-sided 95% CL, $\Delta\chi^2 = 2.71$; forecasts: sensitivity)",
                 fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=7)
    fig.tight_layout()
    fig.savefig(argv[1], dpi=130)


if __name__ == "__main__":
    main(sys.argv)
