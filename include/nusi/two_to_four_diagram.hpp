// SPDX-License-Identifier: MIT
// sigma(nu nubar -> nu nubar nu nubar) from one tree-level diagram of the coupling g nubar nu phi
// (paper Eq. 1), by our own phase-space integration (phase_space.hpp): the check of the dimensional
// estimate of Eqs. (2)-(3) that the paper made with CalcHEP (appendix, Figs. 4-5). The core bound
// itself uses sigma_2to4_cm2 (cross_sections.hpp). See docs/physics.md "2nu -> 4nu from one diagram".
// Throws nusi::invalid_argument on bad input, nusi::numerical_error on a non-finite integrand.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/math/constants/constants.hpp>
#include <boost/math/quadrature/gauss.hpp>
#include <boost/math/quadrature/tanh_sinh.hpp>

#include "cross_sections.hpp"
#include "detail/promote.hpp"
#include "errors.hpp"
#include "phase_space.hpp"
#include "units.hpp"

namespace nusi {

/// Flavours of the final state nu nubar nu nubar: the same as each other (two identical nu and two
/// identical nubar: symmetry factor 1/(2! 2!) = 1/4) or all distinct (e.g. nu_mu nubar_mu nu_tau
/// nubar_tau from nu_e nubar_e: factor 1). The diagram is the same.
enum class final_state_flavours { same, distinct };

/// Phase-space generator of the diagram's integral: the cascade with the mediator's Breit-Wigner
/// importance-sampled (converges on and off the resonance), or flat RAMBO (a second, independent
/// generator; slow where the second mediator can be on shell, sqrt s > M).
enum class phase_space_method { cascade, rambo };

/// Settings of sigma_2to4_diagram_cm2 and sigma_2to2_s_channel_cm2.
template <class Real>
struct two_to_four_diagram_options {
  /// Neutrino mass [MeV], finite, >= 0 and < sqrt(s)/4. The massless limit is finite (no collinear
  /// divergence for a scalar coupling, docs/physics.md), so 0 needs no cut; > 0 shows the dependence.
  Real neutrino_mass_MeV = Real(0);
  /// Monte Carlo points, in [2, max_phase_space_samples]; the relative error falls as 1/sqrt(samples).
  std::uint64_t samples = 100'000;
  /// The result is a function of (samples, seed) alone.
  std::uint64_t seed = 1;
  /// Threads (0 = all cores); the result does not depend on them.
  std::size_t threads = 1;
  final_state_flavours flavours = final_state_flavours::same;
  phase_space_method method = phase_space_method::cascade;
};

/// A Monte Carlo cross section at one centre-of-mass energy.
template <class Real>
struct diagram_cross_section {
  Real sqrt_s_MeV = Real(0);
  Real sigma_cm2 = Real(0);
  /// Standard error of sigma_cm2 (one standard deviation) [cm^2].
  Real error_cm2 = Real(0);
  std::uint64_t samples = 0;
  /// error_cm2 / sigma_cm2 (+infinity if sigma_cm2 = 0).
  Real relative_error() const {
    return sigma_cm2 > 0 ? error_cm2 / sigma_cm2 : std::numeric_limits<Real>::infinity();
  }
};

namespace detail {

/// |D(x)| = (x - M^2)^2 + M^2 Gamma^2 of a scalar propagator i/(x - M^2 + i M Gamma).
template <class W>
W breit_wigner_denominator(W x, W M, W Gamma) {
  const W u = x - M * M;
  return u * u + (M * Gamma) * (M * Gamma);
}

/// Sum over all spins of |M|^2 of the diagram, from its invariants: s = P^2, K^2 = (k1 + q)^2 (the
/// neutrino propagator), q^2 = (k3 + k4)^2 (the second mediator), k1.k2 and the neutrino mass m.
/// Traces: 2(s - 4m^2) x T x 2(q^2 - 4m^2), T = Tr[(k1+m)(K+m)(k2-m)(K+m)] (docs/physics.md).
template <class W>
W two_to_four_spin_sum(W s, W K2, W q2, W k1k2, W m, W M, W Gamma, W g) {
  const W m2 = m * m;
  const W k1K = (K2 + m2 - q2) / 2;  // K = k1 + q, k1^2 = m^2
  const W k2K = (s - K2 - m2) / 2;   // P = k2 + K
  const W T = 4 * (2 * k1K * k2K - K2 * k1k2 + m2 * (2 * k2K - K2 - 2 * k1K + k1k2 - m2));
  const W propagator = K2 - m2;
  if (!(propagator > 0)) return W(0);  // K^2 = m^2 only on a set of measure zero (massless, collinear)
  const W g2 = g * g, g8 = (g2 * g2) * (g2 * g2);
  const W numerator = 2 * (s - 4 * m2) * T * 2 * (q2 - 4 * m2);
  return g8 * numerator /
         (breit_wigner_denominator(s, M, Gamma) * (propagator * propagator) * breit_wigner_denominator(q2, M, Gamma));
}

/// The diagram is computed for a scalar mediator only.
template <class Real>
void validate_scalar_mediator(std::string_view fn, const mediator<Real>& med) {
  validate_mediator(fn, med);
  if (med.kind != mediator_kind::scalar)
    throw_invalid(fn, "med.kind", "mediator_kind::scalar (the vector diagram is not implemented)", "vector");
}

template <class Real>
void validate_diagram_inputs(std::string_view fn, Real sqrt_s_MeV, const mediator<Real>& med,
                             const two_to_four_diagram_options<Real>& options) {
  validate_scalar_mediator(fn, med);
  require_closed_interval(fn, "med.coupling", med.coupling, Real(1e-10L), Real(4 * boost::math::constants::pi<Real>()));
  require_positive(fn, "sqrt_s_MeV", sqrt_s_MeV);
  // sqrt(s)/M in [1e-8, 1e8]: |D|^2 products up to (M^2/s)^4 = 1e64 in units of s stay far from overflow.
  const Real ratio = sqrt_s_MeV / med.mass_MeV;
  if (!(ratio >= Real(1e-8L)) || !(ratio <= Real(1e8L)))
    throw_invalid(fn, "sqrt_s_MeV", "within [1e-8, 1e8] times med.mass_MeV = " + to_text(med.mass_MeV), sqrt_s_MeV);
  require_non_negative(fn, "options.neutrino_mass_MeV", options.neutrino_mass_MeV);
  if (!(4 * options.neutrino_mass_MeV < sqrt_s_MeV))
    throw_invalid(fn, "options.neutrino_mass_MeV", "< sqrt_s_MeV/4 = " + to_text(sqrt_s_MeV / 4),
                  options.neutrino_mass_MeV);
}

/// The cascade of the diagram in units of sqrt(s) = 1: P -> nubar(k2) + K, K -> nu(k1) + q,
/// q -> nu(k3) + nubar(k4); K^2 drawn ~ 1/(K^2 + M^2), q^2 half from the mediator's Breit-Wigner and
/// half ~ 1/(q^2 + M^2) (the shapes of the integrand below, on and above the resonance).
template <class W>
cascade_generator<W, 4> diagram_cascade(W M, W Gamma, W m) {
  const W M2 = M * M;
  const invariant_mass_sampling<W> K2{.continuum = continuum_shape::inverse, .continuum_offset_MeV2 = M2};
  const invariant_mass_sampling<W> q2{.continuum = continuum_shape::inverse,
                                      .continuum_offset_MeV2 = M2,
                                      .resonance_fraction = W(0.5),
                                      .resonance_mass_MeV = M,
                                      .resonance_width_MeV = Gamma};
  return cascade_generator<W, 4>(W(1), {m, m, m, m}, {K2, q2});
}

template <class Real, class W>
diagram_cross_section<Real> to_cross_section(Real sqrt_s_MeV, const monte_carlo_estimate<W>& hat) {
  // hat is sigma in units of 1/s: sigma [MeV^-2] = hat / s.
  const W s = W(sqrt_s_MeV) * W(sqrt_s_MeV);
  return {sqrt_s_MeV, static_cast<Real>(per_MeV2_to_cm2(hat.value / s)), static_cast<Real>(per_MeV2_to_cm2(hat.error / s)),
          hat.samples};
}
}  // namespace detail

/// Sum over all spins of |M|^2 (dimensionless) of the diagram nu(p1) nubar(p2) -> phi*(P) ->
/// nubar(k2) nu*(K), nu*(K) -> nu(k1) phi*(q), phi*(q) -> nu(k3) nubar(k4), at a point whose momenta
/// [MeV] are in the order (k2, k1, k3, k4) of the cascade (P = their sum). Uses the point's
/// intermediate masses K^2 = Q_0^2 and q^2 = Q_1^2. Scalar coupling g nubar nu phi, width
/// med.width_MeV() in both propagators. @throws nusi::invalid_argument on a bad mediator or mass.
template <class Real>
Real two_to_four_squared_amplitude(const phase_space_point<Real, 4>& point, const mediator<Real>& med,
                                   Real neutrino_mass_MeV) {
  using W = detail::promoted_t<Real>;
  constexpr std::string_view fn = "nusi::two_to_four_squared_amplitude";
  detail::validate_scalar_mediator(fn, med);
  detail::require_non_negative(fn, "neutrino_mass_MeV", neutrino_mass_MeV);
  four_momentum<W> P{};
  std::array<four_momentum<W>, 4> k{};
  for (std::size_t i = 0; i < 4; ++i) {
    const auto& p = point.momenta_MeV[i];
    k[i] = {W(p.E), W(p.px), W(p.py), W(p.pz)};
    P = P + k[i];
  }
  return static_cast<Real>(detail::two_to_four_spin_sum<W>(
      detail::dot(P, P), W(point.intermediate_masses_squared_MeV2[0]), W(point.intermediate_masses_squared_MeV2[1]),
      detail::dot(k[1], k[0]), W(neutrino_mass_MeV), W(med.mass_MeV), W(med.width_MeV()), W(med.coupling)));
}

/// sigma(nu nubar -> nu nubar nu nubar) [cm^2] of the one diagram above at centre-of-mass energy
/// sqrt_s_MeV, with its Monte Carlo error: sigma = S/(2 s beta) int dPhi_4 sum_spins |M|^2, summed (not
/// averaged) over the initial spins as s_channel_breit_wigner is (docs/physics.md), S = 1/4 for the
/// same flavours. g^8 away from resonances; ~E^6 below M (the shape of Eq. 2).
/// @throws nusi::invalid_argument on a bad or vector mediator, coupling outside [1e-10, 4 pi],
/// sqrt_s_MeV not in [1e-8, 1e8] M, neutrino mass not in [0, sqrt(s)/4), samples outside
/// [2, max_phase_space_samples], threads > max_threads; nusi::numerical_error on a non-finite integrand.
template <class Real>
diagram_cross_section<Real> sigma_2to4_diagram_cm2(Real sqrt_s_MeV, const mediator<Real>& med,
                                                   const two_to_four_diagram_options<Real>& options = {}) {
  using W = detail::promoted_t<Real>;
  using std::sqrt;
  detail::validate_diagram_inputs("nusi::sigma_2to4_diagram_cm2", sqrt_s_MeV, med, options);
  // Units of sqrt(s) = 1 throughout: every quantity is a ratio to a power of s.
  const W E = sqrt_s_MeV, M = W(med.mass_MeV) / E, Gamma = W(med.width_MeV()) / E, g = med.coupling;
  const W m = W(options.neutrino_mass_MeV) / E;
  const W beta = sqrt((1 - 2 * m) * (1 + 2 * m));  // flux 2 s beta = 2 lambda^(1/2)(s, m^2, m^2)
  const W symmetry = options.flavours == final_state_flavours::same ? W(0.25) : W(1);
  const W prefactor = symmetry / (2 * beta);
  const auto integrand = [&](const phase_space_point<W, 4>& p) {
    const W k1k2 = detail::dot(p.momenta_MeV[1], p.momenta_MeV[0]);
    return prefactor * detail::two_to_four_spin_sum<W>(W(1), p.intermediate_masses_squared_MeV2[0],
                                                       p.intermediate_masses_squared_MeV2[1], k1k2, m, M, Gamma, g);
  };
  const phase_space_integration_options mc{options.samples, options.seed, options.threads};
  const auto hat = options.method == phase_space_method::rambo
                       ? integrate_phase_space<W>(rambo_generator<W, 4>(W(1), {m, m, m, m}), integrand, mc)
                       : integrate_phase_space<W>(detail::diagram_cascade(M, Gamma, m), integrand, mc);
  return detail::to_cross_section<Real>(sqrt_s_MeV, hat);
}

/// sigma(nu nubar -> phi* -> nu nubar) [cm^2] at sqrt_s_MeV by the same integrator and conventions as
/// sigma_2to4_diagram_cm2 (sum_spins |M|^2 = g^4 [2(s - 4m^2)]^2/|D(s)|, no average over initial
/// spins, flux 2 s beta): the check against s_channel_breit_wigner::sigma_total_cm2 (paper Eq. 4)
/// in the centre-of-mass frame. Throws as sigma_2to4_diagram_cm2 (options.flavours is not used).
template <class Real>
diagram_cross_section<Real> sigma_2to2_s_channel_cm2(Real sqrt_s_MeV, const mediator<Real>& med,
                                                     const two_to_four_diagram_options<Real>& options = {}) {
  using W = detail::promoted_t<Real>;
  using std::sqrt;
  detail::validate_diagram_inputs("nusi::sigma_2to2_s_channel_cm2", sqrt_s_MeV, med, options);
  const W E = sqrt_s_MeV, M = W(med.mass_MeV) / E, Gamma = W(med.width_MeV()) / E, g = med.coupling;
  const W m = W(options.neutrino_mass_MeV) / E;
  const W beta = sqrt((1 - 2 * m) * (1 + 2 * m));
  const W g2 = g * g, pair = 2 * (1 - 4 * m * m);
  const W value = g2 * g2 * pair * pair / detail::breit_wigner_denominator(W(1), M, Gamma) / (2 * beta);
  const auto integrand = [&](const phase_space_point<W, 2>&) { return value; };
  const phase_space_integration_options mc{options.samples, options.seed, options.threads};
  const auto hat = options.method == phase_space_method::rambo
                       ? integrate_phase_space<W>(rambo_generator<W, 2>(W(1), {m, m}), integrand, mc)
                       : integrate_phase_space<W>(cascade_generator<W, 2>(W(1), {m, m}), integrand, mc);
  return detail::to_cross_section<Real>(sqrt_s_MeV, hat);
}


namespace detail {
/// Symmetry factor of the final state: 1/(2! 2!) for the same flavours, 1 for distinct ones.
template <class W>
W final_state_symmetry(final_state_flavours f) {
  return f == final_state_flavours::same ? W(0.25) : W(1);
}

/// I(mu) = int_mu^1 (x - mu)^2 (1 - x)^2 / x^3 dx = (1 + 4 mu + mu^2) ln(1/mu) - 3 (1 - mu^2), the
/// Dalitz integral of the narrow-width limit (docs/physics.md). Above mu = 1/4 the closed form
/// cancels (I ~ (1 - mu)^5/30 at threshold): there 20-point Gauss-Legendre of the integral written
/// on t in [0, 1], x = mu + (1 - mu) t, whose nearest singularity (t = -mu/(1 - mu) <= -1/3) keeps
/// the error below 1e-19.
template <class W>
W narrow_width_dalitz_integral(W mu) {
  using std::log;
  if (!(mu < 1)) return W(0);
  if (mu <= W(0.25)) return (1 + mu * (4 + mu)) * -log(mu) - 3 * (1 - mu) * (1 + mu);
  const W e = 1 - mu;
  const W integral = boost::math::quadrature::gauss<W, 20>::integrate(
      [&](W t) {
        const W x = mu + e * t;
        return (t * (1 - t)) * (t * (1 - t)) / (x * x * x);
      },
      W(0), W(1));
  return e * e * e * e * e * integral;
}
}  // namespace detail

namespace detail {
template <class W>
boost::math::quadrature::tanh_sinh<W>& diagram_tanh_sinh_rule() {  // abscissas built once, reused
  static boost::math::quadrature::tanh_sinh<W> rule;
  return rule;
}

/// J = int_lo^hi dq^2 q^2 I(q^2)/|D(q^2)| in units s = 1 (0 <= lo < hi <= 1), by tanh-sinh on three
/// pieces: within 100 M Gamma of the pole in theta = atan((q^2 - M^2)/(M Gamma)), where dq^2/|D| =
/// dtheta/(M Gamma) makes the Breit-Wigner flat (q^2 = a + M Gamma (1 + t_a^2) tau/(1 - t_a tau),
/// tau = tan(u dtheta), as in the sampler); beyond it in v = ln|q^2 - M^2|, where |D| = e^(2v) +
/// (M Gamma)^2 is formed without cancellation. Throws nusi::numerical_error if the sum misses its tolerance.
template <class W>
W pair_mass_integral(W lo, W hi, W M, W Gamma) {
  using std::atan;
  using std::atan2;
  using std::exp;
  using std::log;
  using std::pow;
  using std::sqrt;
  using std::tan;
  const W M2 = M * M, MG = M * Gamma, window = 100 * MG;
  static const W tol = pow(std::numeric_limits<W>::epsilon(), W(0.75));
  W total = 0, total_error = 0, total_L1 = 0;
  const auto add = [&](const auto& f, W a, W b, W factor) {  // factor * int_a^b f
    W error = 0, L1 = 0;
    total += factor * diagram_tanh_sinh_rule<W>().integrate(f, a, b, tol, &error, &L1);
    total_error += factor * (b - a) / 2 * error;  // Boost 1.74 scales L1 by (b - a)/2, not the error (spectra.hpp)
    total_L1 += factor * L1;
  };
  const auto q2_I = [](W q2) { return q2 > 0 ? q2 * narrow_width_dalitz_integral(q2) : W(0); };  // I(q2 >= 1) = 0
  // The window [a, b] around the pole, in theta.
  const W a = M2 - window > lo ? M2 - window : lo, b = M2 + window < hi ? M2 + window : hi;
  if (b > a) {
    const W t_a = (a - M2) / MG, t_b = (b - M2) / MG, denominator = 1 + t_a * t_b;
    const W dtheta = denominator > 0 ? atan(((b - a) / MG) / denominator) : atan2(t_b, W(1)) - atan2(t_a, W(1));
    const auto f = [&](W u) {
      const W tau = tan(u * dtheta);
      return q2_I(a + MG * (1 + t_a * t_a) * (tau / (1 - t_a * tau)));
    };
    const W u_pole = -atan(t_a) / dtheta;  // split where q^2 = M^2, if inside
    if (a < M2 && M2 < b) {
      add(f, W(0), u_pole, dtheta / MG);
      add(f, u_pole, W(1), dtheta / MG);
    } else {
      add(f, W(0), W(1), dtheta / MG);
    }
  }
  // Below the window: q^2 = M^2 - e^v; above it: q^2 = M^2 + e^v; dq^2 = e^v dv.
  const auto tail = [&](W sign) {
    return [&, sign](W v) {
      const W e = exp(v);
      return q2_I(M2 + sign * e) * e / (e * e + MG * MG);
    };
  };
  const W lower_end = b < M2 - window ? hi : M2 - window;  // the lower tail is [lo, lower_end]
  if (lower_end > lo) {
    if (M2 - lo > 2 * (M2 - lower_end)) {
      add(tail(W(-1)), log(M2 - lower_end), log(M2 - lo), W(1));
    } else {  // |q^2 - M^2| within a factor 2 across the tail (a far pole): directly in q^2
      add([&](W q2) { return q2_I(q2) / breit_wigner_denominator(q2, M, Gamma); }, lo, lower_end, W(1));
    }
  }
  const W upper_start = a > M2 + window ? lo : M2 + window;  // the upper tail is [upper_start, hi]
  if (hi > upper_start) add(tail(W(1)), log(upper_start - M2), log(hi - M2), W(1));
  // Requested eps^(3/4); accepted at sqrt(eps) (1.5e-8 in double) on the sum: a piece next to
  // q^2 = s, where I ~ (1 - q^2)^5/30, may be negligible and its own relative error meaningless.
  static const W accepted = sqrt(std::numeric_limits<W>::epsilon());
  if (!(total_error <= accepted * total_L1))
    throw numerical_error("nusi::sigma_2to4_diagram_massless_cm2: quadrature did not converge (M/sqrt(s) = " +
                          to_text(M) + ", Gamma/M = " + to_text(Gamma / M) + ", error " + to_text(total_error) +
                          " of L1 " + to_text(total_L1) + ")");
  return total;
}
}  // namespace detail

/// sigma_2to4_diagram_cm2 for massless neutrinos [cm^2], exact, by one-dimensional quadrature: the
/// three- and two-body parts integrate in closed form (docs/physics.md), leaving
/// sigma = S g^8 s/(1024 pi^5 |D(s)|) int_0^s dq^2 q^2 I(q^2/s)/|D(q^2)|, I as in the narrow-width
/// limit. The Monte Carlo's independent check across the resonance, and a noise-free curve.
/// @throws nusi::invalid_argument as sigma_2to4_diagram_cm2 (bad or vector mediator, coupling,
/// sqrt_s_MeV); nusi::numerical_error if the quadrature misses its tolerance.
template <class Real>
Real sigma_2to4_diagram_massless_cm2(Real sqrt_s_MeV, const mediator<Real>& med,
                                     final_state_flavours flavours = final_state_flavours::same) {
  using W = detail::promoted_t<Real>;
  using std::pow;
  detail::validate_diagram_inputs("nusi::sigma_2to4_diagram_massless_cm2", sqrt_s_MeV, med,
                                  two_to_four_diagram_options<Real>{});
  const W pi = boost::math::constants::pi<W>();
  const W E = sqrt_s_MeV, M = W(med.mass_MeV) / E, Gamma = W(med.width_MeV()) / E, g2 = W(med.coupling) * W(med.coupling);
  const W J = detail::pair_mass_integral(W(0), W(1), M, Gamma);
  const W hat = detail::final_state_symmetry<W>(flavours) * (g2 * g2) * (g2 * g2) /
                (1024 * pow(pi, 5) * detail::breit_wigner_denominator(W(1), M, Gamma)) * J;
  return static_cast<Real>(per_MeV2_to_cm2(hat / (E * E)));
}

/// Closed-form low-energy limit of sigma_2to4_diagram_cm2 [cm^2] (sqrt s << M, massless neutrinos):
/// S g^8 s^3 / (147456 pi^5 M^8), i.e. Eq. (2) with kappa^4 = S/(147456 pi^5) (kappa = 8.63e-3 for the
/// same flavours, S = 1/4). Derived in docs/physics.md. Throws nusi::invalid_argument on bad input.
template <class Real>
Real sigma_2to4_diagram_low_energy_cm2(Real sqrt_s_MeV, const mediator<Real>& med,
                                       final_state_flavours flavours = final_state_flavours::same) {
  using W = detail::promoted_t<Real>;
  using std::pow;
  constexpr std::string_view fn = "nusi::sigma_2to4_diagram_low_energy_cm2";
  detail::validate_scalar_mediator(fn, med);
  detail::require_positive(fn, "sqrt_s_MeV", sqrt_s_MeV);
  const W pi = boost::math::constants::pi<W>();
  const W M = med.mass_MeV, x = W(sqrt_s_MeV) / M, x2 = x * x, g2 = W(med.coupling) * W(med.coupling);
  const W value = detail::final_state_symmetry<W>(flavours) * (g2 * g2) * (g2 * g2) * (x2 * x2 * x2) /
                  (147456 * pow(pi, 5) * M * M);
  return static_cast<Real>(per_MeV2_to_cm2(value));
}

/// kappa of Eq. (2) that the diagram's low-energy limit implies: (S/(147456 pi^5))^(1/4), 8.63e-3
/// for the same flavours (S = 1/4), 1.22e-2 for distinct ones (compare the paper's 1e-2).
template <class Real>
Real two_to_four_diagram_kappa(final_state_flavours flavours = final_state_flavours::same) {
  using std::pow;
  const Real pi = boost::math::constants::pi<Real>();
  return pow(detail::final_state_symmetry<Real>(flavours) / (147456 * pow(pi, 5)), Real(0.25));
}

/// Closed-form narrow-width limit of sigma_2to4_diagram_cm2 [cm^2] for sqrt s > M (g << 1, massless
/// neutrinos): the second mediator on shell, nu nubar -> nu nubar phi, then phi -> nu nubar with
/// branching ratio 1/2 into the diagram's pair (partial width g^2 M/(8 pi) of Gamma = g^2 M/(4 pi)):
/// S g^6 s I(M^2/s) / (256 pi^3 |D(s)|), I(mu) = (1 + 4 mu + mu^2) ln(1/mu) - 3 (1 - mu^2). It scales
/// as g^6, not g^8, and as (ln(s/M^2) - 3)/s for s >> M^2. 0 for sqrt s <= M. Throws on bad input.
template <class Real>
Real sigma_2to4_diagram_narrow_width_cm2(Real sqrt_s_MeV, const mediator<Real>& med,
                                         final_state_flavours flavours = final_state_flavours::same) {
  using W = detail::promoted_t<Real>;
  constexpr std::string_view fn = "nusi::sigma_2to4_diagram_narrow_width_cm2";
  detail::validate_scalar_mediator(fn, med);
  detail::require_positive(fn, "sqrt_s_MeV", sqrt_s_MeV);
  const W pi = boost::math::constants::pi<W>();
  const W E = sqrt_s_MeV, M = med.mass_MeV, mu = (M / E) * (M / E);
  if (!(mu < 1)) return Real(0);
  const W g2 = W(med.coupling) * W(med.coupling), gamma = g2 / (4 * pi);  // Gamma/M
  // s/|D(s)| = 1/(s ((1 - mu)^2 + mu^2 gamma^2)), in units where no s^2 is formed.
  const W one_minus_mu = (E - M) * (E + M) / (E * E);
  const W s_over_D = 1 / (E * E * (one_minus_mu * one_minus_mu + (mu * gamma) * (mu * gamma)));
  const W value = detail::final_state_symmetry<W>(flavours) * g2 * g2 * g2 * s_over_D *
                  detail::narrow_width_dalitz_integral(mu) / (256 * pi * pi * pi);
  return static_cast<Real>(per_MeV2_to_cm2(value));
}

/// Settings of the Fig. 5 comparison (compare_two_to_four): the mediators, the grid in sqrt(s)/M and
/// the Monte Carlo. Defaults: M = 1 and 100 MeV at the paper's core bound g = 10^-1.8, five decades.
template <class Real>
struct two_to_four_comparison_options {
  /// Mediator masses [MeV], each finite and > 0; one curve each.
  std::vector<Real> masses_MeV{Real(1), Real(100)};
  /// Coupling g of every curve (paper: core bound ~10^-1.8), in [1e-10, 4 pi].
  Real coupling = Real(0.015848931924611134852L);
  /// log10(sqrt(s)/M) of the first and last points; the first is the normalisation point (below M,
  /// where Eq. 2 and the diagram both go as E^6). Each in [-8, 8], first < last.
  Real log10_sqrt_s_over_M_min = Real(-2);
  Real log10_sqrt_s_over_M_max = Real(3);
  /// Log-spaced points per curve, in [4, 1000]. The default 30 (step 0.172 dex) does not land on
  /// sqrt(s) = M, where the narrow s-channel line of width Gamma sits (docs/validation.md).
  std::size_t points = 30;
  /// kappa of Eqs. (2)-(3).
  Real kappa = default_kappa<Real>;
  /// Monte Carlo of each point (40000 samples: ~1% statistical error).
  two_to_four_diagram_options<Real> integration{.samples = 40'000};
};

/// One row of the Fig. 5 comparison. "_au" columns are arbitrary units: each cross section divided
/// by its own value at the curve's normalisation point (its first point).
template <class Real>
struct two_to_four_comparison_row {
  Real mass_MeV = Real(0);
  Real sqrt_s_MeV = Real(0);
  Real sqrt_s_over_M = Real(0);
  /// The diagram by Monte Carlo and its standard error [cm^2].
  Real sigma_diagram_cm2 = Real(0);
  Real error_cm2 = Real(0);
  /// The same for massless neutrinos by one-dimensional quadrature (exact; sigma_2to4_diagram_massless_cm2).
  Real sigma_massless_cm2 = Real(0);
  /// Closed-form limits [cm^2]: low energy (valid for sqrt s << M) and narrow width (sqrt s > M, else 0).
  Real sigma_low_energy_cm2 = Real(0);
  Real sigma_narrow_width_cm2 = Real(0);
  /// Paper Eqs. (2)-(3) with E_cm^-2 above M [cm^2].
  Real sigma_eqs23_cm2 = Real(0);
  Real diagram_au = Real(0);
  /// Error of diagram_au, including that of the normalisation point.
  Real error_au = Real(0);
  /// sigma_massless_cm2 in the same units (divided by the Monte Carlo's value at the normalisation point).
  Real massless_au = Real(0);
  Real eqs23_au = Real(0);
};

/// One curve of the Fig. 5 comparison, with what it says about kappa and the slopes.
template <class Real>
struct two_to_four_comparison_curve {
  mediator<Real> med{};
  /// sqrt(s) of the normalisation point [MeV].
  Real normalisation_sqrt_s_MeV = Real(0);
  /// kappa at which Eq. (2) equals the diagram at the normalisation point (Monte Carlo) and its error;
  /// two_to_four_diagram_kappa is the closed-form low-energy value.
  Real kappa_effective = Real(0);
  Real kappa_effective_error = Real(0);
  /// d ln sigma / d ln sqrt(s) fitted (weighted least squares) over the points with sqrt(s)/M <= 0.1,
  /// and its error (points treated as independent): Eq. (2) says 6.
  Real low_energy_slope = Real(0);
  Real low_energy_slope_error = Real(0);
  /// The same over the last decade of the grid (if above M): Eq. (3) says -2, the diagram
  /// -2 + 2/(ln(s/M^2) - 3) asymptotically. 0 with error +infinity if fewer than 2 points.
  Real high_energy_slope = Real(0);
  Real high_energy_slope_error = Real(0);
  /// The exact massless curve's slope fitted over the same points.
  Real high_energy_slope_massless = Real(0);
  std::vector<two_to_four_comparison_row<Real>> rows;
};

namespace detail {
template <class Real>
struct slope_fit {
  Real slope, error;
};
/// Weighted least-squares slope of ln y against ln x with errors dy (weights (y/dy)^2).
template <class Real>
slope_fit<Real> log_slope(const std::vector<Real>& x, const std::vector<Real>& y, const std::vector<Real>& dy) {
  using std::log;
  using std::sqrt;
  Real S = 0, Sx = 0, Sy = 0, Sxx = 0, Sxy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!(y[i] > 0)) continue;
    const Real r = dy[i] > 0 ? dy[i] / y[i] : std::numeric_limits<Real>::epsilon();
    const Real w = 1 / (r * r), u = log(x[i]), v = log(y[i]);
    S += w, Sx += w * u, Sy += w * v, Sxx += w * u * u, Sxy += w * u * v;
  }
  const Real det = S * Sxx - Sx * Sx;
  if (!(det > 0)) return {Real(0), std::numeric_limits<Real>::infinity()};
  return {(S * Sxy - Sx * Sy) / det, sqrt(S / det)};
}
}  // namespace detail

/// The Fig. 5 comparison: for each mass, sigma_2to4_diagram_cm2 on a log grid of sqrt(s)/M beside the
/// exact massless curve, the closed-form limits and Eqs. (2)-(3), all normalised at the first point,
/// with kappa_effective and the fitted slopes. Work: options.points x masses Monte Carlo integrals of integration.samples.
/// @throws nusi::invalid_argument naming a bad member (empty or bad masses, coupling, grid, kappa,
/// integration), as sigma_2to4_diagram_cm2 does; nusi::numerical_error as it does.
template <class Real>
std::vector<two_to_four_comparison_curve<Real>> compare_two_to_four(const two_to_four_comparison_options<Real>& options = {}) {
  using std::pow;
  using std::sqrt;
  constexpr std::string_view fn = "nusi::compare_two_to_four";
  if (options.masses_MeV.empty() || options.masses_MeV.size() > 100)
    detail::throw_invalid(fn, "options.masses_MeV.size()", "in [1, 100]", options.masses_MeV.size());
  for (const Real& M : options.masses_MeV) detail::require_positive(fn, "options.masses_MeV[i]", M);
  detail::require_closed_interval(fn, "options.coupling", options.coupling, Real(1e-10L),
                                  Real(4 * boost::math::constants::pi<Real>()));
  detail::require_closed_interval(fn, "options.log10_sqrt_s_over_M_min", options.log10_sqrt_s_over_M_min, Real(-8), Real(8));
  detail::require_closed_interval(fn, "options.log10_sqrt_s_over_M_max", options.log10_sqrt_s_over_M_max, Real(-8), Real(8));
  detail::require_ordered(fn, "options.log10_sqrt_s_over_M_min", options.log10_sqrt_s_over_M_min,
                          "options.log10_sqrt_s_over_M_max", options.log10_sqrt_s_over_M_max);
  if (options.points < 4 || options.points > 1000) detail::throw_invalid(fn, "options.points", "in [4, 1000]", options.points);
  detail::require_positive(fn, "options.kappa", options.kappa);
  std::vector<two_to_four_comparison_curve<Real>> curves;
  for (const Real& M : options.masses_MeV) {
    two_to_four_comparison_curve<Real> c;
    c.med = mediator<Real>{.mass_MeV = M, .coupling = options.coupling};
    const Real step = (options.log10_sqrt_s_over_M_max - options.log10_sqrt_s_over_M_min) / Real(options.points - 1);
    for (std::size_t i = 0; i < options.points; ++i) {
      two_to_four_comparison_row<Real> r;
      r.mass_MeV = M;
      r.sqrt_s_over_M = pow(Real(10), options.log10_sqrt_s_over_M_min + step * Real(i));
      r.sqrt_s_MeV = r.sqrt_s_over_M * M;
      const auto d = sigma_2to4_diagram_cm2(r.sqrt_s_MeV, c.med, options.integration);
      r.sigma_diagram_cm2 = d.sigma_cm2;
      r.error_cm2 = d.error_cm2;
      r.sigma_massless_cm2 = sigma_2to4_diagram_massless_cm2(r.sqrt_s_MeV, c.med, options.integration.flavours);
      r.sigma_low_energy_cm2 = sigma_2to4_diagram_low_energy_cm2(r.sqrt_s_MeV, c.med, options.integration.flavours);
      r.sigma_narrow_width_cm2 = sigma_2to4_diagram_narrow_width_cm2(r.sqrt_s_MeV, c.med, options.integration.flavours);
      r.sigma_eqs23_cm2 = sigma_2to4_cm2(r.sqrt_s_MeV, c.med, options.kappa);
      c.rows.push_back(r);
    }
    const auto& n = c.rows.front();
    c.normalisation_sqrt_s_MeV = n.sqrt_s_MeV;
    if (!(n.sigma_diagram_cm2 > 0))
      throw numerical_error(std::string(fn) + ": the diagram's cross section at the normalisation point is 0 (M = " +
                            detail::to_text(M) + " MeV)");
    const Real rel_n = n.error_cm2 / n.sigma_diagram_cm2;
    for (auto& r : c.rows) {
      r.diagram_au = r.sigma_diagram_cm2 / n.sigma_diagram_cm2;
      const Real rel = r.sigma_diagram_cm2 > 0 ? r.error_cm2 / r.sigma_diagram_cm2 : Real(0);
      r.error_au = &r == &c.rows.front() ? Real(0) : r.diagram_au * sqrt(rel * rel + rel_n * rel_n);
      r.massless_au = r.sigma_massless_cm2 / n.sigma_diagram_cm2;
      r.eqs23_au = r.sigma_eqs23_cm2 / n.sigma_eqs23_cm2;
    }
    // kappa^4 = sigma / (g^8 E^6/M^8) in MeV^-2 at the normalisation point (sqrt s < M: Eq. 2).
    const Real eq2_at_unit_kappa = sigma_2to4_cm2(n.sqrt_s_MeV, c.med, Real(1));
    c.kappa_effective = pow(n.sigma_diagram_cm2 / eq2_at_unit_kappa, Real(0.25));
    c.kappa_effective_error = c.kappa_effective * rel_n / 4;
    std::vector<Real> xl, yl, el, xh, yh, eh, nh;
    const Real top = pow(Real(10), options.log10_sqrt_s_over_M_max - 1);
    for (const auto& r : c.rows) {
      if (r.sqrt_s_over_M <= Real(0.1) * (1 + 64 * std::numeric_limits<Real>::epsilon()))
        xl.push_back(r.sqrt_s_MeV), yl.push_back(r.sigma_diagram_cm2), el.push_back(r.error_cm2);
      if (r.sqrt_s_over_M > Real(1) && r.sqrt_s_over_M >= top * (1 - 64 * std::numeric_limits<Real>::epsilon())) {
        xh.push_back(r.sqrt_s_MeV), yh.push_back(r.sigma_diagram_cm2), eh.push_back(r.error_cm2);
        nh.push_back(r.sigma_massless_cm2);
      }
    }
    const auto low = detail::log_slope(xl, yl, el), high = detail::log_slope(xh, yh, eh);
    c.low_energy_slope = low.slope, c.low_energy_slope_error = low.error;
    c.high_energy_slope = high.slope, c.high_energy_slope_error = high.error;
    c.high_energy_slope_massless = detail::log_slope(xh, nh, eh).slope;
    curves.push_back(std::move(c));
  }
  return curves;
}

/// What the core bound would become at one mass if sigma_2to4 followed the diagram's shape instead
/// of Eqs. (2)-(3), both normalised at sqrt(s) = reference_sqrt_s_over_M * M (below M).
template <class Real>
struct two_to_four_bound_shift {
  Real E_cm_MeV = Real(0);
  mediator<Real> med{};
  /// R = [sigma_diagram(E_cm)/sigma_diagram(E_ref)] / [sigma_Eqs23(E_cm)/sigma_Eqs23(E_ref)].
  Real shape_ratio = Real(1);
  /// n = d ln sigma_diagram / d ln g at E_cm: 8 below M, 6 above (the on-shell mediator).
  Real coupling_exponent = Real(8);
  /// -log10(R)/8: log10 of (sigma_diagram/sigma_Eq3)^(-1/8), the shift at fixed g^8 scaling.
  Real log10_shift_fixed_exponent = Real(0);
  /// -log10(R)/n: the shift of log10 g_core solving g^8 R(g) = g_core^8 with R proportional to g^(n-8).
  Real log10_shift = Real(0);
};

/// The core-bound shift of two_to_four_bound_shift at E_cm [MeV] (paper: 2<E> = 60 MeV) for med at the
/// bound (med.coupling = g_core, e.g. from core_bound), from the exact massless diagram
/// (sigma_2to4_diagram_massless_cm2: m_nu^2/s ~ 1e-18 at 60 MeV is invisible); no Monte Carlo noise.
/// @throws nusi::invalid_argument on bad input (as sigma_2to4_diagram_massless_cm2; reference_sqrt_s_over_M
/// in [1e-6, 0.5], kappa > 0); nusi::numerical_error if a quadrature fails.
template <class Real>
two_to_four_bound_shift<Real> core_bound_shift_from_diagram(Real E_cm_MeV, const mediator<Real>& med,
                                                            Real reference_sqrt_s_over_M = Real(0.01),
                                                            Real kappa = default_kappa<Real>) {
  using std::log;
  using std::log10;
  constexpr std::string_view fn = "nusi::core_bound_shift_from_diagram";
  detail::require_closed_interval(fn, "reference_sqrt_s_over_M", reference_sqrt_s_over_M, Real(1e-6L), Real(0.5));
  detail::require_positive(fn, "kappa", kappa);
  const Real E_ref = reference_sqrt_s_over_M * med.mass_MeV;
  const Real at = sigma_2to4_diagram_massless_cm2(E_cm_MeV, med), ref = sigma_2to4_diagram_massless_cm2(E_ref, med);
  mediator<Real> stronger = med;
  stronger.coupling = med.coupling * Real(1.01);
  const Real at_stronger = sigma_2to4_diagram_massless_cm2(E_cm_MeV, stronger);
  if (!(at > 0) || !(ref > 0) || !(at_stronger > 0))
    throw numerical_error(std::string(fn) + ": a diagram cross section underflows at E_cm_MeV = " + detail::to_text(E_cm_MeV));
  two_to_four_bound_shift<Real> out;
  out.E_cm_MeV = E_cm_MeV;
  out.med = med;
  out.shape_ratio = at / ref / (sigma_2to4_cm2(E_cm_MeV, med, kappa) / sigma_2to4_cm2(E_ref, med, kappa));
  out.coupling_exponent = log(at_stronger / at) / log(Real(1.01));  // a 1% step: O(1e-2) of the exponent's slope
  out.log10_shift_fixed_exponent = -log10(out.shape_ratio) / 8;
  out.log10_shift = -log10(out.shape_ratio) / out.coupling_exponent;
  return out;
}

}  // namespace nusi
