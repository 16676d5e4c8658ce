// SPDX-License-Identifier: MIT
// Reader of the Garching core-collapse supernova archive's neutrino files
// (https://wwwmpa.mpa-garching.mpg.de/ccsnarchive/; the layout SNEWPY's GarchingArchiveModel reads):
// one ASCII file per flavour, `<prefix>_nue`, `<prefix>_nuebar`, `<prefix>_nux` (nu_x per heavy species),
// each row time [s], luminosity [1e51 erg/s], <E> [MeV], <E^2> [MeV^2], separated by blanks.
// Throws nusi::invalid_argument naming the file, line and column of a malformed row.
#pragma once

#include <filesystem>
#include <istream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "../errors.hpp"
#include "reader_support.hpp"
#include "supernova_model.hpp"

namespace nusi {

/// Reads one flavour's file from a stream; `source` names it in messages. Rows: 4 blank-separated
/// numbers, time strictly increasing in [-1e7, 1e7] s, L >= 0; where L > 0, <E> in [1e-3, 1e4] MeV and
/// <E^2> > <E>^2 with alpha = (2<E>^2 - <E^2>)/(<E^2> - <E>^2) in [-0.5, 100] (where L = 0 the shape may
/// be 0); blank lines and '#' comments are skipped; at least 2 rows, one with L > 0.
/// @throws nusi::invalid_argument "nusi::read_garching_flavor: source:line: column <name>: <reason>".
template <class Real>
flavor_emission<Real> read_garching_flavor(std::istream& in, std::string_view source) {
  constexpr std::string_view fn = "nusi::read_garching_flavor";
  static constexpr std::string_view columns[4] = {"time_s", "luminosity_1e51_erg_per_s", "mean_energy_MeV",
                                                  "mean_energy_squared_MeV2"};
  detail::significant_lines lines(in);
  std::vector<emission_sample<Real>> rows;
  std::string line;
  std::size_t previous_line = 0;
  while (lines.next(line)) {
    const auto f = detail::blank_separated(line);
    if (f.size() != 4)
      detail::throw_at_line(fn, source, lines.number(),
                            "expected 4 blank-separated numbers (time_s, luminosity_1e51_erg_per_s, mean_energy_MeV, "
                            "mean_energy_squared_MeV2), got " + std::to_string(f.size()) + " fields");
    long double v[4];
    for (int c = 0; c < 4; ++c) v[c] = detail::number_field(fn, source, lines.number(), columns[c], f[static_cast<std::size_t>(c)]);
    auto row = detail::checked_row<Real>(fn, source, lines.number(), v[0], v[1] * 1e51L, v[2], v[3], false, columns[1], columns[3]);
    if (!rows.empty() && !(row.time_s > rows.back().time_s))
      detail::throw_at_line(fn, source, lines.number(),
                            "column time_s: must increase strictly, got " + f[0] + " after " + detail::to_text(rows.back().time_s) +
                                " (line " + std::to_string(previous_line) + ")");
    rows.push_back(row);
    previous_line = lines.number();
  }
  if (rows.size() < 2)
    throw nusi::invalid_argument(std::string(fn) + ": " + std::string(source) + ": needs at least 2 rows, found " + std::to_string(rows.size()));
  bool light = false;
  for (const auto& r : rows) light = light || r.luminosity_erg_per_s > 0;
  if (!light) throw nusi::invalid_argument(std::string(fn) + ": " + std::string(source) + ": every luminosity is 0 (no emission)");
  try {
    return flavor_emission<Real>(std::move(rows));
  } catch (const nusi::invalid_argument& e) {  // totals that overflow: name the file
    throw nusi::invalid_argument(std::string(fn) + ": " + std::string(source) + ": " + e.what());
  }
}

/// The three files of a Garching model; empty paths are flavours the computation does not need.
struct garching_files {
  std::filesystem::path nu_e, nu_e_bar, nu_x;
};

/// The files `<prefix>_nue`, `<prefix>_nuebar`, `<prefix>_nux` that exist (the archive's naming, e.g.
/// prefix "s11.2c_LS220"). @throws nusi::invalid_argument if none exists.
inline garching_files garching_files_from_prefix(const std::filesystem::path& prefix) {
  garching_files out;
  std::error_code ec;
  auto existing = [&](std::string_view suffix) {
    std::filesystem::path p = prefix;
    p += std::string("_") + std::string(suffix);
    return std::filesystem::is_regular_file(p, ec) ? p : std::filesystem::path{};
  };
  out.nu_e = existing("nue");
  out.nu_e_bar = existing("nuebar");
  out.nu_x = existing("nux");
  if (out.nu_e.empty() && out.nu_e_bar.empty() && out.nu_x.empty())
    throw nusi::invalid_argument("nusi::garching_files_from_prefix: none of '" + prefix.string() + "_nue', '" + prefix.string() +
                                 "_nuebar', '" + prefix.string() + "_nux' is a readable file");
  return out;
}

/// Reads the given files (each with its SHA-256 in model.files()). @throws nusi::invalid_argument if a
/// file cannot be read or is malformed (file, line, column), or no path is given.
template <class Real>
supernova_model<Real> load_garching_model(const garching_files& files) {
  constexpr std::string_view fn = "nusi::load_garching_model";
  std::vector<model_file> read;
  auto one = [&](const std::filesystem::path& path) -> std::optional<flavor_emission<Real>> {
    if (path.empty()) return std::nullopt;
    const detail::model_text text = detail::read_model_file(fn, path);
    std::istringstream in(text.bytes);
    read.push_back({path.string(), "garching", text.sha256});
    return read_garching_flavor<Real>(in, path.string());
  };
  auto e = one(files.nu_e);
  auto ebar = one(files.nu_e_bar);
  auto x = one(files.nu_x);
  if (read.empty()) detail::throw_invalid(fn, "files", "at least one path", "none");
  return supernova_model<Real>(std::move(e), std::move(ebar), std::move(x), std::move(read));
}

/// load_garching_model of garching_files_from_prefix(prefix). Throws as both.
template <class Real>
supernova_model<Real> load_garching_model(const std::filesystem::path& prefix) {
  return load_garching_model<Real>(garching_files_from_prefix(prefix));
}

}  // namespace nusi
