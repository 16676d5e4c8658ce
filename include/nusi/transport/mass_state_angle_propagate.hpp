// SPDX-License-Identifier: MIT
// Energy-angle transport of the three mass states in one call (docs/physics.md, "Energy-angle transport of mass
// states"): the arrival-direction map by energy, angle and species, plus everything propagate_mass_states reports
// (marginal over angle). Relics at rest or thermal. Energy only: mass_state_propagate.hpp; the paper's model: propagate.hpp.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "../errors.hpp"
#include "../mass_states/setup.hpp"
#include "grid.hpp"
#include "mass_state_angle_kernel.hpp"
#include "mass_state_propagate.hpp"
#include "propagate.hpp"
#include "solvers.hpp"

namespace nusi {

/// Energy-angle result of the mass-state model: the energy-only result (marginal over angle, with fractions by flavour
/// and mass state and the budgets) and the arrival-direction map per species. Numbers per emitted neutrino.
template <class Real>
struct mass_state_energy_angle_result {
  mass_state_propagation_result<Real> energy;
  std::vector<Real> angle_rad;      ///< angle nodes (theta = 0 first)
  std::vector<Real> one_minus_cos;  ///< 1 - cos theta at the nodes
  std::size_t species = 0;
  /// Neutrinos at (energy node j, angle node a, species sigma), index (j * angles + a) * species + sigma (below-noise
  /// values set to 0).
  std::vector<Real> at_earth;
  /// Mean and root-mean-square arrival angle of every neutrino above threshold [rad].
  Real mean_angle_above_threshold_rad = 0, rms_angle_above_threshold_rad = 0;
  angle_model deflections = angle_model::three_dimensional;
  Real threshold_MeV = 0;

  /// Number at Earth per angle node, summed over energies (above the threshold only if asked) and over the species
  /// for which `include(sigma)` is true (every species by default).
  template <class Include>
  std::vector<Real> angular_distribution(bool above_threshold_only, Include&& include) const {
    const std::size_t A = angle_rad.size(), N = energy.energy_MeV.size();
    std::vector<Real> d(A, Real(0));
    for (std::size_t j = 0; j < N; ++j)
      if (!above_threshold_only || energy.energy_MeV[j] > threshold_MeV)
        for (std::size_t a = 0; a < A; ++a)
          for (std::size_t s = 0; s < species; ++s)
            if (include(s)) d[a] += at_earth[(j * A + a) * species + s];
    return d;
  }
  std::vector<Real> angular_distribution(bool above_threshold_only) const {
    return angular_distribution(above_threshold_only, [](std::size_t) { return true; });
  }
};

namespace detail {
/// The energy x species layout of a mass_state_energy_angle_kernel, for the energy-only helpers (emission, fractions).
template <class Real>
struct mass_state_energy_view {
  const energy_grid<Real>& grid_;
  std::size_t S;
  const energy_grid<Real>& grid() const { return grid_; }
  kernel_scope scope() const { return kernel_scope::full; }
  std::size_t nodes() const { return grid_.size(); }
  std::size_t species() const { return S; }
  std::size_t size() const { return grid_.size() * S + budget_index::count; }
  std::size_t grid_index(std::size_t k) const { return k; }
};
}  // namespace detail

/// Energy-angle transport of the mass-state model (relics at rest or thermal): emission along the line of sight
/// (theta = 0), the coupled transport of mass_state_energy_angle_kernel over setup.distance_cm (exact contour, or odeint
/// if options.method says so; options.angle and options.deflections as propagate_energy_angle), and detection: the map
/// by energy, angle and species, and the energy-only quantities (fractions by flavour and state, budgets).
/// @throws nusi::invalid_argument on a bad setup, emission or options (kernel_options.thermal_angle_parts in [1, 64]),
/// or grids beyond max_energy_angle_solver_entries (energy x angle x species x talbot_nodes/2); nusi::numerical_error
/// if the evolution fails.
template <class Real, class Spectrum>
  requires energy_spectrum<Spectrum, Real>
mass_state_energy_angle_result<Real> propagate_mass_states_energy_angle(
    const mass_state_model<Real>& model, std::span<const flavour_emission<Real, Spectrum>> emission,
    const transport_options<Real>& options = {}, const mass_state_kernel_options<Real>& kernel_options = {}) {
  constexpr std::string_view fn = "nusi::propagate_mass_states_energy_angle";
  detail::validate_mass_state_run(fn, options, kernel_options);
  const std::vector<Real> weights = detail::emission_weights(fn, emission);
  const energy_grid<Real> grid = make_mass_state_energy_grid(model, options.energy);
  const angle_grid<Real> angles(options.angle);
  const std::size_t S = model.scattering().species();
  const long double solver_entries = static_cast<long double>(grid.size()) * static_cast<long double>(angles.size()) *
                                     static_cast<long double>(S) *
                                     static_cast<long double>(detail::talbot_nodes_of(options, detail::mass_state_talbot_nodes)) / 2;
  if (solver_entries > static_cast<long double>(max_energy_angle_solver_entries))
    detail::throw_invalid(fn, "energy.bins and angle.bins",
                          "giving at most 2^26 solver entries (energy nodes x angle nodes x species x talbot_nodes/2): reduce them",
                          solver_entries);
  const mass_state_energy_angle_kernel<Real> kernel(model.scattering(), model.relic(), grid, angles, options.deflections,
                                                    kernel_options, options.threads);
  const std::size_t N = grid.size(), A = angles.size(), n = kernel.nodes();
  const detail::mass_state_energy_view<Real> view{grid, S};
  const std::vector<Real> e0 = detail::mass_state_emitted_state(view, model.scattering(), model.spectrum(), emission, weights);
  std::vector<Real> f0(kernel.size(), Real(0));  // emitted along the line of sight: angle node 0
  for (std::size_t j = 0; j < N; ++j)
    for (std::size_t s = 0; s < S; ++s) f0[(j * A) * S + s] = e0[j * S + s];
  for (std::size_t c = 0; c < budget_index::count; ++c) f0[n + c] = e0[N * S + c];
  transport_options<Real> solve_options = options;
  solve_options.threads = 1;  // the kernel pipelines its own solves on options.threads (not the shifts as well)
  exponential_action_result<Real> fD = detail::evolve(kernel, f0, model.setup().distance_cm, solve_options, detail::mass_state_talbot_nodes);
  detail::apply_cascade_floor(fD, N, A * S);
  // Marginal over angle (noise: the sum of the angle nodes' floors).
  exponential_action_result<Real> eD{std::vector<Real>(view.size(), Real(0)), std::vector<Real>(view.size(), Real(0)),
                                     std::vector<Real>(view.size(), Real(0))};
  for (std::size_t j = 0; j < N; ++j)
    for (std::size_t a = 0; a < A; ++a)
      for (std::size_t s = 0; s < S; ++s) {
        const std::size_t c = (j * A + a) * S + s;
        eD.value[j * S + s] += fD.value[c];
        eD.noise[j * S + s] += fD.noise[c];
        eD.scale[j * S + s] += fD.scale[c];
      }
  for (std::size_t c = 0; c < budget_index::count; ++c) {
    eD.value[N * S + c] = fD.value[n + c];
    eD.noise[N * S + c] = fD.noise[n + c];
    eD.scale[N * S + c] = fD.scale[n + c];
  }
  mass_state_energy_angle_result<Real> r{};
  r.energy = detail::mass_state_result_from(view, grid, model, emission, weights, e0, eD);
  r.species = S;
  r.deflections = options.deflections;
  r.threshold_MeV = model.setup().threshold_MeV;
  detail::fill_arrival_angles(r, grid, angles, fD, S);
  return r;
}

}  // namespace nusi
