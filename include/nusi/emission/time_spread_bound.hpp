// SPDX-License-Identifier: MIT
// The time-spread bound of a supernova model: excluded where fewer than the setup's exclusion level of
// the emitted neutrinos arrive above threshold within the window after the first emission, the arrival
// time being the emission time (the model's profile) plus the delay (time_spread_bound.hpp's search
// with emission_windowed_fraction of emission/arrivals.hpp). Throws nusi::invalid_argument,
// nusi::numerical_error.
#pragma once

#include <cmath>
#include <memory>
#include <string_view>

#include "../errors.hpp"
#include "../propagation_setup.hpp"
#include "../time_spread_bound.hpp"
#include "arrivals.hpp"
#include "supernova_model.hpp"

namespace nusi {

/// The time-spread bound at one mass for the flux of a model (its flavour after conversion: e.g.
/// model.flux(supernova_flavor::nu_e_bar, conversion)): F_window(M, g) = setup.exclusion_level solved in
/// log10 g, F_window counting the arrivals (t_emit - t_first) + delay < options.window.window_s. The
/// unscattered part (exact, monotone in g) is solved first, then the common-random-number search steps
/// up and bisects, as time_spread_bound for a burst. For an emission much shorter than the window
/// this is the burst's bound; a window shorter than the emission counts only its emission.
/// @throws nusi::invalid_argument as time_spread_bound and emission_window; nusi::numerical_error.
template <class Real>
time_spread_bound_point<Real> time_spread_bound(Real log10_mass_MeV, const propagation_setup<Real>& setup,
                                                const flavor_flux<Real>& flux, const time_spread_bound_options<Real>& options = {}) {
  using std::pow;
  constexpr std::string_view fn = "nusi::time_spread_bound";
  detail::validate_time_spread(fn, log10_mass_MeV, options);
  propagation_setup<Real> s = setup;
  s.med.mass_MeV = pow(Real(10), log10_mass_MeV);
  s.med.coupling = pow(Real(10), options.log10_g_min);
  s.validate(fn);
  const emission_windowed_fraction<Real> window(s, flux, options.window);
  auto F0 = [&](Real lg) { return window.unscattered(pow(Real(10), lg)); };
  auto Fw = [&](Real lg) { return window(pow(Real(10), lg)); };
  return detail::time_spread_search(log10_mass_MeV, s.exclusion_level, options, F0, Fw);
}

}  // namespace nusi
