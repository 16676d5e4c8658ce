#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The cost of calling F from Python against the C++ call, measured in one run (docs/performance.md).

Python: nusi.fraction_above_threshold(log10_mass_MeV=x, log10_g=y), one call per F (keyword parsing, the
setup built from the defaults, the GIL released and taken back, a float returned). C++: the same F computed
N times inside one vectorised call on one thread (nusi.fraction_above_threshold over N equal points,
threads=1), whose per-point cost is the library's F plus a copy of the setup. The ratio of the two is the
overhead of the Python call. The two are timed in alternation and each keeps its minimum over the rounds
(the least disturbed by other load on the machine).

usage: PYTHONPATH=<build>/python /usr/bin/python3 bench/python_overhead.py [rounds]
"""
import sys
import time

import numpy as np

import nusi


def timed(f, number):
    t0 = time.perf_counter()
    for _ in range(number):
        f()
    return time.perf_counter() - t0


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    n = 200
    # The library's default point (near the resonance), a heavy mediator, and a 4-node grid where F costs
    # almost nothing, so that the difference of the two columns is the overhead of the call itself.
    cases = [(-3.5, -1.75, 400), (1.0, -2.0, 400), (1.0, -2.0, 4)]
    print(f"nusi {nusi.__version__}: minimum over {rounds} interleaved rounds of {n} F")
    print(f"{'log10 M':>8} {'log10 g':>8} {'bins':>5} {'python call [us]':>17} {'C++ per F [us]':>15} {'ratio':>6}")
    for x, y, bins in cases:
        masses, couplings = np.full(n, x), np.full(n, y)
        assert nusi.fraction_above_threshold(log10_mass_MeV=x, log10_g=y, energy_bins=bins) == \
            nusi.fraction_above_threshold(log10_mass_MeV=masses[:1], log10_g=couplings[:1], energy_bins=bins, threads=1)[0]
        python = cxx = float("inf")
        for _ in range(rounds):  # interleaved, so that both see the same load
            python = min(python, timed(lambda: nusi.fraction_above_threshold(log10_mass_MeV=x, log10_g=y, energy_bins=bins), n) / n)
            cxx = min(cxx, timed(lambda: nusi.fraction_above_threshold(log10_mass_MeV=masses, log10_g=couplings,
                                                                       energy_bins=bins, threads=1), 1) / n)
        print(f"{x:8.2f} {y:8.2f} {bins:5d} {python * 1e6:17.2f} {cxx * 1e6:15.2f} {python / cxx:6.3f}")


if __name__ == "__main__":
    main()
