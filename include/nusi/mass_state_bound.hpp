// SPDX-License-Identifier: MIT
// The propagation bound g_prop(M) of the mass-state model (docs/physics.md, "Bounds of the mass-state model"): the
// coupling at which the detected flavour's fraction above threshold falls to the exclusion level, with the paper
// bound's root search on the falling branch; curves over M, and the table of the figure comparing orderings, lightest
// masses and mediators with the paper's preset. The paper's bound is propagation_bound.hpp.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <sstream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "errors.hpp"
#include "mass_states/setup.hpp"
#include "parallel.hpp"
#include "propagation_bound.hpp"
#include "spectra.hpp"
#include "transport/mass_state_propagate.hpp"

namespace nusi {

/// The bound of the mass-state model at one mediator mass: solves F_detected(M, g) = setup.exclusion_level for log10 g
/// (F of the detected flavour's right-handed antineutrinos, relative to their no-interaction number). The search
/// starts from a g^4-scaling guess (optical depth ~10 at the least opaque of 10, 20, 40 MeV for the most opaque state).
/// @throws nusi::invalid_argument if log10_mass_MeV is outside [-30, 10], or the setup, emission or options are bad.
/// @throws nusi::numerical_error if TOMS 748 does not converge or a transport solve fails.
template <class Real, class Spectrum>
  requires energy_spectrum<Spectrum, Real>
propagation_bound_point<Real> mass_state_propagation_bound(Real log10_mass_MeV, const mass_state_setup<Real>& setup,
                                                           std::span<const flavour_emission<Real, Spectrum>> emission,
                                                           const propagation_bound_options<Real>& options = {},
                                                           const mass_state_kernel_options<Real>& kernel_options = {}) {
  using std::log10;
  using std::pow;
  constexpr std::string_view fn = "nusi::mass_state_propagation_bound";
  detail::require_closed_interval(fn, "log10_mass_MeV", log10_mass_MeV, Real(-30), Real(10));
  detail::validate_bound_options(fn, options);
  mass_state_setup<Real> s = setup;
  s.interaction.med.mass_MeV = pow(Real(10), log10_mass_MeV);
  const Real g_small = Real(1e-6L);
  s.interaction.med.coupling = g_small;
  mass_state_model<Real> model(s);
  // First guess from the total cross sections of each state's right-handed antineutrino at g = 1e-6.
  Real tau_small = std::numeric_limits<Real>::max();
  for (Real E : {Real(10), Real(20), Real(40)}) {
    Real tau = 0;
    for (std::size_t i = 0; i < 3; ++i) {
      const std::size_t species = model.scattering().species_index(i, neutrino_kind::antineutrino_right);
      Real t_i = 0;
      for (std::size_t b = 0; b < 3; ++b) {
        const Real m = model.relic().mass_MeV(b);
        const Real x = model.relic().at_rest(b) ? m : model.relic().distribution(b).mean_MeV();
        const auto pops = model.relic().targets(b);
        for (std::size_t t = 0; t < pops.size(); ++t)
          t_i += pops[t].density_per_cm3 * s.distance_cm *
                 model.scattering().total_cross_section_cm2(species, b, t, m * m + 2 * E * x);
      }
      tau = std::max(tau, t_i);
    }
    tau_small = std::min(tau_small, tau);
  }
  const Real guess = tau_small > 0 ? log10(g_small) + (Real(1) - log10(tau_small)) / 4 : options.log10_g_max;
  std::size_t evaluations = 0;
  auto fraction = [&](Real lg) {
    auto med = s.interaction.med;
    med.coupling = pow(Real(10), lg);
    model.set_mediator(med);
    ++evaluations;
    return mass_state_fractions_above_threshold(model, emission, options.transport, kernel_options).detected.value;
  };
  return detail::falling_branch_root(log10_mass_MeV, guess, s.exclusion_level, fraction, evaluations, options, fn);
}

/// The mass-state bound at log10(M/MeV) = from, from + step, ..., to (inclusive within step/1000), on
/// options.threads threads (bit-identical for any thread count).
/// @throws as mass_state_propagation_bound, and nusi::invalid_argument on a bad range (from > to, step not > 0, more
/// than 100000 masses).
template <class Real, class Spectrum>
  requires energy_spectrum<Spectrum, Real>
std::vector<propagation_bound_point<Real>> mass_state_propagation_bound_curve(
    Real from_log10_mass_MeV, Real to_log10_mass_MeV, Real step_dex, const mass_state_setup<Real>& setup,
    std::span<const flavour_emission<Real, Spectrum>> emission, const propagation_bound_options<Real>& options = {},
    const mass_state_kernel_options<Real>& kernel_options = {}) {
  constexpr std::string_view fn = "nusi::mass_state_propagation_bound_curve";
  const std::size_t count = detail::bound_curve_masses(fn, from_log10_mass_MeV, to_log10_mass_MeV, step_dex);
  detail::validate_bound_options(fn, options);
  setup.validate(fn);
  std::vector<propagation_bound_point<Real>> curve(count);
  parallel_for(curve.size(), options.threads, [&](std::size_t k) {
    curve[k] = mass_state_propagation_bound(from_log10_mass_MeV + Real(k) * step_dex, setup, emission, options, kernel_options);
  });
  return curve;
}

/// One curve of the bound figure: ordering, lightest mass, mediator kind (the rest from the base setup).
template <class Real>
struct mass_state_bound_curve_spec {
  mass_ordering ordering;
  Real lightest_mass_eV;
  mediator_kind kind;
  /// "normal, m_lightest = 0.01 eV, scalar" etc.
  std::string label() const {
    std::string s = ordering == mass_ordering::normal ? "normal" : "inverted";
    std::ostringstream mass;
    mass << lightest_mass_eV;  // 6 significant digits
    s += ", m_lightest = " + mass.str() + " eV, ";
    s += kind == mediator_kind::scalar ? "scalar" : "vector";
    return s;
  }
};

/// The curves of the comparison figure: both orderings, lightest masses 0, 0.01, 0.05, 0.1 eV, scalar and vector.
template <class Real>
std::vector<mass_state_bound_curve_spec<Real>> default_bound_figure_curves() {
  std::vector<mass_state_bound_curve_spec<Real>> specs;
  for (auto kind : {mediator_kind::scalar, mediator_kind::vector})
    for (auto ordering : {mass_ordering::normal, mass_ordering::inverted})
      for (Real m : {Real(0), Real(0.01L), Real(0.05L), Real(0.1L)}) specs.push_back({ordering, m, kind});
  return specs;
}

/// The table of the bound figure: log10 g_prop per mass for the paper's preset and for each mass-state curve.
template <class Real>
struct mass_state_bound_table {
  std::vector<Real> log10_mass_MeV;
  std::vector<propagation_bound_point<Real>> paper;  ///< propagation_bound with the paper's setup
  std::vector<mass_state_bound_curve_spec<Real>> specs;
  std::vector<std::vector<propagation_bound_point<Real>>> curves;  ///< [spec][mass]
};

/// Computes the figure's table over log10(M/MeV) = from, from + step, ..., to: the paper preset (paper_setup,
/// propagation_bound) and, for each spec, the mass-state bound with base's other inputs and the electron-antineutrino
/// emission of `spectrum`. Every (curve, mass) point runs on options.threads threads.
/// @throws as mass_state_propagation_bound_curve and propagation_bound.
template <class Real, class Spectrum>
  requires energy_spectrum<Spectrum, Real>
mass_state_bound_table<Real> mass_state_bound_figure_table(Real from_log10_mass_MeV, Real to_log10_mass_MeV, Real step_dex,
                                                           const mass_state_setup<Real>& base, const propagation_setup<Real>& paper_setup,
                                                           const Spectrum& spectrum,
                                                           std::vector<mass_state_bound_curve_spec<Real>> specs = default_bound_figure_curves<Real>(),
                                                           const propagation_bound_options<Real>& options = {},
                                                           const mass_state_kernel_options<Real>& kernel_options = {}) {
  constexpr std::string_view fn = "nusi::mass_state_bound_figure_table";
  const std::size_t masses = detail::bound_curve_masses(fn, from_log10_mass_MeV, to_log10_mass_MeV, step_dex);
  detail::validate_bound_options(fn, options);
  base.validate(fn);
  paper_setup.validate(fn);
  mass_state_bound_table<Real> table;
  table.specs = specs;
  for (std::size_t k = 0; k < masses; ++k) table.log10_mass_MeV.push_back(from_log10_mass_MeV + Real(k) * step_dex);
  table.paper.resize(masses);
  table.curves.assign(specs.size(), std::vector<propagation_bound_point<Real>>(masses));
  const std::vector<flavour_emission<Real, Spectrum>> emission{{flavour::e, true, spectrum, Real(1)}};
  parallel_for((specs.size() + 1) * masses, options.threads, [&](std::size_t job) {
    const std::size_t curve = job / masses, k = job % masses;
    const Real lm = table.log10_mass_MeV[k];
    if (curve == specs.size()) {
      table.paper[k] = propagation_bound(lm, paper_setup, spectrum, options);
      return;
    }
    mass_state_setup<Real> s = base;
    s.spectrum.ordering = specs[curve].ordering;
    s.spectrum.lightest_mass_eV = specs[curve].lightest_mass_eV;
    s.spectrum.sum_masses_eV.reset();
    s.spectrum.mixing.reset();  // NuFIT 5.2 for the ordering
    s.interaction.med.kind = specs[curve].kind;
    table.curves[curve][k] =
        mass_state_propagation_bound(lm, s, std::span<const flavour_emission<Real, Spectrum>>(emission), options, kernel_options);
  });
  return table;
}

}  // namespace nusi
