# SPDX-License-Identifier: MIT
# The rest of the three-mass-state model from Python: mass_state_arrival_times, mass_state_monte_carlo and
# mass_state_energy_angle against the tool's --json (same headers, compiler and flags, the same seed: equal to the last
# bit), against each other and the grid (the Monte Carlo's fractions within their errors, its recorded arrivals equal to
# the arrival times' counts at the same seed, the energy-angle marginal equal to the energy-only fractions), their limits
# at vanishing g, and bad input rejected with the keyword named. Small runs keep each test well under a second.
import numpy as np
import pytest

import nusi

# Relics at rest (every mass > 0), as keywords and as the tool's flags.
AT_REST = dict(relic_kinematics="at_rest", lightest_mass_eV=0.01)
AT_REST_FLAGS = ["--relic-kinematics", "at-rest", "--lightest-mass-eV", 0.01]
POINT = (-3.5, -2.7)  # log10 M/MeV, log10 g: about half the detected antineutrinos above threshold survive

ARRIVAL_KEYS = ("primaries", "window_s", "fraction_above_threshold", "fraction_above_threshold_error", "unscattered_fraction",
                "unscattered_fraction_error", "fraction_within_window", "fraction_within_window_error", "scattered_within_window",
                "scattered_within_window_error", "mean_delay_s", "mean_scatterings_per_primary", "geometry")


@pytest.mark.parametrize("angles,relics", [("three_dimensional", "at_rest"), ("planar_random_walk", "at_rest"),
                                           ("three_dimensional", "thermal")])
def test_mass_state_arrival_times_equal_tool(tool, angles, relics):
    # Thermal relics (the lightest state massless, the library's default): the Monte Carlo also counts the unscattered part.
    flags, keywords = (AT_REST_FLAGS, AT_REST) if relics == "at_rest" else ([], {})
    primaries = 2000 if relics == "at_rest" else 400
    expected = tool("arrival", "--relic-model", "mass-states", "--log10-mass-MeV", POINT[0], "--log10-g", POINT[1], *flags,
                    "--primaries", primaries, "--seed", 5, "--angle-model", angles, "--window-s", 100, "--quantiles", "0.25,0.5,0.75")
    got = nusi.mass_state_arrival_times(*POINT, primaries=primaries, seed=5, angles=angles, window_s=100.0,
                                        quantile_probabilities=[0.25, 0.5, 0.75], **keywords)
    assert (got.unscattered_fraction_error > 0) == (relics == "thermal")
    assert got.geometry == ("point_source" if angles == "three_dimensional" else "plane_parallel")
    for key in ARRIVAL_KEYS:
        assert got[key] == expected[key], key
    for mine, theirs in ((got.quantile_delay_s, expected["quantiles"]), (got.scattered_quantile_delay_s, expected["scattered_quantiles"])):
        assert list(mine) == [q["delay_s"] for q in theirs]
    assert list(got.quantile_probabilities) == [q["probability"] for q in expected["quantiles"]]
    # The tool writes an infinite error (a batch with < 10 arrivals) as null.
    assert list(got.quantile_error_s) == [np.inf if q["error_s"] is None else q["error_s"] for q in expected["quantiles"]]
    assert list(got.histogram_edges) == expected["histogram_edges_s"]
    assert [int(c) / got.primaries for c in got.histogram_counts] == expected["histogram_per_emitted"]
    assert got.scattered_arrivals_above_threshold > 0  # the point scatters: the comparison covers the Monte Carlo part


def test_mass_state_arrival_times_vanishing_coupling():
    # g -> 0: nothing scatters, so every arrival is unscattered with no delay, and the unscattered fraction is the emitted
    # spectrum's fraction between the threshold and the quadrature's top, per the detected antineutrinos without
    # interactions. Its quadrature is converged to 1e-9 relative and exp(-tau) differs from 1 by ~g^4 (1e-48 here): 1e-8.
    r = nusi.mass_state_arrival_times(-3.5, -12.0, primaries=200, **AT_REST)
    spectrum = nusi.pinched_spectrum.from_moments(15.0, 290.0)  # the emitted spectrum of the defaults
    threshold, top = 5.0, 200.0  # the setup's threshold_MeV and the options' max_energy_MeV (their defaults)
    emitted = spectrum.complementary_probability(threshold) - spectrum.complementary_probability(top)
    assert r.unscattered_fraction == pytest.approx(emitted, rel=1e-8)
    assert r.fraction_above_threshold == r.unscattered_fraction
    assert r.scattered_arrivals_above_threshold == 0 and r.mean_scatterings_per_primary == 0
    assert r.mean_delay_s == 0 and np.all(r.quantile_delay_s == 0)


def test_bad_mass_state_arrival_input_names_the_keyword():
    with pytest.raises(ValueError, match=r"nusi.mass_state_arrival_times: geometry must be one of 'point_source', 'plane_parallel'"):
        nusi.mass_state_arrival_times(geometry="sphere", **AT_REST)
    with pytest.raises(ValueError, match=r"batches"):  # the library's check, its message
        nusi.mass_state_arrival_times(primaries=100, batches=1, **AT_REST)


def test_mass_state_monte_carlo_agrees_with_the_grid():
    # Two implementations of the same transport (relics at rest): the Monte Carlo's fractions within 4 of its standard
    # errors of the grid's, whose own error at 200 energy bins (1.3e-4 from 800 bins, measured) is far below the
    # Monte Carlo's (~1e-2 at 3000 primaries). Seven comparisons at 4 sigma fail by chance with probability 4e-4.
    mc = nusi.mass_state_monte_carlo(*POINT, primaries=3000, seed=11, **AT_REST)
    grid = nusi.mass_state_fractions(*POINT, energy_bins=200, **AT_REST)
    assert 0.05 < grid.fraction_above_threshold < 0.95  # a point where the test has power
    assert abs(mc.fraction_above_threshold - grid.fraction_above_threshold) < 4 * mc.fraction_error
    for by, errors, grid_by in ((mc.fraction_above_threshold_by_flavor, mc.fraction_error_by_flavor, grid.fraction_above_threshold_by_flavor),
                                (mc.fraction_above_threshold_by_mass_state, mc.fraction_error_by_mass_state,
                                 grid.fraction_above_threshold_by_mass_state)):
        for key, value in by.items():
            assert abs(value - grid_by[key]) < 4 * errors[key], key
    assert abs(mc.energy_budget_relative_error) < 1e-12  # energy conserved history by history, up to rounding
    assert mc.angles is None and mc.mean_angle_rad is None and len(mc.arrival_energy_MeV) == 0


def test_mass_state_monte_carlo_thermal_relics_agree_with_the_thermal_grid():
    # The library's default kinematics (thermal relics, the lightest state massless) through null-collision tracking:
    # the detected fraction within 4 of the Monte Carlo's standard errors of the thermal grid's, whose error at 200 energy
    # bins (9e-4 from 800 bins, measured) is a tenth of the Monte Carlo's (1.1e-2 at 2000 primaries).
    mc = nusi.mass_state_monte_carlo(*POINT, primaries=2000, seed=13)
    grid = nusi.mass_state_fractions(*POINT, energy_bins=200)
    assert 0.05 < grid.fraction_above_threshold < 0.95 and mc.scatterings > 0
    assert abs(mc.fraction_above_threshold - grid.fraction_above_threshold) < 4 * mc.fraction_error
    assert abs(mc.fraction_all_neutrinos - grid.fraction_all_neutrinos) < 4 * mc.fraction_all_neutrinos_error


def test_mass_state_monte_carlo_mean_angle_agrees_with_the_energy_angle_grid():
    # Two implementations of the deflections (3D composition, plane-parallel geometry: the grid's): the Monte Carlo's mean
    # arrival angle above threshold within 4 of its standard errors (3.5e-7 rad, 3% of the mean) of the energy-angle
    # grid's, whose discretisation error at 100 x 48 nodes is 1.5e-8 rad (measured against 200 x 96 nodes).
    mc = nusi.mass_state_monte_carlo(*POINT, primaries=4000, seed=3, angles="three_dimensional", **AT_REST)
    grid = nusi.mass_state_energy_angle(*POINT, energy_bins=100, angle_bins=48, **AT_REST)
    assert mc.angles == "three_dimensional" and mc.geometry == "plane_parallel"
    assert abs(mc.mean_angle_rad - grid.mean_angle_above_threshold_rad) < 4 * mc.mean_angle_error_rad


def test_mass_state_monte_carlo_arrivals_are_the_arrival_times():
    # The same seed, primaries and directions: the arrival times' counts and delay histogram are those of the Monte
    # Carlo's recorded arrivals of the detected antineutrinos (right-handed antineutrinos), exactly.
    options = dict(primaries=1500, seed=9, angles="three_dimensional", **AT_REST)
    mc = nusi.mass_state_monte_carlo(*POINT, geometry="point_source", record_arrivals=True, **options)
    arrivals = nusi.mass_state_arrival_times(*POINT, geometry="point_source", **options)
    assert mc.arrival_list_complete and mc.geometry == "point_source"
    anti = np.array(mc.arrival_kind) == "antineutrino_right"
    scattered = anti & (mc.arrival_generation > 0)
    assert arrivals.arrivals_above_threshold == np.count_nonzero(anti)
    assert arrivals.scattered_arrivals_above_threshold == np.count_nonzero(scattered) > 0
    assert arrivals.mean_scatterings_per_primary == mc.mean_scatterings
    edges = arrivals.histogram_edges
    index = np.searchsorted(edges, mc.arrival_delay_s[scattered], side="right") - 1  # bins [edges[i], edges[i+1])
    inside = (index >= 0) & (index < len(edges) - 1)
    assert list(np.bincount(index[inside], minlength=len(edges) - 1)) == list(arrivals.histogram_counts)
    # Arrays are consistent with each other: one entry per arrival, unscattered ones at zero delay, primaries in order.
    n = len(mc.arrival_energy_MeV)
    for column in (mc.arrival_angle_rad, mc.arrival_species, mc.arrival_mass_state, mc.arrival_delay_s, mc.arrival_primary):
        assert len(column) == n
    assert np.all(mc.arrival_delay_s[mc.arrival_generation == 0] == 0) and np.all(np.diff(mc.arrival_primary) >= 0)
    assert np.all(mc.arrival_energy_MeV > 5.0) and set(mc.arrival_mass_state) <= {1, 2, 3}
    assert 0 < mc.mean_angle_rad and mc.mean_angle_rad ** 2 <= mc.mean_square_angle_rad2  # Jensen: <theta>^2 <= <theta^2>


def test_mass_state_monte_carlo_vanishing_coupling():
    # g -> 0: nothing scatters (probability ~ g^4 per neutrino), so every fraction is the emitted fraction above threshold
    # of its own kind, estimated from the same primaries: the detected one equals the all-neutrino one only in
    # expectation, but every arrival is unscattered, undelayed and undeflected.
    mc = nusi.mass_state_monte_carlo(-3.5, -12.0, primaries=500, angles="three_dimensional", record_arrivals=True, **AT_REST)
    assert mc.scatterings == 0 and np.all(mc.arrival_generation == 0)
    assert np.all(mc.arrival_delay_s == 0) and np.all(mc.arrival_angle_rad == 0) and mc.mean_angle_rad == 0
    assert round(mc.fraction_all_neutrinos * mc.primaries) == len(mc.arrival_energy_MeV) > 0  # every arrival recorded


def test_bad_mass_state_monte_carlo_input_names_the_keyword():
    with pytest.raises(ValueError, match=r"nusi.mass_state_monte_carlo: record_arrivals must be True only with angles given"):
        nusi.mass_state_monte_carlo(record_arrivals=True, **AT_REST)
    with pytest.raises(ValueError, match=r"nusi.mass_state_monte_carlo: angles must be one of "):
        nusi.mass_state_monte_carlo(angles="3d", **AT_REST)
    with pytest.raises(ValueError, match=r"options.primaries"):  # the library's check, its message
        nusi.mass_state_monte_carlo(primaries=0, **AT_REST)
    with pytest.raises(ValueError, match=r"options.geometry"):  # a point source needs directions in space: the library's
        nusi.mass_state_monte_carlo(angles="planar_random_walk", geometry="point_source", primaries=10, **AT_REST)


ENERGY_ANGLE_GRID = dict(energy_bins=60, angle_bins=12)
ENERGY_ANGLE_GRID_FLAGS = ["--energy-bins", 60, "--angle-bins", 12]
ENERGY_ANGLE_KEYS = ("fraction_above_threshold", "fraction_is_upper_limit", "fraction_noise_floor", "fraction_all_neutrinos",
                     "emitted_fraction_above_threshold", "excluded", "exclusion_level", "sum_masses_eV", "mediator_width_MeV",
                     "relic_density_per_state_per_helicity_per_cm3", "detected_flavor", "mean_scatterings",
                     "energy_budget_relative_error", "number_budget_relative_error", "energy_nodes", "angle_model", "angle_nodes",
                     "mean_angle_above_threshold_rad", "rms_angle_above_threshold_rad", "mean_angle_rad")


@pytest.mark.parametrize("deflections,relics", [("three_dimensional", "at_rest"), ("paper_eq8_additive", "at_rest"),
                                                ("three_dimensional", "thermal")])
def test_mass_state_energy_angle_equals_tool(tool, deflections, relics):
    # Thermal relics (the library's default, the lightest state massless): the kernel's parts of each state's targets.
    flags, keywords = (AT_REST_FLAGS, AT_REST) if relics == "at_rest" else ([], {})
    expected = tool("propagate", "--relic-model", "mass-states", "--energy-angle", "--log10-mass-MeV", POINT[0], "--log10-g", POINT[1],
                    *flags, *ENERGY_ANGLE_GRID_FLAGS, "--angle-model", deflections)
    got = nusi.mass_state_energy_angle(*POINT, deflections=deflections, **keywords, **ENERGY_ANGLE_GRID)
    for key in ENERGY_ANGLE_KEYS:
        assert got[key] == expected[key], key
    assert got.fraction_above_threshold_by_flavor == expected["fraction_above_threshold_by_flavor"]
    assert got.fraction_above_threshold_by_mass_state == expected["fraction_above_threshold_by_mass_state"]
    assert list(got.masses_eV) == expected["masses_eV"]


def test_mass_state_energy_angle_marginal_is_the_energy_only_transport():
    # Summed over angle, the energy-angle transport is the energy-only one (the deflections move neutrinos between angle
    # nodes, not energies): the fractions agree to the solvers' rounding, 1e-6 leaving room for the two contours.
    got = nusi.mass_state_energy_angle(*POINT, **AT_REST, **ENERGY_ANGLE_GRID)
    energy = nusi.mass_state_fractions(*POINT, energy_bins=60, **AT_REST)
    assert got.fraction_above_threshold == pytest.approx(energy.fraction_above_threshold, rel=1e-6)
    for key, value in energy.fraction_above_threshold_by_mass_state.items():
        assert got.fraction_above_threshold_by_mass_state[key] == pytest.approx(value, rel=1e-6), key
    assert got.fraction_all_neutrinos == pytest.approx(energy.fraction_all_neutrinos, rel=1e-6)
    # The map is the marginal too: summed over angles and species above threshold it is the all-neutrino count there.
    assert got.at_earth_by_angle.shape == (got.energy_nodes, got.angle_nodes, got.species)
    assert np.allclose(got.at_earth_by_angle.sum(axis=(0, 2)), got.angular_distribution, rtol=1e-12, atol=0)
    assert 0 < got.mean_angle_above_threshold_rad <= got.rms_angle_above_threshold_rad  # <theta> <= sqrt(<theta^2>)


def test_mass_state_energy_angle_vanishing_coupling():
    # g -> 0: nothing is deflected, every neutrino arrives at theta = 0 with the emitted fraction above threshold (the
    # deviation, 3e-14 measured at log10 g = -12 and -10 alike, is the transport's rounding; 1e-12 holds it). The resonance's refinement of the
    # energy grid at so narrow a width dominates the cost: few nodes of the grid's own.
    got = nusi.mass_state_energy_angle(-3.5, -12.0, energy_bins=20, angle_bins=4, **AT_REST)
    assert got.mean_angle_above_threshold_rad == 0 and got.rms_angle_above_threshold_rad == 0
    assert np.all(got.angular_distribution[1:] == 0)
    assert got.fraction_above_threshold == pytest.approx(got.emitted_fraction_above_threshold, rel=1e-12)


def test_bad_mass_state_energy_angle_input_names_the_keyword():
    with pytest.raises(ValueError, match=r"nusi.mass_state_energy_angle: deflections must be one of "):
        nusi.mass_state_energy_angle(deflections="none", **AT_REST)
    with pytest.raises(ValueError, match=r"angle.bins"):  # the library's check, its message
        nusi.mass_state_energy_angle(angle_bins=2, **AT_REST)
