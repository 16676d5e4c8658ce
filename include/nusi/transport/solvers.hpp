// SPDX-License-Identifier: MIT
// Solvers for d f/dr = A f with A constant in r and lower-triangular (paper Eq. 8 on a grid):
// exponential_action, exact (a Talbot contour integral of triangular resolvent solves; the default),
// and odeint integration with any stepper, triangular_rosenbrock4 being the stiff default.
#pragma once

#include <cmath>
#include <complex>
#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/numeric/odeint/integrate/integrate_adaptive.hpp>
#include <boost/numeric/odeint/stepper/rosenbrock4.hpp>
#include <boost/numeric/odeint/stepper/rosenbrock4_controller.hpp>
#include <boost/numeric/odeint/util/unwrap_reference.hpp>

#include "../errors.hpp"
#include "../parallel.hpp"
#include "system.hpp"

namespace nusi {

/// f(D) = exp(A D) f(0), with per-component error estimates.
template <class Real>
struct exponential_action_result {
  std::vector<Real> value;
  /// Error of value[c] from rounding and quadrature of its own terms: 16 eps scale[c] + 3.89^-N scale[c].
  std::vector<Real> noise;
  /// Size of the terms summed into value[c]: sum_k |w_k| |bound of xhat_k| (see exponential_action).
  /// Components fed by others inherit their errors: a robust floor for c is also ~256 eps times the
  /// largest scale of the components that feed it (propagate.hpp applies this per energy row).
  std::vector<Real> scale;
};

/// exp(A D) f0 for a triangular_operator A [cm^-1], D = distance_cm, by the inverse Laplace transform
/// f(D) = (1/2 pi i) int e^{zD} (zI - A)^{-1} f0 dz on the Talbot-type contour of Trefethen, Weideman
/// and Schmelzer, BIT 46, 653 (2006): z(t) = (N/D)(0.5017 t cot(0.6407 t) - 0.6122 + 0.2645 i t),
/// midpoint rule with N nodes (N/2 resolvent solves by conjugate symmetry), error ~ 3.89^-N.
/// Each node is one forward substitution (no eigenvectors: equal or nearly equal rates, which the
/// angle blocks and the Breit-Wigner produce, are harmless), and any rate in [0, infinity) is fine:
/// the contour encloses the whole negative real axis where e^{zD} matters. Throws
/// nusi::invalid_argument on bad input and nusi::numerical_error on a non-finite result. The N/2 solves are shared among
/// `threads` threads (0: all cores); each is the same arithmetic for any count, so the result is too (the operator's
/// solve_shifted must be safe to call concurrently and treat each shift on its own, as nusi's operators do). An operator
/// with solve_shifted(shifts, rhs, out, threads) is handed all the shifts and the thread count instead.
template <class Real, class Op>
  requires triangular_operator<Op, Real>
exponential_action_result<Real> exponential_action(const Op& op, const std::vector<Real>& f0, Real distance_cm,
                                                   std::size_t nodes = 32, std::size_t threads = 1) {
  using std::abs;
  using std::cos;
  using std::exp;
  using std::pow;
  using std::sin;
  constexpr std::string_view fn = "nusi::exponential_action";
  detail::require_positive(fn, "distance_cm", distance_cm);
  if (f0.size() != op.size()) detail::throw_invalid(fn, "f0.size()", "op.size() = " + detail::to_text(op.size()), f0.size());
  if (nodes < 4 || nodes % 2 != 0 || nodes > 200) detail::throw_invalid(fn, "nodes", "even, in [4, 200]", nodes);
  detail::require_thread_count(fn, "threads", threads);
  for (const Real& v : f0) detail::require_finite(fn, "f0", v);
  using complex = std::complex<Real>;
  const std::size_t Z = nodes / 2, n = op.size();
  const Real pi = boost::math::constants::pi<Real>();
  const Real scale = Real(nodes) / distance_cm;
  const Real mu = Real(0.5017L), alpha = Real(0.6407L), sigma = Real(-0.6122L), nu = Real(0.2645L);
  std::vector<complex> shifts(Z), weights(Z);
  for (std::size_t k = 0; k < Z; ++k) {
    const Real t = (Real(k) + Real(0.5L)) * 2 * pi / Real(nodes);  // upper half, t in (0, pi)
    const Real s = sin(alpha * t), c = cos(alpha * t);
    const complex z = scale * complex(mu * t * c / s + sigma, nu * t);
    const complex dz = scale * complex(mu * (c / s - alpha * t / (s * s)), nu);
    shifts[k] = z;
    weights[k] = Real(2) / Real(nodes) * exp(z * distance_cm) * dz;  // f = sum_k Im(w_k xhat_k)
  }
  // Per-thread scratch reused across calls: buffers above glibc's mmap threshold (128 KiB, ~500 nodes)
  // would otherwise be mapped and page-faulted afresh by every solve (1.5x the time of one F at 1600
  // bins). Kept only up to 1 MiB each; larger problems allocate as before.
  constexpr std::size_t keep_bytes = std::size_t(1) << 20;
  thread_local std::vector<complex> xhat_scratch;
  thread_local std::vector<Real> magnitude_scratch;
  std::vector<complex> xhat_local;
  std::vector<Real> magnitude_local;
  std::vector<complex>& xhat = n * Z * sizeof(complex) <= keep_bytes ? xhat_scratch : xhat_local;
  std::vector<Real>& magnitude = n * Z * sizeof(Real) <= keep_bytes ? magnitude_scratch : magnitude_local;
  xhat.resize(n * Z);  // every element is overwritten by solve_shifted
  // Error estimates: rounding in the substitutions and in the sum, plus the quadrature error
  // 3.89^-N, relative to the magnitudes that enter each component. With the operator's magnitude
  // bound (solve_shifted_bound) the estimate is 16 eps of it: against long-double evaluations of the
  // energy-only transport (M = 1e-7..10^-2.5 MeV, g = 1e-3..10^-0.5, 200 bins) errors stayed below
  // 10 eps of the bound. Without it, 64 eps sum_k |w_k xhat_k|. An operator that solves both in one
  // pass (solve_shifted_with_bound) is asked once.
  constexpr bool has_bound = requires(std::span<const complex> zs, const Real* rhs, Real* out) {
    op.solve_shifted_bound(zs, rhs, out);
  };
  constexpr bool has_both = requires(std::span<const complex> zs, const Real* rhs, complex* x, Real* out) {
    op.solve_shifted_with_bound(zs, rhs, x, out);
  };
  // The resolvent solves of the shifts [z0, z0 + count) into x and m, laid out [component * count + shift].
  auto solve_range = [&](std::size_t z0, std::size_t count, complex* x, Real* m) {
    const std::span<const complex> range(shifts.data() + z0, count);
    (void)m;  // no magnitude bound: unused
    if constexpr (has_both) {
      op.solve_shifted_with_bound(range, f0.data(), x, m);
    } else {
      op.solve_shifted(range, f0.data(), x);
      if constexpr (has_bound) op.solve_shifted_bound(range, f0.data(), m);
    }
  };
  if (has_bound || has_both) magnitude.resize(n * Z);
  // An operator that shares its solves among threads itself (solve_shifted with a thread count) takes all the shifts.
  constexpr bool shares_threads = requires(std::span<const complex> zs, const Real* rhs, complex* x, std::size_t t) {
    op.solve_shifted(zs, rhs, x, t);
  };
  const std::size_t workers = resolve_threads(threads, Z);
  if constexpr (shares_threads && !has_bound && !has_both) {
    op.solve_shifted(std::span<const complex>(shifts), f0.data(), xhat.data(), threads);
  } else if (workers == 1) {
    solve_range(0, Z, xhat.data(), magnitude.data());
  } else {
    // The shifts shared among threads in contiguous groups, each solved into its own buffers and copied into place. Each
    // shift's solve is the same arithmetic in a group as among all the shifts, so the result does not depend on threads.
    parallel_for(workers, workers, [&](std::size_t t) {
      const std::size_t z0 = Z * t / workers, count = Z * (t + 1) / workers - z0;
      std::vector<complex> x(n * count);
      std::vector<Real> m(has_bound || has_both ? n * count : 0);
      solve_range(z0, count, x.data(), m.data());
      for (std::size_t c = 0; c < n; ++c)
        for (std::size_t k = 0; k < count; ++k) {
          xhat[c * Z + z0 + k] = x[c * count + k];
          if constexpr (has_bound || has_both) magnitude[c * Z + z0 + k] = m[c * count + k];
        }
    });
  }
  const Real eps = std::numeric_limits<Real>::epsilon(), quadrature = pow(Real(3.89L), -Real(nodes));
  std::vector<Real> weight_size(Z);
  for (std::size_t k = 0; k < Z; ++k) weight_size[k] = detail::magnitude(weights[k]);
  exponential_action_result<Real> result{std::vector<Real>(n), std::vector<Real>(n), std::vector<Real>(n)};
  for (std::size_t c = 0; c < n; ++c) {
    Real value = 0, size = 0;
    for (std::size_t k = 0; k < Z; ++k) {
      const complex x = xhat[c * Z + k];
      value += weights[k].real() * x.imag() + weights[k].imag() * x.real();  // Im(w x)
      if constexpr (has_bound || has_both)
        size += weight_size[k] * magnitude[c * Z + k];
      else
        size += weight_size[k] * detail::magnitude(x);
    }
    if (!detail::is_finite(value))
      throw numerical_error("nusi::exponential_action: non-finite result at component " + detail::to_text(c) +
                            " (distance_cm = " + detail::to_text(distance_cm) + ")");
    result.value[c] = value;
    result.scale[c] = size;
    result.noise[c] = ((has_bound || has_both ? 16 : 64) * eps + quadrature) * size;
  }
  return result;
}

/// An odeint stepper (odeint's Stepper and ErrorStepper concepts) for stiff linear constant systems
/// that provide solve_shifted (transport_system does): the L-stable, stiffly accurate 4(3) Rosenbrock
/// method of odeint's rosenbrock4 (Hairer-Wanner RODAS coefficients), with each stage's linear solve
/// (I/(gamma dt) - A) g = b done by forward substitution instead of a dense LU. Use it through
/// boost::numeric::odeint::rosenbrock4_controller for step control (make_transport_stepper).
template <class Real>
class triangular_rosenbrock4 {
 public:
  using value_type = Real;
  using state_type = std::vector<Real>;
  using deriv_type = state_type;
  using time_type = Real;
  using resizer_type = boost::numeric::odeint::initially_resizer;
  using wrapped_state_type = boost::numeric::odeint::state_wrapper<state_type>;
  using wrapped_deriv_type = boost::numeric::odeint::state_wrapper<deriv_type>;
  using stepper_category = boost::numeric::odeint::stepper_tag;
  using order_type = unsigned short;
  static constexpr order_type stepper_order = 4;
  static constexpr order_type error_order = 3;

  order_type order() const { return stepper_order; }

  /// One step of dt from x at t into xout, with the embedded error estimate in xerr.
  template <class System>
  void do_step(System system, const state_type& x, time_type t, state_type& xout, time_type dt, state_type& xerr) {
    typename boost::numeric::odeint::unwrap_reference<System>::type& sys = system;
    const std::size_t n = x.size();
    resize(n);
    xout.resize(n);
    xerr.resize(n);
    const auto& k = coef_;
    const Real shift = 1 / (k.gamma * dt);
    // Autonomous system: df/dt = 0, so the d_i dt df/dt terms of the general method vanish.
    sys(x, dxdt_, t);
    sys.solve_shifted(shift, dxdt_, g1_);
    for (std::size_t i = 0; i < n; ++i) tmp_[i] = x[i] + k.a21 * g1_[i];
    sys(tmp_, dxdt_, t + k.c2 * dt);
    for (std::size_t i = 0; i < n; ++i) rhs_[i] = dxdt_[i] + k.c21 * g1_[i] / dt;
    sys.solve_shifted(shift, rhs_, g2_);
    for (std::size_t i = 0; i < n; ++i) tmp_[i] = x[i] + k.a31 * g1_[i] + k.a32 * g2_[i];
    sys(tmp_, dxdt_, t + k.c3 * dt);
    for (std::size_t i = 0; i < n; ++i) rhs_[i] = dxdt_[i] + (k.c31 * g1_[i] + k.c32 * g2_[i]) / dt;
    sys.solve_shifted(shift, rhs_, g3_);
    for (std::size_t i = 0; i < n; ++i) tmp_[i] = x[i] + k.a41 * g1_[i] + k.a42 * g2_[i] + k.a43 * g3_[i];
    sys(tmp_, dxdt_, t + k.c4 * dt);
    for (std::size_t i = 0; i < n; ++i) rhs_[i] = dxdt_[i] + (k.c41 * g1_[i] + k.c42 * g2_[i] + k.c43 * g3_[i]) / dt;
    sys.solve_shifted(shift, rhs_, g4_);
    for (std::size_t i = 0; i < n; ++i)
      tmp_[i] = x[i] + k.a51 * g1_[i] + k.a52 * g2_[i] + k.a53 * g3_[i] + k.a54 * g4_[i];
    sys(tmp_, dxdt_, t + dt);
    for (std::size_t i = 0; i < n; ++i)
      rhs_[i] = dxdt_[i] + (k.c51 * g1_[i] + k.c52 * g2_[i] + k.c53 * g3_[i] + k.c54 * g4_[i]) / dt;
    sys.solve_shifted(shift, rhs_, g5_);
    for (std::size_t i = 0; i < n; ++i) tmp_[i] += g5_[i];
    sys(tmp_, dxdt_, t + dt);
    for (std::size_t i = 0; i < n; ++i)
      rhs_[i] = dxdt_[i] + (k.c61 * g1_[i] + k.c62 * g2_[i] + k.c63 * g3_[i] + k.c64 * g4_[i] + k.c65 * g5_[i]) / dt;
    sys.solve_shifted(shift, rhs_, xerr);
    for (std::size_t i = 0; i < n; ++i) xout[i] = tmp_[i] + xerr[i];
  }
  template <class System>
  void do_step(System system, state_type& x, time_type t, time_type dt, state_type& xerr) {
    do_step(system, state_type(x), t, x, dt, xerr);
  }
  template <class System>
  void do_step(System system, const state_type& x, time_type t, state_type& xout, time_type dt) {
    do_step(system, x, t, xout, dt, err_);
  }
  template <class System>
  void do_step(System system, state_type& x, time_type t, time_type dt) {
    do_step(system, state_type(x), t, x, dt, err_);
  }
  template <class State>
  void adjust_size(const State& x) {
    resize(x.size());
  }

 private:
  void resize(std::size_t n) {
    for (auto* v : {&dxdt_, &tmp_, &rhs_, &g1_, &g2_, &g3_, &g4_, &g5_, &err_}) v->resize(n);
  }
  boost::numeric::odeint::default_rosenbrock_coefficients<Real> coef_{};
  state_type dxdt_, tmp_, rhs_, g1_, g2_, g3_, g4_, g5_, err_;
};

/// The default stiff odeint stepper for transport: triangular_rosenbrock4 under odeint's
/// rosenbrock4_controller (error per component below abs_tol + rel_tol |f|).
template <class Real>
boost::numeric::odeint::rosenbrock4_controller<triangular_rosenbrock4<Real>> make_transport_stepper(
    Real abs_tol = Real(1e-12L), Real rel_tol = Real(1e-8L)) {
  constexpr std::string_view fn = "nusi::make_transport_stepper";
  detail::require_positive(fn, "abs_tol", abs_tol);
  detail::require_positive(fn, "rel_tol", rel_tol);
  return boost::numeric::odeint::rosenbrock4_controller<triangular_rosenbrock4<Real>>(abs_tol, rel_tol);
}

/// Integrates the System from r = 0 to distance_cm with any odeint stepper (boost::numeric::odeint::
/// integrate_adaptive: adaptive for controlled steppers, fixed steps of initial_step_cm otherwise).
/// f holds f(0) on entry and f(D) on return. Returns the number of steps.
/// @throws nusi::invalid_argument if distance_cm or initial_step_cm is not finite and > 0, or max_steps is 0.
/// @throws nusi::numerical_error after max_steps steps or on a non-finite state.
template <class Stepper, class System, class State, class Real>
std::size_t integrate_transport(Stepper stepper, System system, State& f, Real distance_cm, Real initial_step_cm,
                                std::size_t max_steps = 1000000) {
  constexpr std::string_view fn = "nusi::integrate_transport";
  detail::require_positive(fn, "distance_cm", distance_cm);
  detail::require_positive(fn, "initial_step_cm", initial_step_cm);
  if (max_steps < 1) detail::throw_invalid(fn, "max_steps", ">= 1", max_steps);
  std::size_t steps = 0;
  auto observer = [&steps, max_steps, distance_cm](const State& x, Real r) {
    for (std::size_t i = 0; i < x.size(); ++i)
      if (!detail::is_finite(x[i]))
        throw numerical_error("nusi::integrate_transport: non-finite state at r_cm = " + detail::to_text(r));
    if (++steps > max_steps)
      throw numerical_error("nusi::integrate_transport: more than max_steps = " + detail::to_text(max_steps) +
                            " steps before r_cm = " + detail::to_text(distance_cm) + " (reached " +
                            detail::to_text(r) + ")");
  };
  boost::numeric::odeint::integrate_adaptive(stepper, system, f, Real(0), distance_cm, initial_step_cm, observer);
  return steps - 1;  // the observer also sees the initial state
}

}  // namespace nusi
