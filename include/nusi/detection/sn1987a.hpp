// SPDX-License-Identifier: MIT
// The SN 1987A events of Kamiokande-II, IMB and Baksan (data/sn1987a/sn1987a_events.csv; sources in
// data/sn1987a/README.md): a reader that takes the file path, event selections, and the conversion
// to observed_event and detector_observation for the likelihoods of likelihood.hpp. Throws
// nusi::invalid_argument (naming the file, line and column of a malformed table).
#pragma once

#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <istream>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../detail/text.hpp"
#include "../errors.hpp"
#include "detectors.hpp"
#include "likelihood.hpp"
#include "observations.hpp"

namespace nusi {

/// The three detectors that recorded SN 1987A (anti-nu_e IBD).
enum class sn1987a_detector { kamiokande_ii, imb, baksan };

/// Every sn1987a_detector, in the order of the table and of the analyses.
inline constexpr std::array<sn1987a_detector, 3> sn1987a_detectors{sn1987a_detector::kamiokande_ii, sn1987a_detector::imb,
                                                                   sn1987a_detector::baksan};

/// The model of d (detectors.hpp): kamiokande_ii(), imb() (Vissani-2015 efficiency) or baksan().
template <class Real>
detector<Real> detector_model(sn1987a_detector d) {
  switch (d) {
    case sn1987a_detector::kamiokande_ii: return kamiokande_ii<Real>();
    case sn1987a_detector::imb: return imb<Real>();
    case sn1987a_detector::baksan: return baksan<Real>();
  }
  return kamiokande_ii<Real>();  // not reached: the switch names every detector
}

/// Published background-rate sets (columns of the table): Loredo & Lamb 2002; Costantini, Ianni,
/// Pagliaroli, Vissani 2007; Vissani 2015.
enum class sn1987a_background_set { loredo_lamb_2002, costantini_2007, vissani_2015 };

/// Which events enter an analysis.
enum class sn1987a_selection {
  /// Every event of the table (K-II 16, IMB 8, Baksan 5).
  all_events,
  /// Without K-II 13-16 (after 17 s, flagged likely background): K-II 12.
  exclude_likely_background,
  /// Also without K-II 6 (below the original N_hit cut): the collaboration's 11 K-II events.
  original_analyses
};

/// One event of the table. Energies are measured visible energies [MeV] (total e+ energy for the water
/// Cherenkov detectors; scintillator energy for Baksan), times relative to the detector's first event.
template <class Real>
struct sn1987a_event {
  sn1987a_detector detector = sn1987a_detector::kamiokande_ii;
  int number = 0;
  Real time_s = Real(0);
  Real energy_MeV = Real(0);
  Real energy_error_MeV = Real(0);
  std::optional<Real> angle_deg, angle_error_deg;
  /// Background rate density at the event energy [1/(s MeV)] per set; empty where the set gives none.
  std::array<std::optional<Real>, 3> background_per_s_MeV{};
  /// "", "likely_background" or "low_nhit_excluded_in_original_KII_analysis".
  std::string flag;

  bool likely_background() const { return flag == "likely_background"; }
  bool below_original_nhit_cut() const { return flag == "low_nhit_excluded_in_original_KII_analysis"; }
  /// Background rate [1/(s MeV)] of a set. Where the set is empty: IMB 0 (negligible, README); otherwise
  /// the Vissani-2015 value (the only set published for Baksan), or 0 if that is empty too.
  Real background_rate_per_s_MeV(sn1987a_background_set set) const {
    const auto& chosen = background_per_s_MeV[static_cast<std::size_t>(set)];
    if (chosen) return *chosen;
    if (detector == sn1987a_detector::imb) return Real(0);
    const auto& fallback = background_per_s_MeV[static_cast<std::size_t>(sn1987a_background_set::vissani_2015)];
    return fallback ? *fallback : Real(0);
  }
};

namespace detail {
inline std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> fields(1);
  for (char c : line) {
    if (c == ',')
      fields.emplace_back();
    else if (c != '\r')
      fields.back() += c;
  }
  return fields;
}

template <class Real>
std::optional<Real> parse_optional_number(const std::string& text, std::string_view where) {
  if (text.empty()) return std::nullopt;
  const auto value = parse_finite_number(text);
  // Finite as long double and as Real (1e400 is a finite long double but overflows double).
  if (!value || !is_finite(static_cast<Real>(*value))) throw_invalid("nusi::load_sn1987a_events", where, "a finite number", text);
  return static_cast<Real>(*value);
}

template <class Real>
Real parse_number(const std::string& text, std::string_view where) {
  const auto value = parse_optional_number<Real>(text, where);
  if (!value) throw_invalid("nusi::load_sn1987a_events", where, "a number (not empty)", text);
  return *value;
}
}  // namespace detail

/// Reads the event table from a stream (CSV text in memory, say); `source` stands for the path in
/// messages. Every row must have: a detector KII, IMB or Baksan; an integer event number in
/// [1, 1000000]; t_rel_s finite and >= 0; E_MeV and dE_MeV finite and > 0; theta_deg in [0, 180] and
/// dtheta_deg finite and >= 0 where given; background rates finite and >= 0 where given; a flag "",
/// "likely_background" or "low_nhit_excluded_in_original_KII_analysis"; at least one row.
/// @throws nusi::invalid_argument naming the source, line and column of a malformed table.
template <class Real>
std::vector<sn1987a_event<Real>> load_sn1987a_events(std::istream& in, std::string_view source) {
  constexpr std::string_view fn = "nusi::load_sn1987a_events";
  static constexpr std::array<std::string_view, 11> columns{
      "detector", "event", "t_rel_s", "E_MeV", "dE_MeV", "theta_deg", "dtheta_deg", "bkg_LoredoLamb2002_per_s_MeV",
      "bkg_Costantini2007_per_s_MeV", "bkg_Vissani2015_per_s_MeV", "flag"};
  const std::string name(source);
  std::string line;
  if (!std::getline(in, line)) detail::throw_invalid(fn, "csv_path", "a file with a header line", name);
  const auto header = detail::split_csv_line(line);
  if (header.size() != columns.size())
    detail::throw_invalid(fn, name + " header", "11 columns", header.size());
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (header[i] != columns[i]) detail::throw_invalid(fn, name + " header column " + std::to_string(i + 1), std::string(columns[i]), header[i]);

  std::vector<sn1987a_event<Real>> events;
  for (int line_number = 2; std::getline(in, line); ++line_number) {
    if (line.empty() || line == "\r") continue;
    const auto f = detail::split_csv_line(line);
    const std::string where = name + " line " + std::to_string(line_number);
    if (f.size() != columns.size()) detail::throw_invalid(fn, where, "11 comma-separated fields", f.size());
    sn1987a_event<Real> e;
    if (f[0] == "KII")
      e.detector = sn1987a_detector::kamiokande_ii;
    else if (f[0] == "IMB")
      e.detector = sn1987a_detector::imb;
    else if (f[0] == "Baksan")
      e.detector = sn1987a_detector::baksan;
    else
      detail::throw_invalid(fn, where + " column detector", "KII, IMB or Baksan", f[0]);
    // The event number through long double: a cast of an out-of-range value to int would be undefined.
    const long double number = detail::parse_number<long double>(f[1], where + " column event");
    using std::floor;
    if (!(number >= 1 && number <= 1000000 && number == floor(number)))
      detail::throw_invalid(fn, where + " column event", "an integer in [1, 1000000]", f[1]);
    e.number = static_cast<int>(number);
    e.time_s = detail::parse_number<Real>(f[2], where + " column t_rel_s");
    if (e.time_s < 0) detail::throw_invalid(fn, where + " column t_rel_s", ">= 0", e.time_s);
    e.energy_MeV = detail::parse_number<Real>(f[3], where + " column E_MeV");
    if (!(e.energy_MeV > 0)) detail::throw_invalid(fn, where + " column E_MeV", "> 0", e.energy_MeV);
    e.energy_error_MeV = detail::parse_number<Real>(f[4], where + " column dE_MeV");
    if (!(e.energy_error_MeV > 0)) detail::throw_invalid(fn, where + " column dE_MeV", "> 0", e.energy_error_MeV);
    e.angle_deg = detail::parse_optional_number<Real>(f[5], where + " column theta_deg");
    if (e.angle_deg && (*e.angle_deg < 0 || *e.angle_deg > 180))
      detail::throw_invalid(fn, where + " column theta_deg", "in [0, 180]", *e.angle_deg);
    e.angle_error_deg = detail::parse_optional_number<Real>(f[6], where + " column dtheta_deg");
    if (e.angle_error_deg && *e.angle_error_deg < 0)
      detail::throw_invalid(fn, where + " column dtheta_deg", ">= 0", *e.angle_error_deg);
    for (std::size_t k = 0; k < 3; ++k) {
      const std::string column = where + " column " + std::string(columns[7 + k]);
      e.background_per_s_MeV[k] = detail::parse_optional_number<Real>(f[7 + k], column);
      if (e.background_per_s_MeV[k] && *e.background_per_s_MeV[k] < 0)
        detail::throw_invalid(fn, column, ">= 0", *e.background_per_s_MeV[k]);
    }
    e.flag = f[10];
    if (!e.flag.empty() && !e.likely_background() && !e.below_original_nhit_cut())
      detail::throw_invalid(fn, where + " column flag",
                            "empty, likely_background or low_nhit_excluded_in_original_KII_analysis", e.flag);
    events.push_back(std::move(e));
  }
  if (events.empty()) detail::throw_invalid(fn, name, "a table with at least one event row", 0);
  return events;
}

/// Reads the event table (data/sn1987a/sn1987a_events.csv; the build defines NUSI_DATA_DIR for tests
/// and examples); the checks are those of the stream form.
/// @throws nusi::invalid_argument naming the path, line and column if the file is missing or malformed.
template <class Real>
std::vector<sn1987a_event<Real>> load_sn1987a_events(const std::filesystem::path& csv_path) {
  std::ifstream in(csv_path);
  if (!in) detail::throw_invalid("nusi::load_sn1987a_events", "csv_path", "a readable file", csv_path.string());
  return load_sn1987a_events<Real>(in, csv_path.string());
}

/// The events of one detector that pass a selection.
template <class Real>
std::vector<sn1987a_event<Real>> select_sn1987a_events(const std::vector<sn1987a_event<Real>>& events, sn1987a_detector detector,
                                                       sn1987a_selection selection = sn1987a_selection::exclude_likely_background) {
  std::vector<sn1987a_event<Real>> out;
  for (const auto& e : events) {
    if (e.detector != detector) continue;
    if (selection != sn1987a_selection::all_events && e.likely_background()) continue;
    if (selection == sn1987a_selection::original_analyses && e.below_original_nhit_cut()) continue;
    out.push_back(e);
  }
  return out;
}

/// Selected events of a detector counted in bins [edges[i], edges[i+1]) of measured energy [MeV], for
/// poisson_log_likelihood against detector_response::expected_events_in_bins. Throws
/// nusi::invalid_argument unless there are >= 2 edges, finite (the last may be +infinity) and increasing.
template <class Real>
std::vector<unsigned> sn1987a_counts_in_bins(const std::vector<sn1987a_event<Real>>& events, sn1987a_detector detector,
                                             std::span<const Real> edges_MeV,
                                             sn1987a_selection selection = sn1987a_selection::exclude_likely_background) {
  detail::require_measured_edges("nusi::sn1987a_counts_in_bins", "edges_MeV", edges_MeV);
  std::vector<unsigned> counts(edges_MeV.size() - 1, 0u);
  for (const auto& e : select_sn1987a_events(events, detector, selection))
    for (std::size_t i = 0; i + 1 < edges_MeV.size(); ++i)
      if (e.energy_MeV >= edges_MeV[i] && e.energy_MeV < edges_MeV[i + 1]) ++counts[i];
  return counts;
}

/// The selected events of a detector as observed_event for extended_log_likelihood: background density
/// = rate of the chosen set times the analysis window (default 30 s, the window of Pagliaroli et al. 2009);
/// time_s the time after the detector's first event.
/// @throws nusi::invalid_argument if time_window_s is not finite and > 0, or a background rate times
/// time_window_s overflows (naming the event).
template <class Real>
std::vector<observed_event<Real>> sn1987a_observed_events(const std::vector<sn1987a_event<Real>>& events, sn1987a_detector detector,
                                                          sn1987a_selection selection = sn1987a_selection::all_events,
                                                          sn1987a_background_set background = sn1987a_background_set::vissani_2015,
                                                          Real time_window_s = Real(30)) {
  detail::require_positive("nusi::sn1987a_observed_events", "time_window_s", time_window_s);
  std::vector<observed_event<Real>> out;
  for (const auto& e : select_sn1987a_events(events, detector, selection)) {
    const Real background_per_MeV = e.background_rate_per_s_MeV(background) * time_window_s;
    if (!detail::is_finite(background_per_MeV))  // a rate near the largest Real times the window
      detail::throw_invalid("nusi::sn1987a_observed_events", "time_window_s",
                            "small enough that event " + std::to_string(e.number) + "'s background rate " +
                                detail::to_text(e.background_rate_per_s_MeV(background)) + " times it is finite",
                            time_window_s);
    out.push_back({.energy_MeV = e.energy_MeV, .energy_error_MeV = e.energy_error_MeV, .background_per_MeV = background_per_MeV,
                   .time_s = e.time_s});
  }
  return out;
}

/// The SN 1987A observations of Kamiokande-II, IMB and Baksan (data/sn1987a/): unbinned events with
/// their times and background densities (rate of `background` times background_window_s, Loredo & Lamb), selected by
/// unbinned_selection; binned counts (selected by binned_selection: no background model there) on
/// K-II 4.5-10-15-20-30-40-inf, IMB 15-20-30-40-50-inf, Baksan 10-15-20-25-inf MeV.
template <class Real>
std::vector<detector_observation<Real>> sn1987a_observations(
    const std::vector<sn1987a_event<Real>>& table, sn1987a_selection unbinned_selection = sn1987a_selection::all_events,
    sn1987a_selection binned_selection = sn1987a_selection::exclude_likely_background,
    sn1987a_background_set background = sn1987a_background_set::vissani_2015, Real background_window_s = Real(30)) {
  const Real inf = std::numeric_limits<Real>::infinity();
  const std::pair<sn1987a_detector, std::vector<Real>> setup[] = {
      {sn1987a_detector::kamiokande_ii, {Real(4.5L), 10, 15, 20, 30, 40, inf}},
      {sn1987a_detector::imb, {15, 20, 30, 40, 50, inf}},
      {sn1987a_detector::baksan, {10, 15, 20, 25, inf}}};
  std::vector<detector_observation<Real>> out;
  for (const auto& [which, edges] : setup) {
    detector_observation<Real> o;
    o.det = detector_model<Real>(which);
    o.events = sn1987a_observed_events(table, which, unbinned_selection, background, background_window_s);
    o.background_window_s = background_window_s;
    o.edges_MeV = edges;
    const auto counts = sn1987a_counts_in_bins<Real>(table, which, edges, binned_selection);
    for (unsigned c : counts) o.counts.push_back(Real(c));
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace nusi
