#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Fig. 2 of Shalgar, Tamborra, Bustamante (2021): N_2to4, the number of 2nu->4nu scatterings per
neutrino in the supernova core, over (log10 M/MeV, log10 g), with the N_2to4 = 1 bound of the default
case (solid) and the conservative case (dashed). One panel per neutrino-density preset.

usage: fig2.py MAP.csv BOUNDS.csv OUT.png
MAP.csv: columns log10_mass_MeV, log10_g, log10_N_<case>_<preset> (as written by core_bound_map).
BOUNDS.csv: columns preset, case, log10_g_bound, paper_log10_g_bound (one row per preset and case).
"""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

PRESETS = [("fermi_dirac", "Fermi-Dirac $n_\\nu$ at $T=\\langle E\\rangle/3.15$"),
           ("paper_quoted", "$n_\\nu = 10^{38}$ cm$^{-3}$ (paper's quoted value)")]


def read_map(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(r for r in f if not r.startswith("#")))
    x = np.array([float(r["log10_mass_MeV"]) for r in rows])
    y = np.array([float(r["log10_g"]) for r in rows])
    xs, ys = np.unique(x), np.unique(y)
    columns = {}
    for key in rows[0]:
        if key.startswith("log10_N_"):
            z = np.full((len(ys), len(xs)), np.nan)
            ix, iy = np.searchsorted(xs, x), np.searchsorted(ys, y)
            z[iy, ix] = [float(r[key]) for r in rows]
            columns[key[len("log10_N_"):]] = z
    return xs, ys, columns


def read_bounds(path):
    with open(path, newline="") as f:
        return {(r["preset"], r["case"]): r for r in csv.DictReader(r for r in f if not r.startswith("#"))}


def main(argv):
    if len(argv) != 4:
        sys.exit(__doc__)
    xs, ys, columns = read_map(argv[1])
    bounds = read_bounds(argv[2])
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.8), sharey=True)
    mesh = None
    for ax, (preset, title) in zip(axes, PRESETS):
        default, conservative = columns.get("default_" + preset), columns.get("conservative_" + preset)
        if default is None or conservative is None:
            sys.exit("fig2.py: %s lacks the columns of preset %s" % (argv[1], preset))
        mesh = ax.pcolormesh(xs, ys, default, cmap="viridis", vmin=-8, vmax=8, shading="nearest")
        ax.contour(xs, ys, default, levels=[0.0], colors="black", linewidths=2.0, linestyles="solid")
        ax.contour(xs, ys, conservative, levels=[0.0], colors="white", linewidths=1.8, linestyles="dashed")
        ax.plot([], [], color="black", lw=2.0, label="$N_{2\\nu\\to4\\nu}=1$, default ($R_{\\min}$ = 15 km, $\\langle E\\rangle$ = 30 MeV)")
        ax.plot([], [], color="lightgray", lw=1.8, ls="--", label="$N_{2\\nu\\to4\\nu}=1$, conservative (30 km, 15 MeV)")
        paper = float(next(iter(bounds.values()))["paper_log10_g_bound"]) if bounds else -1.8
        ax.axhline(paper, color="red", lw=1.0, ls=":", label="paper: $g \\approx 10^{%.1f}$" % paper)
        for case, y0 in (("default", 0.12), ("conservative", 0.05)):
            row = bounds.get((preset, case))
            if row:
                ax.text(0.03, y0, "%s: $\\log_{10} g_{\\rm core}$ = %.2f" % (case, float(row["log10_g_bound"])),
                        transform=ax.transAxes, color="white", fontsize=8)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel(r"$\log_{10}(M/\mathrm{MeV})$  (mediator mass)")
        ax.set_xlim(xs[0], xs[-1])
        ax.set_ylim(ys[0], ys[-1])
        ax.legend(loc="upper left", fontsize=7, framealpha=0.8)
    axes[0].set_ylabel(r"$\log_{10} g$  (coupling)")
    cbar = fig.colorbar(mesh, ax=axes, extend="both", pad=0.02)
    cbar.set_label(r"$\log_{10} N_{2\nu\to4\nu}$ (default case); excluded where $> 0$")
    fig.suptitle(r"Supernova core: $2\nu\to4\nu$ scatterings per neutrino (paper Fig. 2); excluded above the lines",
                 fontsize=11)
    fig.savefig(argv[3], dpi=130, bbox_inches="tight")


if __name__ == "__main__":
    main(sys.argv)
