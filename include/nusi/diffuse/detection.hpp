// SPDX-License-Identifier: MIT
// The diffuse supernova neutrino background in a detector (docs/physics.md, "DSNB events"): inverse beta decay of the
// electron antineutrinos of a diffuse_result in Super-Kamiokande with gadolinium and in JUNO, through the detection
// headers (detector_response: Strumia-Vissani cross section, resolution), with exposure, a flat signal efficiency and
// the analysis window as inputs. The burst detectors are detection/detectors.hpp.
#pragma once

#include <cmath>
#include <string_view>
#include <vector>

#include "../detection/detectors.hpp"
#include "../detection/event_rates.hpp"
#include "../errors.hpp"
#include "cosmology.hpp"
#include "transport.hpp"

namespace nusi {

/// A DSNB analysis: the detector (targets, resolution, visible energy), years of data, the signal efficiency (flat, after
/// neutron tagging and cuts) and the window of measured visible energy [MeV].
template <class Real>
struct dsnb_detector {
  detector<Real> model;
  Real exposure_years = Real(10);
  Real signal_efficiency = Real(1);
  Real window_min_MeV = Real(10), window_max_MeV = Real(30);

  /// Throws nusi::invalid_argument naming the member.
  void validate(std::string_view function) const {
    model.validate(function);
    detail::require_positive(function, "detector.exposure_years", exposure_years);
    detail::require_closed_interval(function, "detector.signal_efficiency", signal_efficiency, Real(0), Real(1));
    detail::require_positive(function, "detector.window_min_MeV", window_min_MeV);
    detail::require_ordered(function, "detector.window_min_MeV", window_min_MeV, "detector.window_max_MeV", window_max_MeV);
  }
};

/// Super-Kamiokande with gadolinium: 22.5 kt fiducial water (N_p = 1.50e33), the SK-IV resolution of
/// super_kamiokande(), neutron tagging on Gd with efficiency 0.9 and the 10-30 MeV window of Beacom and Vagins, PRL 93
/// (2004) 171101 (GADZOOKS); 10 years.
template <class Real>
dsnb_detector<Real> super_kamiokande_gd() {
  detector<Real> d = super_kamiokande<Real>();
  d.name = "Super-Kamiokande-Gd";
  d.targets = free_protons_in_water(Real(22.5L));
  d.threshold_MeV = Real(0);
  return {d, Real(10), Real(0.9L), Real(10), Real(30)};
}

/// JUNO: 20 kt liquid scintillator (juno(), N_p = 1.43e33), the 11-30 MeV window and a 50 % signal efficiency after
/// the pulse-shape cut against atmospheric neutral currents (JUNO Yellow Book, J. Phys. G 43 (2016) 030401, Sec. 5.3);
/// 10 years.
template <class Real>
dsnb_detector<Real> juno_dsnb() {
  detector<Real> d = juno<Real>();
  d.name = "JUNO";
  d.threshold_MeV = Real(0);
  return {d, Real(10), Real(0.5L), Real(11), Real(30)};
}

/// DSNB events: per measured-energy bin of the window and in all of it.
template <class Real>
struct dsnb_events {
  std::vector<Real> edges_MeV, events;
  Real events_in_window = 0;
};

/// Inverse-beta-decay events of the electron antineutrinos of `flux` in the window of `d`, in bins of about
/// bin_width_MeV (the window split evenly): N_p T eta int phi(E) sigma_IBD(E) P(E_measured in bin | E) dE, with phi the
/// flux at the nodes spread flat over each node's bin.
/// @throws nusi::invalid_argument on a bad detector or bin width, or a flux not on the result's grid.
template <class Real>
dsnb_events<Real> dsnb_event_spectrum(const dsnb_detector<Real>& d, const diffuse_result<Real>& flux, Real bin_width_MeV = Real(1)) {
  using std::ceil;
  constexpr std::string_view fn = "nusi::dsnb_event_spectrum";
  d.validate(fn);
  detail::require_positive(fn, "bin_width_MeV", bin_width_MeV);
  const std::size_t N = flux.energy_MeV.size();
  const auto& phi = flux.antineutrino_flux_per_cm2_s_MeV[0];
  if (N < 2 || phi.size() != N) detail::throw_invalid(fn, "flux.energy_MeV.size()", ">= 2 and the flux's size", N);
  // Bins of the nodes: e_0, midpoints, e_{N-1}; contents phi dE T [cm^-2].
  std::vector<Real> edges{flux.energy_MeV.front()}, contents;
  const Real seconds = d.exposure_years * seconds_per_year<Real>;
  for (std::size_t k = 0; k + 1 < N; ++k) edges.push_back((flux.energy_MeV[k] + flux.energy_MeV[k + 1]) / 2);
  edges.push_back(flux.energy_MeV.back());
  for (std::size_t k = 0; k < N; ++k) contents.push_back(phi[k] * (edges[k + 1] - edges[k]) * seconds);
  const binned_spectrum<Real> spectrum(edges, contents);
  const detector_response<Real> response(d.model, energy_quadrature<Real>{.max_energy_MeV = flux.energy_MeV.back()});
  dsnb_events<Real> out;
  const std::size_t bins = std::max<std::size_t>(1, static_cast<std::size_t>(ceil((d.window_max_MeV - d.window_min_MeV) / bin_width_MeV)));
  for (std::size_t b = 0; b <= bins; ++b)
    out.edges_MeV.push_back(d.window_min_MeV + (d.window_max_MeV - d.window_min_MeV) * Real(b) / Real(bins));
  out.events = response.expected_events_in_bins(spectrum, Real(1), std::span<const Real>(out.edges_MeV));
  for (Real& e : out.events) {
    e *= d.signal_efficiency;
    out.events_in_window += e;
  }
  return out;
}

}  // namespace nusi
