// SPDX-License-Identifier: MIT
// Monte Carlo of the coupled mass states through the relic background (docs/physics.md, "Monte Carlo of mass states"):
// continuous energies, the exact massless-final-state kinematics E_3 = m/2 + y E, every process sampled with its own
// dsigma/dy, each neutrino tracked as (mass state, kind, energy) along the line of sight. It is the independent check of
// the grid transport (transport/mass_state_kernel.hpp) and, with options.angles, of the energy-angle transport
// (transport/mass_state_angle_kernel.hpp): each product turned by its own target's mass, and each arrival's delay behind light.
// Thermal relic states are sampled from their Fermi-Dirac momenta with null-collision tracking; their products turn by
// the collision's target energy x = E_2 - p cos(theta) in place of the mass.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/math/constants/constants.hpp>
#include <boost/math/quadrature/gauss.hpp>

#include "angle_model.hpp"
#include "errors.hpp"
#include "mass_states/setup.hpp"
#include "monte_carlo.hpp"
#include "spectra.hpp"
#include "units.hpp"

namespace nusi {

/// Run controls of mass_state_monte_carlo.
struct mass_state_monte_carlo_options {
  /// Neutrinos drawn from the emission, in [1, max_monte_carlo_primaries = 1e10].
  std::uint64_t primaries = 10000;
  std::uint64_t seed = 1;
  /// Bound on work: scatterings in the run; exceeding it throws nusi::numerical_error.
  std::uint64_t max_scatterings = 100'000'000;
  /// Directions: unset, not tracked (every neutrino moves along the line of sight). Set: each neutrino's polar angle
  /// theta from the line of sight, composed with this model (angle_model.hpp) as the grid's energy-angle transport
  /// does, in the plane-parallel geometry (the line-of-sight coordinate advances by cos theta per unit path; a
  /// neutrino turned backwards is mirrored at the source plane, as monte_carlo_geometry::plane_parallel). A product
  /// of energy E_f from E on a target of mass m at rest turns by 1 - cos t = m (E - E_f + m/2)/(E E_f) (exact for
  /// massless products), the two products at opposite azimuths (3D) or opposite signs (planar walk). On a thermal
  /// relic the sampled target energy x = E_2 - p cos(theta) takes m's place (to ~1e-5 of the turn: the relic's
  /// transverse momentum, neglected).
  std::optional<angle_model> angles{};
  /// Geometry of angles = three_dimensional (monte_carlo_geometry): plane_parallel (default: the grid's), or
  /// point_source, each neutrino followed in space from a point source to the sphere r = D as the paper's Monte Carlo
  /// does by default (delays of a point detector; the arrival angle is on the sky). The planar models are
  /// plane-parallel.
  monte_carlo_geometry geometry = monte_carlo_geometry::plane_parallel;
  /// With angles: record every arrival above threshold (mass_state_monte_carlo_result::arrivals) with its delay
  /// behind light, up to max_recorded_arrivals of them.
  bool record_arrivals = false;
  std::uint64_t max_recorded_arrivals = 10'000'000;
  /// Bound on work with thermal relic states: null (rejected tentative) collisions in the run; exceeding it throws
  /// nusi::numerical_error.
  std::uint64_t max_null_collisions = 1'000'000'000;
};

/// One neutrino above threshold at Earth (mass_state_monte_carlo_options::record_arrivals).
template <class Real>
struct mass_state_arrival {
  std::uint64_t primary;  ///< index of the emitted neutrino whose cascade it belongs to
  Real energy_MeV;
  Real angle_rad;  ///< |theta| from the line of sight (plane_parallel); the angle on the sky (point_source)
  std::size_t species;  ///< mass state * kinds + kind (mass_state_scattering::species_index)
  /// Delay behind light [s]: (path length - D)/c to the plane z = D (plane_parallel) or to the sphere r = D
  /// (point_source), the steps of the paper's Monte Carlo (detail::plane_parallel_step, detail::point_source_step).
  Real delay_s;
  std::uint32_t generation;  ///< scatterings along its ancestry (0: unscattered)
};

/// A fraction estimated by the Monte Carlo: mean over primaries and its standard error.
template <class Real>
struct monte_carlo_fraction {
  Real value = 0;
  Real error = 0;
};

/// Outcome of mass_state_monte_carlo: the fractions of mass_state_fractions, each with its statistical error.
template <class Real>
struct mass_state_monte_carlo_result {
  std::uint64_t primaries = 0, scatterings = 0, dropped = 0;
  monte_carlo_fraction<Real> detected;
  std::array<monte_carlo_fraction<Real>, 3> by_flavour, by_mass_state;
  monte_carlo_fraction<Real> all_neutrinos;
  /// Energy bookkeeping [MeV]: emitted + scatterings x target masses = arrived + dropped (rounding per history).
  Real emitted_MeV = 0, relic_rest_MeV = 0, arrived_MeV = 0, dropped_MeV = 0;
  /// With options.angles: mean |theta| [rad] and mean theta^2 [rad^2] of every neutrino above threshold at Earth, as
  /// ratio estimators over the primaries (cascades are correlated, primaries independent) with their standard errors.
  monte_carlo_fraction<Real> mean_angle_rad, mean_square_angle_rad2;
  /// With options.record_arrivals: the arrivals above threshold; complete unless max_recorded_arrivals was reached.
  std::vector<mass_state_arrival<Real>> arrivals;
  bool arrivals_complete = true;
  /// Thermal relic states: tentative collisions rejected by the null-collision tracking (0 when every state is at rest).
  std::uint64_t null_collisions = 0;
};

namespace detail {

// Bound on |shape_b(y)| by c0 + ct1/(z + a) + ct2/(z + a)^2 + cu1/(y + a) + cu2/(y + a)^2, z = 1 - y
// (docs/physics.md, "Monte Carlo of mass states": each shape's numerator bounded on [0, 1]).
template <class Real>
std::array<Real, 5> shape_envelope(scattering_basis b, const scattering_kinematics<Real>& k) {
  const Real beta = k.beta(), a = k.a(), A = k.A();
  switch (b) {
    case scattering_basis::s_ss: case scattering_basis::s_tu: case scattering_basis::v_wu_ss2:
    case scattering_basis::v_wu_ss1: case scattering_basis::v_wt_ss2: case scattering_basis::v_wt_ss1:
      return {Real(1), 0, 0, 0, 0};
    case scattering_basis::s_tt: return {Real(1), beta, 0, 0, 0};
    case scattering_basis::s_uu: return {Real(1), 0, 0, beta, 0};
    case scattering_basis::s_st_re: case scattering_basis::s_st_im: case scattering_basis::s_su_re:
    case scattering_basis::s_su_im: return {1 / A, 0, 0, 0, 0};
    case scattering_basis::v_pp_tt: return {0, 0, Real(1), 0, 0};
    case scattering_basis::v_pp_uu: return {0, 0, 0, 0, Real(1)};
    case scattering_basis::v_pp_tu: return {0, 1 / (1 + 2 * a), 0, 1 / (1 + 2 * a), 0};
    case scattering_basis::v_wu_tt: return {0, 0, 1 + beta, 0, 0};
    case scattering_basis::v_wu_st_re: case scattering_basis::v_wu_st_im: return {0, 1 + beta, 0, 0, 0};
    case scattering_basis::v_wt_uu: return {0, 0, 0, 0, 1 + beta};
    case scattering_basis::v_wt_su_re: case scattering_basis::v_wt_su_im: return {0, 0, 0, 1 + beta, 0};
    default: return {0, 0, 0, 0, 0};
  }
}

// Relic momenta of a thermal state: the density p^k f(p), f = 1/(e^(p/T) + 1), truncated at p_max = 40 T, split into
// shells of width T/2 above T/2 and halving below it down to T 2^-21 (the null-collision majorant bounds the flux factor
// x/E_2 per shell by the shell's smallest momentum: fine shells at small p keep a pole at x0 << T cheap), each with its
// probability (10-point Gauss-Legendre: smooth integrand, error < 1e-15), and sampled exactly: a shell by its
// probability, then p uniform in [p_a, p_b] accepted with p^k f(p)/(p_b^k f(p_a)) (p^k rises, f falls: a bound on the
// shell; acceptance above (p_a/p_b)^k e^(-1/2) >= 2^-k e^(-1/2), ~1/(k+1) in the first shell). The
// neglected tail int_{40T}^inf p^k f / int_0^inf p^k f = e^-40 (40^k + k 40^(k-1) + ...)/F_k(0): 4e-15 (k = 2), 2e-16 (k = 1).
// The Monte Carlo takes k = 1 (docs/physics.md, "Monte Carlo of mass states": the 1/(2p) of x = E_2 - p cos(theta)
// uniform turns p^2 f into p f); k = 2 is the number density.
template <class Real>
class relic_momentum_shells {
 public:
  static constexpr int shells_per_T = 2, max_p_over_T = 40, halvings = 20;
  relic_momentum_shells(Real temperature_MeV, int power) : T_(temperature_MeV), k_(power) {
    using rule = boost::math::quadrature::gauss<Real, 10>;
    edges_.push_back(Real(0));
    for (int j = halvings; j >= 1; --j) edges_.push_back(T_ / shells_per_T * std::ldexp(Real(1), -j));
    for (int i = 1; i <= shells_per_T * max_p_over_T; ++i) edges_.push_back(T_ * Real(i) / shells_per_T);
    Real c = 0;
    for (std::size_t i = 0; i + 1 < edges_.size(); ++i) {
      c += rule::integrate([this](Real p) { return density(p); }, edges_[i], edges_[i + 1]);
      cumulative_.push_back(c);
    }
    normalisation_ = c;
    for (Real& v : cumulative_) v /= c;
  }
  std::size_t size() const { return cumulative_.size(); }
  Real temperature_MeV() const { return T_; }
  Real p_max_MeV() const { return T_ * Real(max_p_over_T); }
  /// Edges of shell i [MeV].
  Real lower_MeV(std::size_t i) const { return edges_[i]; }
  Real upper_MeV(std::size_t i) const { return edges_[std::min(i + 1, edges_.size() - 1)]; }
  Real probability(std::size_t i) const { return cumulative_[i] - (i ? cumulative_[i - 1] : Real(0)); }
  /// int_0^p_max p^k f(p) dp [MeV^(k+1)].
  Real normalisation() const { return normalisation_; }
  /// p^k f(p) [MeV^k].
  Real density(Real p) const {
    using std::pow;
    return pow(p, Real(k_)) * fermi_occupation(p / T_);
  }
  /// p [MeV] in shell i from p^k f restricted to it.
  template <class URBG>
  Real sample_in_shell(std::size_t i, URBG& rng) const {
    const Real a = lower_MeV(i), b = upper_MeV(i), bound = density_bound(a, b);
    for (int attempt = 0; attempt < 100000; ++attempt) {
      const Real p = a + (b - a) * uniform_open01<Real>(rng);
      if (uniform_open01<Real>(rng) * bound <= density(p)) return p;
    }
    throw numerical_error("nusi::mass_state_monte_carlo: relic momentum rejection failed 100000 times in shell " + to_text(i));
  }
  /// p [MeV] from p^k f on [0, p_max].
  template <class URBG>
  Real sample(URBG& rng) const {
    const Real u = uniform_open01<Real>(rng);
    std::size_t lo = 0, hi = cumulative_.size() - 1;
    while (lo < hi) {
      const std::size_t mid = (lo + hi) / 2;
      if (u < cumulative_[mid]) hi = mid; else lo = mid + 1;
    }
    return sample_in_shell(lo, rng);
  }

 private:
  Real density_bound(Real a, Real b) const {
    using std::pow;
    return pow(b, Real(k_)) * fermi_occupation(a / T_);
  }
  Real T_;
  int k_;
  Real normalisation_ = 0;
  std::vector<Real> edges_, cumulative_;
};

template <class Real, class Spectrum>
class mass_state_monte_carlo_engine {
 public:
  static constexpr std::string_view fn = "nusi::mass_state_monte_carlo";

  mass_state_monte_carlo_engine(const mass_state_model<Real>& model, std::span<const flavour_emission<Real, Spectrum>> emission,
                                const std::vector<Real>& weights, const mass_state_monte_carlo_options& options)
      : model_(model), sc_(model.scattering()), emission_(emission), weights_(weights), opt_(options),
        rng_(options.seed), threshold_(model.setup().threshold_MeV),
        point_source_(options.angles == angle_model::three_dimensional && options.geometry == monte_carlo_geometry::point_source),
        delay_scale_s_(model.setup().distance_cm / speed_of_light_cm_per_s<Real>) {
    S_ = sc_.species();
    for (std::size_t b = 0; b < 3; ++b) {
      mass_[b] = model.relic().mass_MeV(b);
      thermal_[b] = !model.relic().at_rest(b);
      any_thermal_ = any_thermal_ || thermal_[b];
      const auto pops = model.relic().targets(b);
      for (std::size_t t = 0; t < pops.size(); ++t) column_[b][t] = pops[t].density_per_cm3 * model.setup().distance_cm;
    }
    // Per species, target and population: the basis coefficients summed over processes (total cross sections).
    combined_.assign(S_ * 3 * 2, std::vector<std::pair<scattering_basis, Real>>{});
    for (std::size_t p = 0; p < S_; ++p)
      for (std::size_t b = 0; b < 3; ++b)
        for (std::size_t t = 0; t < sc_.target_kinds(); ++t) {
          auto& list = combined_[(p * 3 + b) * 2 + t];
          for (const auto& proc : sc_.processes(p, b, t))
            for (std::size_t q = 0; q < proc.term_count; ++q) {
              bool merged = false;
              for (auto& entry : list)
                if (entry.first == proc.terms[q].first) {
                  entry.second += proc.terms[q].second;
                  merged = true;
                }
              if (!merged) list.push_back(proc.terms[q]);
            }
        }
    // Cumulative emission weights.
    Real c = 0;
    for (Real w : weights_) cumulative_.push_back(c += w);
    // Antineutrinos of each state at Earth without interactions (the fractions' references).
    for (std::size_t c2 = 0; c2 < emission.size(); ++c2)
      if (emission[c2].antineutrino)
        for (std::size_t i = 0; i < 3; ++i) reference_[i] += weights_[c2] * emission[c2].probability(model.spectrum(), i);
    if (any_thermal_) {
      // Rate on a thermal state: n int dp pi(p) int dx/(2p) (x/E_2) sigma, pi = p^2 f/N_2, N_2 = T^3 F_2(0);
      // = n (N_1/(2 N_2)) E_{p ~ p f}[int (x/E_2) sigma dx] with N_1 = int_0^p_max p f dp (the shells' normalisation).
      const Real T = model.relic().temperature_MeV();
      shells_.emplace(T, 1);
      momentum_prefactor_ = shells_->normalisation() / (2 * T * T * T * fermi_dirac_integral(Real(2), Real(0)));
    }
  }

  mass_state_monte_carlo_result<Real> run() {
    using std::log;
    mass_state_monte_carlo_result<Real> res;
    const std::size_t anti = static_cast<std::size_t>(neutrino_kind::antineutrino_right);
    // Per-primary tallies: above threshold per state (antineutrinos), all species.
    std::array<long double, 3> sum_state{}, sq_state{}, sum_flavour{}, sq_flavour{};
    long double sum_all = 0, sq_all = 0;
    // Angle statistics: per primary the arrivals' sum of |theta| and theta^2 (ratio estimators against sum_all).
    std::array<long double, 2> sum_angle{}, sq_angle{}, cross_angle{};
    compensated_sum<Real> emitted, arrived, dropped, rest;
    for (std::uint64_t n = 0; n < opt_.primaries; ++n) {
      // Emission: component by weight, energy from its spectrum, mass state by |U_alpha i|^2.
      const Real u = uniform_open01<Real>(rng_);
      std::size_t c = 0;
      while (c + 1 < cumulative_.size() && !(u < cumulative_[c])) ++c;
      const Real E0 = static_cast<Real>(emission_[c].spectrum.sample_MeV(rng_));
      if (!is_finite(E0) || !(E0 > 0)) throw_invalid(fn, "emission.spectrum.sample_MeV(rng)", "finite and > 0", E0);
      const Real v = uniform_open01<Real>(rng_);
      std::size_t state = 0;
      Real acc = 0;
      for (; state < 2; ++state) {
        acc += emission_[c].probability(model_.spectrum(), state);
        if (v < acc) break;
      }
      const neutrino_kind kind = emission_[c].antineutrino ? neutrino_kind::antineutrino_right : neutrino_kind::neutrino_left;
      emitted.add(E0);
      std::array<Real, 3> above_state{};
      Real above_all = 0;
      std::array<long double, 2> angle_moments{};
      stack_.push_back({E0, Real(0), sc_.species_index(state, kind), Real(0), Real(0), 0});
      while (!stack_.empty()) {
        particle p = stack_.back();
        stack_.pop_back();
        if (!(p.energy > threshold_)) {  // below threshold: never returns (energy decreases up to m/2 per scattering)
          ++res.dropped;
          dropped.add(p.energy);
          continue;
        }
        bool collided = false;
        if (any_thermal_) {
          collided = thermal_flight(p, rest, res);  // scatters p if it collides
        } else {
          const Real rate = total_rate(p);  // per unit of D
          const Real ell = -log(uniform_open01<Real>(rng_)) / rate;
          collided = advance(p, ell);
        }
        if (!collided) {
          arrived.add(p.energy);
          above_all += 1;
          if (p.species % sc_.kinds() == anti) above_state[p.species / sc_.kinds()] += 1;
          if (opt_.angles) {
            using std::abs;
            const Real theta = abs(p.angle);
            angle_moments[0] += theta;
            angle_moments[1] += static_cast<long double>(theta) * theta;
            if (opt_.record_arrivals) {
              if (res.arrivals.size() < opt_.max_recorded_arrivals)
                res.arrivals.push_back({n, p.energy, theta, p.species, p.lag * delay_scale_s_, p.generation});
              else res.arrivals_complete = false;
            }
          }
          continue;
        }
        if (!any_thermal_) scatter(p, rest, res);
      }
      for (std::size_t i = 0; i < 3; ++i) {
        sum_state[i] += above_state[i];
        sq_state[i] += static_cast<long double>(above_state[i]) * above_state[i];
      }
      for (std::size_t b = 0; b < 3; ++b) {
        long double x = 0;
        for (std::size_t i = 0; i < 3; ++i)
          x += static_cast<long double>(model_.spectrum().mixing_probability(static_cast<flavour>(b), i)) * above_state[i];
        sum_flavour[b] += x;
        sq_flavour[b] += x * x;
      }
      sum_all += above_all;
      sq_all += static_cast<long double>(above_all) * above_all;
      for (std::size_t k = 0; k < 2; ++k) {
        sum_angle[k] += angle_moments[k];
        sq_angle[k] += angle_moments[k] * angle_moments[k];
        cross_angle[k] += angle_moments[k] * static_cast<long double>(above_all);
      }
    }
    const long double N = static_cast<long double>(opt_.primaries);
    auto estimate = [N](long double s1, long double s2, long double reference) {
      monte_carlo_fraction<Real> f;
      if (!(reference > 0)) return f;
      const long double mean = s1 / N;
      long double var = N > 1 ? (s2 / N - mean * mean) * N / (N - 1) : std::numeric_limits<long double>::infinity();
      if (var < 0) var = 0;
      f.value = static_cast<Real>(mean / reference);
      f.error = static_cast<Real>(std::sqrt(var / N) / reference);
      return f;
    };
    for (std::size_t i = 0; i < 3; ++i) res.by_mass_state[i] = estimate(sum_state[i], sq_state[i], reference_[i]);
    for (std::size_t b = 0; b < 3; ++b) {
      long double ref = 0;
      for (std::size_t i = 0; i < 3; ++i) ref += model_.spectrum().mixing_probability(static_cast<flavour>(b), i) * reference_[i];
      res.by_flavour[b] = estimate(sum_flavour[b], sq_flavour[b], ref);
    }
    res.all_neutrinos = estimate(sum_all, sq_all, 1.0L);
    res.detected = model_.setup().detection == detected_neutrinos::all
                       ? res.all_neutrinos
                       : res.by_flavour[static_cast<std::size_t>(model_.setup().detected_flavour)];
    // Ratio R = sum x / sum n with var R ~ sum (x - R n)^2 / (N (N - 1) nbar^2) (delta method).
    auto ratio = [N, sum_all, sq_all](long double sx, long double sxx, long double sxn) {
      monte_carlo_fraction<Real> f;
      if (!(sum_all > 0)) return f;
      const long double R = sx / sum_all, nbar = sum_all / N;
      long double spread = sxx - 2 * R * sxn + R * R * sq_all;
      if (spread < 0) spread = 0;
      f.value = static_cast<Real>(R);
      f.error = N > 1 ? static_cast<Real>(std::sqrt(spread / (N * (N - 1))) / nbar) : std::numeric_limits<Real>::infinity();
      return f;
    };
    if (opt_.angles) {
      res.mean_angle_rad = ratio(sum_angle[0], sq_angle[0], cross_angle[0]);
      res.mean_square_angle_rad2 = ratio(sum_angle[1], sq_angle[1], cross_angle[1]);
    }
    res.primaries = opt_.primaries;
    res.emitted_MeV = emitted.value();
    res.arrived_MeV = arrived.value();
    res.dropped_MeV = dropped.value();
    res.relic_rest_MeV = rest.value();
    return res;
  }

 private:
  // With point_source_ (position, angle) are the state (s, b) of detail::point_source_step, units of D; at arrival
  // advance() leaves the angle on the sky in `angle`.
  struct particle {
    Real energy;
    Real position;  // units of D
    std::size_t species;
    Real angle;  // theta from the line of sight [rad] (options.angles; signed in the planar models)
    Real lag;    // path length minus outward advance, units of D (options.angles)
    std::uint32_t generation;
  };

  // Moves p by a free path ell (units of D): false if it reaches D first (arrival), else true with p at the scattering.
  // Without angles along the line of sight; with them in the plane-parallel geometry, mirrored at the source plane,
  // the lag accumulated as in the paper's Monte Carlo (the same step).
  bool advance(particle& p, Real ell) const {
    if (!opt_.angles) {
      if (!(ell < 1 - p.position)) return false;
      p.position += ell;
      return true;
    }
    if (point_source_) {
      Real sky_angle = 0;
      if (point_source_step(p.position, p.angle, p.lag, ell, sky_angle)) return true;
      p.angle = sky_angle;
      return false;
    }
    return plane_parallel_step(p.position, p.angle, p.lag, ell);
  }
  static Real wrap(Real theta) { return wrap_angle_rad(theta); }
  // The angle t with 1 - cos t = h2 (in [0, 2]).
  static Real turn_from_one_minus_cos(Real h2) {
    using std::asin;
    using std::sqrt;
    Real h = h2 / 2;
    if (h < Real(0)) h = Real(0);
    if (h > Real(1)) h = Real(1);
    return 2 * asin(sqrt(h));
  }

  Real s_of(std::size_t b, Real E) const { return mass_[b] * mass_[b] + 2 * E * mass_[b]; }
  // Rate over the distance D of species p at energy E: sum over targets of n D sigma.
  Real total_rate(const particle& p) const {
    Real rate = 0;
    for (std::size_t b = 0; b < 3; ++b) {
      const auto k = sc_.kinematics(b, s_of(b, p.energy));
      for (std::size_t t = 0; t < sc_.target_kinds(); ++t) {
        Real sigma = 0;
        for (const auto& [basis, c] : combined_[(p.species * 3 + b) * 2 + t])
          sigma += c * basis_prefactor(basis, k) * shape_integral(basis, k);
        rate += column_[b][t] * per_MeV2_to_cm2(sigma);
      }
    }
    return rate;
  }

  // at_rest_only: on the states at rest alone (their rates were sampled apart from the thermal states' majorants).
  void scatter(const particle& p, compensated_sum<Real>& rest, mass_state_monte_carlo_result<Real>& res, bool at_rest_only = false) {
    if (res.scatterings >= opt_.max_scatterings)
      throw numerical_error(std::string(fn) + ": more than options.max_scatterings = " + to_text(opt_.max_scatterings) + " scatterings");
    ++res.scatterings;
    // Choose target and process by their rates at this energy.
    choices_.clear();
    Real total = 0;
    for (std::size_t b = 0; b < 3; ++b) {
      if (at_rest_only && thermal_[b]) continue;
      const auto k = sc_.kinematics(b, s_of(b, p.energy));
      for (std::size_t t = 0; t < sc_.target_kinds(); ++t)
        for (const auto& proc : sc_.processes(p.species, b, t)) {
          const Real w = column_[b][t] * sc_.cross_section_per_MeV2(proc, k);
          if (w > 0) choices_.push_back({b, &proc, total += w});
        }
    }
    const Real u = uniform_open01<Real>(rng_) * total;
    std::size_t pick = 0;
    while (pick + 1 < choices_.size() && !(u < choices_[pick].cumulative)) ++pick;
    const std::size_t b = choices_[pick].target;
    const auto& proc = *choices_[pick].process;
    const auto k = sc_.kinematics(b, s_of(b, p.energy));
    const auto [y, z] = sample_fraction(proc, k);
    // Exact kinematics, massless products: E_3 = m/2 + y E, E_4 = m/2 + (1 - y) E.
    const Real m = mass_[b];
    rest.add(m);
    push_products(p, proc, m, y, z);
  }

  // Pushes both products of a scattering of p on a target of energy mu (its mass at rest; x = E_2 - p cos(theta) for a
  // moving one) with CM fraction y (z = 1 - y): E_3 = mu/2 + y E, E_4 = mu/2 + z E, and with options.angles their
  // directions, turned by 1 - cos t = mu (E - E_f + mu/2)/(E E_f) (exact for massless products on a target at rest; on a
  // moving one the relic's transverse momentum tilts a product by p_perp/E_f, ~1e-5 of that turn, neglected).
  void push_products(const particle& p, const scattering_process<Real>& proc, Real mu, Real y, Real z) {
    const Real E3 = mu / 2 + y * p.energy, E4 = mu / 2 + z * p.energy;
    Real angle3 = p.angle, angle4 = p.angle, position3 = p.position, position4 = p.position;
    if (point_source_) {
      // Both products in space: p3 at azimuth phi = 2 pi u about the current direction, p4 at phi + pi (the paper's
      // Monte Carlo's deflect_pair), with sin t = sqrt(h (2 - h)) from h = 1 - cos t.
      using std::cos;
      using std::sin;
      using std::sqrt;
      const Real h3 = std::min(mu * z / E3, Real(2)), h4 = std::min(mu * y / E4, Real(2));
      const Real phi = 2 * boost::math::constants::pi<Real>() * uniform_open01<Real>(rng_);
      const Real c = cos(phi), s = sin(phi);
      deflect(position3, angle3, h3, sqrt(h3 * (2 - h3)), c, s);
      deflect(position4, angle4, h4, sqrt(h4 * (2 - h4)), -c, -s);
    } else if (opt_.angles) {
      // 1 - cos t: mu z/E_3 for the product at p3, mu y/E_4 for p4 (no cancellation).
      const Real t3 = turn_from_one_minus_cos(mu * z / E3), t4 = turn_from_one_minus_cos(mu * y / E4);
      const Real u = uniform_open01<Real>(rng_);
      if (*opt_.angles == angle_model::three_dimensional) {
        // Azimuth phi = 2 pi u about the current direction, the other product at phi + pi.
        using std::sin;
        const Real half = sin(boost::math::constants::pi<Real>() * u), s2 = half * half;
        angle3 = three_dimensional_composition_rad(p.angle, t3, s2);
        angle4 = three_dimensional_composition_rad(p.angle, t4, 1 - s2);
      } else if (*opt_.angles == angle_model::paper_eq8_additive) {
        angle3 = wrap(p.angle + t3);
        angle4 = wrap(p.angle + t4);
      } else {
        const Real sign = u < Real(0.5L) ? Real(1) : Real(-1);
        angle3 = wrap(p.angle + sign * t3);
        angle4 = wrap(p.angle - sign * t4);
      }
    }
    stack_.push_back({E3, position3, proc.product3, angle3, p.lag, p.generation + 1});
    stack_.push_back({E4, position4, proc.product4, angle4, p.lag, p.generation + 1});
  }


  // ---- Thermal relic states: null-collision (Woodcock) tracking (docs/physics.md, "Monte Carlo of mass states"). ----
  // A relic of state b has p from p^2 f(p) (Fermi-Dirac at T_nu0), cos(theta) uniform; a neutrino of energy E meets it
  // at s = m^2 + 2 E x, x = E_2 - p cos(theta), with the flux factor x/E_2 = 1 - (p/E_2) cos(theta) of a massless
  // projectile on a moving target. Changing cos(theta) to x (uniform on [E_2 - p, E_2 + p], density 1/(2p)) gives the
  // rate per unit D   R_b(E) = K E_{p ~ p f}[ int (x/E_2) n D sigma(s(x)) dx ],   K = N_1/(2 N_2)   (engine constructor).
  // Tentative collisions come at the majorant rate sum_i P_i H_i (shells i of p f, P_i their probabilities): x from a
  // proposal q(x) = alpha/(x_hi - x_lo) + (1 - alpha) L(x)/Z (uniform plus the resonance's Lorentzian in x, centre
  // x_0 = (M^2 - m^2)/(2E), half-width MGamma/(2E), both on the reachable [x_lo, x_hi]) restricted to [E_2 - p, E_2 + p];
  // the weight of (p, x) is h = K (x/E_2) n D sigma Q(p)/q(x), Q(p) = int_{E_2-p}^{E_2+p} q <= 1, and
  // H_i = K (1 + v_i) C_i Q(p_i) >= h on shell i: x/E_2 <= 1 + p/E_2 <= 1 + v_i, n D sigma/q <= C_i (below),
  // Q(p) <= Q(p_i) (the intervals grow with p). A tentative collision is real with probability h/H_i. Sampling the
  // relic directly (uniform cos theta) with a flat majorant would cost sigma_peak/<sigma> ~ the Doppler over the natural
  // width of a line (1e5 null collisions per real one on the lines of the tests); the Lorentzian proposal and the shells
  // make the null collisions per real one O(1) there, and the estimate stays unbiased whatever the proposal.
  // Momenta above p_max = 40 T are dropped: a fraction < 1e-15 of p f; the neglected rate is at most that fraction of
  // the majorant (optical depth < 1e-9 over D at the lines of the tests).
  struct thermal_majorant {
    Real x0 = 0, w = 0, x_lo = 0, x_hi = 0;
    Real uniform_density = 0, lorentz_weight = 0, lorentz_total = 0;  // q(x) = uniform_density + lorentz_weight w/((x-x0)^2+w^2)
    Real rate = 0;  // majorant rate per unit D
    std::vector<Real> cumulative, one_plus_v, q_upper, bound;  // per shell: cumulative P_i H_i, 1 + v_i, Q(p_i), C_i
  };

  // atan((b - x0)/w) - atan((a - x0)/w) without cancellation in the Lorentzian's far wings.
  static Real lorentz_angle(const thermal_majorant& M, Real a, Real b) {
    using std::atan2;
    if (!(M.w > 0)) return Real(0);
    const Real A = (a - M.x0) / M.w, B = (b - M.x0) / M.w;
    return atan2((b - a) / M.w, 1 + A * B);
  }
  static Real proposal_mass(const thermal_majorant& M, Real a, Real b) {
    return M.uniform_density * (b - a) + M.lorentz_weight * lorentz_angle(M, a, b);
  }
  static Real proposal_density(const thermal_majorant& M, Real x) {
    if (!(M.w > 0)) return M.uniform_density;
    const Real d = x - M.x0;
    return M.uniform_density + M.lorentz_weight * M.w / (d * d + M.w * M.w);
  }
  // n D sigma summed over the populations of state b, projectile species `species`, at s [per unit of D].
  Real state_rate(std::size_t species, std::size_t b, Real s) const {
    const auto k = sc_.kinematics(b, s);
    Real rate = 0;
    for (std::size_t t = 0; t < sc_.target_kinds(); ++t) {
      Real sigma = 0;
      for (const auto& [basis, c] : combined_[(species * 3 + b) * 2 + t]) sigma += c * basis_prefactor(basis, k) * shape_integral(basis, k);
      rate += column_[b][t] * per_MeV2_to_cm2(sigma);
    }
    return rate;
  }

  // The majorant of thermal state b for a neutrino of energy E and species `species`.
  void prepare_majorant(std::size_t species, std::size_t b, Real E) {
    using std::sqrt;
    using std::max;
    using std::abs;
    thermal_majorant& M = majorant_[b];
    const Real m = mass_[b], m2 = m * m, pmax = shells_->p_max_MeV(), E2max = sqrt(pmax * pmax + m2);
    const auto k = sc_.kinematics(b, m2);
    M.x_lo = m2 / (E2max + pmax);  // E_2 - p without cancellation
    M.x_hi = E2max + pmax;
    M.x0 = (k.M2 - m2) / (2 * E);
    M.w = k.MGamma / (2 * E);
    M.lorentz_weight = 0;
    M.uniform_density = 1 / (M.x_hi - M.x_lo);
    M.lorentz_total = lorentz_angle(M, M.x_lo, M.x_hi);
    if (M.lorentz_total > 0) {  // alpha = 1/2
      M.uniform_density /= 2;
      M.lorentz_weight = 1 / (2 * M.lorentz_total);
    }
    // C_i: the largest n D sigma/q over shell i's interval [E_2 - p_i, E_2 + p_i], from its ends, the probes inside it
    // (the ends of [x_lo, x_hi], 15 interior points, and near the pole x0 and x0 +- w 3^j: the pole, its half-widths,
    // where the s-t/s-u interference peaks, and the wings on a log scale) and the previous shell's (the intervals are
    // nested), times 2:
    // between the probes sigma/q changes by less (both are smooth on these scales; a ratio of 3 in the distance from the
    // pole moves a Lorentzian wing by < 9 and its ratio to sigma by far less). Where the pole is within reach or near
    // it (x0 within R/8 of [x_lo, x_hi], R = x_hi - x_lo) a bound per block of 2 shells (evaluated at the outer
    // shell's ends, valid for the block: nested intervals) keeps the shells below the momentum P_0 that reaches the pole at
    // the small rate of the line's wing; farther, sigma/q varies little over the range and every shell takes the bound
    // over the whole range. A sampled ratio above its bound throws nusi::numerical_error.
    const Real margin = (M.x_hi - M.x_lo) / 8;
    const bool near_pole = M.w > 0 && M.x0 >= M.x_lo - margin && M.x0 <= M.x_hi + margin;
    probes_.clear();
    auto ratio_at = [&](Real x) { return state_rate(species, b, m2 + 2 * E * x) / proposal_density(M, x); };
    auto probe = [&](Real x) {
      if (x > 0 && x >= M.x_lo && x <= M.x_hi) probes_.push_back({x, ratio_at(x)});
    };
    probe(M.x_lo);
    probe(M.x_hi);
    for (int i = 1; i < 16; ++i) probe(M.x_lo + (M.x_hi - M.x_lo) * Real(i) / 16);
    if (near_pole) {
      probe(M.x0);
      const Real reach = 2 * (M.x_hi - M.x_lo) + abs(M.x0);
      Real d = M.w;
      for (int j = 0; j < 80 && d < reach; ++j) {
        probe(M.x0 - d);
        probe(M.x0 + d);
        d *= 3;
      }
    }
    Real global = 0;
    for (const auto& [x, r] : probes_) global = max(global, r);
    const std::size_t n = shells_->size();
    M.cumulative.resize(n);
    M.one_plus_v.resize(n);
    M.q_upper.resize(n);
    M.bound.resize(n);
    // The flux factor x/E_2 joins the bound near the pole: on shell i (p >= p_i-, E_2 >= E_2(p_i-)) it is at most
    // min(x/E_2(p_i-), 1 + v_i), so a pole at x0 far below the shell's typical x (a massless state, a light mediator:
    // x0 = M^2/(2E) << T) is bounded by its small flux x0/E_2 instead of 1 + v (measured: 1e4 null collisions per real
    // one became ~1e2 at log10 M/MeV = -6). M.bound[i] bounds (x/E_2) n D sigma/q; one_plus_v is then 1.
    Real c = 0, previous = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const Real pb = shells_->upper_MeV(i), E2 = sqrt(pb * pb + m2), a = m2 / (E2 + pb), top = E2 + pb;
      Real worst = previous;
      if (near_pole) {
        if (i % 2 == 0) {  // the block (i, i + 1): the interval of shell i + 1, the flux bound of shell i's lower end
          const Real pu = shells_->upper_MeV(i + 1), Eu = sqrt(pu * pu + m2), au = m2 / (Eu + pu), tu = Eu + pu;
          const Real pl = shells_->lower_MeV(i), El = sqrt(pl * pl + m2), one_plus_vu = 1 + pu / Eu;
          auto flux = [&](Real x) { return El > 0 ? std::min(x / El, one_plus_vu) : one_plus_vu; };
          // The earlier blocks' interval ends lie inside this (nested) interval: they stay probes.
          if (au > 0) probes_.push_back({au, ratio_at(au)});
          probes_.push_back({tu, ratio_at(tu)});
          worst = 0;
          for (const auto& [x, r] : probes_)
            if (x >= au && x <= tu) worst = max(worst, flux(x) * r);
        }
      } else {
        worst = max(worst, (1 + pb / E2) * global);
      }
      previous = worst;
      M.bound[i] = 2 * worst;
      M.one_plus_v[i] = 1;
      M.q_upper[i] = proposal_mass(M, a, top);
      c += shells_->probability(i) * momentum_prefactor_ * M.one_plus_v[i] * M.bound[i] * M.q_upper[i];
      M.cumulative[i] = c;
    }
    M.rate = c;
  }

  // One tentative collision on thermal state b: true (with x) if it is real.
  bool tentative_collision(const particle& p, std::size_t b, Real& x) {
    using std::sqrt;
    using std::tan;
    const thermal_majorant& M = majorant_[b];
    const Real u = uniform_open01<Real>(rng_) * M.rate;
    std::size_t lo = 0, hi = M.cumulative.size() - 1;
    while (lo < hi) {
      const std::size_t mid = (lo + hi) / 2;
      if (u < M.cumulative[mid]) hi = mid; else lo = mid + 1;
    }
    const Real m = mass_[b], m2 = m * m;
    const Real pr = shells_->sample_in_shell(lo, rng_), E2 = sqrt(pr * pr + m2);
    const Real a = m2 / (E2 + pr), c = E2 + pr;  // x = E_2 - p cos(theta) on [a, c]
    const Real uniform_mass = M.uniform_density * (c - a), Q = uniform_mass + M.lorentz_weight * lorentz_angle(M, a, c);
    if (!(Q > 0)) return false;
    if (uniform_open01<Real>(rng_) * Q < uniform_mass) {
      x = a + (c - a) * uniform_open01<Real>(rng_);
    } else {
      // Inverse CDF of the Lorentzian on [a, c] relative to a: phi uniform on [0, angle(a, c)], x - a = w t (1 + A^2)/(1 - A t).
      const Real A = (a - M.x0) / M.w, t = tan(uniform_open01<Real>(rng_) * lorentz_angle(M, a, c));
      x = a + M.w * t * (1 + A * A) / (1 - A * t);
      if (!(x >= a)) x = a;  // rounding at the ends
      if (!(x <= c)) x = c;
    }
    if (!(x > 0)) return false;  // probability zero (x = 0 only for m = 0 at p = 0)
    const Real ratio = (x / E2) * state_rate(p.species, b, m2 + 2 * p.energy * x) / (proposal_density(M, x) * M.bound[lo]);
    if (!(ratio <= 1))
      throw numerical_error(std::string(fn) + ": the null-collision majorant of thermal state " + to_text(b + 1) + " is exceeded ((x/E_2) n D sigma/q = " +
                            to_text(ratio) + " of its bound at E = " + to_text(p.energy) + " MeV, x = " + to_text(x) + " MeV)");
    const Real accept = ratio * (Q / M.q_upper[lo]);
    return uniform_open01<Real>(rng_) < accept;
  }

  // Free flight of p with thermal states: false if it arrives, true if it collided (its products then pushed).
  bool thermal_flight(particle& p, compensated_sum<Real>& rest, mass_state_monte_carlo_result<Real>& res) {
    using std::log;
    Real rest_rate = 0, total = 0;
    for (std::size_t b = 0; b < 3; ++b)
      if (thermal_[b]) {
        prepare_majorant(p.species, b, p.energy);
        total += majorant_[b].rate;
      } else {
        rest_rate += state_rate(p.species, b, s_of(b, p.energy));
      }
    total += rest_rate;
    for (;;) {
      const Real ell = -log(uniform_open01<Real>(rng_)) / total;
      if (!advance(p, ell)) return false;
      Real u = uniform_open01<Real>(rng_) * total;
      if (u < rest_rate) {
        scatter(p, rest, res, true);
        return true;
      }
      u -= rest_rate;
      std::size_t b = 3;
      for (std::size_t c = 0; c < 3; ++c)
        if (thermal_[c]) {
          b = c;
          if (u < majorant_[c].rate) break;
          u -= majorant_[c].rate;
        }
      Real x = 0;
      if (tentative_collision(p, b, x)) {
        scatter_thermal(p, b, x, rest, res);
        return true;
      }
      if (++res.null_collisions > opt_.max_null_collisions)
        throw numerical_error(std::string(fn) + ": more than options.max_null_collisions = " + to_text(opt_.max_null_collisions) +
                              " null collisions");
    }
  }

  // A real collision on thermal state b at x = E_2 - p cos(theta): s = m^2 + 2 E x, products E_3 = x/2 + y E and
  // E_4 = x/2 + (1 - y) E, the grid's convention with x in place of m (docs/physics.md: exact to O(p) ~ 1e-9 eV in
  // each energy, and a y smeared by ~2p/sqrt(s) ~ 1e-6 with zero mean); the relic's x is the energy added.
  void scatter_thermal(const particle& p, std::size_t b, Real x, compensated_sum<Real>& rest, mass_state_monte_carlo_result<Real>& res) {
    if (res.scatterings >= opt_.max_scatterings)
      throw numerical_error(std::string(fn) + ": more than options.max_scatterings = " + to_text(opt_.max_scatterings) + " scatterings");
    ++res.scatterings;
    const auto k = sc_.kinematics(b, mass_[b] * mass_[b] + 2 * p.energy * x);
    choices_.clear();
    Real total = 0;
    for (std::size_t t = 0; t < sc_.target_kinds(); ++t)
      for (const auto& proc : sc_.processes(p.species, b, t)) {
        const Real w = column_[b][t] * sc_.cross_section_per_MeV2(proc, k);
        if (w > 0) choices_.push_back({b, &proc, total += w});
      }
    if (choices_.empty()) throw numerical_error(std::string(fn) + ": a real collision without a process (thermal state " + to_text(b + 1) + ")");
    const Real u = uniform_open01<Real>(rng_) * total;
    std::size_t pick = 0;
    while (pick + 1 < choices_.size() && !(u < choices_[pick].cumulative)) ++pick;
    const auto& proc = *choices_[pick].process;
    const auto [y, z] = sample_fraction(proc, k);
    rest.add(x);
    push_products(p, proc, x, y, z);
  }

  // y (and z = 1 - y, without cancellation) from dsigma/dy of the process by rejection from the envelope.
  std::pair<Real, Real> sample_fraction(const scattering_process<Real>& proc, const scattering_kinematics<Real>& k) {
    using std::log1p;
    using std::exp;
    const Real a = k.a(), L = log1p(1 / a), J2 = 1 / (a * (1 + a));
    std::array<Real, 5> env{};  // coefficients of 1, 1/(z+a), 1/(z+a)^2, 1/(y+a), 1/(y+a)^2
    for (std::size_t q = 0; q < proc.term_count; ++q) {
      const Real scale = std::abs(proc.terms[q].second * basis_prefactor(proc.terms[q].first, k));
      const auto e = shape_envelope(proc.terms[q].first, k);
      for (std::size_t i = 0; i < 5; ++i) env[i] += scale * e[i];
    }
    const std::array<Real, 5> mass{env[0], env[1] * L, env[2] * J2, env[3] * L, env[4] * J2};
    const Real total = mass[0] + mass[1] + mass[2] + mass[3] + mass[4];
    for (int attempt = 0; attempt < 100000; ++attempt) {
      Real u = uniform_open01<Real>(rng_) * total;
      std::size_t c = 0;
      while (c < 4 && !(u < mass[c])) u -= mass[c++];
      const Real r = uniform_open01<Real>(rng_);
      Real y, z;
      if (c == 0) {
        y = r;
        z = 1 - r;
      } else {
        // w in [a, 1 + a]: log-uniform (1/w) or inverse-CDF of 1/w^2.
        const Real w = (c == 1 || c == 3) ? a * exp(r * L) : 1 / (1 / a - r * (1 / a - 1 / (1 + a)));
        const Real near = std::min(std::max(w - a, Real(0)), Real(1));  // distance from the pole's end
        if (c <= 2) { z = near; y = 1 - near; } else { y = near; z = 1 - near; }
      }
      const Real zt = z + a, yt = y + a;
      const Real envelope = env[0] + env[1] / zt + env[2] / (zt * zt) + env[3] / yt + env[4] / (yt * yt);
      const Real density = sc_.differential_cross_section_per_MeV2(proc, k, y);
      if (uniform_open01<Real>(rng_) * envelope <= density) return {y, z};
    }
    throw numerical_error(std::string(fn) + ": rejection sampling of y failed 100000 times (s = " + to_text(k.s) + ")");
  }

  struct choice {
    std::size_t target;
    const scattering_process<Real>* process;
    Real cumulative;
  };
  const mass_state_model<Real>& model_;
  const mass_state_scattering<Real>& sc_;
  std::span<const flavour_emission<Real, Spectrum>> emission_;
  std::vector<Real> weights_, cumulative_;
  mass_state_monte_carlo_options opt_;
  std::mt19937_64 rng_;
  Real threshold_;
  bool point_source_;
  Real delay_scale_s_ = 0;  // D/c [s]
  std::size_t S_ = 0;
  std::array<Real, 3> mass_{}, reference_{};
  std::array<bool, 3> thermal_{};
  bool any_thermal_ = false;
  std::optional<relic_momentum_shells<Real>> shells_;
  Real momentum_prefactor_ = 0;  // N_1/(2 N_2) [MeV^-1]
  std::array<thermal_majorant, 3> majorant_{};
  std::vector<std::pair<Real, Real>> probes_;  // (x, n D sigma/q) of prepare_majorant
  std::array<std::array<Real, 2>, 3> column_{};
  std::vector<std::vector<std::pair<scattering_basis, Real>>> combined_;
  std::vector<particle> stack_;
  std::vector<choice> choices_;
};

}  // namespace detail

/// Propagates options.primaries neutrinos drawn from the emission (component by weight, energy from its spectrum,
/// mass state by |U_alpha i|^2) over the setup's distance: exponential free paths with the total rate of every relic
/// population, the process chosen by its cross section, y from its dsigma/dy; both products tracked while above the
/// threshold; with options.angles also each neutrino's direction. Deterministic in options.seed.
/// Thermal relic states: their momenta sampled from Fermi-Dirac at T_nu0 with null-collision tracking (the majorant's
/// null collisions counted in the result).
/// @throws nusi::invalid_argument on bad options (primaries outside [1, 1e10], max_scatterings or max_null_collisions 0,
/// angles outside the angle_model enumeration, geometry) or emission.
/// @throws nusi::numerical_error if options.max_scatterings or max_null_collisions is exceeded, or a sampled rate exceeds
/// the null-collision majorant.
template <class Real, class Spectrum>
  requires samplable_spectrum<Spectrum, Real>
mass_state_monte_carlo_result<Real> mass_state_monte_carlo(const mass_state_model<Real>& model,
                                                           std::span<const flavour_emission<Real, Spectrum>> emission,
                                                           const mass_state_monte_carlo_options& options = {}) {
  constexpr std::string_view fn = "nusi::mass_state_monte_carlo";
  if (options.primaries == 0 || options.primaries > max_monte_carlo_primaries)
    detail::throw_invalid(fn, "options.primaries", "in [1, 1e10]", options.primaries);
  if (options.max_scatterings == 0) detail::throw_invalid(fn, "options.max_scatterings", ">= 1", options.max_scatterings);
  if (options.max_null_collisions == 0) detail::throw_invalid(fn, "options.max_null_collisions", ">= 1", options.max_null_collisions);
  if (options.angles && *options.angles != angle_model::paper_eq8_additive && *options.angles != angle_model::planar_random_walk &&
      *options.angles != angle_model::three_dimensional)
    detail::throw_invalid(fn, "options.angles", "unset, paper_eq8_additive, planar_random_walk or three_dimensional",
                          static_cast<int>(*options.angles));
  if (options.geometry != monte_carlo_geometry::plane_parallel && options.geometry != monte_carlo_geometry::point_source)
    detail::throw_invalid(fn, "options.geometry", "plane_parallel or point_source", static_cast<int>(options.geometry));
  if (options.geometry == monte_carlo_geometry::point_source && options.angles != angle_model::three_dimensional)
    detail::throw_invalid(fn, "options.geometry", "plane_parallel unless options.angles = three_dimensional (point_source follows "
                          "directions in space)", "point_source");
  if (emission.empty()) detail::throw_invalid(fn, "emission.size()", ">= 1", 0);
  std::vector<Real> weights;
  Real total = 0;
  for (const auto& c : emission) {
    c.validate(fn);
    weights.push_back(c.weight);
    total += c.weight;
  }
  for (Real& w : weights) w /= total;
  return detail::mass_state_monte_carlo_engine<Real, Spectrum>(model, emission, weights, options).run();
}

}  // namespace nusi
