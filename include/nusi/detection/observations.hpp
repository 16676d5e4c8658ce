// SPDX-License-Identifier: MIT
// What a detector recorded, or would record: events with measured energies and backgrounds for the
// unbinned likelihood, counts in bins of measured energy for the binned one, and the Asimov data of a
// forecast. The SN 1987A data in this form: sn1987a_observations (sn1987a.hpp). Throws nusi::invalid_argument.
#pragma once

#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../errors.hpp"
#include "detectors.hpp"

namespace nusi {

/// One recorded event: measured visible energy and its 1-sigma error [MeV], the background density
/// at that energy over the analysis window [events/MeV] (background rate [1/(s MeV)] times window [s]),
/// and its time on the detector's clock [s] (the time-dependent likelihood of emission/event_bound.hpp
/// places it on the model's time axis with the detector's offset).
template <class Real>
struct observed_event {
  Real energy_MeV;
  Real energy_error_MeV;
  Real background_per_MeV = Real(0);
  Real time_s = Real(0);
};

namespace detail {
/// Throws nusi::invalid_argument naming `name` + ".energy_MeV" etc. unless the energy and the time are
/// finite, the energy error finite and > 0 and the background density finite and >= 0.
template <class Real>
void require_observed_event(std::string_view function, const std::string& name, const observed_event<Real>& e) {
  require_finite(function, name + ".energy_MeV", e.energy_MeV);
  require_positive(function, name + ".energy_error_MeV", e.energy_error_MeV);
  require_non_negative(function, name + ".background_per_MeV", e.background_per_MeV);
  require_finite(function, name + ".time_s", e.time_s);
}
}  // namespace detail

/// What one detector recorded (or would record): unbinned events for the extended likelihood, and/or
/// counts in bins of measured energy for the binned Poisson likelihood.
template <class Real>
struct detector_observation {
  detector<Real> det;
  /// Recorded events (measured energy, error, background density over the window).
  std::vector<observed_event<Real>> events{};
  /// Measured-energy edges [MeV] of the binned counts (the last may be +infinity).
  std::vector<Real> edges_MeV{};
  /// Counts per bin (non-integer allowed: Asimov data).
  std::vector<Real> counts{};
  /// Asimov data set: counts are replaced by the no-nuSI expectation of the analysis (forecasts).
  bool asimov = false;
  /// The window [s] the events' background densities were integrated over (background_per_MeV = rate x
  /// window); the time-dependent likelihood divides by it. 0: not given (then every background must be 0 there).
  Real background_window_s = Real(0);
};

/// Measured-energy edges for an Asimov forecast: 1 MeV bins from the detector threshold to 50 MeV,
/// 5 MeV bins to 100 MeV, then one bin to +infinity.
/// @throws nusi::invalid_argument on a bad detector (detector::validate).
template <class Real>
std::vector<Real> forecast_measured_edges(const detector<Real>& det) {
  det.validate("nusi::forecast_measured_edges");
  std::vector<Real> e{det.threshold_MeV};
  for (int k = 1; k <= 50; ++k)  // integer counters: the edges above the threshold are exact integers
    if (Real(k) > e.back()) e.push_back(Real(k));
  for (int k = 55; k <= 100; k += 5)
    if (Real(k) > e.back()) e.push_back(Real(k));
  e.push_back(std::numeric_limits<Real>::infinity());
  return e;
}

/// An Asimov observation for a detector (the data a supernova without nuSI would give on average).
/// @throws nusi::invalid_argument on a bad detector (detector::validate).
template <class Real>
detector_observation<Real> asimov_observation(detector<Real> det) {
  detector_observation<Real> o;
  o.edges_MeV = forecast_measured_edges(det);
  o.det = std::move(det);
  o.asimov = true;
  return o;
}

}  // namespace nusi
