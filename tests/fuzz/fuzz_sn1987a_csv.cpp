// SPDX-License-Identifier: MIT
// Fuzz target: nusi::load_sn1987a_events<double> (stream form) on arbitrary bytes. A table either is
// rejected with nusi::invalid_argument naming the loader (or sn1987a_observed_events, for a background
// rate too large to multiply by the window), or yields events whose every field keeps the
// documented ranges, which the selections, binned counts and observed_event conversion of sn1987a.hpp
// then turn into finite, non-negative numbers. Anything else (another exception, a NaN, a crash, a
// sanitizer report) is a finding. Run by the target nusi_fuzz.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <nusi/detection/sn1987a.hpp>

namespace {
void require(bool ok, const char* what, double value) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_sn1987a_csv: %s (value %.17g)\n", what, value);
  std::abort();
}

void check_events(const std::vector<nusi::sn1987a_event<double>>& events) {
  require(!events.empty(), "an accepted table without events", 0);
  for (const auto& e : events) {
    require(e.number >= 1, "event number < 1", e.number);
    require(std::isfinite(e.time_s) && e.time_s >= 0, "time not finite and >= 0", e.time_s);
    require(std::isfinite(e.energy_MeV) && e.energy_MeV > 0, "energy not finite and > 0", e.energy_MeV);
    require(std::isfinite(e.energy_error_MeV) && e.energy_error_MeV > 0, "energy error not finite and > 0", e.energy_error_MeV);
    if (e.angle_deg) require(*e.angle_deg >= 0 && *e.angle_deg <= 180, "angle outside [0, 180]", *e.angle_deg);
    if (e.angle_error_deg) require(std::isfinite(*e.angle_error_deg) && *e.angle_error_deg >= 0, "angle error", *e.angle_error_deg);
    for (auto set : {nusi::sn1987a_background_set::loredo_lamb_2002, nusi::sn1987a_background_set::costantini_2007,
                     nusi::sn1987a_background_set::vissani_2015}) {
      const double b = e.background_rate_per_s_MeV(set);
      require(std::isfinite(b) && b >= 0, "background rate not finite and >= 0", b);
    }
  }
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<double> edges{0.0, 10.0, 20.0, inf};
  for (auto d : {nusi::sn1987a_detector::kamiokande_ii, nusi::sn1987a_detector::imb, nusi::sn1987a_detector::baksan})
    for (auto sel : {nusi::sn1987a_selection::all_events, nusi::sn1987a_selection::exclude_likely_background,
                     nusi::sn1987a_selection::original_analyses}) {
      const auto selected = nusi::select_sn1987a_events(events, d, sel);
      std::size_t counted = 0;
      for (unsigned c : nusi::sn1987a_counts_in_bins<double>(events, d, edges, sel)) counted += c;
      require(counted == selected.size(), "binned counts do not add up to the selection", double(counted));
      for (const auto& o : nusi::sn1987a_observed_events(events, d, sel)) {
        require(std::isfinite(o.energy_MeV) && o.energy_MeV > 0, "observed energy", o.energy_MeV);
        require(std::isfinite(o.energy_error_MeV) && o.energy_error_MeV > 0, "observed energy error", o.energy_error_MeV);
        require(std::isfinite(o.background_per_MeV) && o.background_per_MeV >= 0, "observed background", o.background_per_MeV);
      }
    }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  try {
    check_events(nusi::load_sn1987a_events<double>(in, "fuzz.csv"));
  } catch (const nusi::invalid_argument& e) {
    // The documented rejections: the loader's, or sn1987a_observed_events' when a background rate
    // times the 30 s window overflows; each message names its function.
    const std::string what = e.what();
    require(what.rfind("nusi::load_sn1987a_events", 0) == 0 || what.rfind("nusi::sn1987a_observed_events: time_window_s", 0) == 0,
            "message without function", 0);
  }
  return 0;
}
