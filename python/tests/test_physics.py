# SPDX-License-Identifier: MIT
# Facts the module's numbers must satisfy independently of the tool: closed forms and scalings of the
# paper's equations, computed here in NumPy from other outputs of the module.
import numpy as np

import nusi


def test_core_map_scales_as_g8():
    # Eq. (7): N_2to4(g, M) = g^8 N_2to4(g = 1, M); the map's column at any g against core_bound's g = 1 value.
    m = nusi.core_map(log10_mass_MeV_min=-1.0, log10_mass_MeV_max=3.0, mass_points=5, log10_coupling_min=-3.0,
                      log10_coupling_max=0.0, coupling_points=4, preset="paper_quoted")
    at_g1 = nusi.core_bound(log10_mass_MeV=m.log10_mass_MeV, preset="paper_quoted").N_2to4_at_g1
    expected = at_g1[:, None] * (10.0 ** m.log10_coupling[None, :]) ** 8
    # 1e-12: the map multiplies by g^8 computed as pow(10, 8 x) or as (10^x)^8; a few ulp of each factor.
    np.testing.assert_allclose(m.N_2to4, expected, rtol=1e-12)


def test_core_bound_is_where_N_is_one():
    # g_core solves N_2to4(g) = 1 with N_2to4(g) = g^8 N_2to4(g = 1): log10 g = -log10(N(1))/8.
    r = nusi.core_bound(log10_mass_MeV=np.array([-2.0, 0.0, 2.0]), preset="paper_quoted")
    np.testing.assert_allclose(r.log10_g_bound, -np.log10(r.N_2to4_at_g1) / 8, rtol=0, atol=1e-14)  # rounding of log10


def test_pinched_spectrum_is_normalised_with_its_mean():
    s = nusi.pinched_spectrum(15.0, 2.3)
    E = np.linspace(0.0, 300.0, 30001)
    pdf = s.probability_density_per_MeV(E)
    # Trapezoid rule with dE = 0.01 MeV on a smooth density: error ~ dE^2 f''/12, far below 1e-6.
    assert abs(np.trapz(pdf, E) - 1.0) < 1e-6
    assert abs(np.trapz(E * pdf, E) - 15.0) < 1e-5
    # The CDF is the integral of the pdf.
    assert abs(s.cumulative_probability(20.0) - np.trapz(pdf[E <= 20.0], E[E <= 20.0])) < 1e-6


def test_breit_wigner_peaks_at_the_resonance():
    # Eq. (4): sigma_tot is largest at E_res = M^2/(2 m_nu), where it takes its peak value.
    bw = nusi.s_channel_breit_wigner(log10_mass_MeV=-3.5, log10_g=-1.75)
    E = bw.resonance_energy_MeV * np.array([0.9, 0.99, 1.0, 1.01, 1.1])
    sigma = bw.sigma_total_cm2(E)
    assert np.argmax(sigma) == 2
    # The peak is a closed form, sigma_tot(E_res) goes through the general expression: a few ulp apart.
    assert abs(sigma[2] / bw.peak_sigma_total_cm2 - 1) < 1e-14


def test_tabulated_power_law_gives_the_power_law_bound():
    # A table of the power-law core's own density and temperature: the table interpolates monotonically in
    # log r, which reproduces a power law exactly, so g_core agrees up to rounding (1e-12 dex: the
    # quadrature sees the interpolated density, equal to the power law to a few ulp).
    p = nusi.power_law_profile()
    r = np.geomspace(1.4e6, 4.6e6, 9)  # covers R_min = 15 km to R_max = 45 km
    table = nusi.tabulated_profile(r, p.nucleon_density_per_cm3(r) * nusi.atomic_mass_unit_g, np.full_like(r, p.temperature_MeV))
    masses = np.array([-2.0, 0.0, 2.0])
    np.testing.assert_allclose(nusi.core_bound(log10_mass_MeV=masses, profile=table).log10_g_bound,
                               nusi.core_bound(log10_mass_MeV=masses).log10_g_bound, rtol=0, atol=1e-12)


def test_sampling_follows_the_spectrum_and_its_seed():
    s = nusi.pinched_spectrum(15.0, 2.3)
    n = 20000
    x = s.sample_MeV(n, seed=7)
    assert np.array_equal(x, s.sample_MeV(n, seed=7)) and not np.array_equal(x, s.sample_MeV(n, seed=8))
    # The sample mean and the fraction below 20 MeV within 5 standard errors of <E> and of the CDF
    # (a false alarm has probability ~6e-7 per check).
    sd = np.sqrt(s.moment_MeVn(2) - 15.0 ** 2)
    assert abs(x.mean() - 15.0) < 5 * sd / np.sqrt(n)
    p = s.cumulative_probability(20.0)
    assert abs(np.mean(x < 20.0) - p) < 5 * np.sqrt(p * (1 - p) / n)
