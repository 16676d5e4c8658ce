#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes the synthetic supernova models of data/emission/ (nusi's own, no simulation data).

  constant_model.csv             nusi CSV: every flavour constant for 10 s; anti-nu_e is the paper's
                                 spectrum (<E> = 15 MeV, <E^2> = 290 MeV^2) with 5e52 erg
  constant_garching_{nue,nuebar,nux}  the same in the Garching archive's layout
  constant_nakazato.dat          anti-nu_e of the same in the Nakazato et al. (2013) table layout: two
                                 time blocks, 20 bins with the pinched spectrum's exact bin integrals
  shaped_model.csv               a realistic shape: luminosity peaking within 0.3 s and decaying, mean
                                 energies rising (docs/validation.md, "Supernova models")

Run: /usr/bin/python3 data/emission/make_models.py (writes next to itself). Only the standard
library: the regularised incomplete gamma function is computed here (series / continued fraction).
"""
import math
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ERG_PER_MEV = 1.602176634e-6  # SI 2019: e exact


def gamma_p(a, x):
    """Regularised lower incomplete gamma P(a, x) (series below a + 1, Lentz continued fraction above)."""
    if x <= 0:
        return 0.0
    log_prefactor = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1:
        term = total = 1.0 / a
        n = a
        while abs(term) > 1e-17 * abs(total):
            n += 1
            term *= x / n
            total += term
        return math.exp(log_prefactor) * total
    tiny = 1e-300
    b = x + 1 - a
    c = 1 / tiny
    d = 1 / b
    h = d
    i = 1
    while True:
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        i += 1
        if abs(delta - 1) < 1e-16:
            break
    return 1 - math.exp(log_prefactor) * h


def alpha_from_moments(mean, mean_square):
    return (2 * mean * mean - mean_square) / (mean_square - mean * mean)


def mean_square_from_alpha(mean, alpha):
    return mean * mean * (alpha + 2) / (alpha + 1)


def write(name, text):
    with open(os.path.join(HERE, name), "w", newline="\n") as f:
        f.write(text)


# Constant model: 10 s; anti-nu_e the paper's, nu_e and nu_x typical constant spectra.
CONSTANT = {  # flavour: (L [erg/s], <E> [MeV], <E^2> [MeV^2])
    "nue": (5.5e51, 12.0, 180.0),
    "nuebar": (5e51, 15.0, 290.0),
    "nux": (5e51, 15.5, 320.0),
}
lines = ["# nusi synthetic model (data/emission/make_models.py): constant for 10 s; anti-nu_e = 5e52 erg,",
         "# <E> = 15 MeV, <E^2> = 290 MeV^2 (the paper's spectrum)",
         "time_s,flavor,luminosity_erg_per_s,mean_energy_MeV,mean_energy_squared_MeV2"]
for t in (0.0, 10.0):
    for flavour, (L, m, m2) in CONSTANT.items():
        lines.append(f"{t:g},{flavour},{L:.17g},{m:.17g},{m2:.17g}")
write("constant_model.csv", "\n".join(lines) + "\n")

for flavour, (L, m, m2) in CONSTANT.items():
    rows = [f"# nusi synthetic model, Garching layout: time [s], L [1e51 erg/s], <E> [MeV], <E^2> [MeV^2] ({flavour})"]
    rows += [f"{t:g} {L / 1e51:.17g} {m:.17g} {m2:.17g}" for t in (0.0, 10.0)]
    write(f"constant_garching_{flavour}", "\n".join(rows) + "\n")

# Nakazato layout: per block a time line, then 20 rows E_low E_high dN/dE(nue nuebar nux) dL/dE(nue nuebar nux).
L, m, m2 = CONSTANT["nuebar"]
k = alpha_from_moments(m, m2) + 1
rate = L / (m * ERG_PER_MEV)  # neutrinos per second
edges = [0.75 * i * i for i in range(21)]  # 0 to 300 MeV, exact in binary
rows = []
for t in (0.0, 10.0):
    rows.append(f"{t:g}")
    for a, b in zip(edges[:-1], edges[1:]):
        number = rate * (gamma_p(k, k * b / m) - gamma_p(k, k * a / m))           # per s in the bin
        energy = rate * m * (gamma_p(k + 1, k * b / m) - gamma_p(k + 1, k * a / m))  # MeV per s in the bin
        dN = number / (b - a)
        dL = energy * ERG_PER_MEV / (b - a)
        rows.append(f"{a:.17g} {b:.17g} 0 {dN:.17g} 0 0 {dL:.17g} 0")
write("constant_nakazato.dat", "\n".join(rows) + "\n")

# Shaped model: accretion luminosity peaking near 0.1 s and decaying over ~0.35 s, cooling over ~3 s;
# mean energies rising; a nu_e neutronisation burst at 5 ms. Anti-nu_e normalised to 5e52 erg.
times = [i * 0.002 for i in range(25)] + [0.05 + i * 0.01 for i in range(95)] + [1.0 + i * 0.1 for i in range(91)]


def rise(t):
    return 1 - math.exp(-t / 0.03)


def shapes(t):
    acc = rise(t) * math.exp(-t / 0.35)
    cool = rise(t) * math.exp(-t / 3.0)
    burst = math.exp(-0.5 * ((t - 0.005) / 0.0025) ** 2)
    return {
        "nue": (2.6 * acc + 1.0 * cool + 12.0 * burst, 9.5 + 3.0 * (1 - math.exp(-t / 1.5)), 3.2 - 0.05 * t),
        "nuebar": (2.4 * acc + 1.0 * cool, 11.0 + 4.0 * (1 - math.exp(-t / 1.5)), 3.0 - 0.05 * t),
        "nux": (0.9 * acc + 1.0 * cool, 13.0 + 2.0 * (1 - math.exp(-t / 1.5)), 2.3 - 0.03 * t),
    }


raw = {f: [] for f in CONSTANT}
for t in times:
    for f, v in shapes(t).items():
        raw[f].append(v)
# Normalise each flavour's energy (trapezoids, as nusi integrates): 5e52 erg anti-nu_e, 5.5e52 nu_e, 5e52 nu_x.
targets = {"nue": 5.5e52, "nuebar": 5e52, "nux": 5e52}
scale = {}
for f, values in raw.items():
    area = sum((times[i + 1] - times[i]) * (values[i][0] + values[i + 1][0]) / 2 for i in range(len(times) - 1))
    scale[f] = targets[f] / area
lines = ["# nusi synthetic shaped model (data/emission/make_models.py): luminosities peak within 0.3 s and",
         "# decay (accretion ~0.35 s, cooling ~3 s), mean energies rise; nu_e has a 5 ms neutronisation burst.",
         "# Energies: nu_e 5.5e52, anti-nu_e 5e52, nu_x 5e52 erg (per heavy species). Not a simulation.",
         "time_s,flavor,luminosity_erg_per_s,mean_energy_MeV,mean_energy_squared_MeV2"]
for i, t in enumerate(times):
    for f in ("nue", "nuebar", "nux"):
        lum, mean, alpha = raw[f][i]
        lines.append(f"{t:.4f},{f},{lum * scale[f]:.10g},{mean:.10g},{mean_square_from_alpha(mean, alpha):.10g}")
write("shaped_model.csv", "\n".join(lines) + "\n")
