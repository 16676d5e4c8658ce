// SPDX-License-Identifier: MIT
// The supernova-core bound of paper Sec. III: N_2to4(g, M) = g^8 N_2to4(1, M) (Eq. 7 with Eqs. 2-3), so
// g_core(M) = N_2to4(1, M)^(-1/8) in closed form; the paper's two cases and the spec's two neutrino-density
// presets; and the Fig. 2 map of N_2to4 over (log10 M, log10 g). The integrals are in random_walk.hpp.
#pragma once

#include <cmath>
#include <cstddef>
#include <filesystem>
#include <limits>
#include <string_view>
#include <variant>
#include <vector>

#include "cross_sections.hpp"
#include "errors.hpp"
#include "profiles.hpp"
#include "random_walk.hpp"
#include "units.hpp"

namespace nusi {

/// The paper's two choices of decoupling region and mean energy (Sec. III and Fig. 2).
enum class core_case {
  /// R_min = 15 km, <E> = 30 MeV (Fig. 2 solid line).
  default_case,
  /// R_min = 30 km, <E> = 15 MeV (Fig. 2 dashed line).
  conservative
};

/// "default" or "conservative".
inline std::string_view case_name(core_case c) { return c == core_case::default_case ? "default" : "conservative"; }

/// The core bound quoted by the paper, log10 g ~ -1.8 for M below ~100 MeV (Sec. I, Fig. 1, Sec. V).
template <class Real> inline constexpr Real paper_log10_core_bound = Real(-1.8L);

/// Every input of the core bound with the spec's defaults (the default case, fermi_dirac preset). The
/// profile is the power law n_N = rho_ref/m_u (r/r_ref)^-power_index, anchored at r_ref = 15 km in both
/// cases: the conservative case starts the walk further out in the same star.
template <class Real>
struct core_inputs {
  neutrino_density_preset preset = neutrino_density_preset::fermi_dirac;
  Real R_min_cm = random_walk_region<Real>{}.R_min_cm;
  Real R_max_cm = random_walk_region<Real>{}.R_max_cm;
  /// <E> [MeV]; E_cm = 2<E> (paper, below Eq. 7) unless E_cm_convention says otherwise.
  Real mean_energy_MeV = Real(30);
  /// How E_cm follows from <E>: 2<E> head-on (paper) or sqrt(<s>) = sqrt(2)<E> for an isotropic gas.
  centre_of_mass_convention E_cm_convention = centre_of_mass_convention::head_on;
  /// Phase-space factor per final-state particle in Eqs. (2)-(3): the paper's 1e-2 (default_kappa).
  Real kappa = default_kappa<Real>;
  /// r_ref = R_min of the default case.
  Real reference_radius_cm = random_walk_region<Real>{}.R_min_cm;
  Real reference_density_g_per_cm3 = Real(1e14L);
  Real power_index = Real(3);
  Real paper_quoted_density_per_cm3 = paper_quoted_neutrino_density_per_cm3<Real>;
  /// Species summed in the Fermi-Dirac density.
  Real species = Real(6);
  mediator_kind kind = mediator_kind::scalar;
  /// O(1) factor on sigma_2to4 for a vector mediator (the paper neglects it).
  Real vector_angular_factor = Real(1);
  neutral_current_nucleon_cross_section<Real> sigma_nuN{};
  /// Quadrature settings; options.degeneracy is the eta of every Fermi-Dirac spectrum here.
  random_walk_options<Real> options{};

  /// The paper's case c with neutrino-density preset p, everything else at its default.
  static core_inputs paper_case(core_case c, neutrino_density_preset p = neutrino_density_preset::fermi_dirac) {
    core_inputs in;
    in.preset = p;
    if (c == core_case::conservative) {
      in.R_min_cm = km(Real(30));
      in.mean_energy_MeV = Real(15);
    }
    return in;
  }
  /// The neutrino gas of these inputs (preset, paper_quoted density, degeneracy, species).
  neutrino_density_model<Real> neutrinos() const {
    return {.preset = preset,
            .paper_quoted_density_per_cm3 = paper_quoted_density_per_cm3,
            .degeneracy = options.degeneracy,
            .species = species};
  }
  /// The power-law profile these inputs describe. Throws nusi::invalid_argument naming a bad member.
  power_law_profile<Real> profile() const {
    return power_law_profile<Real>(power_law_parameters<Real>{
        .reference_radius_cm = reference_radius_cm,
        .reference_density_g_per_cm3 = reference_density_g_per_cm3,
        .power_index = power_index,
        .mean_energy_MeV = mean_energy_MeV,
        .neutrinos = neutrinos()});
  }
  random_walk_region<Real> region() const { return {R_min_cm, R_max_cm}; }
  /// The random walk through profile() over region().
  random_walk<Real, power_law_profile<Real>> walk() const {
    return random_walk<Real, power_law_profile<Real>>(profile(), region(), sigma_nuN, options);
  }
  /// sigma_2to4 at coupling 1 and mass M [MeV] (g^8 scaling gives any other g).
  two_to_four_cross_section<Real> sigma_2to4_at_unit_coupling(Real mass_MeV) const {
    return {mediator<Real>{.mass_MeV = mass_MeV, .coupling = Real(1), .kind = kind,
                           .vector_angular_factor = vector_angular_factor},
            kappa};
  }
};

/// g_core(M) and what it came from.
template <class Real>
struct core_bound_result {
  Real mass_MeV = Real(0);
  /// N_2to4 at g = 1 (paper Eq. 7); N_2to4(g) = g^8 times this.
  integral_result<Real> N_2to4_at_g1;
  /// log10 g_core = -log10(N_2to4(g = 1))/8: N_2to4 = 1 there. +infinity when N_2to4 = 0 (no bound).
  Real log10_coupling_bound = Real(0);
  /// The random walk's mass-independent integrals.
  random_walk_result<Real> walk;
  /// At R_min: the spectrum, n_nu and <sigma_nuN>.
  thermal_state<Real> state_at_R_min{};
  Real neutrino_density_at_R_min_per_cm3 = Real(0);
  Real averaged_cross_section_at_R_min_cm2 = Real(0);

  /// g_core = 10^log10_coupling_bound.
  Real coupling_bound() const {
    using std::pow;
    return pow(Real(10), log10_coupling_bound);
  }
  /// The convention that gave E_cm from <E>.
  centre_of_mass_convention E_cm_convention = centre_of_mass_convention::head_on;
  /// E_cm at R_min [MeV] (2<E> by the paper's convention), where sigma_2to4 and hence the bound change slope.
  Real E_cm_at_R_min_MeV() const { return centre_of_mass_energy_MeV(state_at_R_min.mean_energy_MeV, E_cm_convention); }
};

namespace detail {
template <class Real>
Real log10_bound_from_N(Real N_at_g1) {
  using std::log10;
  if (!(N_at_g1 > 0)) return std::numeric_limits<Real>::infinity();
  return -log10(N_at_g1) / 8;
}
}  // namespace detail

/// g_core(M) for any random walk (any profile and nu-N cross section) with sigma_2to4 of
/// Eqs. (2)-(3) at mediator mass M [MeV] and kappa, E_cm by convention E_cm (2<E>: the paper's).
/// Throws nusi::invalid_argument on bad M, kappa or convention.
template <class Real, class Profile, class NucleonCrossSection>
core_bound_result<Real> core_bound(const random_walk<Real, Profile, NucleonCrossSection>& walk, Real mass_MeV,
                                   Real kappa = default_kappa<Real>, mediator_kind kind = mediator_kind::scalar,
                                   Real vector_angular_factor = Real(1),
                                   centre_of_mass_convention E_cm = centre_of_mass_convention::head_on) {
  constexpr std::string_view fn = "nusi::core_bound";
  detail::require_positive(fn, "mass_MeV", mass_MeV);
  detail::require_positive(fn, "kappa", kappa);
  detail::require_positive(fn, "vector_angular_factor", vector_angular_factor);
  const two_to_four_cross_section<Real> sigma{
      mediator<Real>{.mass_MeV = mass_MeV, .coupling = Real(1), .kind = kind,
                     .vector_angular_factor = vector_angular_factor},
      kappa};
  core_bound_result<Real> out;
  out.mass_MeV = mass_MeV;
  out.N_2to4_at_g1 = walk.N_2to4(sigma, E_cm);
  out.E_cm_convention = E_cm;
  out.log10_coupling_bound = detail::log10_bound_from_N(out.N_2to4_at_g1.value);
  out.walk = walk.summary();
  const Real R_min = walk.region().R_min_cm;
  out.state_at_R_min = walk.thermal_state_at(R_min);
  out.neutrino_density_at_R_min_per_cm3 = static_cast<Real>(walk.profile().neutrino_density_per_cm3(R_min));
  out.averaged_cross_section_at_R_min_cm2 = walk.averaged_cross_section_cm2(R_min);
  return out;
}

/// g_core(M) for the power-law core described by inputs (paper Sec. III). Throws
/// nusi::invalid_argument naming a bad input, nusi::numerical_error if a quadrature fails.
template <class Real>
core_bound_result<Real> core_bound(Real mass_MeV, const core_inputs<Real>& inputs = {}) {
  return core_bound(inputs.walk(), mass_MeV, inputs.kappa, inputs.kind, inputs.vector_angular_factor, inputs.E_cm_convention);
}

/// The core's random walk through either profile: the power law of core_inputs, or a table.
template <class Real>
using core_walk = std::variant<random_walk<Real, power_law_profile<Real>>, random_walk<Real, tabulated_profile<Real>>>;

/// The random walk of inputs over inputs.region(): through the tabulated profile in profile_csv
/// (tabulated_profile::from_csv with inputs.neutrinos(); the power-law members are then unused), or
/// through the power law inputs.profile() when profile_csv is empty. Throws nusi::invalid_argument
/// (a bad input; an unreadable or malformed file, naming its line).
template <class Real>
core_walk<Real> make_core_walk(const core_inputs<Real>& inputs, const std::filesystem::path& profile_csv = {}) {
  if (profile_csv.empty()) return inputs.walk();
  return random_walk<Real, tabulated_profile<Real>>(tabulated_profile<Real>::from_csv(profile_csv.string(), inputs.neutrinos()),
                                                    inputs.region(), inputs.sigma_nuN, inputs.options);
}

/// g_core(M) [mass in MeV] through either walk of make_core_walk, with the sigma_2to4 settings of
/// inputs (kappa, kind, vector_angular_factor, E_cm_convention). Throws as core_bound above.
template <class Real>
core_bound_result<Real> core_bound(const core_walk<Real>& walk, Real mass_MeV, const core_inputs<Real>& inputs) {
  return std::visit(
      [&](const auto& w) {
        return core_bound(w, mass_MeV, inputs.kappa, inputs.kind, inputs.vector_angular_factor, inputs.E_cm_convention);
      },
      walk);
}

/// The (log10 M, log10 g) grid of the Fig. 2 map; the paper's axes by default.
template <class Real>
struct core_map_grid {
  Real log10_mass_MeV_min = Real(-1);
  Real log10_mass_MeV_max = Real(5);
  std::size_t mass_points = 400;
  Real log10_coupling_min = Real(-3);
  Real log10_coupling_max = Real(1);
  std::size_t coupling_points = 400;
};

/// N_2to4 over the grid (paper Fig. 2): N_2to4[i * coupling_points + j] at log10_mass_MeV[i],
/// log10_coupling[j]; and the bound log10 g_core for each mass.
template <class Real>
struct core_map_result {
  std::vector<Real> log10_mass_MeV;
  std::vector<Real> log10_coupling;
  std::vector<Real> N_2to4;
  std::vector<Real> log10_coupling_bound;
  /// Radial integrals computed: 1 when <E> is uniform, else 1 + one per mass.
  std::size_t radial_integrals = 0;

  /// N_2to4 at (mass index i, coupling index j).
  Real at(std::size_t i, std::size_t j) const { return N_2to4[i * log10_coupling.size() + j]; }
};

/// The Fig. 2 map for any random walk. N_2to4 = g^8 N_2to4(g = 1, M), and where <E> is uniform
/// (observed at every quadrature node) N_2to4(1, M) = sigma_2to4(E_cm; M) times one neutrino column:
/// one radial integral in total. Otherwise one integral per mass. E_cm = 2<E> (paper) unless E_cm says.
/// @throws nusi::invalid_argument on a bad grid (ordered log10 ranges, masses in [-300, 300], couplings
/// in [-37.5, 37.5], at least 2 points each), kappa or vector_angular_factor not finite and > 0, or a bad
/// convention.
template <class Real, class Profile, class NucleonCrossSection>
core_map_result<Real> core_map(const random_walk<Real, Profile, NucleonCrossSection>& walk,
                               const core_map_grid<Real>& grid = {}, Real kappa = default_kappa<Real>,
                               mediator_kind kind = mediator_kind::scalar, Real vector_angular_factor = Real(1),
                               centre_of_mass_convention E_cm = centre_of_mass_convention::head_on) {
  using std::pow;
  constexpr std::string_view fn = "nusi::core_map";
  detail::require_ordered(fn, "grid.log10_mass_MeV_min", grid.log10_mass_MeV_min, "grid.log10_mass_MeV_max",
                          grid.log10_mass_MeV_max);
  detail::require_ordered(fn, "grid.log10_coupling_min", grid.log10_coupling_min, "grid.log10_coupling_max",
                          grid.log10_coupling_max);
  detail::require_closed_interval(fn, "grid.log10_mass_MeV_max", grid.log10_mass_MeV_max, Real(-300), Real(300));
  detail::require_closed_interval(fn, "grid.log10_mass_MeV_min", grid.log10_mass_MeV_min, Real(-300), Real(300));
  // g^8 = 10^(8 log10 g) must stay finite and non-zero in double.
  detail::require_closed_interval(fn, "grid.log10_coupling_min", grid.log10_coupling_min, Real(-37.5L), Real(37.5L));
  detail::require_closed_interval(fn, "grid.log10_coupling_max", grid.log10_coupling_max, Real(-37.5L), Real(37.5L));
  if (grid.mass_points < 2) detail::throw_invalid(fn, "grid.mass_points", ">= 2", grid.mass_points);
  if (grid.coupling_points < 2) detail::throw_invalid(fn, "grid.coupling_points", ">= 2", grid.coupling_points);
  detail::require_positive(fn, "kappa", kappa);
  detail::require_positive(fn, "vector_angular_factor", vector_angular_factor);
  centre_of_mass_energy_MeV(Real(1), E_cm);  // argument check

  core_map_result<Real> out;
  const std::size_t nm = grid.mass_points, ng = grid.coupling_points;
  out.log10_mass_MeV.resize(nm);
  out.log10_coupling.resize(ng);
  for (std::size_t i = 0; i < nm; ++i)
    out.log10_mass_MeV[i] = grid.log10_mass_MeV_min +
                            (grid.log10_mass_MeV_max - grid.log10_mass_MeV_min) * Real(i) / Real(nm - 1);
  std::vector<Real> g8(ng);
  for (std::size_t j = 0; j < ng; ++j) {
    out.log10_coupling[j] = grid.log10_coupling_min +
                            (grid.log10_coupling_max - grid.log10_coupling_min) * Real(j) / Real(ng - 1);
    g8[j] = pow(Real(10), 8 * out.log10_coupling[j]);  // sigma_2to4 ~ g^8 (Eqs. 2-3)
  }

  // One radial integral: the neutrino column, recording the range of <E> met at the nodes.
  Real E_lo = std::numeric_limits<Real>::infinity(), E_hi = -E_lo;
  const integral_result<Real> column = walk.integrate(
      [&](const auto& p) {
        E_lo = p.state.mean_energy_MeV < E_lo ? p.state.mean_energy_MeV : E_lo;
        E_hi = p.state.mean_energy_MeV > E_hi ? p.state.mean_energy_MeV : E_hi;
        return p.neutrino_density_per_cm3 * p.r_cm * p.inverse_mean_free_path_per_cm;
      },
      "nusi::core_map");
  out.radial_integrals = 1;
  const bool uniform_energy = E_lo == E_hi;

  out.N_2to4.resize(nm * ng);
  out.log10_coupling_bound.resize(nm);
  for (std::size_t i = 0; i < nm; ++i) {
    const two_to_four_cross_section<Real> sigma{
        mediator<Real>{.mass_MeV = pow(Real(10), out.log10_mass_MeV[i]), .coupling = Real(1), .kind = kind,
                       .vector_angular_factor = vector_angular_factor},
        kappa};
    Real N1;
    if (uniform_energy) {
      N1 = sigma.cross_section_cm2(centre_of_mass_energy_MeV(E_lo, E_cm)) * column.value;
    } else {
      N1 = walk.N_2to4(sigma, E_cm).value;
      ++out.radial_integrals;
    }
    out.log10_coupling_bound[i] = detail::log10_bound_from_N(N1);
    Real* row = out.N_2to4.data() + i * ng;
    for (std::size_t j = 0; j < ng; ++j) row[j] = g8[j] * N1;
  }
  return out;
}

/// The Fig. 2 map for the power-law core described by inputs.
template <class Real>
core_map_result<Real> core_map(const core_map_grid<Real>& grid, const core_inputs<Real>& inputs = {}) {
  return core_map(inputs.walk(), grid, inputs.kappa, inputs.kind, inputs.vector_angular_factor, inputs.E_cm_convention);
}

/// The Fig. 2 map through either walk of make_core_walk, with the sigma_2to4 settings of inputs.
template <class Real>
core_map_result<Real> core_map(const core_walk<Real>& walk, const core_map_grid<Real>& grid, const core_inputs<Real>& inputs) {
  return std::visit(
      [&](const auto& w) { return core_map(w, grid, inputs.kappa, inputs.kind, inputs.vector_angular_factor, inputs.E_cm_convention); },
      walk);
}

}  // namespace nusi
