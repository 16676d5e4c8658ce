#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Fig. 1 of Shalgar, Tamborra, Bustamante, PRD 103, 123008 (2021) from Python: the core bound g_core(M)
(Sec. III) and the propagation bound g_prop(M) (Sec. IV), excluded above each curve; the same curves as
`nusi figures` (fig1_bounds.png). usage: PYTHONPATH=<build>/python /usr/bin/python3 fig1_curves.py [OUT.png]"""
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import nusi  # noqa: E402

M_core = np.arange(-7.0, 5.0 + 1e-9, 0.05)  # log10(M/MeV), the paper's axis
M_prop = np.arange(-7.0, -1.5 + 1e-9, 0.05)  # the paper's propagation scan ends near 25 keV
top = nusi.log10_perturbative_coupling_limit  # g = sqrt(4 pi)
curves = [(M_core, nusi.core_bound(log10_mass_MeV=M_core, preset=p).log10_g_bound, label) for p, label in
          [("paper_quoted", "core, n_nu = 1e38 cm^-3 (paper)"), ("fermi_dirac", "core, thermal n_nu at <E> = 30 MeV")]]
for nature, label in [("majorana", "propagation, Majorana relics"), ("dirac", "propagation, Dirac relics")]:
    b = nusi.propagation_bound(log10_mass_MeV=M_prop, relic_nature=nature)
    curves.append((M_prop, np.where(b.found, b.log10_g_bound, np.nan), label))
fig, ax = plt.subplots(figsize=(7.5, 5.2))
for x, y, label in curves:
    y = np.where(y <= top, y, np.nan)
    ax.fill_between(x, y, 1.0, where=np.isfinite(y), alpha=0.2, lw=0, color=ax.plot(x, y, lw=2, label=label)[0].get_color())
ax.set(xlim=(-7, 4.5), ylim=(-4, 1), xlabel=r"$\log_{10}(M/\mathrm{MeV})$", ylabel=r"$\log_{10} g$ (excluded above)",
       title=f"nusi {nusi.__version__}: Fig. 1 of Shalgar, Tamborra, Bustamante (2021)")
ax.grid(alpha=0.3)
ax.legend(loc="lower right", fontsize=8)
fig.tight_layout()
fig.savefig(sys.argv[1] if len(sys.argv) > 1 else "fig1_curves.png", dpi=130)
