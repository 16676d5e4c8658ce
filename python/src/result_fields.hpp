// SPDX-License-Identifier: MIT
// Result fields shared by several bindings: a histogram's edges and counts, and the fields of an arrival-time result
// (arrival_times.hpp's arrival_time_result, returned by the paper model's and the mass-state model's arrival times
// alike), so both Python results carry the same names. Bindings only: no physics here.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <nusi/arrival_times.hpp>

#include "api.hpp"

namespace nusi_python {

/// An int64 NumPy array of counts.
inline py::array_t<std::int64_t> counts_array(const std::vector<std::uint64_t>& c) {
  py::array_t<std::int64_t> out(static_cast<py::ssize_t>(c.size()));
  std::copy(c.begin(), c.end(), out.mutable_data());
  return out;
}

/// A histogram's fields: <name>_edges, <name>_counts, <name>_underflow, <name>_overflow.
template <class Source, class Get>
void add_histogram(result_type<Source>& t, const std::string& name, const std::string& what, const std::string& unit, Get get) {
  t.array(name + "_edges", "edges of the histogram of " + what + " [" + unit + "] (empty: not filled)",
          [get](const Source& s) { return get(s).edges; })
      .object(name + "_counts", "NDArray[np.int64]", "counts in [edges[i], edges[i+1])",
              [get](const Source& s) -> py::object { return counts_array(get(s).counts); })
      .integer(name + "_underflow", "counts below the first edge", [get](const Source& s) { return static_cast<long long>(get(s).underflow); })
      .integer(name + "_overflow", "counts at or above the last edge", [get](const Source& s) { return static_cast<long long>(get(s).overflow); });
}

/// The fields of an arrival_time_result (the keys of `nusi arrival --json`; quantiles and the histogram as arrays), for
/// any Source with log10_mass_MeV, log10_g and the result reached by `get`.
template <class Source, class Get>
void add_arrival_time_fields(result_type<Source>& t, Get get) {
  const auto quantile_field = [get](const Source& s, bool scattered, int what) {
    const auto& r = get(s);
    const auto& q = scattered ? r.scattered_quantiles : r.quantiles;
    std::vector<double> out;
    for (const auto& x : q) out.push_back(what == 0 ? x.probability : what == 1 ? x.delay_s : x.error_s);
    return out;
  };
  t.real("log10_mass_MeV", "log10 of the mediator mass M/MeV", [](const Source& s) { return s.log10_mass_MeV; })
      .real("log10_g", "log10 of the coupling g", [](const Source& s) { return s.log10_g; })
      .integer("primaries", "Monte Carlo primaries", [get](const Source& s) { return static_cast<long long>(get(s).primaries); })
      .real("window_s", "the time window [s]", [get](const Source& s) { return get(s).window_s; })
      .real("fraction_above_threshold", "F (Sec. IV)", [get](const Source& s) { return get(s).fraction_above_threshold; })
      .real("fraction_above_threshold_error", "its standard error", [get](const Source& s) { return get(s).fraction_above_threshold_error; })
      .real("unscattered_fraction", "above threshold, never scattered", [get](const Source& s) { return get(s).unscattered_fraction; })
      .real("unscattered_fraction_error", "its standard error", [get](const Source& s) { return get(s).unscattered_fraction_error; })
      .real("fraction_within_window", "F_window = N(E > threshold, delay < window)/N(emitted)",
            [get](const Source& s) { return get(s).fraction_within_window; })
      .real("fraction_within_window_error", "its standard error", [get](const Source& s) { return get(s).fraction_within_window_error; })
      .real("scattered_within_window", "the scattered part of F_window", [get](const Source& s) { return get(s).scattered_within_window; })
      .real("scattered_within_window_error", "its standard error", [get](const Source& s) { return get(s).scattered_within_window_error; })
      .real("mean_delay_s", "mean delay of the arrivals above threshold [s]", [get](const Source& s) { return get(s).mean_delay_s; })
      .real("mean_scatterings_per_primary", "scatterings per primary", [get](const Source& s) { return get(s).mean_scatterings_per_primary; })
      .integer("arrivals_above_threshold", "arrivals above threshold counted",
               [get](const Source& s) { return static_cast<long long>(get(s).arrivals_above_threshold); })
      .integer("scattered_arrivals_above_threshold", "of them scattered",
               [get](const Source& s) { return static_cast<long long>(get(s).scattered_arrivals_above_threshold); })
      .array("quantile_probabilities", "probabilities of the delay quantiles", [quantile_field](const Source& s) { return quantile_field(s, false, 0); })
      .array("quantile_delay_s", "delay quantiles of all arrivals above threshold [s] (NaN where none arrived)",
             [quantile_field](const Source& s) { return quantile_field(s, false, 1); })
      .array("quantile_error_s", "their batch-mean standard errors [s]", [quantile_field](const Source& s) { return quantile_field(s, false, 2); })
      .array("scattered_quantile_delay_s", "delay quantiles of the scattered arrivals [s]",
             [quantile_field](const Source& s) { return quantile_field(s, true, 1); })
      .array("scattered_quantile_error_s", "their standard errors [s]", [quantile_field](const Source& s) { return quantile_field(s, true, 2); });
  add_histogram(t, "histogram", "the delays of the scattered arrivals above threshold", "s",
                [get](const Source& s) -> const auto& { return get(s).delay_histogram; });
}

}  // namespace nusi_python
