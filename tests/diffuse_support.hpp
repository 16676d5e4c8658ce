// SPDX-License-Identifier: MIT
// A small interacting diffuse run shared by tests that compare the same run under two settings (threads, the AVX2
// paths): the default model to z = 2, a power law E^-2 above 0.5 MeV, 60 bins, 8 redshift steps.
#pragma once

#include <limits>
#include <span>

#include <nusi/diffuse.hpp>

namespace nusi_test {

/// propagate_diffuse at the small settings above; `threads` as diffuse_options::threads.
inline nusi::diffuse_result<double> small_diffuse_run(std::size_t threads = 1) {
  nusi::diffuse_setup<double> s;
  s.max_redshift = 2;
  nusi::diffuse_options<double> o;
  o.energy_bins = 60;
  o.redshift_steps = 8;
  o.threads = threads;
  const auto comps = nusi::power_law_components(
      nusi::power_law_spectrum<double>(2.0, 0.5, std::numeric_limits<double>::infinity()), nusi::source_composition<double>{});
  using C = nusi::flavour_emission<double, nusi::power_law_spectrum<double>>;
  return nusi::propagate_diffuse<double>(s, nusi::core_collapse_rate_yuksel2008<double>{}, std::span<const C>(comps), o);
}

}  // namespace nusi_test
