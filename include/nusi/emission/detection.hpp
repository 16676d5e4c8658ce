// SPDX-License-Identifier: MIT
// A supernova model at a detector: the flavour a channel counts (anti-nu_e for IBD, nu_e for nu_e-Ar),
// the fluence at Earth of a time window, expected events in total and in bins of emission time, and
// the moment-matched supernova_emission for the analyses that still take one pinched spectrum.
// Throws nusi::invalid_argument, nusi::numerical_error.
#pragma once

#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <boost/math/constants/constants.hpp>

#include "../detection/detectors.hpp"
#include "../detection/event_rates.hpp"
#include "../errors.hpp"
#include "flavor_conversion.hpp"
#include "supernova_model.hpp"

namespace nusi {

/// The flavour a detection channel counts: anti-nu_e (inverse beta decay) or nu_e (nu_e 40Ar CC).
inline supernova_flavor channel_flavor(detection_channel channel) {
  return channel == detection_channel::nue_argon_charged_current ? supernova_flavor::nu_e : supernova_flavor::nu_e_bar;
}

/// A fluence at Earth: the normalised spectrum and the number per unit area it multiplies.
template <class Real>
struct fluence_at_earth {
  fluence_spectrum<Real> spectrum;
  /// Neutrinos per cm^2 at Earth: the exactly emitted number in the window over 4 pi D^2.
  Real number_per_cm2;
};

/// The flux's fluence over options' time window at distance_cm. @throws nusi::invalid_argument if
/// distance_cm is not finite and > 0, and as flavor_flux::fluence.
template <class Real>
fluence_at_earth<Real> flux_at_earth(const flavor_flux<Real>& flux, Real distance_cm, const fluence_options<Real>& options = {}) {
  detail::require_positive("nusi::flux_at_earth", "distance_cm", distance_cm);
  const Real pi = boost::math::constants::pi<Real>();
  return {flux.fluence(options), flux.emitted_number(options.from_s, options.to_s) / (4 * pi * distance_cm * distance_cm)};
}

/// Expected events above threshold without secret interactions of the model's flux in the flavour the
/// detector counts (after conversion), emitted in options' time window, at distance_cm. Throws as
/// supernova_model::flux, flux_at_earth and detector_response::expected_events.
template <class Real>
Real expected_model_events(const detector_response<Real>& response, const supernova_model<Real>& model, Real distance_cm,
                           const flavor_conversion<Real>& conversion = {}, const fluence_options<Real>& options = {}) {
  const auto at_earth = flux_at_earth(model.flux(channel_flavor(response.model().channel), conversion), distance_cm, options);
  return response.expected_events(at_earth.spectrum, at_earth.number_per_cm2);
}

/// Expected events above threshold in bins [edges_s[i], edges_s[i+1]) of emission time [s] (arrival
/// time up to the common travel time, without secret interactions): the model's time profile as a
/// detector sees it. Bins without emission count 0. @throws nusi::invalid_argument unless there are
/// >= 2 finite increasing edges, and as expected_model_events.
template <class Real>
std::vector<Real> expected_model_events_in_time_bins(const detector_response<Real>& response, const supernova_model<Real>& model,
                                                     Real distance_cm, const std::vector<Real>& edges_s,
                                                     const flavor_conversion<Real>& conversion = {},
                                                     const fluence_options<Real>& options = {}) {
  constexpr std::string_view fn = "nusi::expected_model_events_in_time_bins";
  if (edges_s.size() < 2) detail::throw_invalid(fn, "edges_s.size()", ">= 2", edges_s.size());
  for (std::size_t i = 0; i < edges_s.size(); ++i) {
    detail::require_finite(fn, "edges_s[" + std::to_string(i) + "]", edges_s[i]);
    if (i > 0 && !(edges_s[i] > edges_s[i - 1])) detail::throw_invalid(fn, "edges_s[" + std::to_string(i) + "]", "increasing", edges_s[i]);
  }
  const flavor_flux<Real> flux = model.flux(channel_flavor(response.model().channel), conversion);
  std::vector<Real> out(edges_s.size() - 1, Real(0));
  for (std::size_t i = 0; i + 1 < edges_s.size(); ++i) {
    if (!(flux.emitted_number(edges_s[i], edges_s[i + 1]) > 0)) continue;
    fluence_options<Real> o = options;
    o.from_s = edges_s[i];
    o.to_s = edges_s[i + 1];
    const auto at_earth = flux_at_earth(flux, distance_cm, o);
    out[i] = response.expected_events(at_earth.spectrum, at_earth.number_per_cm2);
  }
  return out;
}

/// The pinched supernova_emission with the fluence's emitted energy, <E> and <E^2> at distance_cm: an
/// approximation (a pinched fit of the fluence) for the analyses that take one pinched spectrum
/// (event_bound.hpp) until they take a spectrum; propagation and detector folding take the fluence
/// itself. @throws nusi::invalid_argument as flux_at_earth.
template <class Real>
supernova_emission<Real> moment_matched_emission(const flavor_flux<Real>& flux, Real distance_cm, const fluence_options<Real>& options = {}) {
  detail::require_positive("nusi::moment_matched_emission", "distance_cm", distance_cm);
  const fluence_spectrum<Real> f = flux.fluence(options);
  return {.energy_erg = flux.emitted_energy_erg(options.from_s, options.to_s),
          .mean_energy_MeV = f.mean_energy_MeV(),
          .mean_square_energy_MeV2 = f.mean_square_energy_MeV2(),
          .distance_cm = distance_cm};
}

}  // namespace nusi
