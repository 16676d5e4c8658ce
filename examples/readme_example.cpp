// SPDX-License-Identifier: MIT
// The README's example: the two bounds of the paper at one mediator mass, from one's own code.
#include <cmath>
#include <cstdio>

#include <nusi/nusi.hpp>

int main() {
  const double M_MeV = 1e-4;  // mediator mass
  // Core (Sec. III): N_2to4 = 1 with the paper's quoted n_nu = 1e38 cm^-3, R_min = 15 km, <E> = 30 MeV.
  const auto in = nusi::core_inputs<double>::paper_case(nusi::core_case::default_case, nusi::neutrino_density_preset::paper_quoted);
  const auto core = nusi::core_bound(M_MeV, in);
  // Propagation (Sec. IV): 99% of the SN 1987A burst below 5 MeV after 50 kpc of relic neutrinos.
  const nusi::propagation_setup<double> setup;  // paper defaults: 330 cm^-3, m_nu = 0.05 eV, D = 50 kpc
  const auto prop = nusi::propagation_bound(std::log10(M_MeV), setup, nusi::pinched_spectrum<double>::paper_default());
  std::printf("M = %g MeV: log10 g_core = %.3f, log10 g_prop = %.3f\n", M_MeV, core.log10_coupling_bound, prop.log10_g_bound);
}
