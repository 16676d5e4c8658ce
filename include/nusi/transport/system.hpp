// SPDX-License-Identifier: MIT
// Paper Eq. (8) as a Boost.Odeint System (d f/dr = A f, f the grid density) and the initial state:
// the emitted spectrum projected on the grid nodes. Solve it with any odeint stepper, or exactly with
// solvers.hpp (exponential_action), which exploits that A is constant in r and triangular in energy.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "../errors.hpp"
#include "../spectra.hpp"
#include "kernel.hpp"

namespace nusi {

/// A plug-in operator for the solvers: constant in r, lower-triangular (energy only decreases).
///
/// | expression                         | meaning                                                       |
/// |------------------------------------|---------------------------------------------------------------|
/// | op.size()                          | state size                                                    |
/// | op.apply(x, y)                     | y = A x [cm^-1] (pointers to size() Reals)                    |
/// | op.solve_shifted(shifts, rhs, out) | out[c*Z+z] = ((shift_z I - A)^-1 rhs)_c, Z = shifts.size(), for |
/// |                                    | std::span<const Real> and std::span<const std::complex<Real>> |
template <class Op, class Real>
concept triangular_operator = requires(const Op& op, const Real* x, Real* y, std::span<const Real> real_shifts,
                                       std::span<const std::complex<Real>> complex_shifts, std::complex<Real>* cout) {
  { op.size() } -> std::convertible_to<std::size_t>;
  op.apply(x, y);
  op.solve_shifted(real_shifts, x, y);
  op.solve_shifted(complex_shifts, x, cout);
};

/// Paper Eq. (8) as an odeint System: dfdr = A f. Holds a reference to the operator (keep it alive);
/// odeint copies systems, and this copy is cheap. solve_shifted() serves implicit steppers
/// (triangular_rosenbrock4): a triangular solve instead of a dense LU.
template <class Op>
class transport_system {
 public:
  using value_type = typename Op::value_type;

  explicit transport_system(const Op& op) : op_(&op) {}
  const Op& op() const { return *op_; }

  /// dfdr = A f [cm^-1]; State is any contiguous container of op().size() values (std::vector, ublas).
  /// @throws nusi::invalid_argument if a size differs from op().size().
  template <class State, class Deriv>
  void operator()(const State& f, Deriv& dfdr, value_type /*r_cm*/) const {
    check(f.size());
    check(dfdr.size());
    op_->apply(&f[0], &dfdr[0]);
  }
  /// out = (shift I - A)^{-1} rhs, by forward substitution from the highest energy.
  /// @throws nusi::invalid_argument if shift is not finite or a size differs from op().size().
  template <class State>
  void solve_shifted(value_type shift, const State& rhs, State& out) const {
    detail::require_finite("nusi::transport_system::solve_shifted", "shift", shift);
    check(rhs.size());
    check(out.size());
    const std::array<value_type, 1> shifts{shift};
    op_->solve_shifted(std::span<const value_type>(shifts), &rhs[0], &out[0]);
  }

 private:
  void check(std::size_t n) const {
    if (n != op_->size()) detail::throw_invalid("nusi::transport_system", "state size", "op().size() = " + detail::to_text(op_->size()), n);
  }
  const Op* op_;
};

namespace detail {
/// Four-point Gauss-Legendre on [0, 1].
template <class Real>
constexpr std::array<std::array<Real, 2>, 4> gauss4_unit() {
  return {{{Real(0.069431844202973712388L), Real(0.17392742256872692869L)},
           {Real(0.33000947820757186760L), Real(0.32607257743127307131L)},
           {Real(0.66999052179242813240L), Real(0.32607257743127307131L)},
           {Real(0.93056815579702628761L), Real(0.17392742256872692869L)}}};
}

/// Projection of a spectrum on the hats of nodes [first, N): f[j - first] = integral of hat_j(x) phi(x),
/// 4-point Gauss per interval between nodes; each interval serves the two hats that share it.
template <class Real, class Spectrum>
std::vector<Real> hat_projections(const energy_grid<Real>& grid, std::size_t first, const Spectrum& spectrum) {
  const std::size_t N = grid.size();
  std::vector<Real> f(N - first, Real(0));
  for (std::size_t k = first > 0 ? first - 1 : 0; k + 1 < N; ++k) {  // interval [e_k, e_{k+1}]
    const Real lo = grid.node_MeV(k), h = grid.node_MeV(k + 1) - lo;
    Real to_lower = 0, to_upper = 0;
    for (const auto& [t, w] : gauss4_unit<Real>()) {
      const Real p = w * h * spectrum.probability_density_per_MeV(lo + h * t);
      to_lower += (1 - t) * p;
      to_upper += t * p;
    }
    if (k >= first) f[k - first] += to_lower;
    f[k + 1 - first] += to_upper;
  }
  return f;
}
}  // namespace detail

/// Initial state f(0) of an energy_kernel: the emitted spectrum (normalised to one neutrino) projected
/// on the nodes' hats, number and energy preserved; in full scope the underflow accumulators hold the
/// emission below the lowest node (number and energy), the others start at 0. Emission above the
/// highest node is dropped (~1e-17 of the paper's spectrum above 200 MeV).
template <class Real, class Spectrum>
  requires energy_spectrum<Spectrum, Real>
std::vector<Real> emitted_state(const energy_kernel<Real>& kernel, const Spectrum& spectrum) {
  const auto& grid = kernel.grid();
  std::vector<Real> f = detail::hat_projections(grid, kernel.grid_index(0), spectrum);
  f.resize(kernel.size(), Real(0));
  if (kernel.scope() == kernel_scope::full) {
    const Real e0 = grid.node_MeV(0);
    Real energy = 0;
    for (const auto& [t, w] : detail::gauss4_unit<Real>()) {  // 2 x 4 points on [0, e0]
      for (int half = 0; half < 2; ++half) {
        const Real x = e0 * (Real(half) + t) / 2;
        energy += w * e0 / 2 * x * spectrum.probability_density_per_MeV(x);
      }
    }
    f[kernel.nodes() + budget_index::underflow_number] = spectrum.cumulative_probability(e0);
    f[kernel.nodes() + budget_index::underflow_energy] = energy;
  }
  return f;
}

/// Initial state of an energy_angle_kernel: the emitted spectrum, every neutrino at theta = 0 (the
/// burst is seen along the line of sight; paper Sec. IV).
template <class Real, class Spectrum>
  requires energy_spectrum<Spectrum, Real>
std::vector<Real> emitted_state(const energy_angle_kernel<Real>& kernel, const Spectrum& spectrum) {
  const std::vector<Real> e = emitted_state(kernel.energy_part(), spectrum);
  const std::size_t N = kernel.grid().size(), A = kernel.angles().size();
  std::vector<Real> f(kernel.size(), Real(0));
  for (std::size_t j = 0; j < N; ++j) f[j * A] = e[j];
  for (std::size_t b = 0; b < budget_index::count; ++b) f[kernel.nodes() + b] = e[N + b];
  return f;
}

}  // namespace nusi
