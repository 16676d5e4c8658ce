// SPDX-License-Identifier: MIT
// The physical inputs of supernova-neutrino propagation through the relic background (paper Sec. IV),
// shared by the grid transport (transport.hpp) and the Monte Carlo check (monte_carlo.hpp).
#pragma once

#include <string_view>

#include "cross_sections.hpp"
#include "errors.hpp"
#include "units.hpp"

namespace nusi {

/// Inputs of paper Sec. IV: mediator, relic targets, distance D, detection threshold and the
/// exclusion level on F = N(E > threshold at Earth) / N(emitted). Defaults are the paper's (relic targets:
/// relic_neutrinos::paper(), 330 cm^-3; relic_neutrinos::same_mass_state() is the derived counting).
template <class Real>
struct propagation_setup {
  mediator<Real> med{.mass_MeV = Real(3.1622776601683794e-4L), .coupling = Real(1.7782794100389228e-2L)};
  relic_neutrinos<Real> relic{};
  Real distance_cm = kpc(Real(50));
  Real threshold_MeV = Real(5);
  /// Excluded where F <= exclusion_level ("at least 99% down-scattered below 5 MeV").
  Real exclusion_level = Real(0.01L);

  /// Throws nusi::invalid_argument naming the first bad member.
  void validate(std::string_view function) const {
    detail::validate_mediator(function, med);
    detail::validate_relic_mass(function, "relic.mass_MeV", relic.mass_MeV, relic.mass_check);
    detail::require_positive(function, "relic.total_density_per_cm3", relic.total_density_per_cm3);
    if (relic.nature != neutrino_nature::majorana && relic.nature != neutrino_nature::dirac)
      detail::throw_invalid(function, "relic.nature", "majorana or dirac", static_cast<int>(relic.nature));
    if (relic.counting != relic_counting::all_mass_states && relic.counting != relic_counting::same_mass_state)
      detail::throw_invalid(function, "relic.counting", "all_mass_states or same_mass_state", static_cast<int>(relic.counting));
    detail::require_positive(function, "distance_cm", distance_cm);
    detail::require_positive(function, "threshold_MeV", threshold_MeV);
    detail::require_open_interval(function, "exclusion_level", exclusion_level, Real(0), Real(1));
  }
  /// The Breit-Wigner of this setup (paper Eqs. 4-5).
  s_channel_breit_wigner<Real> cross_section() const {
    return s_channel_breit_wigner<Real>(med, relic.mass_MeV, relic.mass_check);
  }
};

}  // namespace nusi
