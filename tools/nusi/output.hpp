// SPDX-License-Identifier: MIT
// Output helpers of the nusi tool: numbers as text ({fmt}), CSV and aligned tables from JSON rows.
// Not part of the library.
#pragma once

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "command.hpp"

namespace nusi_tool {

/// The shortest text that reads back as the same double ("0.05", "10", "1e+14"); "inf", "-inf", "nan".
std::string number_text(double x);

/// Six significant digits, for tables meant to be read.
inline std::string short_text(double x) { return std::isfinite(x) ? fmt::format("{:.6g}", x) : fmt::format("{}", x); }

/// Fixed-point text with `digits` decimals ("-1.97").
inline std::string fixed_text(double x, int digits) { return fmt::format("{:.{}f}", x, digits); }

/// One CSV cell of a JSON value: numbers in full precision, strings without quotes unless they hold a
/// comma or a quote, null (a non-finite number) empty.
std::string csv_cell(const json& v);

/// The scalar members of rows (same keys) as CSV: a header line of keys, one line per row.
std::string csv_table(const std::vector<json>& rows);

/// The rows as an aligned table: numbers to 6 significant digits and right-aligned, "-" for null.
std::string aligned_table(const std::vector<json>& rows);

/// "name  value  unit" lines of the default output of single-point commands.
inline void print_row(const std::string& name, double value, const std::string& unit = "") {
  fmt::print("{:<34}{:>24}{}\n", name, number_text(value), unit.empty() ? "" : "  " + unit);
}

}  // namespace nusi_tool
