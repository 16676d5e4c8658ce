# SPDX-License-Identifier: MIT
# Scans over many points run on threads with the GIL released; each point is computed alone, so the values
# do not depend on the thread count (bit for bit), and other Python threads may call the module meanwhile.
import threading

import numpy as np

import nusi


def test_fraction_scan_is_thread_count_independent():
    masses, couplings = np.meshgrid(np.linspace(-4.0, 0.0, 6), np.linspace(-3.0, -0.5, 4), indexing="ij")
    one = nusi.fraction_above_threshold(log10_mass_MeV=masses, log10_g=couplings, threads=1)
    for threads in (2, 3, 0):  # 0: every core
        assert np.array_equal(nusi.fraction_above_threshold(log10_mass_MeV=masses, log10_g=couplings, threads=threads), one)


def test_propagation_bound_is_thread_count_independent():
    masses = np.linspace(-4.0, -1.0, 5)
    one = nusi.propagation_bound(log10_mass_MeV=masses, threads=1).log10_g_bound
    assert np.array_equal(nusi.propagation_bound(log10_mass_MeV=masses, threads=2).log10_g_bound, one)


def test_calls_from_python_threads_agree():
    points = [(-3.5 + 0.5 * k, -2.0) for k in range(6)]
    expected = [nusi.fraction_above_threshold(log10_mass_MeV=m, log10_g=g) for m, g in points]
    results = [None] * len(points)

    def work(k):
        for _ in range(20):
            results[k] = nusi.fraction_above_threshold(log10_mass_MeV=points[k][0], log10_g=points[k][1])

    threads = [threading.Thread(target=work, args=(k,)) for k in range(len(points))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == expected
