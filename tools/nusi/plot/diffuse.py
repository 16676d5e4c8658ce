#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The DSNB with nuSI: anti-nu_e flux today with and without interactions and their ratio, the IBD event spectra in
SK-Gd and JUNO, and the (M, g) region where the SK-Gd window rate changes by more than 10 %.

usage: diffuse.py DSNB.csv EVENTS.csv REGION.csv OUT.png
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
    if len(argv) != 5:
        sys.exit(__doc__)
    dsnb, events, region = rows(argv[1]), rows(argv[2]), rows(argv[3])
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.6))
    e = [float(r["energy_MeV"]) for r in dsnb]
    ax = axes[0]
    ax.loglog(e, [float(r["free_flux_anti_e"]) for r in dsnb], "k--", label="without nuSI")
    ax.loglog(e, [max(float(r["flux_anti_e"]), 1e-30) for r in dsnb], "tab:red", label="with nuSI")
    ax.set_ylim(1e-6, 10)
    ax.set_xlabel("E [MeV]")
    ax.set_ylabel(r"$\bar\nu_e$ flux [cm$^{-2}$ s$^{-1}$ MeV$^{-1}$]")
    twin = ax.twinx()
    twin.semilogx(e, [float(r["attenuation_anti_e"]) for r in dsnb], "tab:blue", lw=0.8)
    twin.set_ylabel(r"$\phi/\phi_{\rm free}$", color="tab:blue")
    ax.legend(loc="lower left")
    ax.set_title(r"DSNB, $\log_{10} M$ = -2.7, $\log_{10} g$ = -3")
    ax = axes[1]
    for name, color in (("Super-Kamiokande-Gd", "tab:green"), ("JUNO", "tab:purple")):
        sel = [r for r in events if r["detector"] == name]
        mid = [(float(r["edge_lo_MeV"]) + float(r["edge_hi_MeV"])) / 2 for r in sel]
        ax.step(mid, [float(r["events_without_interactions"]) for r in sel], where="mid", color=color, ls="--")
        ax.step(mid, [float(r["events"]) for r in sel], where="mid", color=color, label=name + " (dashed: free)")
    ax.set_xlabel("visible energy [MeV]")
    ax.set_ylabel("IBD events per MeV, 10 yr")
    ax.legend()
    ax = axes[2]
    ms = sorted({float(r["log10_mass_MeV"]) for r in region})
    gs = sorted({float(r["log10_g"]) for r in region})
    z = [[0.0] * len(ms) for _ in gs]
    for r in region:
        z[gs.index(float(r["log10_g"]))][ms.index(float(r["log10_mass_MeV"]))] = float(r["rate_ratio"])
    c = ax.pcolormesh(ms, gs, z, shading="nearest", cmap="viridis", vmin=0, vmax=max(1.0, max(max(row) for row in z)))
    ax.contour(ms, gs, [[abs(v - 1) for v in row] for row in z], levels=[0.1], colors="w")
    fig.colorbar(c, ax=ax, label="SK-Gd rate / rate without nuSI")
    ax.set_xlabel(r"$\log_{10}(M/{\rm MeV})$")
    ax.set_ylabel(r"$\log_{10} g$")
    ax.set_title("white: rate changed by 10 %")
    fig.tight_layout()
    fig.savefig(argv[4], dpi=110)


if __name__ == "__main__":
    main(sys.argv)
