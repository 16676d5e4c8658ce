# SPDX-License-Identifier: MIT
# Reference counting: 10^4 calls leave the arguments' reference counts and the number of live Python
# objects unchanged and do not grow the traced Python heap (a leaked float, array or result per call would
# add at least 24 bytes per call, 240 kB in all).
import gc
import sys
import tracemalloc

import numpy as np

import nusi

CALLS = 10_000


def live_objects():
    gc.collect()
    return len(gc.get_objects())


def test_no_leak_across_scalar_calls():
    mass, coupling = 1.0 + 0.0, -2.0 + 0.0  # fresh floats (not cached constants)
    refs = (sys.getrefcount(mass), sys.getrefcount(coupling))
    for _ in range(100):  # warm up: lazily created caches (pybind11's type info, numpy's import)
        nusi.fraction_above_threshold(log10_mass_MeV=mass, log10_g=coupling)
    objects = live_objects()
    tracemalloc.start()
    start = tracemalloc.get_traced_memory()[0]
    for _ in range(CALLS):
        nusi.fraction_above_threshold(log10_mass_MeV=mass, log10_g=coupling)
    grown = tracemalloc.get_traced_memory()[0] - start
    tracemalloc.stop()
    assert (sys.getrefcount(mass), sys.getrefcount(coupling)) == refs
    assert live_objects() - objects <= 10  # gc bookkeeping of the test itself, not per call
    assert grown < 24 * CALLS / 10  # a leak of one small object per call would exceed this tenfold


def test_no_leak_across_array_and_result_calls():
    masses = np.array([0.0, 1.0, 2.0])
    refs = sys.getrefcount(masses)
    for _ in range(100):
        nusi.core_bound(log10_mass_MeV=masses, preset="paper_quoted").log10_g_bound
    objects = live_objects()
    tracemalloc.start()
    start = tracemalloc.get_traced_memory()[0]
    for _ in range(CALLS):
        r = nusi.core_bound(log10_mass_MeV=masses, preset="paper_quoted")
        r.log10_g_bound
    del r
    grown = tracemalloc.get_traced_memory()[0] - start
    tracemalloc.stop()
    assert sys.getrefcount(masses) == refs
    assert live_objects() - objects <= 10
    assert grown < 24 * CALLS / 10
