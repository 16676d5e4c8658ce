# SPDX-License-Identifier: MIT
# Bad input raises ValueError naming the function and the parameter (nusi::invalid_argument keeps its
# message; the module's own checks use the same shape), a wrong type TypeError, a numerical failure
# nusi.NumericalError (a RuntimeError); never a crash or a NaN.
import math

import pytest

import nusi

POINT = dict(log10_mass_MeV=1.0, log10_g=-2.0)


@pytest.mark.parametrize("keyword, value, function", [
    ("threshold_MeV", -1.0, "nusi::make_energy_grid"),   # checked by the library
    ("distance_cm", math.nan, "nusi::make_energy_grid"),  # NaN is rejected, not propagated
    ("energy_bins", 1, "nusi::energy_grid"),
    ("relic_nature", "bogus", "nusi.fraction_above_threshold"),  # checked by the module (the choices)
    ("threads", -1, "nusi.fraction_above_threshold"),
    ("log10_mass_MeV", 99.0, "nusi.fraction_above_threshold"),  # outside [-30, 10]
])
def test_fraction_above_threshold_rejects(keyword, value, function):
    args = dict(POINT, **{keyword: value})
    with pytest.raises(ValueError) as e:
        nusi.fraction_above_threshold(**args)
    assert function in str(e.value)
    assert keyword.split("_")[0] in str(e.value)  # energy_bins is reported as energy.bins


@pytest.mark.parametrize("keyword, value", [("kappa", -1.0), ("case", "x"), ("preset", "none")])
def test_core_bound_rejects(keyword, value):
    with pytest.raises(ValueError, match=keyword):
        nusi.core_bound(log10_mass_MeV=1.0, **{keyword: value})


def test_unknown_keyword_and_wrong_type_are_type_errors():
    with pytest.raises(TypeError, match="bogus"):
        nusi.fraction_above_threshold(bogus=1, **POINT)
    with pytest.raises(TypeError, match="log10_g"):
        nusi.fraction_above_threshold(log10_mass_MeV=1.0, log10_g="a")
    with pytest.raises(TypeError, match="energy_bins"):
        nusi.fraction_above_threshold(energy_bins=4.0, **POINT)  # a count is an int, not a float


def test_shapes_that_do_not_broadcast():
    with pytest.raises(ValueError, match="broadcast"):
        nusi.fraction_above_threshold(log10_mass_MeV=[1.0, 2.0], log10_g=[-2.0, -1.0, 0.0])


def test_numerical_failure_is_a_runtime_error():
    assert issubclass(nusi.NumericalError, RuntimeError)
    # At g = 1 a primary scatters far more than once: the work bound max_scatterings = 1 is reached.
    with pytest.raises(nusi.NumericalError, match="max_scatterings"):
        nusi.monte_carlo_propagation(log10_mass_MeV=-3.5, log10_g=0.0, primaries=100, max_scatterings=1)


def test_module_survives_errors():
    # After many rejected calls the module still returns the same number as before them.
    before = nusi.fraction_above_threshold(**POINT)
    for _ in range(100):
        with pytest.raises(ValueError):
            nusi.fraction_above_threshold(threshold_MeV=-1.0, **{k: v for k, v in POINT.items()})
    assert nusi.fraction_above_threshold(**POINT) == before
