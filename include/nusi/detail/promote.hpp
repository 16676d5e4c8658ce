// SPDX-License-Identifier: MIT
// Working precision of nusi's numerical kernels: float is evaluated in double and rounded once at the
// end (what Boost.Math's default promote_float policy does); every other type is used as given.
#pragma once

#include <type_traits>

namespace nusi::detail {

/// The type a kernel computes in for arguments of type Real: double for float, Real otherwise.
template <class Real>
using promoted_t = std::conditional_t<std::is_same_v<Real, float>, double, Real>;

}  // namespace nusi::detail
