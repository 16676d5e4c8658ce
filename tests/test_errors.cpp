// SPDX-License-Identifier: MIT
// errors.hpp: the exception types and the message shape "function: parameter must be <req>, got <value>".
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>

#include <nusi/errors.hpp>

namespace nusi_test_errors {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

static_assert(std::is_base_of_v<std::invalid_argument, nusi::invalid_argument>);
static_assert(std::is_base_of_v<std::runtime_error, nusi::numerical_error>);

namespace {
std::string message_of(void (*f)()) {
  try {
    f();
  } catch (const nusi::invalid_argument& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("an invalid_argument message names the function, the parameter, the requirement and the value") {
  const std::string msg = message_of([] { nusi::detail::require_positive("nusi::f", "mass_MeV", -1.5); });
  CHECK(msg == "nusi::f: mass_MeV must be finite and > 0, got -1.5");
}

TEST_CASE("require_positive rejects zero, negative, NaN and infinity and accepts the smallest positive") {
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  for (double bad : {0.0, -0.0, -1e-300, nan, inf, -inf}) {
    CAPTURE(bad);
    CHECK_THROWS_WITH_AS(nusi::detail::require_positive("nusi::f", "g", bad), doctest::Contains("g must be"),
                         nusi::invalid_argument);
  }
  CHECK_NOTHROW(nusi::detail::require_positive("nusi::f", "g", std::numeric_limits<double>::denorm_min()));
  CHECK_THROWS_WITH_AS(nusi::detail::require_positive("nusi::f", "g", nan), doctest::Contains("got nan"),
                       nusi::invalid_argument);
}

TEST_CASE("require_non_negative accepts 0 and rejects negatives and non-finite values") {
  CHECK_NOTHROW(nusi::detail::require_non_negative("nusi::f", "E_MeV", 0.0));
  CHECK_THROWS_WITH_AS(nusi::detail::require_non_negative("nusi::f", "E_MeV", -2.0), doctest::Contains("got -2"),
                       nusi::invalid_argument);
  CHECK_THROWS_AS(nusi::detail::require_non_negative("nusi::f", "E_MeV", std::numeric_limits<double>::infinity()),
                  nusi::invalid_argument);
}

TEST_CASE("interval checks include or exclude their end points as named and print the interval") {
  CHECK_NOTHROW(nusi::detail::require_closed_interval("nusi::f", "cos_angle", 1.0, -1.0, 1.0));
  CHECK_THROWS_WITH_AS(nusi::detail::require_closed_interval("nusi::f", "cos_angle", 1.5, -1.0, 1.0),
                       doctest::Contains("cos_angle must be in [-1, 1], got 1.5"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::detail::require_open_interval("nusi::f", "p", 1.0, 0.0, 1.0),
                       doctest::Contains("p must be in (0, 1), got 1"), nusi::invalid_argument);
  CHECK_NOTHROW(nusi::detail::require_open_interval("nusi::f", "p", 0.5, 0.0, 1.0));
}

TEST_CASE("require_ordered names both ends of a bin with lo >= hi") {
  CHECK_THROWS_WITH_AS(nusi::detail::require_ordered("nusi::f", "E_lo_MeV", 2.0, "E_hi_MeV", 2.0),
                       doctest::Contains("E_lo_MeV must be < E_hi_MeV = 2, got 2"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::detail::require_ordered("nusi::f", "E_lo_MeV", 1.0, "E_hi_MeV", std::nan("")),
                       doctest::Contains("E_hi_MeV"), nusi::invalid_argument);
  CHECK_NOTHROW(nusi::detail::require_ordered("nusi::f", "E_lo_MeV", 1.0, "E_hi_MeV", 2.0));
}

TEST_CASE("values in messages round-trip: 17 significant digits identify a double") {
  for (double x : {0.1, 1.0 / 3.0, 6.02214076e23, 5e-324}) {
    CAPTURE(x);
    CHECK(std::strtod(nusi::detail::to_text(x).c_str(), nullptr) == x);  // strtod: denormals too
  }
}

}  // namespace nusi_test_errors
