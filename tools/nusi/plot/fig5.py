#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Fig. 5 of Shalgar, Tamborra, Bustamante (2021): sigma(2nu->4nu) against sqrt(s) in arbitrary units, one
diagram (Monte Carlo points with their errors, and the exact massless curve) beside Eqs. (2)-(3), each
curve divided by its value at sqrt(s) = M/100, for each mediator mass.

usage: fig5.py TABLE.csv OUT.png
TABLE.csv: columns mass_MeV, sqrt_s_MeV, diagram_au, error_au, massless_au, eqs23_au ('#' lines skipped;
the first may hold "g = ..."), as `nusi figures` writes fig5_two_to_four.csv.
"""
import csv
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    coupling = None
    rows = []
    with open(argv[1], newline="") as f:
        for line in f:
            if line.startswith("#"):
                m = re.search(r"g = ([0-9.eE+-]+)", line)
                if m:
                    coupling = float(m.group(1))
                continue
            rows.append(line)
    table = list(csv.DictReader(rows))
    masses = sorted({float(r["mass_MeV"]) for r in table})
    fig, ax = plt.subplots(figsize=(7.5, 5.2))
    colors = ["tab:red", "tab:blue", "tab:green", "tab:purple"]
    for i, M in enumerate(masses):
        sel = [r for r in table if float(r["mass_MeV"]) == M]
        x = np.array([float(r["sqrt_s_MeV"]) for r in sel])
        y = np.array([float(r["diagram_au"]) for r in sel])
        dy = np.array([float(r["error_au"]) for r in sel])
        exact = np.array([float(r["massless_au"]) for r in sel])
        eqs = np.array([float(r["eqs23_au"]) for r in sel])
        c = colors[i % len(colors)]
        ax.errorbar(x, y, yerr=dy, fmt="o", ms=3.5, color=c, capsize=2, label="one diagram, Monte Carlo, M = %g MeV" % M)
        ax.plot(x, exact, "-", color=c, lw=1.0, alpha=0.8, label="one diagram, exact (massless)")
        ax.plot(x, eqs, "--", color=c, lw=1.6, label="Eqs. (2)-(3)")
        ax.axvline(M, color=c, lw=0.8, ls=":")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"$\sqrt{s}$ [MeV]  (centre-of-mass energy; dotted: $\sqrt{s} = M$)")
    ax.set_ylabel(r"$\sigma_{2\nu\to4\nu}$ [arbitrary units: 1 at $\sqrt{s} = M/100$]")
    title = r"$2\nu\to4\nu$: one diagram against the estimate of Eqs. (2)-(3)"
    if coupling:
        title += r", $g = 10^{%.1f}$" % np.log10(coupling)
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3, which="major")
    ax.legend(loc="upper left", fontsize=7.5)
    fig.tight_layout()
    fig.savefig(argv[2], dpi=130)


if __name__ == "__main__":
    main(sys.argv)
