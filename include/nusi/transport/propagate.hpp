// SPDX-License-Identifier: MIT
// Supernova neutrinos through the relic background to Earth (paper Sec. IV, Eq. 8) in one call: the
// spectrum at Earth, F = N(E > threshold)/N(emitted), mean scatterings, number and energy budgets,
// and (energy-angle mode) the arrival-direction map of paper Fig. 3; the spectrum at Earth as a
// detection binned_spectrum. For bounds see propagation_bound.hpp.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

#include "../angle_model.hpp"
#include "../detection/event_rates.hpp"
#include "../errors.hpp"
#include "../propagation_setup.hpp"
#include "../spectra.hpp"
#include "grid.hpp"
#include "kernel.hpp"
#include "solvers.hpp"
#include "system.hpp"

namespace nusi {

/// How f(D) = exp(A D) f(0) is obtained: `exact` (exponential_action, the default) or `odeint`
/// (integrate_transport with make_transport_stepper: the general stepping path, for cross-checks).
enum class transport_method { exact, odeint };

/// Numerical settings of the transport. The physics inputs are in propagation_setup.
template <class Real>
struct transport_options {
  energy_grid_options<Real> energy{};
  /// Used by the energy-angle mode only.
  angle_grid_options<Real> angle{};
  /// Energy-angle mode: how deflections compose (angle_model.hpp; docs/physics.md "Angle models"). The
  /// default is the physical 3D composition; paper_eq8_additive is paper Eq. (8) read literally, the model
  /// of the paper's Fig. 3. F does not depend on it (only through the 1/cos theta path factor, ~1e-9).
  angle_model deflections = angle_model::three_dimensional;
  transport_method method = transport_method::exact;
  /// Contour nodes of exponential_action (error ~ 3.89^-N, then rounding); 0: the path's default, 32 for the paper's
  /// transport, detail::mass_state_talbot_nodes (24) for the mass-state model (docs/performance.md, "Mass states").
  std::size_t talbot_nodes = 0;
  /// Tolerances of the odeint path.
  Real odeint_abs_tol = Real(1e-13L);
  Real odeint_rel_tol = Real(1e-9L);
  /// Threads of one run (0: all cores): the exact path's contour solves, and for the mass-state model the kernel's
  /// assembly. The result is the same bit for bit for any count. Keep 1 where runs are already spread over threads.
  std::size_t threads = 1;
};

/// F = N(E > threshold at Earth) / N(emitted), with the level below which it is rounding noise.
template <class Real>
struct threshold_fraction {
  /// F, clamped at 0; when is_upper_limit, only F < noise_floor is known.
  Real value;
  Real noise_floor;
  bool is_upper_limit;
};

/// Energy-only propagation result. Numbers are per emitted neutrino (the spectrum is normalised).
template <class Real>
struct propagation_result {
  std::vector<Real> energy_MeV;     ///< node energies
  std::vector<Real> bin_width_MeV;  ///< width of each node's bin (= integral of its hat)
  std::vector<Real> emitted;        ///< neutrinos at each node at r = 0
  std::vector<Real> at_earth;       ///< neutrinos at each node at r = D (below-noise values set to 0)
  std::vector<Real> noise;          ///< per node: values below this are indistinguishable from 0
  threshold_fraction<Real> fraction_above_threshold;
  Real emitted_fraction_above_threshold;
  /// Scatterings per emitted neutrino (integral of the scattering rate over r).
  Real mean_scatterings;
  Real emitted_number, number_at_earth;  ///< on the grid, including the underflow below the lowest node
  Real emitted_energy_MeV, energy_at_earth_MeV;
  /// Energy brought in by the targets: E_f,min(E_i) ~ m_nu/2 per scattering (PHYSICS-SPEC).
  Real injected_energy_MeV;
  Real underflow_number, underflow_energy_MeV;  ///< below the lowest node at r = D

  /// (E(D) - E(0) - injected)/E(0): zero up to rounding (the kernel conserves energy on the grid).
  Real energy_budget_relative_error() const {
    return (energy_at_earth_MeV - emitted_energy_MeV - injected_energy_MeV) / emitted_energy_MeV;
  }
  /// (N(D) - N(0) - scatterings)/N(D): each scattering adds exactly one neutrino (N(D) >= N(0)).
  Real number_budget_relative_error() const {
    return (number_at_earth - emitted_number - mean_scatterings) / number_at_earth;
  }
  /// dN/dE at Earth [MeV^-1] per emitted neutrino, at the nodes.
  std::vector<Real> spectrum_at_earth_per_MeV() const { return per_MeV(at_earth); }
  /// Emitted dN/dE [MeV^-1] as represented on the grid.
  std::vector<Real> emitted_spectrum_per_MeV() const { return per_MeV(emitted); }

 private:
  std::vector<Real> per_MeV(const std::vector<Real>& n) const {
    std::vector<Real> s(n.size());
    for (std::size_t j = 0; j < n.size(); ++j) s[j] = n[j] / bin_width_MeV[j];
    return s;
  }
};

/// Energy-angle result: the energy-only quantities (marginal over angle) plus the map of paper Fig. 3.
template <class Real>
struct energy_angle_result {
  propagation_result<Real> energy;
  std::vector<Real> angle_rad;        ///< angle nodes (theta = 0 first)
  std::vector<Real> one_minus_cos;    ///< 1 - cos theta at the nodes
  /// Neutrinos at (energy node j, angle node a), index j * angle_rad.size() + a, per emitted neutrino.
  std::vector<Real> at_earth;
  /// Mean arrival angle of the neutrinos above threshold [rad] (the angle split preserves it exactly).
  Real mean_angle_above_threshold_rad;
  /// Root-mean-square arrival angle above threshold [rad] (sensitive to the angle grid's resolution).
  Real rms_angle_above_threshold_rad;
  /// The angle model the map was computed with.
  angle_model deflections = angle_model::three_dimensional;

  /// Number at Earth per angle node (summed over energy), above the threshold only if asked.
  std::vector<Real> angular_distribution(bool above_threshold_only) const {
    const std::size_t A = angle_rad.size(), N = energy.energy_MeV.size();
    std::vector<Real> d(A, Real(0));
    for (std::size_t j = 0; j < N; ++j)
      if (!above_threshold_only || energy.energy_MeV[j] > threshold_MeV)
        for (std::size_t a = 0; a < A; ++a) d[a] += at_earth[j * A + a];
    return d;
  }
  Real threshold_MeV;
};

namespace detail {
/// Checks the method-specific settings of transport_options, used or not (the grid options are
/// checked by the grids): talbot_nodes 0 (the path's default) or even in [4, 200], odeint tolerances finite and > 0.
template <class Real>
void validate_transport_options(std::string_view fn, const transport_options<Real>& o) {
  if (o.method != transport_method::exact && o.method != transport_method::odeint)
    throw_invalid(fn, "options.method", "exact or odeint", static_cast<int>(o.method));
  if (o.talbot_nodes != 0 && (o.talbot_nodes < 4 || o.talbot_nodes % 2 != 0 || o.talbot_nodes > 200))
    throw_invalid(fn, "options.talbot_nodes", "0 (the default) or even, in [4, 200]", o.talbot_nodes);
  require_positive(fn, "options.odeint_abs_tol", o.odeint_abs_tol);
  require_positive(fn, "options.odeint_rel_tol", o.odeint_rel_tol);
  require_thread_count(fn, "options.threads", o.threads);
}

/// Contour nodes of the paper's transport (energy and energy-angle) when options.talbot_nodes is 0.
inline constexpr std::size_t default_talbot_nodes = 32;

/// options.talbot_nodes, or `path_default` if it is 0.
template <class Real>
std::size_t talbot_nodes_of(const transport_options<Real>& options, std::size_t path_default = default_talbot_nodes) {
  return options.talbot_nodes == 0 ? path_default : options.talbot_nodes;
}

template <class Real, class Op>
exponential_action_result<Real> evolve(const Op& op, const std::vector<Real>& f0, Real distance_cm,
                                       const transport_options<Real>& options,
                                       std::size_t default_nodes = default_talbot_nodes) {
  validate_transport_options("nusi::propagate", options);
  if (options.method == transport_method::exact)
    return exponential_action(op, f0, distance_cm, talbot_nodes_of(options, default_nodes), options.threads);
  std::vector<Real> f = f0;
  integrate_transport(make_transport_stepper(options.odeint_abs_tol, options.odeint_rel_tol),
                      transport_system<Op>(op), f, distance_cm, distance_cm * Real(1e-6L));
  return {f, std::vector<Real>(f.size(), options.odeint_abs_tol), std::vector<Real>(f.size(), Real(0))};
}

/// Noise floor per component for a state of `rows` energy rows of `row_size` components (ascending
/// energy), then accumulators: its own noise, or 256 eps times the largest scale of the rows at or
/// above its energy (they feed it; the contour's error for components deep in the cascade follows
/// their size, not the component's own), whichever is larger. Calibrated on the energy-angle transport,
/// where differences between 32- and 48-node contours stayed below 160 eps of that largest scale.
template <class Real>
void apply_cascade_floor(exponential_action_result<Real>& r, std::size_t rows, std::size_t row_size) {
  const Real factor = 256 * std::numeric_limits<Real>::epsilon();
  Real largest = 0;
  for (std::size_t j = rows; j-- > 0;) {
    for (std::size_t a = 0; a < row_size; ++a) largest = std::max(largest, r.scale[j * row_size + a]);
    for (std::size_t a = 0; a < row_size; ++a) r.noise[j * row_size + a] = std::max(r.noise[j * row_size + a], factor * largest);
  }
}

template <class Real>
propagation_result<Real> energy_result(const energy_grid<Real>& grid, const std::vector<Real>& f0,
                                       const exponential_action_result<Real>& fD, std::size_t angles) {
  const std::size_t N = grid.size(), n = N * angles;
  propagation_result<Real> r{};
  r.energy_MeV = grid.nodes_MeV();
  r.bin_width_MeV.resize(N);
  r.emitted.assign(N, Real(0));
  r.at_earth.assign(N, Real(0));
  r.noise.assign(N, Real(0));
  Real e0 = 0, eD = 0, n0 = 0, nD = 0, F = 0, F0 = 0, Fnoise = 0;
  for (std::size_t j = 0; j < N; ++j) {
    r.bin_width_MeV[j] = grid.bin_width_MeV(j);
    for (std::size_t a = 0; a < angles; ++a) {
      const std::size_t c = j * angles + a;
      r.emitted[j] += f0[c];
      r.at_earth[j] += fD.value[c];
      r.noise[j] += fD.noise[c];
      if (j >= grid.first_above_threshold()) Fnoise = std::max(Fnoise, fD.noise[c]);
    }
    n0 += r.emitted[j];
    nD += r.at_earth[j];
    e0 += r.emitted[j] * grid.node_MeV(j);
    eD += r.at_earth[j] * grid.node_MeV(j);
    if (j >= grid.first_above_threshold()) {
      F += r.at_earth[j];
      F0 += r.emitted[j];
    }
  }
  const Real* b0 = f0.data() + n;
  const Real* bD = fD.value.data() + n;
  r.emitted_number = n0 + b0[budget_index::underflow_number];
  r.number_at_earth = nD + bD[budget_index::underflow_number];
  r.emitted_energy_MeV = e0 + b0[budget_index::underflow_energy];
  r.energy_at_earth_MeV = eD + bD[budget_index::underflow_energy];
  r.mean_scatterings = bD[budget_index::scatterings] - b0[budget_index::scatterings];
  r.injected_energy_MeV = bD[budget_index::injected_energy] - b0[budget_index::injected_energy];
  r.underflow_number = bD[budget_index::underflow_number];
  r.underflow_energy_MeV = bD[budget_index::underflow_energy];
  r.emitted_fraction_above_threshold = F0;
  r.fraction_above_threshold = threshold_fraction<Real>{std::max(F, Real(0)), Fnoise, !(F > Fnoise)};
  using std::abs;
  for (std::size_t j = 0; j < N; ++j)
    if (abs(r.at_earth[j]) <= r.noise[j]) r.at_earth[j] = Real(0);
  return r;
}

/// The angle part of an energy-angle result r (energy_angle_result, mass_state_energy_angle_result): the angle nodes,
/// the map at Earth of the nodes (energy j, angle a, species s) at ((j A + a) S + s), entries within their noise floor
/// set to 0, and the mean and rms angle above the grid's threshold node.
template <class Result, class Real>
void fill_arrival_angles(Result& r, const energy_grid<Real>& grid, const angle_grid<Real>& angles,
                         const exponential_action_result<Real>& fD, std::size_t species) {
  using std::abs;
  using std::sqrt;
  const std::size_t A = angles.size(), N = grid.size(), S = species, n = N * A * S;
  r.angle_rad = angles.angles_rad();
  r.one_minus_cos.resize(A);
  for (std::size_t a = 0; a < A; ++a) r.one_minus_cos[a] = angles.one_minus_cos(a);
  r.at_earth.assign(fD.value.begin(), fD.value.begin() + static_cast<std::ptrdiff_t>(n));
  for (std::size_t c = 0; c < n; ++c)
    if (abs(r.at_earth[c]) <= fD.noise[c]) r.at_earth[c] = Real(0);
  Real sum = 0, weighted = 0, squares = 0;
  for (std::size_t j = grid.first_above_threshold(); j < N; ++j)
    for (std::size_t a = 0; a < A; ++a)
      for (std::size_t s = 0; s < S; ++s) {
        const Real x = r.at_earth[(j * A + a) * S + s], theta = angles.angle_rad(a);
        sum += x;
        weighted += x * theta;
        squares += x * theta * theta;
      }
  r.mean_angle_above_threshold_rad = sum > 0 ? weighted / sum : Real(0);
  r.rms_angle_above_threshold_rad = sum > 0 ? sqrt(squares / sum) : Real(0);
}
}  // namespace detail

/// Energy-only transport (paper Eq. 8 integrated over angle) of the emitted spectrum over
/// setup.distance_cm: spectrum at Earth, F, scatterings, budgets.
/// @throws nusi::invalid_argument on a bad setup, grid or options (options.talbot_nodes not even in
/// [4, 200], odeint tolerances not finite and > 0, even when the method does not use them).
/// @throws nusi::numerical_error if the evolution gives a non-finite state.
template <class Real, class Spectrum>
  requires energy_spectrum<Spectrum, Real>
propagation_result<Real> propagate_energy(const propagation_setup<Real>& setup, const Spectrum& emission,
                                          const transport_options<Real>& options = {}) {
  detail::validate_transport_options("nusi::propagate_energy", options);
  const energy_grid<Real> grid = make_energy_grid(setup, options.energy);
  const energy_kernel<Real> kernel(setup, grid, kernel_scope::full);
  const std::vector<Real> f0 = emitted_state(kernel, emission);
  exponential_action_result<Real> fD = detail::evolve(kernel, f0, setup.distance_cm, options);
  detail::apply_cascade_floor(fD, grid.size(), 1);
  return detail::energy_result(grid, f0, fD, 1);
}

/// F = N(E > threshold at Earth)/N(emitted) alone: only the nodes above the threshold are evolved
/// (lower ones never feed back), exactly (exponential_action) unless options.method says odeint.
/// @throws nusi::invalid_argument and nusi::numerical_error as propagate_energy.
template <class Real, class Spectrum>
  requires energy_spectrum<Spectrum, Real>
threshold_fraction<Real> fraction_above_threshold(const propagation_setup<Real>& setup, const Spectrum& emission,
                                                  const transport_options<Real>& options = {}) {
  detail::validate_transport_options("nusi::fraction_above_threshold", options);
  const energy_grid<Real> grid = make_energy_grid(setup, options.energy);
  const energy_kernel<Real> kernel(setup, grid, kernel_scope::above_threshold);
  const std::vector<Real> f0 = emitted_state(kernel, emission);
  exponential_action_result<Real> fD = detail::evolve(kernel, f0, setup.distance_cm, options);
  detail::apply_cascade_floor(fD, fD.value.size(), 1);
  Real F = 0, noise = 0;
  for (std::size_t k = 0; k < fD.value.size(); ++k) {
    F += fD.value[k];
    noise = std::max(noise, fD.noise[k]);  // the floor is set by the largest terms, not their count
  }
  return {std::max(F, Real(0)), noise, !(F > noise)};
}

/// F with the discretisation error of the energy grid it was computed on (paper Sec. IV; docs/validation.md
/// "Grid convergence"): F on the grid asked for, and its converged value by repeated doubling.
template <class Real>
struct converged_threshold_fraction {
  /// F on options.energy's grid (the number a computation on that grid reports).
  threshold_fraction<Real> on_grid{};
  std::size_t grid_bins = 0;
  /// Richardson extrapolation (second order) of the two finest grids: the converged F.
  Real value = 0;
  /// |change of the extrapolation between the last two pairs of grids|: the error of value.
  Real error = 0;
  /// The finest grid used: grid_bins * 2^doublings nodes.
  std::size_t finest_bins = 0;
  /// Whether F fell below the noise floor on some grid (then value and error are not meaningful).
  bool is_upper_limit = false;
  /// on_grid.value - value: the grid's own discretisation error.
  Real grid_error() const { return on_grid.value - value; }
};

/// F on options.energy's grid and on grids with 2, 4, ... 2^doublings times its nodes (same range),
/// extrapolated at second order (F converges at second order in the spacing; each step costs an O(N)
/// energy-only solve of the nodes above threshold). doublings in [2, 10], finest grid <= 1e6 nodes.
/// @throws nusi::invalid_argument as fraction_above_threshold, or on bad doublings.
template <class Real, class Spectrum>
  requires energy_spectrum<Spectrum, Real>
converged_threshold_fraction<Real> fraction_above_threshold_converged(const propagation_setup<Real>& setup,
                                                                      const Spectrum& emission,
                                                                      const transport_options<Real>& options = {},
                                                                      unsigned doublings = 3) {
  using std::abs;
  constexpr std::string_view fn = "nusi::fraction_above_threshold_converged";
  if (doublings < 2 || doublings > 10) detail::throw_invalid(fn, "doublings", "in [2, 10]", doublings);
  if (options.energy.bins > (std::size_t(1000000) >> doublings))
    detail::throw_invalid(fn, "options.energy.bins", "<= 1e6 / 2^doublings (the finest grid's bound)", options.energy.bins);
  converged_threshold_fraction<Real> out;
  transport_options<Real> o = options;
  std::vector<Real> F;
  for (unsigned k = 0; k <= doublings; ++k) {
    const threshold_fraction<Real> f = fraction_above_threshold(setup, emission, o);
    if (k == 0) out.on_grid = f;
    out.is_upper_limit = out.is_upper_limit || f.is_upper_limit;
    F.push_back(f.value);
    out.finest_bins = o.energy.bins;
    o.energy.bins *= 2;
  }
  out.grid_bins = options.energy.bins;
  const std::size_t n = F.size();
  const Real last = F[n - 1] + (F[n - 1] - F[n - 2]) / 3, before = F[n - 2] + (F[n - 2] - F[n - 3]) / 3;
  out.value = last;
  out.error = abs(last - before);
  return out;
}

/// Largest (energy nodes) x (angle nodes) x (Talbot shifts) of an energy-angle solve: the solver keeps
/// ~40 bytes of scratch per node and shift, so 2^26 is ~2.7 GB.
inline constexpr std::size_t max_energy_angle_solver_entries = std::size_t(1) << 26;

/// Energy-angle transport (paper Eq. 8 with deflections composed as options.deflections says): the
/// energy-only results (marginal over angle) plus the arrival-direction map of paper Fig. 3. Throws as
/// propagate_energy.
/// @throws nusi::invalid_argument also if energy nodes x angle nodes x talbot_nodes/2 exceeds
/// max_energy_angle_solver_entries (2^26), or the kernel exceeds energy_angle_kernel::max_entries.
template <class Real, class Spectrum>
  requires energy_spectrum<Spectrum, Real>
energy_angle_result<Real> propagate_energy_angle(const propagation_setup<Real>& setup, const Spectrum& emission,
                                                 const transport_options<Real>& options = {}) {
  constexpr std::string_view fn = "nusi::propagate_energy_angle";
  detail::validate_transport_options(fn, options);
  const energy_grid<Real> grid = make_energy_grid(setup, options.energy);
  const angle_grid<Real> angles(options.angle);
  const long double solver_entries = static_cast<long double>(grid.size()) * static_cast<long double>(angles.size()) *
                                     static_cast<long double>(detail::talbot_nodes_of(options)) / 2;  // even: exact
  if (solver_entries > static_cast<long double>(max_energy_angle_solver_entries)) {
    std::string need = "giving at most 2^26 = 67108864 solver entries (energy nodes x angle nodes x talbot_nodes/2, ~2.7 GB;";
    need += " energy nodes = " + detail::to_text(grid.size()) + ", angle nodes = " + detail::to_text(angles.size());
    need += "): reduce them";
    detail::throw_invalid(fn, "energy.bins and angle.bins", need, solver_entries);
  }
  const energy_angle_kernel<Real> kernel(setup, grid, angles, options.deflections);
  const std::vector<Real> f0 = emitted_state(kernel, emission);
  exponential_action_result<Real> fD = detail::evolve(kernel, f0, setup.distance_cm, options);
  const std::size_t A = angles.size();
  detail::apply_cascade_floor(fD, grid.size(), A);
  energy_angle_result<Real> r{};
  r.energy = detail::energy_result(grid, f0, fD, A);
  r.threshold_MeV = setup.threshold_MeV;
  r.deflections = options.deflections;
  detail::fill_arrival_angles(r, grid, angles, fD, 1);
  return r;
}

/// The transport's spectrum at Earth as a detection spectrum: node j's neutrinos per emitted neutrino
/// (at_earth[j], negative rounding noise clipped to 0) spread flat over its bin (grid_bin_edges). It
/// integrates to number_at_earth minus the underflow below the lowest node (more than 1 where
/// up-scattered relic neutrinos add numbers).
template <class Real>
binned_spectrum<Real> binned_spectrum_at_earth(const propagation_result<Real>& r) {
  std::vector<Real> n = r.at_earth;
  for (Real& x : n) x = std::max(x, Real(0));
  return binned_spectrum<Real>(grid_bin_edges(r.energy_MeV), std::move(n));
}

/// The emitted spectrum as the transport represents it (its projection on the grid), same form.
template <class Real>
binned_spectrum<Real> emitted_spectrum_on_grid(const propagation_result<Real>& r) {
  return binned_spectrum<Real>(grid_bin_edges(r.energy_MeV), r.emitted);
}

}  // namespace nusi
