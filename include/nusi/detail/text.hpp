// SPDX-License-Identifier: MIT
// Text helpers (not API): concat_text builds messages; trim and parse_finite_number read the numbers of
// the CSV tables and scan plans (profiles.hpp, detection/sn1987a.hpp, scan.hpp), all the same way.
#pragma once

#include <cmath>
#include <concepts>
#include <locale>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "../errors.hpp"

namespace nusi::detail {

/// Concatenates text and numbers (numbers via to_text) without `"literal" + std::string`, which
/// trips g++ 12's false -Wrestrict.
inline void append_text(std::string& s, std::string_view part) { s += part; }
template <class T>
  requires(!std::convertible_to<const T&, std::string_view>)
void append_text(std::string& s, const T& part) {
  s += to_text(part);
}
template <class... T>
std::string concat_text(const T&... parts) {
  std::string s;
  (append_text(s, parts), ...);
  return s;
}

/// `text` without leading and trailing blanks (spaces, tabs, carriage returns).
inline std::string trim(std::string_view text) {
  const auto b = text.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  return std::string(text.substr(b, text.find_last_not_of(" \t\r") - b + 1));
}

/// The decimal number that is the whole of `text` (leading blanks allowed), read as operator>> reads a
/// long double in the classic locale; nullopt for empty text, trailing characters, inf, nan, hex, or a
/// value beyond the range of long double. The caller checks the range of its own Real.
inline std::optional<long double> parse_finite_number(const std::string& text) {
  using std::isfinite;
  std::istringstream is(text);
  is.imbue(std::locale::classic());
  long double value = 0;
  is >> value;
  if (text.empty() || is.fail() || !is.eof() || !isfinite(value)) return std::nullopt;
  return value;
}

}  // namespace nusi::detail
