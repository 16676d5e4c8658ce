// SPDX-License-Identifier: MIT
// Supernova neutrinos of three mass states through the relic background in one call (docs/physics.md, "Transport of
// mass states"): emission by flavour projected on mass states, the coupled transport (exact contour or odeint), and
// detection by flavour: F by flavour, by mass state, for the detected flavour and for all neutrinos, with budgets.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>

#include <boost/math/constants/constants.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "../errors.hpp"
#include "../mass_states/setup.hpp"
#include "../spectra.hpp"
#include "grid.hpp"
#include "mass_state_halves.hpp"
#include "mass_state_kernel.hpp"
#include "propagate.hpp"
#include "solvers.hpp"
#include "system.hpp"

namespace nusi {

/// Fractions above threshold of the mass-state model. Each flavour's (and mass state's) fraction counts its
/// right-handed antineutrinos above the threshold at Earth relative to the same flavour's (state's) number at Earth
/// without interactions, all energies: for g -> 0 each equals the emitted spectrum's fraction above threshold.
template <class Real>
struct mass_state_fractions {
  /// What the setup detects (mass_state_setup::detection): the detected flavour's antineutrinos or all neutrinos.
  /// The bound solves detected = exclusion level.
  threshold_fraction<Real> detected;
  std::array<threshold_fraction<Real>, 3> by_flavour;     ///< e, mu, tau
  std::array<threshold_fraction<Real>, 3> by_mass_state;  ///< states 1, 2, 3
  /// Every neutrino of every kind above threshold per emitted neutrino: the paper's F (it can exceed 1).
  threshold_fraction<Real> all_neutrinos;
  /// Fraction of the emitted spectrum above threshold, as represented on the grid (the g -> 0 value).
  Real unscattered;
  /// Whether flavour / state has antineutrinos at Earth without interactions (else its fraction is 0 and undefined).
  std::array<bool, 3> flavour_defined{}, mass_state_defined{};
};

/// Full transport result of the mass-state model. Numbers per emitted neutrino (weights normalised).
template <class Real>
struct mass_state_propagation_result {
  std::vector<Real> energy_MeV, bin_width_MeV;
  std::size_t species = 0;
  /// Per species (state * kinds + kind), then per node: emitted and at Earth (below-noise values set to 0).
  std::vector<std::vector<Real>> emitted, at_earth;
  mass_state_fractions<Real> fractions;
  Real mean_scatterings;
  Real emitted_number, number_at_earth, emitted_energy_MeV, energy_at_earth_MeV, injected_energy_MeV;
  Real underflow_number, underflow_energy_MeV;

  /// (E(D) - E(0) - injected)/E(0): rounding (the kernel's own injected energy closes it).
  Real energy_budget_relative_error() const {
    return (energy_at_earth_MeV - emitted_energy_MeV - injected_energy_MeV) / emitted_energy_MeV;
  }
  /// (N(D) - N(0) - scatterings)/N(D): rounding (two products per scattering).
  Real number_budget_relative_error() const { return (number_at_earth - emitted_number - mean_scatterings) / number_at_earth; }
};

namespace detail {

/// Contour nodes of the mass-state transport when transport_options::talbot_nodes is 0: the contour error 3.89^-24 =
/// 6.5e-15 of the scale is below the rounding term (64 eps) of the noise floor, so F and the budgets keep their
/// 1e-12 closure (20 nodes would leave 3e-12; tests/test_mass_states_transport.cpp checks the convergence against 40
/// nodes); 12 complex shifts, not 16.
inline constexpr std::size_t mass_state_talbot_nodes = 24;

/// The emission's components with weights normalised to 1; throws nusi::invalid_argument on an empty list, a bad
/// flavour or a weight that is not finite and > 0.
template <class Real, class Spectrum>
std::vector<Real> emission_weights(std::string_view fn, std::span<const flavour_emission<Real, Spectrum>> emission) {
  if (emission.empty()) throw_invalid(fn, "emission.size()", ">= 1", 0);
  std::vector<Real> w;
  Real total = 0;
  for (const auto& c : emission) {
    c.validate(fn);
    w.push_back(c.weight);
    total += c.weight;
  }
  for (Real& x : w) x /= total;
  return w;
}

/// Initial state of a mass_state_kernel: each component's spectrum on the nodes' hats times its weight and
/// |U_alpha i|^2 in (state i, right-handed antineutrino or left-handed neutrino); in full scope the underflow holds the
/// emission below the lowest node (number and energy).
/// Kernel: mass_state_kernel or anything with its grid(), scope(), nodes(), species(), size() and grid_index(k).
template <class Real, class Spectrum, class Kernel>
std::vector<Real> mass_state_emitted_state(const Kernel& kernel, const mass_state_scattering<Real>& sc,
                                           const neutrino_spectrum<Real>& spectrum,
                                           std::span<const flavour_emission<Real, Spectrum>> emission, const std::vector<Real>& weights) {
  const auto& grid = kernel.grid();
  const std::size_t n = kernel.nodes(), S = kernel.species();
  std::vector<Real> f(kernel.size(), Real(0));
  for (std::size_t c = 0; c < emission.size(); ++c) {
    const std::vector<Real> hats = hat_projections(grid, kernel.grid_index(0), emission[c].spectrum);
    const neutrino_kind kind = emission[c].antineutrino ? neutrino_kind::antineutrino_right : neutrino_kind::neutrino_left;
    for (std::size_t i = 0; i < 3; ++i) {
      const Real p = weights[c] * emission[c].probability(spectrum, i);
      const std::size_t s = sc.species_index(i, kind);
      for (std::size_t k = 0; k < n; ++k) f[k * S + s] += p * hats[k];
    }
    if (kernel.scope() == kernel_scope::full) {
      const Real e0 = grid.node_MeV(0);
      Real energy = 0;
      for (const auto& [t, w] : gauss4_unit<Real>())
        for (int half = 0; half < 2; ++half) {
          const Real x = e0 * (Real(half) + t) / 2;
          energy += w * e0 / 2 * x * emission[c].spectrum.probability_density_per_MeV(x);
        }
      f[n * S + budget_index::underflow_number] += weights[c] * emission[c].spectrum.cumulative_probability(e0);
      f[n * S + budget_index::underflow_energy] += weights[c] * energy;
    }
  }
  return f;
}

/// Fractions from the densities at Earth (value and noise per component of the tracked nodes).
/// Kernel: as mass_state_emitted_state.
template <class Real, class Spectrum, class Kernel>
mass_state_fractions<Real> mass_state_fractions_from(const Kernel& kernel, const mass_state_scattering<Real>& sc,
                                                     const neutrino_spectrum<Real>& spectrum,
                                                     std::span<const flavour_emission<Real, Spectrum>> emission,
                                                     const std::vector<Real>& weights, const std::vector<Real>& f0,
                                                     const exponential_action_result<Real>& fD, flavour detected,
                                                     detected_neutrinos detection) {
  const auto& grid = kernel.grid();
  const std::size_t n = kernel.nodes(), S = kernel.species();
  const std::size_t first = grid.first_above_threshold();
  // Per species: number above threshold at Earth and its noise, emitted above threshold.
  std::vector<Real> above(S, Real(0)), noise(S, Real(0)), emitted_above(S, Real(0));
  for (std::size_t k = 0; k < n; ++k) {
    if (kernel.grid_index(k) < first) continue;
    for (std::size_t s = 0; s < S; ++s) {
      above[s] += fD.value[k * S + s];
      noise[s] = std::max(noise[s], fD.noise[k * S + s]);
      emitted_above[s] += f0[k * S + s];
    }
  }
  // Right-handed antineutrinos of each state at Earth without interactions, all energies (spectra normalised).
  std::array<Real, 3> reference{};
  for (std::size_t c = 0; c < emission.size(); ++c)
    if (emission[c].antineutrino)
      for (std::size_t i = 0; i < 3; ++i) reference[i] += weights[c] * emission[c].probability(spectrum, i);
  auto fraction = [](Real value, Real floor, Real denominator) {
    if (!(denominator > 0)) return threshold_fraction<Real>{Real(0), Real(0), true};
    const Real F = std::max(value / denominator, Real(0)), nf = floor / denominator;
    return threshold_fraction<Real>{F, nf, !(F > nf)};
  };
  mass_state_fractions<Real> r{};
  Real emitted_anti = 0, emitted_anti_above = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    const std::size_t s = sc.species_index(i, neutrino_kind::antineutrino_right);
    r.by_mass_state[i] = fraction(above[s], noise[s], reference[i]);
    r.mass_state_defined[i] = reference[i] > 0;
    emitted_anti += reference[i];
    emitted_anti_above += emitted_above[s];
  }
  for (std::size_t b = 0; b < 3; ++b) {
    Real value = 0, floor = 0, denominator = 0;
    for (std::size_t i = 0; i < 3; ++i) {
      const Real p = spectrum.mixing_probability(static_cast<flavour>(b), i);
      const std::size_t s = sc.species_index(i, neutrino_kind::antineutrino_right);
      value += p * above[s];
      floor += p * noise[s];
      denominator += p * reference[i];
    }
    r.by_flavour[b] = fraction(value, floor, denominator);
    r.flavour_defined[b] = denominator > 0;
  }
  Real all = 0, all_noise = 0;
  for (std::size_t s = 0; s < S; ++s) {
    all += above[s];
    all_noise = std::max(all_noise, noise[s]);
  }
  r.all_neutrinos = {std::max(all, Real(0)), all_noise, !(all > all_noise)};
  r.detected = detection == detected_neutrinos::all ? r.all_neutrinos : r.by_flavour[static_cast<std::size_t>(detected)];
  Real emitted_all_above = 0;
  for (std::size_t s = 0; s < S; ++s) emitted_all_above += emitted_above[s];
  r.unscattered = emitted_anti > 0 ? emitted_anti_above / emitted_anti : emitted_all_above;
  return r;
}

template <class Real>
void validate_mass_state_run(std::string_view fn, const transport_options<Real>& options,
                             const mass_state_kernel_options<Real>& kernel_options) {
  validate_transport_options(fn, options);
  validate_kernel_options(fn, "kernel_options", kernel_options);
}
}  // namespace detail

namespace detail {
/// Nodes refining a line at E_res of half-width w (the opaque core, or the Doppler width) on a base grid: spacing
/// w/per_core (at least 64 ulps) over E_res +- 2w, then growing by 1.5 per node out to the bin's width (the rule of
/// make_energy_grid). Adds nothing if the base grid already resolves it.
template <class Real>
void add_line_nodes(const energy_grid<Real>& base, Real E_res, Real half_width, Real per_core, std::vector<Real>& extra) {
  if (!(E_res > base.node_MeV(0) && E_res < base.node_MeV(base.size() - 1)) || !(half_width > 0)) return;
  const Real bin = base.bin_width_MeV(base.bin_of(E_res));
  Real h = half_width / per_core;
  if (h >= bin) return;
  h = std::max(h, 64 * std::numeric_limits<Real>::epsilon() * E_res);
  extra.push_back(E_res);
  auto add_pair = [&](Real d) {
    if (d < E_res) extra.push_back(E_res - d);
    extra.push_back(E_res + d);
  };
  const long uniform = static_cast<long>(std::ceil(2 * half_width / h));
  Real offset = 0;
  for (long k = 1; k <= uniform && k < 100000; ++k) {
    offset = h * Real(k);
    add_pair(offset);
  }
  Real step = h;
  while (offset < bin) {
    step *= Real(1.5L);
    offset += step;
    add_pair(offset);
  }
}
}  // namespace detail

/// Energy grid of the mass-state model: the log-spaced grid of `options`, refined around each state's resonance
/// E_res = (M^2 - m^2)/(2m) where the line is optically thick and narrower than its bin (make_energy_grid's rule):
/// at rest, its opaque core (n D sigma > 1, the largest over species), half-width (M Gamma/2m) sqrt(tau_peak - 1);
/// thermal (m > 0), its Doppler width E_res p_rms/m where the line's optical depth over that width exceeds 1.
/// @throws nusi::invalid_argument on bad options.
template <class Real>
energy_grid<Real> make_mass_state_energy_grid(const mass_state_model<Real>& model, const energy_grid_options<Real>& options) {
  using std::sqrt;
  const auto& setup = model.setup();
  energy_grid<Real> base(options, setup.threshold_MeV);
  if (options.resonance_nodes_per_core == 0) return base;
  const auto& sc = model.scattering();
  const Real M = setup.interaction.med.mass_MeV, M2 = M * M, MGamma = M * sc.width_MeV();
  const Real pi = boost::math::constants::pi<Real>();
  std::vector<Real> extra;
  for (std::size_t b = 0; b < 3; ++b) {
    const Real m = model.relic().mass_MeV(b);
    if (!(m > 0) || !(M2 > m * m)) continue;
    const Real E_res = (M2 - m * m) / (2 * m);
    const auto pops = model.relic().targets(b);
    Real tau_peak = 0;  // n D sigma(s = M^2), the largest over species
    for (std::size_t p = 0; p < sc.species(); ++p) {
      Real tau = 0;
      for (std::size_t t = 0; t < pops.size(); ++t)
        tau += pops[t].density_per_cm3 * setup.distance_cm * sc.total_cross_section_cm2(p, b, t, M2);
      tau_peak = std::max(tau_peak, tau);
    }
    if (model.relic().at_rest(b)) {
      // The line's half width in s is M Gamma; in E, M Gamma/(2m); the opaque core extends sqrt(tau_peak - 1) of it.
      if (tau_peak > 1) detail::add_line_nodes(base, E_res, MGamma / (2 * m) * sqrt(tau_peak - 1), options.resonance_nodes_per_core, extra);
    } else {
      // Doppler-broadened: strength tau_peak pi (M Gamma/2m) spread over the Doppler half-width E_res p_rms/m; the
      // relic's momentum tail e^(-p/T) makes the line opaque out to |x - m| ~ T ln(tau_doppler): refine that core.
      using std::log;
      const Real T = model.relic().temperature_MeV(), doppler = E_res * model.relic().rms_momentum_MeV() / m;
      const Real tau_doppler = tau_peak * pi * MGamma / (2 * m) / (2 * doppler);
      if (tau_doppler > 1)
        detail::add_line_nodes(base, E_res, std::max(doppler, E_res * T / m * (log(tau_doppler) + 1)), options.resonance_nodes_per_core, extra);
    }
  }
  if (extra.empty()) return base;
  return energy_grid<Real>(options, setup.threshold_MeV, extra);
}

/// Fractions above threshold of the mass-state model (paper's F generalised): only nodes above the threshold are
/// evolved, exactly (exponential_action) unless options.method is odeint.
/// @throws nusi::invalid_argument on a bad setup, emission or options; nusi::numerical_error if a solve fails.
template <class Real, class Spectrum>
  requires energy_spectrum<Spectrum, Real>
mass_state_fractions<Real> mass_state_fractions_above_threshold(const mass_state_model<Real>& model,
                                                                std::span<const flavour_emission<Real, Spectrum>> emission,
                                                                const transport_options<Real>& options = {},
                                                                const mass_state_kernel_options<Real>& kernel_options = {}) {
  constexpr std::string_view fn = "nusi::mass_state_fractions_above_threshold";
  detail::validate_mass_state_run(fn, options, kernel_options);
  const std::vector<Real> weights = detail::emission_weights(fn, emission);
  const energy_grid<Real> grid = make_mass_state_energy_grid(model, options.energy);
  const mass_state_halves_operator<Real> op(model.scattering(), model.relic(), grid, kernel_scope::above_threshold, kernel_options,
                                            options.threads, kernel_options.kind_halves);
  const mass_state_kernel<Real>& kernel = op.kernel();
  const std::vector<Real> f0 = detail::mass_state_emitted_state(kernel, model.scattering(), model.spectrum(), emission, weights);
  exponential_action_result<Real> fD = detail::evolve(op, f0, model.setup().distance_cm, options, detail::mass_state_talbot_nodes);
  detail::apply_cascade_floor(fD, kernel.nodes(), kernel.species());
  return detail::mass_state_fractions_from(kernel, model.scattering(), model.spectrum(), emission, weights, f0, fD,
                                           model.setup().detected_flavour, model.setup().detection);
}

namespace detail {
/// The energy-only result from the emitted state f0 and the state at Earth fD, both laid out as `layout` (energy node x
/// species, then the budget accumulators): spectra (below-noise values 0), number and energy budgets, fractions.
template <class Real, class Layout, class Spectrum>
mass_state_propagation_result<Real> mass_state_result_from(const Layout& layout, const energy_grid<Real>& grid,
                                                           const mass_state_model<Real>& model,
                                                           std::span<const flavour_emission<Real, Spectrum>> emission,
                                                           const std::vector<Real>& weights, const std::vector<Real>& f0,
                                                           const exponential_action_result<Real>& fD) {
  const std::size_t N = grid.size(), S = model.scattering().species();
  mass_state_propagation_result<Real> r{};
  r.energy_MeV = grid.nodes_MeV();
  r.bin_width_MeV.resize(N);
  for (std::size_t j = 0; j < N; ++j) r.bin_width_MeV[j] = grid.bin_width_MeV(j);
  r.species = S;
  r.emitted.assign(S, std::vector<Real>(N, Real(0)));
  r.at_earth = r.emitted;
  Real n0 = 0, nD = 0, e0 = 0, eD = 0;
  using std::abs;
  for (std::size_t k = 0; k < N; ++k)
    for (std::size_t s = 0; s < S; ++s) {
      const std::size_t c = k * S + s;
      r.emitted[s][k] = f0[c];
      r.at_earth[s][k] = abs(fD.value[c]) <= fD.noise[c] ? Real(0) : fD.value[c];
      n0 += f0[c];
      nD += fD.value[c];
      e0 += f0[c] * grid.node_MeV(k);
      eD += fD.value[c] * grid.node_MeV(k);
    }
  const Real* b0 = f0.data() + N * S;
  const Real* bD = fD.value.data() + N * S;
  r.emitted_number = n0 + b0[budget_index::underflow_number];
  r.number_at_earth = nD + bD[budget_index::underflow_number];
  r.emitted_energy_MeV = e0 + b0[budget_index::underflow_energy];
  r.energy_at_earth_MeV = eD + bD[budget_index::underflow_energy];
  r.mean_scatterings = bD[budget_index::scatterings] - b0[budget_index::scatterings];
  r.injected_energy_MeV = bD[budget_index::injected_energy] - b0[budget_index::injected_energy];
  r.underflow_number = bD[budget_index::underflow_number];
  r.underflow_energy_MeV = bD[budget_index::underflow_energy];
  r.fractions = mass_state_fractions_from(layout, model.scattering(), model.spectrum(), emission, weights, f0, fD,
                                          model.setup().detected_flavour, model.setup().detection);
  return r;
}
}  // namespace detail

/// Full transport of the mass-state model: spectra at Earth per species, fractions, budgets.
/// @throws as mass_state_fractions_above_threshold.
template <class Real, class Spectrum>
  requires energy_spectrum<Spectrum, Real>
mass_state_propagation_result<Real> propagate_mass_states(const mass_state_model<Real>& model,
                                                          std::span<const flavour_emission<Real, Spectrum>> emission,
                                                          const transport_options<Real>& options = {},
                                                          const mass_state_kernel_options<Real>& kernel_options = {}) {
  constexpr std::string_view fn = "nusi::propagate_mass_states";
  detail::validate_mass_state_run(fn, options, kernel_options);
  const std::vector<Real> weights = detail::emission_weights(fn, emission);
  const energy_grid<Real> grid = make_mass_state_energy_grid(model, options.energy);
  const mass_state_halves_operator<Real> op(model.scattering(), model.relic(), grid, kernel_scope::full, kernel_options, options.threads,
                                            kernel_options.kind_halves);
  const mass_state_kernel<Real>& kernel = op.kernel();
  const std::vector<Real> f0 = detail::mass_state_emitted_state(kernel, model.scattering(), model.spectrum(), emission, weights);
  exponential_action_result<Real> fD = detail::evolve(op, f0, model.setup().distance_cm, options, detail::mass_state_talbot_nodes);
  detail::apply_cascade_floor(fD, kernel.nodes(), kernel.species());
  return detail::mass_state_result_from(kernel, grid, model, emission, weights, f0, fD);
}

}  // namespace nusi
