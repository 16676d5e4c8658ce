// SPDX-License-Identifier: MIT
// What the model readers (garching.hpp, nakazato.hpp, csv_model.hpp) share: reading a file with its
// SHA-256, significant lines with their numbers, strict number fields, the "file:line: column ..."
// error, and the checks of one (time, L, <E>, shape) row. Not API beyond emission_format.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <istream>
#include <iterator>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "../detail/sha256.hpp"
#include "../errors.hpp"
#include "../units.hpp"
#include "fluence.hpp"
#include "supernova_model.hpp"

namespace nusi {

/// The model file formats nusi reads.
enum class emission_format {
  /// Garching core-collapse archive: one file per flavour, columns time [s], L [1e51 erg/s], <E> [MeV], <E^2> [MeV^2].
  garching,
  /// Nakazato et al., ApJS 205, 2 (2013): blocks of a time line and 20 energy-bin rows.
  nakazato,
  /// nusi's own CSV: time_s,flavor,luminosity_erg_per_s,mean_energy_MeV,mean_energy_squared_MeV2 (or alpha).
  csv
};

/// "garching", "nakazato" or "csv" (the tool's spelling).
inline std::string_view format_name(emission_format f) {
  switch (f) {
    case emission_format::garching: return "garching";
    case emission_format::nakazato: return "nakazato";
    case emission_format::csv: return "csv";
  }
  return "unknown";
}

/// The format named by format_name, or nothing.
inline std::optional<emission_format> parse_emission_format(std::string_view name) {
  for (auto f : {emission_format::garching, emission_format::nakazato, emission_format::csv})
    if (name == format_name(f)) return f;
  return std::nullopt;
}

/// Largest model file read [bytes]: 256 MiB (the public models are a few MB).
inline constexpr std::uintmax_t max_model_file_bytes = std::uintmax_t(256) << 20;

namespace detail {

/// A file's bytes and their SHA-256.
struct model_text {
  std::string bytes;
  std::string sha256;
};

/// Reads a whole model file. @throws nusi::invalid_argument "fn: cannot open model file 'path'" (or too large).
inline model_text read_model_file(std::string_view fn, const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > max_model_file_bytes)
    throw_invalid(fn, "path", "a model file of at most 256 MiB ('" + path.string() + "')", size);
  std::ifstream in(path, std::ios::binary);
  if (!in || std::filesystem::is_directory(path, ec))
    throw nusi::invalid_argument(std::string(fn) + ": cannot open model file '" + path.string() + "'");
  model_text t;
  t.bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  t.sha256 = sha256_hex(t.bytes);
  return t;
}

/// "fn: source:line: what" as nusi::invalid_argument.
[[noreturn]] inline void throw_at_line(std::string_view fn, std::string_view source, std::size_t line, std::string_view what) {
  std::string msg(fn);
  msg.append(": ").append(source).append(":").append(std::to_string(line)).append(": ").append(what);
  throw nusi::invalid_argument(msg);
}

/// Significant lines of a text: blank lines and lines whose first non-blank character is '#' are skipped;
/// a trailing '\r' is dropped.
class significant_lines {
 public:
  explicit significant_lines(std::istream& in) : in_(in) {}
  /// The next significant line, or false at the end.
  bool next(std::string& line) {
    while (std::getline(in_, line)) {
      ++number_;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      const auto first = line.find_first_not_of(" \t");
      if (first == std::string::npos || line[first] == '#') continue;
      return true;
    }
    return false;
  }
  /// 1-based number of the last line returned.
  std::size_t number() const { return number_; }

 private:
  std::istream& in_;
  std::size_t number_ = 0;
};

inline std::string trim_blanks(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  return std::string(s.substr(b, s.find_last_not_of(" \t\r") - b + 1));
}

/// Fields separated by blanks (spaces and tabs).
inline std::vector<std::string> blank_separated(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream is(line);
  for (std::string f; is >> f;) out.push_back(f);
  return out;
}

/// Fields separated by commas, each trimmed of blanks.
inline std::vector<std::string> comma_separated(const std::string& line) {
  std::vector<std::string> out;
  std::string field;
  for (char c : line) {
    if (c == ',') {
      out.push_back(trim_blanks(field));
      field.clear();
    } else {
      field += c;
    }
  }
  out.push_back(trim_blanks(field));
  return out;
}

/// The whole field as a finite number (strtold: decimal or hexadecimal), or nothing.
inline std::optional<long double> parse_finite(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const long double v = std::strtold(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

/// A field as a finite number that stays finite in double, or the error "column <name>: ... '<text>'".
inline long double number_field(std::string_view fn, std::string_view source, std::size_t line, std::string_view column,
                                const std::string& text) {
  const auto v = parse_finite(text);
  if (!v || !std::isfinite(static_cast<double>(*v)))
    throw_at_line(fn, source, line, "column " + std::string(column) + ": not a finite number: '" + text + "'");
  return *v;
}

/// Checks of one model row, shared by the readers; the shape is <E^2> (alpha from the moments) or alpha.
/// Returns the sample in erg/s. Throws "fn: source:line: column <name>: <reason>".
template <class Real>
emission_sample<Real> checked_row(std::string_view fn, std::string_view source, std::size_t line, long double time_s,
                                  long double luminosity_erg_per_s, long double mean_MeV, long double shape, bool shape_is_alpha,
                                  std::string_view luminosity_column, std::string_view shape_column) {
  auto fail = [&](std::string_view column, const std::string& what) {
    throw_at_line(fn, source, line, "column " + std::string(column) + ": " + what);
  };
  if (!(std::fabs(time_s) <= max_model_time_s<long double>)) fail("time_s", "must be in [-1e7, 1e7] s, got " + to_text(time_s));
  if (luminosity_erg_per_s < 0) fail(luminosity_column, "must be >= 0, got " + to_text(luminosity_erg_per_s));
  if (!std::isfinite(static_cast<double>(luminosity_erg_per_s * erg_MeV<long double>)))
    fail(luminosity_column, "too large (the luminosity in MeV/s overflows), got " + to_text(luminosity_erg_per_s));
  if (mean_MeV < 0) fail("mean_energy_MeV", "must be >= 0, got " + to_text(mean_MeV));
  if (!shape_is_alpha && shape < 0) fail(shape_column, "must be >= 0, got " + to_text(shape));
  emission_sample<Real> r{static_cast<Real>(time_s), static_cast<Real>(luminosity_erg_per_s), static_cast<Real>(mean_MeV), Real(0)};
  long double alpha = shape;
  if (!shape_is_alpha) {
    const long double m1sq = mean_MeV * mean_MeV;
    alpha = shape > m1sq ? (2 * m1sq - shape) / (shape - m1sq) : std::numeric_limits<long double>::quiet_NaN();
  }
  const bool dark = luminosity_erg_per_s == 0;
  if (!dark) {
    if (!mean_energy_in_range(mean_MeV))
      fail("mean_energy_MeV", "must be in [0.001, 1e4] MeV where the luminosity is > 0, got " + to_text(mean_MeV));
    if (!shape_is_alpha && !(shape > mean_MeV * mean_MeV))
      fail(shape_column, "must be > mean_energy_MeV^2 = " + to_text(mean_MeV * mean_MeV) + " (a spectrum of non-zero width), got " +
                             to_text(shape));
    if (!alpha_in_range(alpha)) fail(shape_column, "gives the pinching alpha = " + to_text(alpha) + ", outside [-0.5, 100]");
  }
  // A dark row keeps a usable shape, else leaves it 0 for flavor_emission to fill from a neighbour.
  r.alpha = static_cast<Real>(std::isfinite(alpha) ? alpha : 0.0L);
  if (dark && !(alpha_in_range(alpha) && mean_energy_in_range(mean_MeV))) {
    r.mean_energy_MeV = Real(0);
    r.alpha = Real(0);
  }
  return r;
}

}  // namespace detail
}  // namespace nusi
