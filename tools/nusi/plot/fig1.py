#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Fig. 1 of Shalgar, Tamborra, Bustamante (2021): the excluded (M, g) regions from the supernova core
and from propagation through the relic-neutrino background, on the paper's axes.

usage: fig1.py OUT.png CURVE.csv:LABEL[:STYLE] [CURVE.csv:LABEL[:STYLE] ...]
Each CSV has columns log10_mass_MeV,log10_g_bound (other columns ignored; empty or nan = no bound).
STYLE is 'fill' (a shaded excluded region above the curve, the default) or 'line' (a dashed curve).
"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from bound_curves import curve_specs  # noqa: E402

G_TOP = 1.0  # top of the paper's axes, log10 g


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    out = argv[1]
    fig, ax = plt.subplots(figsize=(7.5, 5.2))
    colors = ["tab:red", "tab:blue", "tab:green", "tab:purple", "tab:orange", "tab:brown"]
    for i, xs, ys, label, style in curve_specs(argv[2:]):
        c = colors[i % len(colors)]
        if style == "fill":
            ax.fill_between(xs, ys, [G_TOP] * len(ys), color=c, alpha=0.3, lw=0)
            ax.plot(xs, ys, color=c, lw=2, label=label + " (excluded above)")
        else:
            ax.plot(xs, ys, color=c, lw=1.6, ls="--", label=label)
    ax.set_xlim(-7, 4.5)
    ax.set_ylim(-4, G_TOP)
    ax.set_xlabel(r"$\log_{10}(M/\mathrm{MeV})$  (mediator mass)")
    ax.set_ylabel(r"$\log_{10} g$  (coupling)")
    ax.set_title(r"Secret-interaction bounds from SN 1987A ($\nu$SI mediator mass $M$, coupling $g$)", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=130)


if __name__ == "__main__":
    main(sys.argv)
