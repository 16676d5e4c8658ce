// SPDX-License-Identifier: MIT
// What arrives within the time window after the light front, per emitted neutrino in fixed true-energy
// bins: the window_arrivals concept that the event-level analyses (event_bound.hpp) count in their
// within_window mode, and its model for an instantaneous burst (burst_arrivals: the unscattered part
// exactly, the scattered arrivals from the windowed Monte Carlo of arrival_times.hpp). A supernova
// model's emission profile plugs in as emission/arrivals.hpp's emission_arrivals.
#pragma once

#include <concepts>
#include <cstddef>
#include <vector>

#include "arrival_times.hpp"
#include "monte_carlo.hpp"
#include "propagation_setup.hpp"
#include "spectra.hpp"

namespace nusi {

/// The arrivals within the window, per emitted neutrino in the bins of `edges` [MeV]; `window` holds
/// the window and the Monte Carlo settings; `setup` the physics and the (M, g) of the call.
///
/// | expression                                 | result            | meaning                                                   |
/// |--------------------------------------------|-------------------|-----------------------------------------------------------|
/// | a.validate(setup, window)                  | (throws)          | nusi::invalid_argument on window settings bad for setup   |
/// | a.emitted_counts(window, edges)            | std::vector<Real> | no nuSI: emitted and arriving within the window, per bin  |
/// | a.unscattered_counts(setup, window, edges) | std::vector<Real> | never scattered and within the window, per bin (exact)    |
/// | a.add_scattered_counts(setup, window, edges, n) | (adds to n)  | scattered, above setup.threshold_MeV, within the window   |
template <class A, class Real>
concept window_arrivals = requires(const A& a, const propagation_setup<Real>& setup, const window_fraction_options<Real>& window,
                                   const std::vector<Real>& edges, std::vector<Real>& n) {
  a.validate(setup, window);
  { a.emitted_counts(window, edges) } -> std::convertible_to<std::vector<Real>>;
  { a.unscattered_counts(setup, window, edges) } -> std::convertible_to<std::vector<Real>>;
  a.add_scattered_counts(setup, window, edges, n);
};

namespace detail {
/// Emitted neutrinos per emitted neutrino in each bin of `edges`: Q(a) - Q(b) of the spectrum (its
/// complementary_probability where it has one, else the CDF's difference).
template <class Real, class Spectrum>
std::vector<Real> emitted_counts_in_bins(const Spectrum& spectrum, const std::vector<Real>& edges) {
  std::vector<Real> out(edges.size() - 1);
  for (std::size_t k = 0; k + 1 < edges.size(); ++k) {
    if constexpr (requires { spectrum.complementary_probability(edges[k]); })
      out[k] = static_cast<Real>(spectrum.complementary_probability(edges[k])) - static_cast<Real>(spectrum.complementary_probability(edges[k + 1]));
    else
      out[k] = static_cast<Real>(spectrum.cumulative_probability(edges[k + 1])) - static_cast<Real>(spectrum.cumulative_probability(edges[k]));
  }
  return out;
}
}  // namespace detail

/// An instantaneous burst with the emitted spectrum `spectrum` (the paper's picture): everything is
/// emitted at once, so without nuSI all of it arrives with the front; the unscattered part is exact
/// (unscattered_counts_in_bins), the scattered arrivals within the window come from windowed_fraction
/// (common random numbers per primary). Models window_arrivals.
template <class Real, class Spectrum>
  requires(energy_spectrum<Spectrum, Real> && samplable_spectrum<Spectrum, Real>)
struct burst_arrivals {
  Spectrum spectrum;

  /// @throws nusi::invalid_argument as windowed_fraction's constructor.
  void validate(const propagation_setup<Real>& setup, const window_fraction_options<Real>& window) const {
    (void)windowed_fraction<Real, Spectrum>(setup, spectrum, window);
  }
  /// Every emitted neutrino arrives within the window: the spectrum's bin contents.
  std::vector<Real> emitted_counts(const window_fraction_options<Real>&, const std::vector<Real>& edges) const {
    return detail::emitted_counts_in_bins<Real>(spectrum, edges);
  }
  /// unscattered_counts_in_bins at the setup's (M, g). Throws as that.
  std::vector<Real> unscattered_counts(const propagation_setup<Real>& setup, const window_fraction_options<Real>&,
                                       const std::vector<Real>& edges) const {
    return unscattered_counts_in_bins(setup, spectrum, edges);
  }
  /// Adds windowed_fraction's histogram of scattered arrivals within the window at the setup's (M, g).
  /// Throws as windowed_fraction.
  void add_scattered_counts(const propagation_setup<Real>& setup, const window_fraction_options<Real>& window,
                            const std::vector<Real>& edges, std::vector<Real>& n) const {
    (void)windowed_fraction<Real, Spectrum>(setup, spectrum, window)(setup.med.coupling, edges, n);
  }
};

}  // namespace nusi
