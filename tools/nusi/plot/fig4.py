#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Fig. 4 of Shalgar, Tamborra, Bustamante (2021), the diagram nusi computes: the one 2nu->4nu diagram of
its Fig. 5 check (include/nusi/two_to_four_diagram.hpp; docs/physics.md, "The diagram").

    nu(p1) nubar(p2) -> phi*(P) -> nubar(k2) nu*(K),  nu*(K) -> nu(k1) phi*(q),  phi*(q) -> nu(k3) nubar(k4)

Fermion lines solid with arrows along the fermion-number flow (against the momentum for antineutrinos),
mediators dashed, g nubar nu phi at each of the four vertices.

usage: fig4.py OUT.png
"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def fermion(ax, start, end, label, label_at, flow_reversed=False):
    """A fermion line from start to end with an arrow at its middle (pointing back if flow_reversed)."""
    a, b = np.array(start, float), np.array(end, float)
    ax.plot([a[0], b[0]], [a[1], b[1]], color="black", lw=1.6)
    mid, d = (a + b) / 2, (b - a) / np.linalg.norm(b - a)
    if flow_reversed:
        d = -d
    ax.annotate("", xy=mid + 0.12 * d, xytext=mid - 0.12 * d,
                arrowprops=dict(arrowstyle="-|>", color="black", lw=1.4, mutation_scale=16))
    ax.text(*label_at, label, fontsize=13, ha="center", va="center")


def mediator(ax, start, end, label, label_at):
    """A mediator propagator: a dashed line."""
    ax.plot([start[0], end[0]], [start[1], end[1]], color="tab:blue", lw=1.8, ls=(0, (5, 3)))
    ax.text(*label_at, label, fontsize=13, ha="center", va="center", color="tab:blue")


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    fig, ax = plt.subplots(figsize=(7.5, 4.6))
    v1, v2, v3, v4 = (1.2, 2.0), (2.8, 2.0), (3.9, 1.25), (4.8, 0.55)
    fermion(ax, (0.0, 3.1), v1, r"$\nu(p_1)$", (0.25, 3.3))
    fermion(ax, (0.0, 0.9), v1, r"$\bar\nu(p_2)$", (0.25, 0.7), flow_reversed=True)
    mediator(ax, v1, v2, r"$\phi^*(P)$", (2.0, 2.3))
    fermion(ax, v2, (5.9, 3.6), r"$\bar\nu(k_2)$", (6.15, 3.7), flow_reversed=True)
    fermion(ax, v2, v3, r"$\nu^*(K)$", (3.05, 1.45))
    fermion(ax, v3, (5.9, 2.2), r"$\nu(k_1)$", (6.15, 2.25))
    mediator(ax, v3, v4, r"$\phi^*(q)$", (4.0, 0.75))
    fermion(ax, v4, (5.9, 1.15), r"$\nu(k_3)$", (6.15, 1.2))
    fermion(ax, v4, (5.9, 0.0), r"$\bar\nu(k_4)$", (6.15, -0.05), flow_reversed=True)
    for v in (v1, v2, v3, v4):
        ax.plot(*v, "o", color="black", ms=5)
        ax.text(v[0] + 0.02, v[1] + 0.22, "$g$", fontsize=11, color="dimgray", ha="center")
    ax.set_xlim(-0.3, 6.7)
    ax.set_ylim(-0.6, 4.0)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(r"The $2\nu\to4\nu$ diagram computed for Fig. 5 (paper Fig. 4, first diagram)", fontsize=11)
    fig.text(0.5, 0.02,
             r"$\mathcal{M} = g^4\,[\bar v(p_2)u(p_1)]\,[\bar u(k_1)(\not K + m)v(k_2)]\,[\bar u(k_3)v(k_4)]"
             r"\,/\,[(s - M^2 + iM\Gamma)(K^2 - m^2)(q^2 - M^2 + iM\Gamma)]$" + "\n"
             "scalar mediator $\\phi$ (dashed), neutrinos solid, arrows along the fermion flow; one flavour, "
             "no interference with the other diagrams",
             ha="center", va="bottom", fontsize=8.5)
    fig.savefig(argv[1], dpi=130, bbox_inches="tight")


if __name__ == "__main__":
    main(sys.argv)
