#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""High-energy attenuation by flavour with nuSI at nuSIprop's conventions: nusi diffuse beside nuSIprop's own output
(results of running it, data/comparisons), M = 0.6 MeV, g = 0.03, 300 bins.

usage: diffuse_nusiprop.py OURS.csv OUT.png [NUSIPROP.csv]
"""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def rows(path):
    with open(path) as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def main(argv):
    if len(argv) not in (3, 4):
        sys.exit(__doc__)
    fig, ax = plt.subplots(figsize=(7.5, 5))
    colors = {"e": "tab:blue", "mu": "tab:orange", "tau": "tab:green"}
    ours = rows(argv[1])
    for fl, c in colors.items():
        ax.semilogx([float(r["energy_MeV"]) / 1e6 for r in ours], [float(r["attenuation_" + fl]) for r in ours], color=c,
                    label=r"nusi, $\nu_{%s}$" % ("\\" + fl if fl != "e" else "e"))
    if len(argv) == 4:
        theirs = rows(argv[3])
        for fl, c in colors.items():
            ax.semilogx([float(r["energy_MeV"]) / 1e6 for r in theirs], [float(r["attenuation_" + fl]) for r in theirs], color=c,
                        ls="--", label="nuSIprop" if fl == "e" else None)
    ax.set_xlabel("E [TeV]")
    ax.set_ylabel(r"$\phi/\phi_{\rm free}$")
    ax.set_title(r"M = 0.6 MeV, g = 0.03 (Lagrangian, $\nu_\tau$), $E^{-2.5}$, SFR to z = 5")
    ax.legend()
    fig.tight_layout()
    fig.savefig(argv[2], dpi=110)


if __name__ == "__main__":
    main(sys.argv)
