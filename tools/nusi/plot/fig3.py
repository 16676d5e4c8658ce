# SPDX-License-Identifier: MIT
"""Paper Fig. 3 from the CSV of examples/propagation_spectrum.cpp (also used by `nusi figures`).

usage: python3 fig3.py SPECTRUM_CSV MAP_CSV OUTPUT_PNG
left:  E dN/dE before and after propagation (per emitted neutrino), the threshold dashed;
right: percentage of the neutrinos reaching Earth per (arrival direction, energy) cell, under the angle model
named in MAP_CSV's header (# ... angle_model=...), which the caption explains.
"""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.colors import LogNorm  # noqa: E402


def read(path):
    """The columns of a CSV and its '# key=value' header items (threshold_MeV as a float, default 5)."""
    header = {"threshold_MeV": "5"}
    rows = []
    with open(path) as f:
        for line in f:
            if line.startswith("#"):
                for item in line[1:].split():
                    if "=" in item:
                        key, value = item.split("=", 1)
                        header[key] = value
                continue
            rows.append(line)
    table = list(csv.DictReader(rows))
    return {k: np.array([float(r[k]) for r in table]) for k in table[0]}, header


# Why the map is drawn with its angle model (docs/physics.md, "Angle models"; docs/validation.md).
MODEL_CAPTIONS = {
    "three_dimensional": "deflections composed in 3D (random azimuth about the current direction): the physical model. "
                         "Eq. (8) read literally (paper_eq8_additive) adds every deflection,\nso its angles grow like n "
                         "instead of sqrt(n) scatterings and the map is wider (the factor at 1-3 keV is in summary.txt). "
                         "F does not depend on the model.",
    "paper_eq8_additive": "deflections added in one planar angle: Eq. (8) as written, the paper's model; its angles grow like n "
                          "instead of sqrt(n) scatterings,\nso the map is wider than the physical 3D composition "
                          "(three_dimensional; the factor at 1-3 keV is in summary.txt). F does not depend on the model.",
    "planar_random_walk": "deflections of random sign in one planar angle (a planar random walk): angles grow like sqrt(n), "
                          "as in 3D;\nEq. (8) as written is paper_eq8_additive. F does not depend on the model.",
}


def log_edges(nodes):
    """Cell edges on a log axis: geometric midpoints, extended by half a step at the ends."""
    mid = np.sqrt(nodes[1:] * nodes[:-1])
    first = nodes[0] ** 2 / mid[0]
    last = nodes[-1] ** 2 / mid[-1]
    return np.concatenate([[first], mid, [last]])


def main(spectrum_csv, map_csv, png):
    spectrum, header = read(spectrum_csv)
    threshold = float(header["threshold_MeV"])
    cells, map_header = read(map_csv)
    model = map_header.get("angle_model", "three_dimensional")
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8))

    E = spectrum["energy_MeV"]
    before, after = E * spectrum["emitted_per_MeV"], E * spectrum["at_earth_per_MeV"]
    left.loglog(E, np.where(before > 0, before, np.nan), label="emitted (no interactions)")
    left.loglog(E, np.where(after > 0, after, np.nan), label="at Earth (50 kpc)")
    left.axvline(threshold, ls="--", color="k", lw=1, label=f"threshold {threshold:g} MeV")
    top = max(before.max(), after.max())
    left.set_ylim(top * 1e-17, top * 5)
    left.set_xlabel("neutrino energy E [MeV]")
    left.set_ylabel("E dN/dE per emitted neutrino")
    left.set_title("energy spectrum before and after")
    left.legend(loc="upper right", fontsize=8)

    energies = np.unique(cells["energy_MeV"])
    x = np.unique(cells["one_minus_cos"])
    nE, nA = len(energies), len(x)
    percent = cells["percent_of_arrivals"].reshape(nE, nA)
    x_plot = x.copy()
    x_plot[0] = x[1] ** 2 / x[2]  # theta = 0 (line of sight) drawn one step left of the first angle
    vmax = percent.max()
    mesh = right.pcolormesh(log_edges(x_plot), log_edges(energies), np.where(percent > 0, percent, np.nan),
                            norm=LogNorm(vmin=vmax * 1e-8, vmax=vmax), shading="flat", cmap="viridis")
    right.set_xscale("log")
    right.set_yscale("log")
    right.axhline(threshold, ls="--", color="w", lw=1)
    right.set_xlabel("1 - cos(theta) of the arrival direction (leftmost column: theta = 0)")
    right.set_ylabel("neutrino energy at Earth [MeV]")
    right.set_title("arrival direction and energy (angle model: %s)" % model, fontsize=10)
    fig.colorbar(mesh, ax=right, label="percentage of neutrinos reaching Earth [%]")
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    fig.text(0.01, 0.01, "Right: " + MODEL_CAPTIONS.get(model, model), fontsize=7.5, va="bottom")
    fig.savefig(png, dpi=120)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
