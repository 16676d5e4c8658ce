// SPDX-License-Identifier: MIT
// The exceptions that leave nusi, and the checks that raise them at API boundaries.
// nusi::invalid_argument: bad input (message: function, parameter, value, allowed range).
// nusi::numerical_error: a numerical method failed to meet its tolerance or iteration bound.
#pragma once

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace nusi {

/// Bad input at an API boundary; what() names the function, the parameter, the value and the range.
class invalid_argument : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// A numerical method failed (no convergence, iteration bound reached); what() names the inputs.
class numerical_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {

template <class T>
std::string to_text(const T& value) {
  std::ostringstream os;
  os.precision(17);
  os << value;
  return os.str();
}

/// Throws nusi::invalid_argument "function: parameter must be <requirement>, got <value>".
template <class T>
[[noreturn]] void throw_invalid(std::string_view function, std::string_view parameter,
                                std::string_view requirement, const T& value) {
  std::string msg;
  msg.append(function).append(": ").append(parameter).append(" must be ").append(requirement);
  msg.append(", got ").append(to_text(value));
  throw nusi::invalid_argument(msg);
}

template <class Real>
bool is_finite(const Real& x) {
  using std::isfinite;
  return isfinite(x);
}

template <class Real>
void require_finite(std::string_view function, std::string_view parameter, const Real& value) {
  if (!is_finite(value)) throw_invalid(function, parameter, "finite", value);
}

/// Rejects NaN only (where +-infinity has a meaning, e.g. a value clamped to a grid).
template <class Real>
void require_not_nan(std::string_view function, std::string_view parameter, const Real& value) {
  using std::isnan;
  if (isnan(value)) throw_invalid(function, parameter, "a number (not NaN)", value);
}

template <class Real>
void require_positive(std::string_view function, std::string_view parameter, const Real& value) {
  if (!is_finite(value) || !(value > Real(0))) throw_invalid(function, parameter, "finite and > 0", value);
}

template <class Real>
void require_non_negative(std::string_view function, std::string_view parameter, const Real& value) {
  if (!is_finite(value) || value < Real(0)) throw_invalid(function, parameter, "finite and >= 0", value);
}

/// Requires lo < value < hi (open interval), both finite.
template <class Real>
void require_open_interval(std::string_view function, std::string_view parameter, const Real& value,
                           const Real& lo, const Real& hi) {
  if (!is_finite(value) || !(value > lo) || !(value < hi))
    throw_invalid(function, parameter, "in (" + to_text(lo) + ", " + to_text(hi) + ")", value);
}

/// Requires lo <= value <= hi (closed interval), both finite.
template <class Real>
void require_closed_interval(std::string_view function, std::string_view parameter, const Real& value,
                             const Real& lo, const Real& hi) {
  if (!is_finite(value) || value < lo || value > hi)
    throw_invalid(function, parameter, "in [" + to_text(lo) + ", " + to_text(hi) + "]", value);
}

/// Requires lo < hi for an interval [lo, hi] named by its two parameters.
template <class Real>
void require_ordered(std::string_view function, std::string_view lo_name, const Real& lo,
                     std::string_view hi_name, const Real& hi) {
  require_finite(function, lo_name, lo);
  require_finite(function, hi_name, hi);
  if (!(lo < hi))
    throw_invalid(function, std::string(lo_name),
                  "< " + std::string(hi_name) + " = " + to_text(hi), lo);
}

}  // namespace detail
}  // namespace nusi
