# SPDX-License-Identifier: MIT
# The module against the command-line tool: both are built from the same headers by the same compiler with
# the same flags, and the tool's --json prints every double with enough digits to round-trip, so the numbers
# must be equal to the last bit (==, no tolerance).
import pytest

import nusi


@pytest.mark.parametrize("log10_mass_MeV", [-3.0, 0.0, 1.0, 2.5])
@pytest.mark.parametrize("preset", ["paper_quoted", "fermi_dirac"])
@pytest.mark.parametrize("case", ["default", "conservative"])
def test_core_bound_equals_tool(tool, log10_mass_MeV, preset, case):
    expected = tool("core", "--log10-mass-MeV", log10_mass_MeV, "--preset", preset, "--case", case)
    got = nusi.core_bound(log10_mass_MeV=log10_mass_MeV, preset=preset, case=case)
    assert got.log10_g_bound == expected["log10_g_bound"]
    for key in ("N_2to4_at_g1", "N_nuN", "path_length_cm", "temperature_MeV", "neutrino_density_per_cm3",
                "sigma_nuN_averaged_cm2", "R_min_cm", "mean_energy_MeV"):
        assert got[key] == expected[key], key


@pytest.mark.parametrize("point", [(-3.5, -1.75), (1.0, -2.0), (-2.0, -3.0), (-4.0, -1.0)])
def test_fraction_above_threshold_equals_tool(tool, point):
    log10_mass_MeV, log10_g = point
    expected = tool("propagate", "--log10-mass-MeV", log10_mass_MeV, "--log10-g", log10_g)
    got = nusi.fraction_above_threshold(log10_mass_MeV=log10_mass_MeV, log10_g=log10_g)
    assert isinstance(got, float)
    assert got == expected["fraction_above_threshold"]


def test_fraction_above_threshold_options_equal_tool(tool):
    # Non-default physics options map onto the same struct members as the tool's flags (units: the tool takes
    # kpc and eV, the module cm and MeV as the headers do: nusi.kpc and nusi.eV are the conversions the tool applies).
    expected = tool("propagate", "--log10-mass-MeV", -3.0, "--log10-g", -2.0, "--dirac", "--threshold-MeV", 8,
                    "--distance-kpc", 10, "--relic-mass-eV", 0.1, "--energy-bins", 200)
    got = nusi.fraction_above_threshold(log10_mass_MeV=-3.0, log10_g=-2.0, relic_nature="dirac", threshold_MeV=8.0,
                                        distance_cm=nusi.kpc(10.0), relic_mass_MeV=nusi.eV(0.1), energy_bins=200)
    assert got == expected["fraction_above_threshold"]


def test_propagate_energy_equals_tool(tool):
    expected = tool("propagate", "--log10-mass-MeV", -3.0, "--log10-g", -1.5, "--spectrum")
    got = nusi.propagate_energy(log10_mass_MeV=-3.0, log10_g=-1.5)
    for key in ("fraction_above_threshold", "mean_scatterings", "number_at_earth", "energy_at_earth_MeV",
                "resonance_energy_MeV", "energy_nodes"):
        assert got[key] == expected[key], key


def test_version_is_the_tools(tool):
    assert nusi.__version__ == tool("core")["provenance"]["nusi_version"]


@pytest.mark.parametrize("point", [(-3.5, -1.75), (-2.0, -1.0)])
def test_cross_sections_equal_tool(tool, point):
    log10_mass_MeV, log10_g = point
    expected = tool("cross-section", "--log10-mass-MeV", log10_mass_MeV, "--log10-g", log10_g, "--energy-MeV", 20)
    bw = nusi.s_channel_breit_wigner(log10_mass_MeV=log10_mass_MeV, log10_g=log10_g)
    assert bw.width_MeV == expected["width_MeV"]
    assert bw.resonance_energy_MeV == expected["resonance_energy_MeV"]
    assert bw.sigma_total_cm2(20.0) == expected["sigma_total_cm2"]
    assert bw.flat_dsigma_dEf_cm2_per_MeV(20.0) == expected["dsigma_dEf_cm2_per_MeV"]
    assert bw.min_final_energy_MeV(20.0) == expected["min_final_energy_MeV"]
    # The tool's 2nu -> 4nu cross section is at E_cm = 2 E_i (paper Sec. III).
    assert nusi.sigma_2to4_cm2(40.0, log10_mass_MeV, log10_g) == expected["sigma_2to4_cm2"]


def test_propagation_bound_equals_tool(tool):
    expected = tool("bound", "propagation", "--log10-mass-MeV", -3.0)["rows"][0]
    got = nusi.propagation_bound(log10_mass_MeV=-3.0)
    assert got.log10_g_bound == expected["log10_g_bound"]
    assert got.found == expected["found"]


def test_monte_carlo_equals_tool(tool):
    # The Monte Carlo is a function of its seed: the same primaries and seed give the same counts.
    expected = tool("propagate", "--method", "montecarlo", "--primaries", 2000, "--seed", 3,
                    "--log10-mass-MeV", -3.5, "--log10-g", -2.0)
    got = nusi.monte_carlo_propagation(log10_mass_MeV=-3.5, log10_g=-2.0, primaries=2000, seed=3)
    for key in ("fraction_above_threshold", "fraction_error", "fraction_upper_95", "mean_scatterings", "primaries",
                "arrivals", "unscattered_arrivals"):
        assert got[key] == expected[key], key


@pytest.mark.parametrize("geometry", ["point_source", "plane_parallel"])
def test_arrival_times_equal_tool(tool, geometry):
    expected = tool("arrival", "--primaries", 4000, "--seed", 2, "--log10-mass-MeV", -3.5, "--log10-g", -2.2, "--geometry", geometry)
    got = nusi.arrival_time_distribution(log10_mass_MeV=-3.5, log10_g=-2.2, primaries=4000, seed=2, geometry=geometry)
    assert expected["geometry"] == geometry
    for key in ("fraction_above_threshold", "unscattered_fraction", "fraction_within_window", "mean_delay_s",
                "mean_scatterings_per_primary"):
        assert got[key] == expected[key], key
    assert list(got.quantile_delay_s) == [q["delay_s"] for q in expected["quantiles"]]


def test_defaults_are_the_tools(tool):
    # Both read their defaults from the library's structs; the tool shows them in its own units (kpc, eV).
    import inspect
    inputs = tool("propagate")["provenance"]["inputs"]
    p = inspect.signature(nusi.fraction_above_threshold).parameters
    assert p["log10_mass_MeV"].default == inputs["log10-mass-MeV"]
    assert p["log10_g"].default == inputs["log10-g"]
    assert p["threshold_MeV"].default == inputs["threshold-MeV"]
    assert p["distance_cm"].default == nusi.kpc(inputs["distance-kpc"])
    assert p["relic_mass_MeV"].default == nusi.eV(inputs["relic-mass-eV"])
    assert p["relic_total_density_per_cm3"].default == inputs["relic-density-per-cm3"]
    assert p["exclusion_level"].default == inputs["level"]
    assert p["energy_bins"].default == inputs["energy-bins"]
    assert p["mean_energy_MeV"].default == inputs["mean-energy-MeV"]
    assert p["mean_square_energy_MeV2"].default == inputs["mean-square-energy-MeV2"]
    core = tool("core")["provenance"]["inputs"]
    c = inspect.signature(nusi.core_bound).parameters
    assert c["kappa"].default == core["kappa"]
    assert c["preset"].default == core["preset"]
    assert c["case"].default == core["case"]


def test_event_counts_equal_tool(tool):
    expected = tool("events", "--log10-mass-MeV", -6.0, "--log10-g", -2.15)["detectors"]
    got = nusi.expected_event_counts(log10_mass_MeV=-6.0, log10_g=-2.15, detectors="sn1987a")
    assert list(got.detector) == [d["detector"] for d in expected]
    for key in ("without_nusi", "time_integrated", "within_window", "within_window_error", "unscattered"):
        assert list(got[key]) == [d[key] for d in expected], key
