# SPDX-License-Identifier: MIT
# The three-mass-state model and the diffuse background from Python: mass_state_fractions, mass_state_bound and
# diffuse against the tool's --json (same headers, compiler and flags, doubles printed to round-trip: equal to the
# last bit), their physical limits, arrays against a Python loop, and bad input rejected with the keyword named. Small
# grids keep each test well under a second.
import numpy as np
import pytest

import nusi

# Non-default mass-state options, as Python keywords and as the tool's flags (the same struct members).
MASS_STATE_OPTIONS = dict(energy_bins=100, ordering="inverted", lightest_mass_eV=0.02, channels="s", mediator_kind="vector",
                          nature="dirac", relic_kinematics="at_rest", detected_flavour="mu", coupling_flavors="e,tau",
                          theta12_deg=35.0, dm21_eV2=7.5e-5)
MASS_STATE_FLAGS = ["--energy-bins", 100, "--ordering", "inverted", "--lightest-mass-eV", 0.02, "--channels", "s",
                    "--mediator", "vector", "--dirac", "--relic-kinematics", "at-rest", "--detected-flavor", "mu",
                    "--coupling-flavors", "e,tau", "--theta12-deg", 35, "--dm21-eV2", 7.5e-5]
FRACTION_KEYS = ("fraction_above_threshold", "fraction_is_upper_limit", "fraction_noise_floor", "fraction_all_neutrinos",
                 "emitted_fraction_above_threshold", "excluded", "exclusion_level", "sum_masses_eV",
                 "relic_density_per_state_per_helicity_per_cm3", "mediator_width_MeV", "detected_flavor")


def check_fractions_equal_tool(got, expected):
    for key in FRACTION_KEYS:
        assert got[key] == expected[key], key
    assert got.fraction_above_threshold_by_flavor == expected["fraction_above_threshold_by_flavor"]
    assert got.fraction_above_threshold_by_mass_state == expected["fraction_above_threshold_by_mass_state"]
    assert list(got.masses_eV) == expected["masses_eV"]


@pytest.mark.parametrize("point", [(-3.5, -3.0), (-3.0, -2.5)])
def test_mass_state_fractions_equal_tool(tool, point):
    log10_mass_MeV, log10_g = point
    expected = tool("propagate", "--relic-model", "mass-states", "--log10-mass-MeV", log10_mass_MeV, "--log10-g", log10_g,
                    "--energy-bins", 100)
    check_fractions_equal_tool(nusi.mass_state_fractions(log10_mass_MeV, log10_g, energy_bins=100), expected)


def test_mass_state_fractions_options_equal_tool(tool):
    expected = tool("propagate", "--relic-model", "mass-states", "--log10-mass-MeV", -3.0, "--log10-g", -2.5, *MASS_STATE_FLAGS)
    check_fractions_equal_tool(nusi.mass_state_fractions(-3.0, -2.5, **MASS_STATE_OPTIONS), expected)


def test_mass_state_fractions_sum_of_masses_equals_tool(tool):
    expected = tool("propagate", "--relic-model", "mass-states", "--log10-mass-MeV", -3.0, "--log10-g", -2.5,
                    "--energy-bins", 100, "--sum-masses-eV", 0.1)
    got = nusi.mass_state_fractions(-3.0, -2.5, energy_bins=100, sum_masses_eV=0.1)
    check_fractions_equal_tool(got, expected)


def test_mass_state_defaults_are_the_tools(tool):
    import inspect
    inputs = tool("propagate", "--relic-model", "mass-states")["provenance"]["inputs"]
    p = inspect.signature(nusi.mass_state_fractions).parameters
    assert p["log10_mass_MeV"].default == inputs["log10-mass-MeV"]
    assert p["log10_g"].default == inputs["log10-g"]
    assert p["ordering"].default == inputs["ordering"]
    assert p["lightest_mass_eV"].default == inputs["lightest-mass-eV"]
    assert p["coupling_flavors"].default == inputs["coupling-flavors"]
    assert p["channels"].default == inputs["channels"]
    assert p["mediator_kind"].default == inputs["mediator"]
    assert p["relic_kinematics"].default == inputs["relic-kinematics"].replace("-", "_")
    assert p["detected_flavour"].default == inputs["detected-flavor"]
    assert p["distance_cm"].default == nusi.kpc(inputs["distance-kpc"])
    assert p["threshold_MeV"].default == inputs["threshold-MeV"]


def test_mass_state_fractions_vanishing_coupling():
    # g -> 0: nothing scatters, so every flavour's and every mass state's fraction is the emitted fraction above
    # threshold, and the paper model's F at the same g (the same energy grid) is too. The deviation from the limit
    # scales as g^2 (the resonance's area: 2e-12 measured at log10 g = -11, so 2e-14 here) beside the transport's
    # rounding (noise floor 2e-14); 1e-12 holds both and would catch any g-independent difference (a grid's is >= 1e-6).
    # log10 g = -12 is the smallest the thermal relics' pole quadrature resolves at this mass (-13 raises NumericalError).
    r = nusi.mass_state_fractions(-3.5, -12.0)
    limit = r.emitted_fraction_above_threshold
    for by in (r.fraction_above_threshold_by_flavor, r.fraction_above_threshold_by_mass_state):
        for key, value in by.items():
            assert value == pytest.approx(limit, rel=1e-12, abs=0), key
    assert nusi.fraction_above_threshold(-3.5, -12.0) == pytest.approx(limit, rel=1e-12, abs=0)


def test_mass_state_fractions_arrays_equal_a_loop():
    masses = np.array([-3.5, -3.0])[:, None]
    couplings = np.array([-3.0, -2.5, -2.0])
    r = nusi.mass_state_fractions(masses, couplings, energy_bins=60, threads=2)
    assert r.fraction_above_threshold.shape == (2, 3)
    assert r.masses_eV.shape == (2, 3, 3)
    for i in range(2):
        for j in range(3):
            one = nusi.mass_state_fractions(masses[i, 0], couplings[j], energy_bins=60)
            assert r.fraction_above_threshold[i, j] == one.fraction_above_threshold
            for key in ("e", "mu", "tau"):
                assert r.fraction_above_threshold_by_flavor[key][i, j] == one.fraction_above_threshold_by_flavor[key]


def test_mass_state_bound_equals_tool(tool):
    expected = tool("bound", "propagation", "--relic-model", "mass-states", "--from", -4.0, "--to", -3.0, "--step", 1.0,
                    "--energy-bins", 100, "--relic-kinematics", "at-rest", "--lightest-mass-eV", 0.01, "--mediator", "vector")["rows"]
    got = nusi.mass_state_bound([-4.0, -3.0], energy_bins=100, relic_kinematics="at_rest", lightest_mass_eV=0.01,
                                mediator_kind="vector", threads=2)
    assert list(got.log10_mass_MeV) == [row["log10_mass_MeV"] for row in expected]
    assert list(got.log10_g_bound) == [row["log10_g_bound"] for row in expected]
    assert list(got.found) == [row["found"] for row in expected]
    assert list(got.fraction_at_bound) == [row["fraction_at_bound"] for row in expected]


def test_mass_state_bound_is_where_the_fraction_reaches_the_level():
    # An independent evaluation: F of the detected flavour at the bound's coupling, from mass_state_fractions, is the
    # bound's fraction_at_bound, and the exclusion level to the root search's tolerance: log10 g to 1e-6 (the default
    # log10_g_tolerance) and F = exp(-tau) with tau ~ g^p, p <= 4, so |d ln F/d log10 g| = p ln(10) ln(1/F) <= 42 at
    # F = 0.01: F within 4.2e-5 of the level, relative.
    b = nusi.mass_state_bound(-3.0, energy_bins=100)
    assert b.found
    r = nusi.mass_state_fractions(-3.0, b.log10_g_bound, energy_bins=100)
    assert r.fraction_above_threshold == b.fraction_at_bound
    assert r.fraction_above_threshold == pytest.approx(r.exclusion_level, rel=1e-4)


DIFFUSE_GRID = dict(energy_bins=40, redshift_steps=8)
DIFFUSE_GRID_FLAGS = ["--energy-bins", 40, "--redshift-steps", 8]
DIFFUSE_ARRAYS = ("energy_MeV", "attenuation_e", "attenuation_mu", "attenuation_tau", "attenuation_anti_e", "flux_e",
                  "flux_mu", "flux_tau", "free_flux_e", "free_flux_mu", "free_flux_tau", "flux_anti_e", "free_flux_anti_e")


def check_diffuse_equals_tool(got, expected):
    for key in DIFFUSE_ARRAYS:
        assert list(got[key]) == expected[key], key
    assert got.budgets == expected["budgets"]
    assert set(got.events) == set(expected["events"])
    for name, e in got.events.items():
        x = expected["events"][name]
        assert list(e["window_MeV"]) == x["window_MeV"]
        assert e["events"] == x["events"]
        assert e["events_without_interactions"] == x["events_without_interactions"]
        for key in ("bin_edges_MeV", "events_per_bin", "events_per_bin_without_interactions"):
            assert list(e[key]) == x[key], key


def test_diffuse_dsnb_equals_tool(tool):
    expected = tool("diffuse", "--log10-mass-MeV", -2.7, "--log10-g", -3.0, *DIFFUSE_GRID_FLAGS, "--nature", "dirac",
                    "--exposure-years", 5, "--juno-efficiency", 0.6)
    got = nusi.diffuse(-2.7, -3.0, nature="dirac", exposure_years=5.0, juno_signal_efficiency=0.6, **DIFFUSE_GRID)
    assert set(got.events) == {"Super-Kamiokande-Gd", "JUNO"}
    check_diffuse_equals_tool(got, expected)


def test_diffuse_power_law_equals_tool(tool):
    expected = tool("diffuse", "--log10-mass-MeV", -2.7, "--log10-g", -3.0, *DIFFUSE_GRID_FLAGS, "--source", "power-law",
                    "--spectral-index", 2.2, "--source-composition", "equal-mass-states", "--energy-min-MeV", 2,
                    "--energy-max-MeV", 1000, "--source-evolution", "constant")
    got = nusi.diffuse(-2.7, -3.0, source="power_law", spectral_index=2.2, composition_equal_mass_states=True,
                       min_energy_MeV=2.0, max_energy_MeV=1e3, source_evolution="constant", **DIFFUSE_GRID)
    assert got.events == {}
    check_diffuse_equals_tool(got, expected)


def test_diffuse_vanishing_coupling():
    # g -> 0: the relic background is transparent, every attenuation is 1. The deviation scales as g^4 (6e-6 measured at
    # log10 g = -10, 6e-10 at -12, so 6e-14 here) beside rounding; 1e-12 holds both.
    d = nusi.diffuse(-2.7, -14.0, **DIFFUSE_GRID)
    for key in ("attenuation_e", "attenuation_mu", "attenuation_tau", "attenuation_anti_e"):
        assert np.max(np.abs(d[key] - 1)) < 1e-12, key
    for name, e in d.events.items():
        assert e["events"] == pytest.approx(e["events_without_interactions"], rel=1e-12), name


def test_bad_mass_state_input_names_the_keyword():
    with pytest.raises(ValueError, match=r"nusi.mass_state_fractions: relic_kinematics must be one of .*got 'moving'"):
        nusi.mass_state_fractions(relic_kinematics="moving")
    with pytest.raises(ValueError, match=r"coupling_flavors must be a comma-separated list .*got 'e,x'"):
        nusi.mass_state_fractions(coupling_flavors="e,x")
    with pytest.raises(ValueError, match=r"sum_masses_eV must be given alone"):
        nusi.mass_state_fractions(lightest_mass_eV=0.01, sum_masses_eV=0.1)
    with pytest.raises(ValueError, match=r"lightest_mass_eV"):  # the library's check, its message
        nusi.mass_state_fractions(lightest_mass_eV=-1.0)


def test_bad_mass_state_bound_input_names_the_keyword():
    with pytest.raises(ValueError, match=r"nusi.mass_state_bound: channels must be one of 's', 'stu', got 't'"):
        nusi.mass_state_bound(-3.0, channels="t")
    with pytest.raises(ValueError, match=r"log10_mass_MeV"):
        nusi.mass_state_bound([-3.0, 11.0])


def test_bad_diffuse_input_names_the_keyword():
    with pytest.raises(ValueError, match=r"nusi.diffuse: source must be one of 'dsnb', 'power_law', got 'sn'"):
        nusi.diffuse(source="sn")
    with pytest.raises(ValueError, match=r"spectral_index must be given only with source='power_law'"):
        nusi.diffuse(spectral_index=2.0, **DIFFUSE_GRID)
    with pytest.raises(ValueError, match=r"options.energy_bins"):  # the library's check, its message
        nusi.diffuse(energy_bins=4)
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'relic_kinematics'"):  # relics at rest only
        nusi.diffuse(relic_kinematics="thermal")
