// SPDX-License-Identifier: MIT
// Monte Carlo of the coupled mass states through the relic background (docs/physics.md, "Monte Carlo of mass states"):
// continuous energies, the exact massless-final-state kinematics E_3 = m/2 + y E, every process sampled with its own
// dsigma/dy, each neutrino tracked as (mass state, kind, energy) along the line of sight. It is the independent check of
// the grid transport (transport/mass_state_kernel.hpp) and, with options.angles, of the energy-angle transport
// (transport/mass_state_angle_kernel.hpp): each product turned by its own target's mass, and each arrival's delay behind light. Relics at rest.
#pragma once

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
  /// massless products), the two products at opposite azimuths (3D) or opposite signs (planar walk).
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
        const Real rate = total_rate(p);  // per unit of D
        const Real ell = -log(uniform_open01<Real>(rng_)) / rate;
        if (!advance(p, ell)) {
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
        scatter(p, rest, res);
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

  void scatter(const particle& p, compensated_sum<Real>& rest, mass_state_monte_carlo_result<Real>& res) {
    if (res.scatterings >= opt_.max_scatterings)
      throw numerical_error(std::string(fn) + ": more than options.max_scatterings = " + to_text(opt_.max_scatterings) + " scatterings");
    ++res.scatterings;
    // Choose target and process by their rates at this energy.
    choices_.clear();
    Real total = 0;
    for (std::size_t b = 0; b < 3; ++b) {
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
    const Real E3 = m / 2 + y * p.energy, E4 = m / 2 + z * p.energy;
    Real angle3 = p.angle, angle4 = p.angle, position3 = p.position, position4 = p.position;
    if (point_source_) {
      // Both products in space: p3 at azimuth phi = 2 pi u about the current direction, p4 at phi + pi (the paper's
      // Monte Carlo's deflect_pair), with sin t = sqrt(h (2 - h)) from h = 1 - cos t.
      using std::cos;
      using std::sin;
      using std::sqrt;
      const Real h3 = std::min(m * z / E3, Real(2)), h4 = std::min(m * y / E4, Real(2));
      const Real phi = 2 * boost::math::constants::pi<Real>() * uniform_open01<Real>(rng_);
      const Real c = cos(phi), s = sin(phi);
      deflect(position3, angle3, h3, sqrt(h3 * (2 - h3)), c, s);
      deflect(position4, angle4, h4, sqrt(h4 * (2 - h4)), -c, -s);
    } else if (opt_.angles) {
      // 1 - cos t = m (E - E_f + m/2)/(E E_f): m z/E_3 for the product at p3, m y/E_4 for p4 (no cancellation).
      const Real t3 = turn_from_one_minus_cos(m * z / E3), t4 = turn_from_one_minus_cos(m * y / E4);
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
/// @throws nusi::invalid_argument if a relic state is not at rest (relic.kinematics = at_rest, or masses well above
/// T_nu0), on bad options (primaries outside [1, 1e10], max_scatterings 0, angles outside the angle_model enumeration)
/// or emission.
/// @throws nusi::numerical_error if options.max_scatterings is exceeded.
template <class Real, class Spectrum>
  requires samplable_spectrum<Spectrum, Real>
mass_state_monte_carlo_result<Real> mass_state_monte_carlo(const mass_state_model<Real>& model,
                                                           std::span<const flavour_emission<Real, Spectrum>> emission,
                                                           const mass_state_monte_carlo_options& options = {}) {
  constexpr std::string_view fn = "nusi::mass_state_monte_carlo";
  if (options.primaries == 0 || options.primaries > max_monte_carlo_primaries)
    detail::throw_invalid(fn, "options.primaries", "in [1, 1e10]", options.primaries);
  if (options.max_scatterings == 0) detail::throw_invalid(fn, "options.max_scatterings", ">= 1", options.max_scatterings);
  if (options.angles && *options.angles != angle_model::paper_eq8_additive && *options.angles != angle_model::planar_random_walk &&
      *options.angles != angle_model::three_dimensional)
    detail::throw_invalid(fn, "options.angles", "unset, paper_eq8_additive, planar_random_walk or three_dimensional",
                          static_cast<int>(*options.angles));
  if (options.geometry != monte_carlo_geometry::plane_parallel && options.geometry != monte_carlo_geometry::point_source)
    detail::throw_invalid(fn, "options.geometry", "plane_parallel or point_source", static_cast<int>(options.geometry));
  if (options.geometry == monte_carlo_geometry::point_source && options.angles != angle_model::three_dimensional)
    detail::throw_invalid(fn, "options.geometry", "plane_parallel unless options.angles = three_dimensional (point_source follows "
                          "directions in space)", "point_source");
  for (std::size_t b = 0; b < 3; ++b)
    if (!model.relic().at_rest(b))
      detail::throw_invalid(fn, "setup.relic.kinematics", "at_rest for every mass state (the Monte Carlo takes relics at rest; state " +
                                                               detail::to_text(b + 1) + " is thermal)", "thermal");
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
