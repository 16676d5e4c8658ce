// SPDX-License-Identifier: MIT
// Reader of nusi's CSV supernova model, for people's own models: the header
// `time_s,flavor,luminosity_erg_per_s,mean_energy_MeV,mean_energy_squared_MeV2` (or `...,mean_energy_MeV,alpha`),
// then one row per time and flavour (nue, nuebar, nux; nux per heavy species). A file holds the
// flavours a computation needs. Format and examples in docs/physics.md, "Supernova models".
// Throws nusi::invalid_argument naming the file, line and column of a malformed row.
#pragma once

#include <array>
#include <filesystem>
#include <istream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "../errors.hpp"
#include "flavor_conversion.hpp"
#include "reader_support.hpp"
#include "supernova_model.hpp"

namespace nusi {

/// Reads a CSV model from a stream; `source` names it in messages. The first significant line is the
/// header; every row has 5 comma-separated fields; per flavour, times increase strictly in [-1e7, 1e7] s
/// (flavours may interleave), at least 2 rows and one with L > 0; L >= 0 [erg/s]; where L > 0, <E> in
/// [1e-3, 1e4] MeV and <E^2> > <E>^2 (or alpha) giving alpha in [-0.5, 100]. Blank lines and '#' comments
/// are skipped; fields may carry blanks. @throws nusi::invalid_argument
/// "nusi::read_csv_model: source:line: column <name>: <reason>".
template <class Real>
supernova_model<Real> read_csv_model(std::istream& in, std::string_view source, std::vector<model_file> files = {}) {
  constexpr std::string_view fn = "nusi::read_csv_model";
  static constexpr std::array<std::string_view, 4> fixed{"time_s", "flavor", "luminosity_erg_per_s", "mean_energy_MeV"};
  detail::significant_lines lines(in);
  std::string line;
  if (!lines.next(line))
    throw nusi::invalid_argument(std::string(fn) + ": " + std::string(source) +
                                 ": empty; expected the header time_s,flavor,luminosity_erg_per_s,mean_energy_MeV,"
                                 "mean_energy_squared_MeV2 (or alpha as the last column)");
  const auto header = detail::comma_separated(line);
  bool ok = header.size() == 5;
  for (std::size_t i = 0; ok && i < 4; ++i) ok = header[i] == fixed[i];
  ok = ok && (header[4] == "mean_energy_squared_MeV2" || header[4] == "alpha");
  if (!ok)
    detail::throw_at_line(fn, source, lines.number(),
                          "the header must be time_s,flavor,luminosity_erg_per_s,mean_energy_MeV,mean_energy_squared_MeV2 "
                          "(or alpha as the last column), got '" + line + "'");
  const bool alpha_column = header[4] == "alpha";
  const std::string_view shape_column = alpha_column ? "alpha" : "mean_energy_squared_MeV2";
  std::array<std::vector<emission_sample<Real>>, 3> rows;
  std::array<std::size_t, 3> last_line{};
  while (lines.next(line)) {
    const auto f = detail::comma_separated(line);
    if (f.size() != 5)
      detail::throw_at_line(fn, source, lines.number(), "expected 5 comma-separated fields, got " + std::to_string(f.size()));
    const auto flavor = parse_flavor(f[1]);
    if (!flavor || *flavor == supernova_flavor::nu_x_bar)
      detail::throw_at_line(fn, source, lines.number(), "column flavor: must be nue, nuebar or nux, got '" + f[1] + "'");
    const std::size_t k = *flavor == supernova_flavor::nu_e ? 0 : *flavor == supernova_flavor::nu_e_bar ? 1 : 2;
    const long double t = detail::number_field(fn, source, lines.number(), "time_s", f[0]);
    const long double L = detail::number_field(fn, source, lines.number(), "luminosity_erg_per_s", f[2]);
    const long double m = detail::number_field(fn, source, lines.number(), "mean_energy_MeV", f[3]);
    const long double s = detail::number_field(fn, source, lines.number(), shape_column, f[4]);
    auto row = detail::checked_row<Real>(fn, source, lines.number(), t, L, m, s, alpha_column, "luminosity_erg_per_s", shape_column);
    if (!rows[k].empty() && !(row.time_s > rows[k].back().time_s))
      detail::throw_at_line(fn, source, lines.number(),
                            "column time_s: must increase strictly within flavour " + f[1] + ", got " + f[0] + " after " +
                                detail::to_text(rows[k].back().time_s) + " (line " + std::to_string(last_line[k]) + ")");
    rows[k].push_back(row);
    last_line[k] = lines.number();
  }
  std::array<std::optional<flavor_emission<Real>>, 3> emissions;
  static constexpr std::string_view names[3] = {"nue", "nuebar", "nux"};
  for (std::size_t k = 0; k < 3; ++k) {
    if (rows[k].empty()) continue;
    const std::string what = std::string(fn) + ": " + std::string(source) + ": flavour " + std::string(names[k]);
    if (rows[k].size() < 2) throw nusi::invalid_argument(what + " has 1 row; needs at least 2 (a time interval)");
    bool light = false;
    for (const auto& r : rows[k]) light = light || r.luminosity_erg_per_s > 0;
    if (!light) throw nusi::invalid_argument(what + ": every luminosity is 0 (no emission)");
    try {
      emissions[k].emplace(std::move(rows[k]));
    } catch (const nusi::invalid_argument& e) {  // totals that overflow
      throw nusi::invalid_argument(what + ": " + e.what());
    }
  }
  if (!emissions[0] && !emissions[1] && !emissions[2])
    throw nusi::invalid_argument(std::string(fn) + ": " + std::string(source) + ": no rows after the header");
  return supernova_model<Real>(std::move(emissions[0]), std::move(emissions[1]), std::move(emissions[2]), std::move(files));
}

/// Reads a CSV model file (its SHA-256 in model.files()). Throws as the stream form, or if the file cannot be read.
template <class Real>
supernova_model<Real> load_csv_model(const std::filesystem::path& path) {
  const detail::model_text text = detail::read_model_file("nusi::load_csv_model", path);
  std::istringstream in(text.bytes);
  return read_csv_model<Real>(in, path.string(), {model_file{path.string(), "csv", text.sha256}});
}

}  // namespace nusi
