// SPDX-License-Identifier: MIT
// The propagation cross section of paper Eq. (4) across supernova energies, at the Fig. 3 point
// log10(M/MeV) = -3.5, log10 g = -1.75, and the core's 2nu->4nu estimate (Eqs. 2-3) at E_cm = 2E.
// Writes a CSV table with units: the resonance at E_res = M^2/(2 m_nu) = 1 MeV stands out.
#include <cmath>
#include <cstdio>

#include <nusi/nusi.hpp>

int main() {
  const nusi::mediator<double> med{.mass_MeV = std::pow(10.0, -3.5), .coupling = std::pow(10.0, -1.75)};
  const nusi::relic_neutrinos<double> relic{};  // m_nu = 0.05 eV, Majorana, 330 cm^-3
  const nusi::s_channel_breit_wigner<double> bw(med, relic.mass_MeV);
  std::printf("# M = %.4g MeV, g = %.4g, Gamma = %.4g MeV, E_res = %.6g MeV\n", med.mass_MeV, med.coupling,
              bw.width_MeV(), bw.resonance_energy_MeV());
  std::printf("E_MeV,sigma_tot_cm2,bin_averaged_sigma_tot_cm2,mean_free_path_kpc,sigma_2to4_cm2\n");
  // 40 log-spaced bins from 0.1 to 100 MeV; the bin average weighs the narrow resonance correctly.
  const int bins = 40;
  for (int i = 0; i < bins; ++i) {
    const double lo = 0.1 * std::pow(1e3, double(i) / bins), hi = 0.1 * std::pow(1e3, double(i + 1) / bins);
    const double E = std::sqrt(lo * hi);
    const double sigma = bw.sigma_total_cm2(E);
    const double averaged = bw.bin_averaged_sigma_total_cm2(lo, hi);
    const double mfp_kpc = 1.0 / (relic.target_density_per_cm3() * averaged) / nusi::kpc_cm<double>;
    std::printf("%.6g,%.6e,%.6e,%.6e,%.6e\n", E, sigma, averaged, mfp_kpc, nusi::sigma_2to4_cm2(2 * E, med));
  }
  return 0;
}
