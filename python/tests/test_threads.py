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


def test_one_run_on_threads_gives_the_same_numbers():
    # threads inside one run (the kernel's source nodes and the contour's shifts): the same arithmetic per node and
    # shift, so the same numbers bit for bit.
    grid = dict(energy_bins=40, angle_bins=8)
    one = nusi.mass_state_energy_angle(-3.5, -2.3, threads=1, **grid)
    two = nusi.mass_state_energy_angle(-3.5, -2.3, threads=2, **grid)
    assert one.mean_angle_above_threshold_rad > 0
    assert np.array_equal(one.at_earth_by_angle, two.at_earth_by_angle)
    assert one.fraction_above_threshold == two.fraction_above_threshold
    single = [nusi.mass_state_fractions(-3.5, -2.3, energy_bins=80, threads=t).fraction_above_threshold for t in (1, 2)]
    assert single[0] == single[1]
    diffuse = [nusi.diffuse(energy_bins=40, redshift_steps=4, threads=t) for t in (1, 2)]
    for key in ("flux_e", "flux_mu", "flux_tau", "flux_anti_e"):
        assert np.array_equal(diffuse[0][key], diffuse[1][key]), key
    assert not np.array_equal(diffuse[0].flux_e, diffuse[0].free_flux_e)  # the relics act here
