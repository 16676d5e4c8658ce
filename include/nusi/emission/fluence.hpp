// SPDX-License-Identifier: MIT
// Spectra made of many pinched (Keil-Raffelt-Janka) components: pinched_mixture, exact and meant for a
// few terms (the flux of one flavour at one time after conversion at the source), and
// fluence_spectrum, the time integral of a time-dependent emission (emission/supernova_model.hpp),
// tabulated once so that evaluating it costs the same as a pinched spectrum. Both model
// energy_spectrum (spectra.hpp) and samplable_spectrum (monte_carlo.hpp): they plug in wherever the
// library takes an emitted spectrum. Throws nusi::invalid_argument, nusi::numerical_error.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/math/special_functions/gamma.hpp>

#include "../detail/promote.hpp"
#include "../errors.hpp"
#include "../spectra.hpp"

namespace nusi {

/// One pinched component: `number` neutrinos (any unit: only ratios matter to a normalised spectrum)
/// in phi(E) ~ E^alpha exp(-(alpha + 1) E/<E>) (paper Sec. IV, Refs. [47,48]).
template <class Real>
struct pinched_component {
  Real number = Real(0);
  Real mean_energy_MeV = Real(15);
  Real alpha = Real(2.3L);
};

/// Range of the pinching parameter of a component (and of a model row): physical emission spectra have
/// alpha of 1-6. alpha = 100 is a line of 10% width, still resolved by the tables below; alpha = -0.5
/// (<E^2> = 3 <E>^2) is broader than any simulated spectrum, and below it the inverse CDF underflows
/// to 0 for draws as likely as 1e-10 (E^(alpha + 1) ~ u).
template <class Real> inline constexpr Real min_pinching_alpha = Real(-0.5L);
template <class Real> inline constexpr Real max_pinching_alpha = Real(100);
/// Range [MeV] of a component's mean energy (and of a model row's): [1 keV, 10 GeV], far around any
/// supernova emission; the bounds keep the energy tables and the number rates finite.
template <class Real> inline constexpr Real min_component_mean_energy_MeV = Real(1e-3L);
template <class Real> inline constexpr Real max_component_mean_energy_MeV = Real(1e4L);

namespace detail {

/// Whether alpha is finite and in [-0.5, 100].
template <class Real>
bool alpha_in_range(const Real& alpha) {
  return is_finite(alpha) && alpha >= min_pinching_alpha<Real> && alpha <= max_pinching_alpha<Real>;
}

/// Whether a mean energy [MeV] is finite and in [1e-3, 1e4].
template <class Real>
bool mean_energy_in_range(const Real& mean_MeV) {
  return is_finite(mean_MeV) && mean_MeV >= min_component_mean_energy_MeV<Real> && mean_MeV <= max_component_mean_energy_MeV<Real>;
}

/// A Gamma-distributed component in working precision W: log density log_norm + (k-1) log E - rate E.
template <class W>
struct gamma_component {
  W weight = 0;  ///< number, > 0
  W mean = 0;    ///< <E> [MeV]
  W k = 0;       ///< alpha + 1
  W rate = 0;    ///< k/<E> [1/MeV]
  W log_norm = 0;  ///< k log(rate) - lgamma(k)
  W lgamma_k = 0;

  static gamma_component make(W weight, W mean, W alpha) {
    using std::log;
    gamma_component c;
    c.weight = weight;
    c.mean = mean;
    c.k = alpha + 1;
    c.rate = c.k / mean;
    c.lgamma_k = boost::math::lgamma(c.k);
    c.log_norm = c.k * log(c.rate) - c.lgamma_k;
    return c;
  }
  W log_density(W E) const {
    using std::log;
    return log_norm + (k - 1) * log(E) - rate * E;
  }
  W dlog_density(W E) const { return (k - 1) / E - rate; }
  /// true where P(k, x) underflows (Boost 1.74's gamma_p throws there instead of returning 0; as
  /// pinched_spectrum::lower_tail_underflows).
  bool lower_tail_underflows(W x) const {
    using std::log;
    if (!(x < k / 2)) return false;
    return k * log(x) - x - (lgamma_k + log(k)) + log(W(2)) < log(std::numeric_limits<W>::min());
  }
  W cdf(W E) const {
    const W x = rate * E;
    if (!(x > 0)) return W(0);
    if (!is_finite(x)) return W(1);
    if (lower_tail_underflows(x)) return W(0);
    return boost::math::gamma_p(k, x);
  }
  W ccdf(W E) const {
    const W x = rate * E;
    if (!(x > 0)) return W(1);
    if (!is_finite(x)) return W(0);
    if (lower_tail_underflows(x)) return W(1);
    return boost::math::gamma_q(k, x);
  }
  /// <E^2> = <E>^2 (k + 1)/k.
  W mean_square() const { return mean * mean * (k + 1) / k; }
};

/// Exact evaluation of sum_j w_j phi_j / sum_j w_j for Gamma components.
template <class W>
class gamma_mixture {
 public:
  gamma_mixture() = default;
  explicit gamma_mixture(std::vector<gamma_component<W>> parts) : parts_(std::move(parts)) {
    cumulative_.reserve(parts_.size());
    W sum = 0, first = 0, second = 0;
    for (const auto& c : parts_) {
      sum += c.weight;
      first += c.weight * c.mean;
      second += c.weight * c.mean_square();
      cumulative_.push_back(sum);
    }
    total_ = sum;
    mean_ = first / sum;
    mean_square_ = second / sum;
  }
  const std::vector<gamma_component<W>>& parts() const { return parts_; }
  W total() const { return total_; }
  W mean() const { return mean_; }
  W mean_square() const { return mean_square_; }

  /// log of the normalised density at E > 0 (log-sum-exp over the components), and its E-derivative.
  std::pair<W, W> log_density_and_slope(W E) const {
    using std::exp;
    using std::log;
    W top = -std::numeric_limits<W>::infinity();
    for (const auto& c : parts_) top = std::max(top, log(c.weight) + c.log_density(E));
    if (!is_finite(top)) return {top, W(0)};
    W sum = 0, slope = 0;
    for (const auto& c : parts_) {
      const W term = exp(log(c.weight) + c.log_density(E) - top);
      sum += term;
      slope += term * c.dlog_density(E);
    }
    return {top + log(sum) - log(total_), slope / sum};
  }
  /// Normalised density at E >= 0 (E = 0: the E^alpha end point, as pinched_spectrum).
  W density(W E) const {
    using std::exp;
    if (E == 0) {
      W value = 0;
      for (const auto& c : parts_) {
        if (c.k < 1) return std::numeric_limits<W>::infinity();
        if (c.k == 1) value += c.weight * c.rate;
      }
      return value / total_;
    }
    return exp(log_density_and_slope(E).first);
  }
  W cdf(W E) const {
    W sum = 0;
    for (const auto& c : parts_) sum += c.weight * c.cdf(E);
    return std::min(sum / total_, W(1));
  }
  W ccdf(W E) const {
    W sum = 0;
    for (const auto& c : parts_) sum += c.weight * c.ccdf(E);
    return std::min(sum / total_, W(1));
  }
  /// Energy with cdf = p (p <= 1/2) or ccdf = 1 - p: bisection in log E on a bracket grown by factors
  /// of 2, at most ~2300 steps in all. Throws nusi::numerical_error if no bracket is found.
  W quantile(W p, std::string_view fn) const {
    using std::exp;
    using std::log;
    using std::sqrt;
    const bool upper = p > W(0.5);
    const W target = upper ? 1 - p : p;
    auto below = [&](W E) { return upper ? ccdf(E) > target : cdf(E) < target; };  // E below the quantile
    W lo = mean_, hi = mean_;
    int grow = 0;
    while (!below(lo)) {
      lo /= 2;
      if (++grow > 1100 || !(lo > 0)) throw_no_bracket(fn, p);
    }
    while (below(hi)) {
      hi *= 2;
      if (++grow > 2200 || !is_finite(hi)) throw_no_bracket(fn, p);
    }
    for (int i = 0; i < 200 && hi > lo * (1 + 4 * std::numeric_limits<W>::epsilon()); ++i) {
      const W mid = sqrt(lo) * sqrt(hi);
      (below(mid) ? lo : hi) = mid;
    }
    return sqrt(lo) * sqrt(hi);
  }
  /// Draws a component by weight (one deviate), then its energy by the inverse incomplete gamma (one deviate).
  template <class URBG>
  W sample(URBG& rng) const {
    const W u = uniform_open01<W>(rng) * total_;
    auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), u);
    if (it == cumulative_.end()) --it;
    const auto& c = parts_[static_cast<std::size_t>(it - cumulative_.begin())];
    const W v = uniform_open01<W>(rng);
    const W x = v > W(0.5) ? boost::math::gamma_q_inv(c.k, 1 - v) : boost::math::gamma_p_inv(c.k, v);
    return x / c.rate;
  }

 private:
  [[noreturn]] static void throw_no_bracket(std::string_view fn, W p) {
    std::string msg(fn);
    msg += ": no energy bracket for the quantile at p = " + to_text(p);
    throw numerical_error(msg);
  }
  std::vector<gamma_component<W>> parts_;
  std::vector<W> cumulative_;
  W total_ = 0, mean_ = 0, mean_square_ = 0;
};

/// Validates components (number finite and >= 0, summing to > 0; <E> in [1e-3, 1e4] MeV; alpha in [-0.5, 100])
/// and returns them in working precision without the empty ones, neighbours with equal (<E>, alpha) merged.
template <class W, class Real>
std::vector<gamma_component<W>> make_components(std::string_view fn, const std::vector<pinched_component<Real>>& in) {
  std::vector<gamma_component<W>> out;
  out.reserve(in.size());
  W total = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const auto& c = in[i];
    const std::string at = "components[" + std::to_string(i) + "]";
    require_non_negative(fn, at + ".number", c.number);
    if (!mean_energy_in_range(c.mean_energy_MeV)) throw_invalid(fn, at + ".mean_energy_MeV", "in [0.001, 1e4]", c.mean_energy_MeV);
    require_finite(fn, at + ".alpha", c.alpha);
    if (!alpha_in_range(c.alpha)) throw_invalid(fn, at + ".alpha", "in [-0.5, 100]", c.alpha);
    if (c.number == 0) continue;
    total += W(c.number);
    if (!out.empty() && out.back().mean == W(c.mean_energy_MeV) && out.back().k == W(c.alpha) + 1) {
      out.back().weight += W(c.number);
      continue;
    }
    out.push_back(gamma_component<W>::make(W(c.number), W(c.mean_energy_MeV), W(c.alpha)));
  }
  if (!(total > 0) || !is_finite(total))
    throw_invalid(fn, "components", "a finite total number > 0", total);
  return out;
}

/// Eight-point Gauss-Legendre on [a, b] (Boost's abscissae), of a smooth integrand.
template <class W, class F>
W gauss8(W a, W b, F&& f) {
  static constexpr long double x[4] = {0.18343464249564980493947614236018398L, 0.52553240991632898581773904918924635L,
                                       0.79666647741362673959155393647583044L, 0.96028985649753623168356086856947299L};
  static constexpr long double w[4] = {0.36268378337836198296515044927719561L, 0.31370664587788728733796220198660131L,
                                       0.22238103445337447054435599442624088L, 0.10122853629037625915253135430996219L};
  const W mid = (a + b) / 2, half = (b - a) / 2;
  W sum = 0;
  for (int i = 0; i < 4; ++i) sum += W(w[i]) * (f(mid - half * W(x[i])) + f(mid + half * W(x[i])));
  return sum * half;
}

}  // namespace detail

/// A normalised sum of pinched spectra, evaluated exactly (cost proportional to the number of terms):
/// the flux of one flavour at one time after conversion at the source. Models energy_spectrum and
/// samplable_spectrum.
template <class Real>
class pinched_mixture {
  using W = detail::promoted_t<Real>;

 public:
  /// @throws nusi::invalid_argument unless every number is finite and >= 0 with a sum > 0, every
  /// mean_energy_MeV in [1e-3, 1e4] and every alpha in [-0.5, 100].
  explicit pinched_mixture(const std::vector<pinched_component<Real>>& components)
      : mix_(detail::make_components<W>("nusi::pinched_mixture", components)) {}

  /// dN/dE / N [MeV^-1]; at E = 0 as pinched_spectrum. @throws nusi::invalid_argument unless E_MeV is finite and >= 0.
  Real probability_density_per_MeV(Real E_MeV) const {
    detail::require_non_negative("nusi::pinched_mixture::probability_density_per_MeV", "E_MeV", E_MeV);
    return static_cast<Real>(mix_.density(W(E_MeV)));
  }
  /// Fraction below E. @throws nusi::invalid_argument unless E_MeV is finite and >= 0.
  Real cumulative_probability(Real E_MeV) const {
    detail::require_non_negative("nusi::pinched_mixture::cumulative_probability", "E_MeV", E_MeV);
    return static_cast<Real>(mix_.cdf(W(E_MeV)));
  }
  /// Fraction above E (no cancellation in the tail). @throws nusi::invalid_argument unless E_MeV is finite and >= 0.
  Real complementary_probability(Real E_MeV) const {
    detail::require_non_negative("nusi::pinched_mixture::complementary_probability", "E_MeV", E_MeV);
    return static_cast<Real>(mix_.ccdf(W(E_MeV)));
  }
  /// <E> [MeV] = sum w <E>_j / sum w.
  Real mean_energy_MeV() const { return static_cast<Real>(mix_.mean()); }
  /// <E^2> [MeV^2].
  Real mean_square_energy_MeV2() const { return static_cast<Real>(mix_.mean_square()); }
  /// Energy [MeV] below which a fraction p in (0, 1) lies. @throws nusi::invalid_argument, nusi::numerical_error.
  Real quantile_MeV(Real p) const {
    constexpr std::string_view fn = "nusi::pinched_mixture::quantile_MeV";
    detail::require_open_interval(fn, "p", p, Real(0), Real(1));
    return static_cast<Real>(mix_.quantile(W(p), fn));
  }
  /// One energy [MeV]: a component by weight, then its inverse CDF (two deviates; deterministic).
  template <class URBG>
  Real sample_MeV(URBG& rng) const {
    return static_cast<Real>(mix_.sample(rng));
  }
  /// Terms after merging equal neighbours.
  std::size_t terms() const { return mix_.parts().size(); }

 private:
  detail::gamma_mixture<W> mix_;
};

/// Tabulation settings of fluence_spectrum.
template <class Real>
struct fluence_table_options {
  /// Energy nodes, log-spaced over [1e-4 min <E>_j, max (<E>_j/k_j)(k_j + 80)] (k = alpha + 1): the
  /// interpolation error falls as nodes^-4 (cubic Hermite with exact slopes). In [16, 100000]; more are
  /// used where needed for two nodes per log-energy width 1/sqrt(k) of the narrowest component.
  std::size_t energy_nodes = 512;
};

/// The time-integrated spectrum of a time-dependent pinched emission: the sum of many pinched
/// components (a time quadrature, emission/supernova_model.hpp), normalised to one neutrino. Not a
/// pinched fit: the density is the reference pinched spectrum with the sum's <E> and <E^2> times
/// exp(g(log E)), g the log of their ratio tabulated at the nodes with its exact slope and
/// interpolated by cubic Hermite; a single pinched component (a constant model) gives g = 0 and
/// reproduces the pinched spectrum to rounding. Outside the node range the sum is evaluated exactly.
/// The CDF integrates the interpolated density (8-point Gauss per node interval), so density, CDF and
/// normalisation agree; sampling draws from the exact sum. Copies share the table.
template <class Real>
class fluence_spectrum {
  using W = detail::promoted_t<Real>;

 public:
  /// @throws nusi::invalid_argument on a bad component (as pinched_mixture) or energy_nodes outside
  /// [16, 100000].
  explicit fluence_spectrum(const std::vector<pinched_component<Real>>& components, const fluence_table_options<Real>& options = {})
      : data_(std::make_shared<table>()) {
    constexpr std::string_view fn = "nusi::fluence_spectrum";
    if (options.energy_nodes < 16 || options.energy_nodes > 100000)
      detail::throw_invalid(fn, "options.energy_nodes", "in [16, 100000]", options.energy_nodes);
    data_->mix = detail::gamma_mixture<W>(detail::make_components<W>(fn, components));
    build(options.energy_nodes);
  }

  /// Emitted number of the components together (their `number` sum).
  Real number() const { return static_cast<Real>(data_->mix.total()); }
  /// <E> [MeV] of the sum (exact).
  Real mean_energy_MeV() const { return static_cast<Real>(data_->mix.mean()); }
  /// <E^2> [MeV^2] of the sum (exact).
  Real mean_square_energy_MeV2() const { return static_cast<Real>(data_->mix.mean_square()); }
  /// The pinched spectrum with the sum's <E> and <E^2> (the table's reference; a fit, for comparison only).
  pinched_spectrum<Real> moment_matched_pinched() const {
    return pinched_spectrum<Real>::from_moments(mean_energy_MeV(), mean_square_energy_MeV2());
  }
  /// Pinched terms after merging equal neighbours (1 for a constant model).
  std::size_t terms() const { return data_->mix.parts().size(); }
  /// The tabulated range [MeV].
  std::pair<Real, Real> table_range_MeV() const {
    using std::exp;
    return {static_cast<Real>(exp(data_->u0)), static_cast<Real>(exp(data_->u0 + data_->du * W(data_->g.size() - 1)))};
  }

  /// dN/dE / N [MeV^-1]. @throws nusi::invalid_argument unless E_MeV is finite and >= 0.
  Real probability_density_per_MeV(Real E_MeV) const {
    using std::exp;
    detail::require_non_negative("nusi::fluence_spectrum::probability_density_per_MeV", "E_MeV", E_MeV);
    const W E = E_MeV;
    if (E == 0) return static_cast<Real>(data_->mix.density(E) / data_->norm);
    return static_cast<Real>(exp(log_density(E)));
  }
  /// Fraction below E. @throws nusi::invalid_argument unless E_MeV is finite and >= 0.
  Real cumulative_probability(Real E_MeV) const {
    detail::require_non_negative("nusi::fluence_spectrum::cumulative_probability", "E_MeV", E_MeV);
    return static_cast<Real>(std::min(W(1), below(E_MeV) / data_->norm));
  }
  /// Fraction above E, without cancellation in the tail. @throws nusi::invalid_argument unless E_MeV is finite and >= 0.
  Real complementary_probability(Real E_MeV) const {
    detail::require_non_negative("nusi::fluence_spectrum::complementary_probability", "E_MeV", E_MeV);
    return static_cast<Real>(std::min(W(1), above(E_MeV) / data_->norm));
  }
  /// Energy [MeV] below which a fraction p in (0, 1) lies: the table's CDF inverted by bisection in
  /// log E (exact sum outside the table). @throws nusi::invalid_argument, nusi::numerical_error.
  Real quantile_MeV(Real p) const {
    using std::sqrt;
    constexpr std::string_view fn = "nusi::fluence_spectrum::quantile_MeV";
    detail::require_open_interval(fn, "p", p, Real(0), Real(1));
    const table& t = *data_;
    const bool upper = W(p) > W(0.5);
    const W target = (upper ? 1 - W(p) : W(p)) * t.norm;
    auto below_quantile = [&](W E) { return upper ? above(E) > target : below(E) < target; };
    W lo = t.E.front(), hi = t.E.back();
    int grow = 0;
    while (!below_quantile(lo)) {
      lo /= 2;
      if (++grow > 1100 || !(lo > 0)) throw numerical_error(std::string(fn) + ": no bracket at p = " + detail::to_text(p));
    }
    while (below_quantile(hi)) {
      hi *= 2;
      if (++grow > 2200 || !detail::is_finite(hi)) throw numerical_error(std::string(fn) + ": no bracket at p = " + detail::to_text(p));
    }
    for (int i = 0; i < 200 && hi > lo * (1 + 4 * std::numeric_limits<W>::epsilon()); ++i) {
      const W mid = sqrt(lo) * sqrt(hi);
      (below_quantile(mid) ? lo : hi) = mid;
    }
    return static_cast<Real>(sqrt(lo) * sqrt(hi));
  }
  /// One energy [MeV] from the exact sum of components (two deviates; deterministic per generator).
  template <class URBG>
  Real sample_MeV(URBG& rng) const {
    return static_cast<Real>(data_->mix.sample(rng));
  }
  /// The sum of components evaluated exactly at E > 0 (normalised to the components' number): the
  /// reference of the table's interpolation error. @throws nusi::invalid_argument unless E_MeV is finite and > 0.
  Real exact_probability_density_per_MeV(Real E_MeV) const {
    detail::require_positive("nusi::fluence_spectrum::exact_probability_density_per_MeV", "E_MeV", E_MeV);
    return static_cast<Real>(data_->mix.density(W(E_MeV)));
  }

 private:
  struct table {
    detail::gamma_mixture<W> mix;
    W ref_k = 0, ref_rate = 0, ref_log_norm = 0;  // reference pinched spectrum
    W u0 = 0, du = 0;                             // nodes at log E = u0 + i du
    std::vector<W> E, g, slope;                   // node energies, log ratio, d g/d log E
    std::vector<W> below, above;                  // unnormalised integral below / above each node
    W norm = 1;                                   // total integral of the unnormalised density
  };

  W ref_log_density(W E) const {
    using std::log;
    return data_->ref_log_norm + (data_->ref_k - 1) * log(E) - data_->ref_rate * E;
  }
  /// log of the unnormalised interpolated density (or of the exact sum outside the table), normalised by norm.
  W log_density(W E) const {
    using std::log;
    const table& t = *data_;
    if (!(E >= t.E.front()) || !(E <= t.E.back())) return t.mix.log_density_and_slope(E).first - log(t.norm);
    return ref_log_density(E) + interpolated_g(E) - log(t.norm);
  }
  W interpolated_g(W E) const {
    using std::log;
    const table& t = *data_;
    const W s = (log(E) - t.u0) / t.du;
    std::size_t i = s <= 0 ? 0 : static_cast<std::size_t>(s);
    if (i + 1 >= t.g.size()) i = t.g.size() - 2;
    const W x = std::clamp(s - W(i), W(0), W(1)), x2 = x * x, x3 = x2 * x;
    return (2 * x3 - 3 * x2 + 1) * t.g[i] + (x3 - 2 * x2 + x) * t.du * t.slope[i] + (-2 * x3 + 3 * x2) * t.g[i + 1] +
           (x3 - x2) * t.du * t.slope[i + 1];
  }
  /// Unnormalised density inside the table (its integral over the table is norm minus the exact ends).
  W table_density(W E) const {
    using std::exp;
    return exp(ref_log_density(E) + interpolated_g(E));
  }
  std::size_t interval(W E) const {
    using std::log;
    const table& t = *data_;
    const W s = (log(E) - t.u0) / t.du;
    std::size_t i = s <= 0 ? 0 : static_cast<std::size_t>(s);
    if (i + 1 >= t.E.size()) i = t.E.size() - 2;
    while (i > 0 && E < t.E[i]) --i;  // rounding of log near a node
    while (i + 2 < t.E.size() && E > t.E[i + 1]) ++i;
    return i;
  }
  /// Unnormalised number below E; outside the table the exact sum continues the table's integral (so the
  /// CDF is continuous and monotone at the ends).
  W below(W E) const {
    const table& t = *data_;
    if (E < t.E.front()) return t.mix.cdf(E);
    if (E >= t.E.back()) return t.below.back() + (t.above.back() - t.mix.ccdf(E));
    const std::size_t i = interval(E);
    return t.below[i] + detail::gauss8<W>(t.E[i], E, [this](W x) { return table_density(x); });
  }
  /// Unnormalised number above E.
  W above(W E) const {
    const table& t = *data_;
    if (E <= t.E.front()) return t.above.front() + (t.below.front() - t.mix.cdf(E));
    if (E > t.E.back()) return t.mix.ccdf(E);
    const std::size_t i = interval(E);
    return t.above[i + 1] + detail::gauss8<W>(E, t.E[i + 1], [this](W x) { return table_density(x); });
  }

  void build(std::size_t nodes) {
    using std::exp;
    using std::log;
    table& t = *data_;
    const auto& parts = t.mix.parts();
    // Reference: the pinched spectrum with the sum's <E> and <E^2> (alpha = (2m1^2 - m2)/(m2 - m1^2)).
    const W m1 = t.mix.mean(), m2 = t.mix.mean_square();
    auto ref = parts.size() == 1 ? parts.front()  // exactly the component (no rounding through the moments)
                                 : detail::gamma_component<W>::make(W(1), m1, (2 * m1 * m1 - m2) / (m2 - m1 * m1));
    ref.weight = 1;
    t.ref_k = ref.k;
    t.ref_rate = ref.rate;
    t.ref_log_norm = ref.log_norm;
    // Node range: from 1e-4 of the smallest mean to where every component's tail is below e^-80.
    W lo = std::numeric_limits<W>::max(), hi = 0;
    for (const auto& c : parts) {
      lo = std::min(lo, c.mean * W(1e-4L));
      hi = std::max(hi, (c.k + 80) / c.rate);
    }
    // Two nodes per log-energy width 1/sqrt(k) of the narrowest component, at least.
    W k_max = 0;
    for (const auto& c : parts) k_max = std::max(k_max, c.k);
    using std::ceil;
    using std::sqrt;
    const W needed = ceil((log(hi) - log(lo)) * 2 * sqrt(k_max)) + 1;
    if (needed > W(nodes)) nodes = std::min(std::size_t(100000), static_cast<std::size_t>(needed));
    t.u0 = log(lo);
    t.du = (log(hi) - t.u0) / W(nodes - 1);
    t.E.resize(nodes);
    t.g.resize(nodes);
    t.slope.resize(nodes);
    for (std::size_t i = 0; i < nodes; ++i) {
      const W E = i + 1 == nodes ? hi : exp(t.u0 + t.du * W(i));
      t.E[i] = E;
      if (parts.size() == 1) {  // g = 0 exactly
        t.g[i] = 0;
        t.slope[i] = 0;
        continue;
      }
      const auto [log_mix, slope_mix] = t.mix.log_density_and_slope(E);
      t.g[i] = log_mix - (ref.log_density(E));
      t.slope[i] = E * (slope_mix - ref.dlog_density(E));
      if (!detail::is_finite(t.g[i]) || !detail::is_finite(t.slope[i]))
        throw numerical_error("nusi::fluence_spectrum: the density ratio is not finite at E = " + detail::to_text(E) +
                              " MeV (components too far apart for one table)");
    }
    // Integrals: exact below the first node and above the last, Gauss-8 of the interpolant between.
    std::vector<W> piece(nodes - 1);
    for (std::size_t i = 0; i + 1 < nodes; ++i)
      piece[i] = detail::gauss8<W>(t.E[i], t.E[i + 1], [this](W x) { return table_density(x); });
    t.below.assign(nodes, W(0));
    t.above.assign(nodes, W(0));
    t.below[0] = t.mix.cdf(t.E.front());
    for (std::size_t i = 1; i < nodes; ++i) t.below[i] = t.below[i - 1] + piece[i - 1];
    t.above[nodes - 1] = t.mix.ccdf(t.E.back());
    for (std::size_t i = nodes - 1; i-- > 0;) t.above[i] = t.above[i + 1] + piece[i];
    t.norm = t.below[0] + t.above[0];
    if (!(t.norm > 0) || !detail::is_finite(t.norm))
      throw numerical_error("nusi::fluence_spectrum: the table's normalisation is not finite and > 0: " + detail::to_text(t.norm));
  }

  std::shared_ptr<table> data_;
};

}  // namespace nusi
