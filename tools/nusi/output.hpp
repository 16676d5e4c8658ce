// SPDX-License-Identifier: MIT
// Output helpers of the nusi tool: full-precision numbers, a flat JSON object writer, aligned tables.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iomanip>
#include <ostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "cli.hpp"

namespace nusi::cli {

/// A number as text with 17 significant digits; JSON has no Inf/NaN, so those become null.
inline std::string number_text(double x) {
  if (!std::isfinite(x)) return "null";
  std::ostringstream os;
  os << std::setprecision(17) << x;
  return os.str();
}

/// A number with 6 significant digits, for tables meant to be read.
inline std::string short_text(double x) {
  if (!std::isfinite(x)) return x > 0 ? "inf" : (x < 0 ? "-inf" : "nan");
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

inline std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') { out += "\\n"; continue; }
    out += c;
  }
  return out + "\"";
}

/// One flat JSON object, keys in insertion order.
class json_object {
 public:
  json_object& add(const std::string& key, double value) { return raw(key, number_text(value)); }
  json_object& add(const std::string& key, const std::string& value) { return raw(key, json_string(value)); }
  json_object& add(const std::string& key, const char* value) { return raw(key, json_string(value)); }
  json_object& add(const std::string& key, bool value) { return raw(key, value ? "true" : "false"); }
  json_object& raw(const std::string& key, const std::string& json) {
    fields_.emplace_back(key, json);
    return *this;
  }
  /// The fields as CSV: a header line of keys and one line of values (arrays are left out).
  std::string csv() const { return csv_table({*this}); }
  /// Several objects with the same keys as one CSV table.
  static std::string csv_table(const std::vector<json_object>& rows) {
    std::string out;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      if (r == 0) {
        std::string header;
        for (const auto& [key, value] : rows[0].fields_)
          if (value.empty() || value[0] != '[') header += (header.empty() ? "" : ",") + key;
        out += header + "\n";
      }
      std::string line;
      bool first = true;
      for (const auto& [key, value] : rows[r].fields_) {
        if (!value.empty() && value[0] == '[') continue;
        if (!first) line += ',';
        first = false;
        // JSON strings lose their quotes unless they hold a comma; null (non-finite) stays empty.
        if (value.size() >= 2 && value.front() == '"' && value.find(',') == std::string::npos)
          line += value.substr(1, value.size() - 2);
        else if (value != "null")
          line += value;
      }
      out += line + "\n";
    }
    return out;
  }
  std::string str() const {
    std::string s = "{";
    for (std::size_t i = 0; i < fields_.size(); ++i)
      s += (i ? ", " : "") + json_string(fields_[i].first) + ": " + fields_[i].second;
    return s + "}";
  }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

/// A JSON array of objects, one per line.
inline std::string json_array(const std::vector<json_object>& items) {
  std::string s = "[";
  for (std::size_t i = 0; i < items.size(); ++i) s += (i ? ",\n " : "") + items[i].str();
  return s + "]";
}

/// The output formats every command offers: an aligned table to read (default), --json, --csv.
enum class output_format { table, json, csv };

/// The --json / --csv pair of a command; neither means the table.
struct format_flags {
  bool json = false, csv = false;
  void declare(parser& p, const std::string& json_help, const std::string& csv_help) {
    p.flag("--json", json, json_help);
    p.flag("--csv", csv, csv_help);
  }
  output_format format() const {
    if (json && csv) throw usage_error("give --json or --csv, not both");
    return json ? output_format::json : csv ? output_format::csv : output_format::table;
  }
};

/// Prints o as JSON or CSV and returns true, or returns false for the table output.
inline bool print_structured(std::ostream& os, const json_object& o, output_format format) {
  if (format == output_format::json) os << o.str() << "\n";
  else if (format == output_format::csv) os << o.csv();
  return format != output_format::table;
}

/// Rows with the same keys as a JSON array, a CSV table (header line, then one line per row), or an
/// aligned table under "# title" with numbers to 6 significant digits.
inline void print_rows(std::ostream& os, const std::vector<json_object>& rows, output_format format, const std::string& title) {
  if (format == output_format::json) {
    os << json_array(rows) << "\n";
    return;
  }
  const std::string csv = json_object::csv_table(rows);
  if (format == output_format::csv) {
    os << csv;
    return;
  }
  // Cells of the CSV, numbers shortened; a column of numbers is right-aligned, any other left-aligned.
  std::vector<std::vector<std::string>> cells;
  std::vector<bool> numeric;
  std::istringstream lines(csv);
  for (std::string line; std::getline(lines, line);) {
    std::vector<std::string> row;
    std::istringstream fields(line + ",");
    for (std::string field; std::getline(fields, field, ',');) {
      if (!cells.empty()) {
        char* end = nullptr;
        const double x = std::strtod(field.c_str(), &end);
        const bool number = !field.empty() && end == field.c_str() + field.size();
        if (numeric.size() <= row.size()) numeric.push_back(true);
        if (number) field = short_text(x);
        else numeric[row.size()] = numeric[row.size()] && field.empty();
      }
      row.push_back(field.empty() ? "-" : field);
    }
    cells.push_back(row);
  }
  std::vector<std::size_t> width;
  for (const auto& row : cells)
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (width.size() <= c) width.push_back(0);
      width[c] = std::max(width[c], row[c].size());
    }
  os << "# " << title << "\n";
  for (const auto& row : cells) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      const bool right = c < numeric.size() && numeric[c];
      os << (c ? "  " : "") << (right ? std::right : std::left) << std::setw(static_cast<int>(width[c])) << row[c];
    }
    os << "\n";
  }
}

/// "name  value  unit" lines for the default table output.
inline void print_row(std::ostream& os, const std::string& name, double value, const std::string& unit = "") {
  os << std::left << std::setw(34) << name << std::right << std::setw(24) << number_text(value);
  if (!unit.empty()) os << "  " << unit;
  os << "\n";
}

}  // namespace nusi::cli
