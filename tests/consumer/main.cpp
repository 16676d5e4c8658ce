// SPDX-License-Identifier: MIT
// Downstream use of nusi: peak of the s-channel cross section is 4 pi / M^2 (paper Eq. 4).
#include <cmath>
#include <cstdio>

#include <nusi/nusi.hpp>

int main() {
  const nusi::mediator<double> med{.mass_MeV = 1e-3, .coupling = 1e-2};
  const nusi::s_channel_breit_wigner<double> bw(med);
  const double peak = bw.sigma_total_cm2(bw.resonance_energy_MeV());
  const double expected = nusi::per_MeV2_to_cm2(4 * M_PI / (med.mass_MeV * med.mass_MeV));
  std::printf("sigma(E_res) = %.6e cm^2, 4 pi/M^2 = %.6e cm^2\n", peak, expected);
  return std::abs(peak / expected - 1) < 1e-6 ? 0 : 1;
}
