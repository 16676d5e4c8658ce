# SPDX-License-Identifier: MIT
# NumPy inputs give the values of a Python loop over the elements, element for element and bit for bit
# (the same scalar code runs for each element), with NumPy's broadcasting of the shapes.
import numpy as np

import nusi


def test_fraction_above_threshold_array_equals_loop():
    masses = np.linspace(-4.0, 0.0, 5)[:, None]
    couplings = np.linspace(-3.0, -1.0, 3)[None, :]
    got = nusi.fraction_above_threshold(log10_mass_MeV=masses, log10_g=couplings, threads=1)
    assert got.shape == (5, 3) and got.dtype == np.float64
    for i in range(5):
        for j in range(3):
            assert got[i, j] == nusi.fraction_above_threshold(log10_mass_MeV=float(masses[i, 0]), log10_g=float(couplings[0, j]))


def test_core_bound_array_equals_loop():
    masses = np.array([-2.0, 0.0, 1.0, 2.0])
    got = nusi.core_bound(log10_mass_MeV=masses, preset="paper_quoted")
    assert got.log10_g_bound.shape == masses.shape
    for k, x in enumerate(masses):
        one = nusi.core_bound(log10_mass_MeV=float(x), preset="paper_quoted")
        assert got.log10_g_bound[k] == one.log10_g_bound
        assert got.N_2to4_at_g1[k] == one.N_2to4_at_g1


def test_cross_sections_array_equals_loop():
    energies = np.geomspace(1.0, 100.0, 7)
    bw = nusi.s_channel_breit_wigner(log10_mass_MeV=-3.5, log10_g=-1.75)
    sigma = bw.sigma_total_cm2(energies)
    assert np.array_equal(sigma, [bw.sigma_total_cm2(float(e)) for e in energies])
    s24 = nusi.sigma_2to4_cm2(2 * energies, -1.0, -2.0)
    assert np.array_equal(s24, [nusi.sigma_2to4_cm2(float(2 * e), -1.0, -2.0) for e in energies])


def test_propagation_bound_array_equals_loop():
    masses = np.array([-4.0, -3.0, -2.0])
    got = nusi.propagation_bound(log10_mass_MeV=masses, threads=1)
    assert np.array_equal(got.log10_g_bound, [nusi.propagation_bound(log10_mass_MeV=float(x)).log10_g_bound for x in masses])


def test_lists_and_numpy_scalars_are_accepted():
    x = nusi.fraction_above_threshold(log10_mass_MeV=np.float64(1.0), log10_g=np.float32(-2.0))
    assert isinstance(x, float)
    assert x == nusi.fraction_above_threshold(log10_mass_MeV=1.0, log10_g=float(np.float32(-2.0)))
    assert np.array_equal(nusi.fraction_above_threshold(log10_mass_MeV=[1.0, 1.0], log10_g=-2.0), [x, x])
