// SPDX-License-Identifier: MIT
// Every plug-in point of nusi in one program: your own radial profile (core, paper Sec. III), your own
// emission spectrum (propagation, Sec. IV) and your own odeint stepper (Eq. 8). See docs/embedding.md.
#include <cmath>
#include <cstdio>
#include <vector>

#include <boost/numeric/odeint.hpp>

#include <nusi/nusi.hpp>

// 1. A profile: an exponential atmosphere above 15 km with a constant 1e38 cm^-3 neutrino gas at 30 MeV.
struct exponential_core {
  double nucleon_density_per_cm3(double r_cm) const { return 6e37 * std::exp(-(r_cm - 1.5e6) / 3e5); }
  double neutrino_density_per_cm3(double) const { return 1e38; }
  double mean_energy_MeV(double) const { return 30.0; }
};

// 2. A spectrum: flat between 10 and 20 MeV (normalised to one neutrino).
struct box_spectrum {
  double probability_density_per_MeV(double E) const { return E > 10 && E < 20 ? 0.1 : 0.0; }
  double cumulative_probability(double E) const { return E <= 10 ? 0.0 : (E >= 20 ? 1.0 : (E - 10) / 10); }
  double mean_energy_MeV() const { return 15.0; }
};
static_assert(nusi::radial_profile<exponential_core, double>);
static_assert(nusi::energy_spectrum<box_spectrum, double>);

int main() {
  // Core: the random walk and the bound work on any radial_profile.
  const nusi::random_walk<double, exponential_core> walk(exponential_core{}, {.R_min_cm = nusi::km(15.0), .R_max_cm = nusi::km(45.0)});
  const auto core = nusi::core_bound(walk, 1.0);  // M = 1 MeV
  std::printf("exponential core: N_nuN = %.4g, log10 g_core = %.3f\n", walk.scatterings().value, core.log10_coupling_bound);

  // Propagation: F for the box spectrum at log10 M = -6, log10 g = -2.2 (paper's other inputs).
  nusi::propagation_setup<double> setup;
  setup.med = {.mass_MeV = 1e-6, .coupling = std::pow(10.0, -2.2)};
  const auto F = nusi::fraction_above_threshold(setup, box_spectrum{}, nusi::transport_options<double>{});
  std::printf("box spectrum: F = %.6f (exact exponential)\n", F.value);

  // 3. A stepper: Eq. (8) as an odeint System, integrated with odeint's controlled dopri5 (explicit:
  // fine here at moderate optical depth; the stiff default is nusi::make_transport_stepper).
  const auto grid = nusi::make_energy_grid(setup, nusi::energy_grid_options<double>{});
  const nusi::energy_kernel<double> kernel(setup, grid);
  std::vector<double> f = nusi::emitted_state(kernel, box_spectrum{});
  namespace odeint = boost::numeric::odeint;
  const auto steps = nusi::integrate_transport(odeint::make_controlled<odeint::runge_kutta_dopri5<std::vector<double>>>(1e-12, 1e-9),
                                               nusi::transport_system(kernel), f, setup.distance_cm, setup.distance_cm * 1e-4);
  double above = 0;
  for (std::size_t j = 0; j < grid.size(); ++j)
    if (grid.node_MeV(j) > setup.threshold_MeV) above += f[j];
  std::printf("box spectrum: F = %.6f (odeint dopri5, %zu steps)\n", above, steps);
  return std::abs(above - F.value) < 1e-6 ? 0 : 1;
}
