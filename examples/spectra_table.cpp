// SPDX-License-Identifier: MIT
// The paper's two spectra side by side: the core's Fermi-Dirac spectrum with <E> = 30 MeV at zero
// degeneracy (Sec. III; T = <E>/3.1514) and the emitted pinched spectrum with <E> = 15 MeV,
// <E^2> = 290 MeV^2 (Sec. IV; alpha = 160/65). Prints their moments, then a CSV table of density
// and CDF. Any type satisfying nusi::energy_spectrum (yours too) can be summarised the same way.
#include <cstdio>

#include <nusi/spectra.hpp>

namespace {
/// Mean, median and the fraction above the 5 MeV detection threshold of any energy spectrum.
template <class S>
  requires nusi::energy_spectrum<S, double>
void summarise(const char* name, const S& s) {
  // Median by bisection on the CDF: works for any spectrum, not only ours.
  double lo = 0, hi = 10 * s.mean_energy_MeV();
  for (int i = 0; i < 60; ++i) (s.cumulative_probability((lo + hi) / 2) < 0.5 ? lo : hi) = (lo + hi) / 2;
  std::printf("# %-12s <E> = %7.4f MeV, median = %7.4f MeV, N(E > 5 MeV)/N = %.6f\n", name, s.mean_energy_MeV(),
              (lo + hi) / 2, 1 - s.cumulative_probability(5.0));
}
}  // namespace

int main() {
  const auto core = nusi::fermi_dirac_spectrum<double>::from_mean_energy(30.0);  // eta = 0
  const auto emitted = nusi::pinched_spectrum<double>::paper_default();

  std::printf("# Fermi-Dirac: T = %.6f MeV (<E>/T = %.6f), n = %.6e cm^-3 per species\n", core.temperature_MeV(),
              core.mean_energy_MeV() / core.temperature_MeV(), core.number_density_per_cm3());
  std::printf("#   <E> = %.6f MeV, <E^2> = %.6f MeV^2, <E^3> = %.6f MeV^3, <1/E> = %.6f MeV^-1\n",
              core.moment_MeVn(1.0), core.mean_square_energy_MeV2(), core.moment_MeVn(3.0), core.moment_MeVn(-1.0));
  std::printf("# pinched: alpha = %.6f\n", emitted.alpha());
  std::printf("#   <E> = %.6f MeV, <E^2> = %.6f MeV^2, <E^3> = %.6f MeV^3, <1/E> = %.6f MeV^-1\n",
              emitted.mean_energy_MeV(), emitted.mean_square_energy_MeV2(), emitted.moment_MeVn(3.0),
              emitted.moment_MeVn(-1.0));
  summarise("Fermi-Dirac", core);
  summarise("pinched", emitted);

  std::printf("E_MeV,fermi_dirac_density_per_MeV,fermi_dirac_cdf,pinched_density_per_MeV,pinched_cdf\n");
  for (int i = 0; i <= 40; ++i) {
    const double E = 2.5 * i;  // 0 to 100 MeV
    std::printf("%.1f,%.6e,%.6f,%.6e,%.6f\n", E, core.probability_density_per_MeV(E), core.cumulative_probability(E),
                emitted.probability_density_per_MeV(E), emitted.cumulative_probability(E));
  }
  return 0;
}
