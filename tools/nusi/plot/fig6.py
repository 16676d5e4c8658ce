#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The propagation bound under the mass-state model (three mass states, mixing, relics of each state at
T_nu0, s/t/u channels, detected anti-nu_e) beside the paper's preset: log10 g_prop against log10 M over the
paper's range (left), and across the resonance dips relative to the first mass of the window (right).

usage: fig6.py TABLE.csv OUT.png DIP_FROM DIP_TO
TABLE.csv: columns log10_mass_MeV, paper, and one per curve named ORDERING_LIGHTESTeV_MEDIATOR ('#' lines
skipped; nan: no bound), as `nusi figures` writes fig6_mass_states.csv.
"""
import csv
import math
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def label(column):
    ordering, mass, kind = column.split("_")
    return "%s, $m_{\\rm lightest}$ = %s, %s" % (ordering, mass.replace("eV", " eV"), kind)


def main(argv):
    if len(argv) != 5:
        sys.exit(__doc__)
    with open(argv[1], newline="") as f:
        table = list(csv.DictReader(r for r in f if not r.startswith("#")))
    dip_from, dip_to = float(argv[3]), float(argv[4])
    x = [float(r["log10_mass_MeV"]) for r in table]
    columns = [k for k in table[0] if k != "log10_mass_MeV"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(12.5, 5.0), gridspec_kw={"width_ratios": [1.35, 1]})
    colors = ["tab:red", "tab:blue", "tab:green", "tab:purple", "tab:orange", "tab:brown", "tab:pink", "tab:olive", "tab:cyan"]
    for i, column in enumerate(columns):
        y = [float(r[column]) for r in table]
        if column == "paper":
            style = dict(color="black", lw=2.4, ls="-", label="paper's preset (one relic, 0.05 eV, 330 cm$^{-3}$, s channel)")
        else:
            c = colors[(i - 1) % len(colors)]
            ls = "-" if "normal" in column else "--"
            style = dict(color=c, lw=1.6, ls=ls if "scalar" in column else ":", label=label(column), marker="o", ms=2.5)
        left.plot(x, y, **style)
        window = [(a, b) for a, b in zip(x, y) if dip_from - 1e-9 <= a <= dip_to + 1e-9 and math.isfinite(b)]
        if window:
            reference = window[0][1]
            right.plot([a for a, _ in window], [b - reference for _, b in window], **style)
    left.axvspan(dip_from, dip_to, color="gray", alpha=0.12, lw=0)
    left.set_xlabel(r"$\log_{10}(M/\mathrm{MeV})$  (mediator mass)")
    left.set_ylabel(r"$\log_{10} g_{\rm prop}$  (excluded above)")
    left.set_title("propagation bound, mass-state model (detected $\\bar\\nu_e$) and the paper's", fontsize=10)
    left.grid(alpha=0.3)
    left.legend(loc="lower right", fontsize=7)
    right.set_xlabel(r"$\log_{10}(M/\mathrm{MeV})$")
    right.set_ylabel(r"$\log_{10} g_{\rm prop}(M) - \log_{10} g_{\rm prop}(10^{%g}\,\mathrm{MeV})$" % dip_from)
    right.set_title("the resonance dips (each state's line just above 5 MeV)", fontsize=10)
    right.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(argv[2], dpi=130)


if __name__ == "__main__":
    main(sys.argv)
