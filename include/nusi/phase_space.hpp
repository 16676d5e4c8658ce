// SPDX-License-Identifier: MIT
// Relativistic n-body phase space for the 2nu->4nu check of the paper's Eqs. (2)-(3) (its appendix,
// Fig. 5): closed-form volumes, two generators (RAMBO, flat; a cascade of two-body decays with
// Breit-Wigner importance sampling) and a seeded, batched Monte Carlo integrator whose result does
// not depend on the thread count. Throws nusi::invalid_argument on bad input, nusi::numerical_error
// on a non-finite integrand or a RAMBO mass solve that fails. See docs/physics.md "2nu -> 4nu from one diagram".
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <boost/math/constants/constants.hpp>

#include "detail/four_vector.hpp"
#include "detail/random.hpp"
#include "errors.hpp"
#include "parallel.hpp"

namespace nusi {

/// A four-momentum (E, p_x, p_y, p_z) in the metric (+, -, -, -); nusi's generators fill it in MeV.
template <class Real>
using four_momentum = detail::four_vector<Real>;

/// One point of N-body phase space with its weight, as the generators below return it.
template <class Real, std::size_t N>
struct phase_space_point {
  /// Final-state momenta p_0 .. p_{N-1} [MeV] in the centre-of-mass frame (total momentum (sqrt s, 0)).
  std::array<four_momentum<Real>, N> momenta_MeV{};
  /// Q_i^2 = (p_{i+1} + ... + p_{N-1})^2 [MeV^2], i = 0 .. N-3: the invariant masses of the cascade
  /// P -> p_0 + Q_0, Q_0 -> p_1 + Q_1, ... Exact where the generator drew them (cascade_generator),
  /// computed from the momenta otherwise (rambo_generator).
  std::array<Real, (N > 2 ? N - 2 : 0)> intermediate_masses_squared_MeV2{};
  /// Weight [MeV^(2N-4)]: the mean of weight * f over points estimates the integral of f over
  /// dPhi_N = (2 pi)^4 delta^4(P - sum p) prod d^3p/((2 pi)^3 2E) (0 on a set of measure zero).
  Real weight = Real(0);
};

namespace detail {
template <class Real>
Real kallen_root(Real M2, Real m1, Real m2) {  // sqrt(lambda(M^2, m1^2, m2^2)), 0 at (or below) threshold
  using std::sqrt;
  const Real a = M2 - (m1 + m2) * (m1 + m2), b = M2 - (m1 - m2) * (m1 - m2);
  return a > 0 && b > 0 ? sqrt(a) * sqrt(b) : Real(0);
}

template <class Real, std::size_t N>
void validate_masses(std::string_view fn, Real sqrt_s_MeV, const std::array<Real, N>& masses_MeV) {
  require_positive(fn, "sqrt_s_MeV", sqrt_s_MeV);
  Real sum = 0;
  for (const Real& m : masses_MeV) {
    require_non_negative(fn, "masses_MeV[i]", m);
    sum += m;
  }
  if (!(sum < sqrt_s_MeV)) throw_invalid(fn, "sqrt_s_MeV", "> the sum of the masses = " + to_text(sum), sqrt_s_MeV);
}

template <class Real, std::size_t N>
void fill_intermediate_masses(phase_space_point<Real, N>& point) {
  if constexpr (N > 2) {
    four_vector<Real> Q = point.momenta_MeV[N - 1];
    for (std::size_t i = N - 2; i-- > 0;) {
      Q = Q + point.momenta_MeV[i + 1];
      point.intermediate_masses_squared_MeV2[i] = dot(Q, Q);
    }
  }
}

/// The decay of a parent of mass M at rest into masses m1, m2 with daughter 1 along (cos t, phi).
template <class Real>
std::array<four_vector<Real>, 2> two_body_decay_at_rest(Real M, Real m1, Real m2, Real cos_theta, Real phi) {
  using std::cos;
  using std::sin;
  using std::sqrt;
  const Real p = kallen_root(M * M, m1, m2) / (2 * M);
  const Real E1 = (M * M + (m1 - m2) * (m1 + m2)) / (2 * M), E2 = (M * M - (m1 - m2) * (m1 + m2)) / (2 * M);
  const Real sin_theta = sqrt((1 - cos_theta) * (1 + cos_theta));
  const Real x = p * sin_theta * cos(phi), y = p * sin_theta * sin(phi), z = p * cos_theta;
  return {four_vector<Real>{E1, x, y, z}, four_vector<Real>{E2, -x, -y, -z}};
}
}  // namespace detail

/// Volume of massless N-body phase space [MeV^(2N-4)]: (pi/2)^(N-1) s^(N-2) / ((N-1)! (N-2)!)
/// (2 pi)^(4-3N) (Kleiss, Stirling, Ellis, Comput. Phys. Commun. 40 (1986) 359, Eq. 2.6, with the
/// (2 pi) factors of dPhi_N). Throws nusi::invalid_argument unless 2 <= n <= 64 and sqrt_s_MeV > 0.
template <class Real>
Real massless_phase_space_volume(std::size_t n, Real sqrt_s_MeV) {
  using std::pow;
  constexpr std::string_view fn = "nusi::massless_phase_space_volume";
  if (n < 2 || n > 64) detail::throw_invalid(fn, "n", "in [2, 64]", n);
  detail::require_positive(fn, "sqrt_s_MeV", sqrt_s_MeV);
  const Real pi = boost::math::constants::pi<Real>();
  Real factorials = Real(n - 1);  // (n-1)! (n-2)! = (n-1) [(n-2)!]^2
  for (std::size_t k = 2; k + 2 <= n; ++k) factorials *= Real(k) * Real(k);
  const Real s = sqrt_s_MeV * sqrt_s_MeV;
  return pow(pi / 2, Real(n - 1)) * pow(s, Real(n) - 2) / factorials * pow(2 * pi, Real(4) - 3 * Real(n));
}

/// Volume of two-body phase space [dimensionless]: sqrt(lambda(s, m1^2, m2^2)) / (8 pi s).
/// Throws nusi::invalid_argument unless sqrt_s_MeV > m1_MeV + m2_MeV, masses >= 0.
template <class Real>
Real two_body_phase_space_volume(Real sqrt_s_MeV, Real m1_MeV, Real m2_MeV) {
  detail::validate_masses("nusi::two_body_phase_space_volume", sqrt_s_MeV, std::array<Real, 2>{m1_MeV, m2_MeV});
  const Real pi = boost::math::constants::pi<Real>();
  const Real s = sqrt_s_MeV * sqrt_s_MeV;
  return detail::kallen_root(s, m1_MeV, m2_MeV) / (8 * pi * s);
}

/// RAMBO: N momenta with a flat distribution in massless phase space, and massive by rescaling
/// (Kleiss, Stirling, Ellis, Comput. Phys. Commun. 40 (1986) 359). Massless: every point has the
/// weight massless_phase_space_volume. Massive: the weight varies (their Eq. 4.11). Use it where
/// the integrand has no sharp peaks; for resonances use cascade_generator.
template <class Real, std::size_t N>
class rambo_generator {
  static_assert(N >= 2, "rambo_generator needs at least two final-state particles");

 public:
  /// Total energy sqrt_s_MeV in the centre-of-mass frame and the final masses [MeV].
  /// @throws nusi::invalid_argument unless sqrt_s_MeV > sum of masses_MeV, all finite and >= 0.
  explicit rambo_generator(Real sqrt_s_MeV, const std::array<Real, N>& masses_MeV = {})
      : sqrt_s_(sqrt_s_MeV), masses_(masses_MeV) {
    detail::validate_masses("nusi::rambo_generator", sqrt_s_MeV, masses_MeV);
    massless_weight_ = massless_phase_space_volume(N, sqrt_s_MeV);
    for (const Real& m : masses_) massive_ = massive_ || m > 0;
  }

  Real sqrt_s_MeV() const { return sqrt_s_; }
  const std::array<Real, N>& masses_MeV() const { return masses_; }

  /// One point; consumes 4N deviates of rng. @throws nusi::numerical_error if the massive rescaling
  /// does not converge (never seen; bounded at 200 Newton steps).
  template <class URBG>
  phase_space_point<Real, N> operator()(URBG& rng) const {
    using std::cos;
    using std::log;
    using std::sin;
    using std::sqrt;
    const Real two_pi = 2 * boost::math::constants::pi<Real>();
    std::array<four_momentum<Real>, N> q{};
    four_momentum<Real> Q{};
    for (auto& qi : q) {
      const Real c = 2 * detail::uniform_open01<Real>(rng) - 1;
      const Real phi = two_pi * detail::uniform_open01<Real>(rng);
      const Real r3 = detail::uniform_open01<Real>(rng), r4 = detail::uniform_open01<Real>(rng);
      const Real E = -log(r3 * r4), st = sqrt((1 - c) * (1 + c));
      qi = {E, E * st * cos(phi), E * st * sin(phi), E * c};
      Q = Q + qi;
    }
    // Conformal transformation to total momentum (sqrt s, 0) (their Eq. 2.12).
    const Real M = sqrt(detail::dot(Q, Q));
    const Real bx = -Q.px / M, by = -Q.py / M, bz = -Q.pz / M;
    const Real gamma = Q.E / M, a = 1 / (1 + gamma), x = sqrt_s_ / M;
    phase_space_point<Real, N> out;
    for (std::size_t i = 0; i < N; ++i) {
      const Real bq = bx * q[i].px + by * q[i].py + bz * q[i].pz;
      const Real c = q[i].E + a * bq;
      out.momenta_MeV[i] = {x * (gamma * q[i].E + bq), x * (q[i].px + bx * c), x * (q[i].py + by * c),
                            x * (q[i].pz + bz * c)};
    }
    out.weight = massless_weight_;
    if (massive_) out.weight *= rescale_to_masses(out.momenta_MeV);
    detail::fill_intermediate_masses(out);
    return out;
  }

 private:
  // Solves sum sqrt(m_i^2 + xi^2 E_i^2) = sqrt s for xi in (0, 1) (convex and increasing: Newton from
  // xi = 1 decreases monotonically), rescales the momenta and returns the weight factor (Eq. 4.11):
  // (sum|k|/sqrt s)^(2N-3) prod(|k_i|/k_i0) sqrt s / sum(|k_i|^2/k_i0).
  Real rescale_to_masses(std::array<four_momentum<Real>, N>& p) const {
    using std::abs;
    using std::pow;
    using std::sqrt;
    Real xi = 1;
    const Real tolerance = 8 * std::numeric_limits<Real>::epsilon();
    bool converged = false;
    for (int iteration = 0; iteration < 200 && !converged; ++iteration) {
      Real f = -sqrt_s_, df = 0;
      for (std::size_t i = 0; i < N; ++i) {
        const Real e = sqrt(masses_[i] * masses_[i] + xi * xi * p[i].E * p[i].E);
        f += e;
        df += xi * p[i].E * p[i].E / e;
      }
      const Real step = f / df;
      xi -= step;
      converged = abs(step) <= tolerance * xi;
    }
    if (!converged || !(xi > 0)) throw numerical_error("nusi::rambo_generator: the mass rescaling did not converge");
    Real sum_k = 0, prod = 1, sum_k2_over_E = 0;
    for (std::size_t i = 0; i < N; ++i) {
      const Real k = xi * p[i].E;  // |k_i|: the massless |p_i| = E_i
      const Real E = sqrt(masses_[i] * masses_[i] + k * k);
      p[i] = {E, xi * p[i].px, xi * p[i].py, xi * p[i].pz};
      sum_k += k;
      prod *= k / E;
      sum_k2_over_E += k * k / E;
    }
    return pow(sum_k / sqrt_s_, Real(2 * N - 3)) * prod * sqrt_s_ / sum_k2_over_E;
  }

  Real sqrt_s_;
  std::array<Real, N> masses_;
  Real massless_weight_ = 0;
  bool massive_ = false;
};

/// Shape of the smooth part of the density with which cascade_generator draws an invariant mass Q^2.
enum class continuum_shape {
  flat,    ///< uniform in Q^2
  inverse  ///< proportional to 1/(Q^2 + continuum_offset_MeV2): uniform in log(Q^2 + offset)
};

/// How cascade_generator draws one invariant mass Q^2 on its kinematic range [lo, hi]: with
/// probability resonance_fraction from a Breit-Wigner 1/((Q^2 - M^2)^2 + M^2 Gamma^2) (importance
/// sampling of a propagator), otherwise from the continuum; the weight uses the mixture density.
template <class Real>
struct invariant_mass_sampling {
  continuum_shape continuum = continuum_shape::flat;
  /// Offset of the inverse continuum [MeV^2], finite and > 0 (ignored for flat).
  Real continuum_offset_MeV2 = Real(1);
  /// Probability in [0, 1] of drawing from the Breit-Wigner.
  Real resonance_fraction = Real(0);
  /// Breit-Wigner mass M and width Gamma [MeV], finite and > 0 when resonance_fraction > 0.
  Real resonance_mass_MeV = Real(1);
  Real resonance_width_MeV = Real(1);
};

namespace detail {
template <class Real>
void validate_sampling(std::string_view fn, const invariant_mass_sampling<Real>& s) {
  require_closed_interval(fn, "sampling[i].resonance_fraction", s.resonance_fraction, Real(0), Real(1));
  if (s.continuum == continuum_shape::inverse) require_positive(fn, "sampling[i].continuum_offset_MeV2", s.continuum_offset_MeV2);
  if (s.resonance_fraction > 0) {
    require_positive(fn, "sampling[i].resonance_mass_MeV", s.resonance_mass_MeV);
    require_positive(fn, "sampling[i].resonance_width_MeV", s.resonance_width_MeV);
  }
}

/// One draw of Q^2 on [lo, hi] and its density; consumes exactly two deviates.
template <class Real>
struct invariant_mass_draw {
  Real Q2, density;
};

template <class Real, class URBG>
invariant_mass_draw<Real> draw_invariant_mass(const invariant_mass_sampling<Real>& s, Real lo, Real hi, URBG& rng) {
  using std::atan;
  using std::atan2;
  using std::expm1;
  using std::log1p;
  using std::tan;
  const Real u_channel = uniform_open01<Real>(rng), u = uniform_open01<Real>(rng);
  const Real width = hi - lo;
  if (!(width > 0)) return {lo, Real(0)};
  // Breit-Wigner in theta = atan((Q^2 - M^2)/(M Gamma)): Q^2 - lo = M Gamma (1 + t_lo^2) tau/(1 - t_lo tau),
  // tau = tan(u dtheta), the tangent addition formula, so that Q^2 - lo keeps its relative accuracy
  // on ranges far from the pole, where theta_hi - theta_lo is tiny next to theta_lo.
  const Real M2 = s.resonance_mass_MeV * s.resonance_mass_MeV, MG = s.resonance_mass_MeV * s.resonance_width_MeV;
  const bool resonant = s.resonance_fraction > 0;
  Real t_lo = 0, dtheta = 1;
  if (resonant) {
    t_lo = (lo - M2) / MG;
    const Real t_hi = (hi - M2) / MG, denominator = 1 + t_lo * t_hi;
    dtheta = denominator > 0 ? atan((width / MG) / denominator) : atan2(t_hi, Real(1)) - atan2(t_lo, Real(1));
  }
  const Real log_ratio = s.continuum == continuum_shape::inverse ? log1p(width / (lo + s.continuum_offset_MeV2)) : Real(0);
  Real Q2;
  if (resonant && u_channel < s.resonance_fraction) {
    const Real tau = tan(u * dtheta);
    Q2 = lo + MG * (1 + t_lo * t_lo) * (tau / (1 - t_lo * tau));
  } else if (s.continuum == continuum_shape::inverse) {
    Q2 = lo + (lo + s.continuum_offset_MeV2) * expm1(u * log_ratio);
  } else {
    Q2 = lo + u * width;
  }
  if (!(Q2 >= lo)) Q2 = lo;  // rounding at the ends of the range (and tau/(1 - t tau) = -0)
  if (!(Q2 <= hi)) Q2 = hi;
  Real density = 0;
  if (resonant) {
    const Real d = (Q2 - M2) / MG;
    density += s.resonance_fraction / (MG * (1 + d * d) * dtheta);
  }
  const Real continuum = s.continuum == continuum_shape::inverse ? 1 / ((Q2 + s.continuum_offset_MeV2) * log_ratio)
                                                                  : 1 / width;
  density += (1 - s.resonance_fraction) * continuum;
  return {Q2, density};
}
}  // namespace detail

/// N-body phase space as a cascade of two-body decays P -> p_0 + Q_0, Q_0 -> p_1 + Q_1, ...,
/// Q_{N-3} -> p_{N-2} + p_{N-1} (dPhi_N = prod dPhi_2 prod dQ_i^2/(2 pi)), each Q_i^2 drawn as its
/// invariant_mass_sampling says and each decay isotropic in its parent's rest frame. With
/// Breit-Wigner sampling of a propagator's Q^2 the resonance converges however narrow it is.
template <class Real, std::size_t N>
class cascade_generator {
  static_assert(N >= 2, "cascade_generator needs at least two final-state particles");

 public:
  /// Total energy sqrt_s_MeV, final masses [MeV] in cascade order, and how each Q_i^2 is drawn.
  /// @throws nusi::invalid_argument on sqrt_s_MeV <= sum of masses, a negative or non-finite mass,
  /// or a bad sampling member (named).
  explicit cascade_generator(Real sqrt_s_MeV, const std::array<Real, N>& masses_MeV = {},
                             const std::array<invariant_mass_sampling<Real>, (N > 2 ? N - 2 : 0)>& sampling = {})
      : sqrt_s_(sqrt_s_MeV), masses_(masses_MeV), sampling_(sampling) {
    constexpr std::string_view fn = "nusi::cascade_generator";
    detail::validate_masses(fn, sqrt_s_MeV, masses_MeV);
    for (const auto& s : sampling_) detail::validate_sampling(fn, s);
    Real tail = 0;  // sum of the masses after position i
    for (std::size_t i = N; i-- > 0;) {
      tail_mass_[i] = tail;
      tail += masses_[i];
    }
  }

  Real sqrt_s_MeV() const { return sqrt_s_; }
  const std::array<Real, N>& masses_MeV() const { return masses_; }

  /// One point; consumes 2 deviates per invariant mass and 2 per decay (4N - 6 in all).
  template <class URBG>
  phase_space_point<Real, N> operator()(URBG& rng) const {
    using std::sqrt;
    const Real pi = boost::math::constants::pi<Real>();
    phase_space_point<Real, N> out;
    four_momentum<Real> parent{sqrt_s_, 0, 0, 0};
    Real parent_mass = sqrt_s_, weight = 1;
    for (std::size_t i = 0; i + 2 < N; ++i) {
      const Real lo = tail_mass_[i] * tail_mass_[i], hi = (parent_mass - masses_[i]) * (parent_mass - masses_[i]);
      const auto draw = detail::draw_invariant_mass(sampling_[i], lo, hi, rng);
      out.intermediate_masses_squared_MeV2[i] = draw.Q2;
      const Real Q = sqrt(draw.Q2);
      weight *= draw.density > 0 ? 1 / (2 * pi * draw.density) : Real(0);
      const auto k = decay(parent, parent_mass, masses_[i], Q, weight, rng);
      out.momenta_MeV[i] = k[0];
      if (!(Q > 0)) {  // Q^2 = 0 (by underflow, only if every later mass is 0): a finite collinear split, weight 0
        for (std::size_t j = i + 1; j < N; ++j) out.momenta_MeV[j] = (Real(1) / Real(N - 1 - i)) * k[1];
        out.weight = 0;
        return out;
      }
      parent = k[1];
      parent_mass = Q;
    }
    const auto k = decay(parent, parent_mass, masses_[N - 2], masses_[N - 1], weight, rng);
    out.momenta_MeV[N - 2] = k[0];
    out.momenta_MeV[N - 1] = k[1];
    out.weight = weight;
    return out;
  }

 private:
  template <class URBG>
  std::array<four_momentum<Real>, 2> decay(const four_momentum<Real>& parent, Real M, Real m1, Real m2, Real& weight,
                                           URBG& rng) const {
    const Real pi = boost::math::constants::pi<Real>();
    const Real cos_theta = 2 * detail::uniform_open01<Real>(rng) - 1;
    const Real phi = 2 * pi * detail::uniform_open01<Real>(rng);
    weight *= detail::kallen_root(M * M, m1, m2) / (8 * pi * M * M);
    const auto k = detail::two_body_decay_at_rest(M, m1, m2, cos_theta, phi);
    return {detail::boost_from_rest(k[0], parent, M), detail::boost_from_rest(k[1], parent, M)};
  }

  Real sqrt_s_;
  std::array<Real, N> masses_;
  std::array<invariant_mass_sampling<Real>, (N > 2 ? N - 2 : 0)> sampling_;
  std::array<Real, N> tail_mass_{};
};

/// Largest sample count a phase-space integration accepts: a bound on the work of one call.
inline constexpr std::uint64_t max_phase_space_samples = 10'000'000'000ULL;

/// Sample count, seed and threads of integrate_phase_space. The result is a function of (samples,
/// seed) alone: batches of phase_space_batch_size points each draw from std::mt19937_64 seeded by
/// splitmix64(seed, batch index), and the batch sums are combined in batch order.
struct phase_space_integration_options {
  std::uint64_t samples = 100'000;  ///< points, in [2, max_phase_space_samples]
  std::uint64_t seed = 1;           ///< the result is reproducible for a seed
  std::size_t threads = 1;          ///< 0 = all cores; the result does not depend on it
};

/// Points per independently seeded batch of integrate_phase_space.
inline constexpr std::uint64_t phase_space_batch_size = 4096;

/// A Monte Carlo estimate: value, its standard error (sample standard deviation / sqrt(samples)),
/// and the number of points.
template <class Real>
struct monte_carlo_estimate {
  Real value = Real(0);
  Real error = Real(0);
  std::uint64_t samples = 0;
};

namespace detail {
template <class Real>
struct running_moments {  // count, mean and sum of squared deviations (Welford; Chan et al. to merge)
  std::uint64_t n = 0;
  Real mean = 0, m2 = 0;
  void add(Real x) {
    ++n;
    const Real d = x - mean;
    mean += d / Real(n);
    m2 += d * (x - mean);
  }
  void merge(const running_moments& o) {
    if (o.n == 0) return;
    const Real n1 = Real(n), n2 = Real(o.n), total = n1 + n2, d = o.mean - mean;
    mean += d * (n2 / total);
    m2 += o.m2 + d * d * (n1 * (n2 / total));
    n += o.n;
  }
};
}  // namespace detail

/// Integral over N-body phase space of f(point) [f's unit x MeV^(2N-4)], by Monte Carlo with the
/// generator's weights: value = mean(weight * f), error = standard error of that mean.
/// generate(rng) returns a phase_space_point; f(point) returns a finite Real.
/// @throws nusi::invalid_argument if samples is outside [2, max_phase_space_samples] or threads >
/// nusi::max_threads; nusi::numerical_error naming the batch if weight * f is not finite.
template <class Real, class Generator, class Integrand>
monte_carlo_estimate<Real> integrate_phase_space(const Generator& generate, const Integrand& f,
                                                 const phase_space_integration_options& options) {
  using std::sqrt;
  constexpr std::string_view fn = "nusi::integrate_phase_space";
  if (options.samples < 2 || options.samples > max_phase_space_samples)
    detail::throw_invalid(fn, "options.samples", "in [2, " + detail::to_text(max_phase_space_samples) + "]",
                          options.samples);
  detail::require_thread_count(fn, "options.threads", options.threads);
  const std::uint64_t batches = (options.samples + phase_space_batch_size - 1) / phase_space_batch_size;
  std::vector<detail::running_moments<Real>> moments(static_cast<std::size_t>(batches));
  parallel_for(moments.size(), options.threads, [&](std::size_t b) {
    std::mt19937_64 rng(detail::splitmix64(options.seed, b));
    const std::uint64_t first = std::uint64_t(b) * phase_space_batch_size;
    const std::uint64_t count = std::min(phase_space_batch_size, options.samples - first);
    detail::running_moments<Real> m;
    for (std::uint64_t j = 0; j < count; ++j) {
      const auto point = generate(rng);
      const Real x = point.weight == 0 ? Real(0) : static_cast<Real>(point.weight * f(point));
      if (!detail::is_finite(x))
        throw numerical_error(std::string(fn) + ": weight * f is not finite (" + detail::to_text(x) + ") in batch " +
                              detail::to_text(b) + ", point " + detail::to_text(j) + " of seed " +
                              detail::to_text(options.seed));
      m.add(x);
    }
    moments[b] = m;
  });
  detail::running_moments<Real> total;
  for (const auto& m : moments) total.merge(m);
  const Real n = Real(total.n);
  return {total.mean, sqrt(total.m2 / (n - 1) / n), total.n};
}

}  // namespace nusi
