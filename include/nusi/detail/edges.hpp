// SPDX-License-Identifier: MIT
// Checks of bin edges (not API), one rule for every binned input: finite (the last may be +infinity
// where an open top bin is allowed) and strictly increasing, the first bad edge named by its index.
#pragma once

#include <cmath>
#include <cstddef>
#include <string_view>

#include "../errors.hpp"
#include "text.hpp"

namespace nusi::detail {

/// Whether the last edge may be +infinity (an open top bin of measured energy).
enum class top_edge { finite, may_be_infinite };

/// Throws nusi::invalid_argument "function: name[i] must be finite and > name[i-1] = x, got y" for the
/// first edge that is not finite (or NaN where the top may be infinite) or not above its predecessor.
/// `edges` is any sized random-access range of Real (std::vector, std::span).
template <class Edges>
void require_increasing_edges(std::string_view function, std::string_view name, const Edges& edges,
                              top_edge top = top_edge::finite) {
  using std::isnan;
  const bool open_top = top == top_edge::may_be_infinite;
  for (std::size_t i = 0; i < edges.size(); ++i) {
    const bool last = i + 1 == edges.size();
    const bool value_ok = open_top && last ? !isnan(edges[i]) : is_finite(edges[i]);
    if (value_ok && (i == 0 || edges[i] > edges[i - 1])) continue;
    const std::string_view finite = open_top ? "finite (the last may be +inf)" : "finite";
    if (i == 0) throw_invalid(function, concat_text(name, "[0]"), finite, edges[i]);
    throw_invalid(function, concat_text(name, "[", i, "]"), concat_text(finite, " and > ", name, "[", i - 1, "] = ", edges[i - 1]),
                  edges[i]);
  }
}

/// Edges of an optional histogram: empty (no histogram) or at least 2, finite and strictly increasing.
template <class Edges>
void require_histogram_edges(std::string_view function, std::string_view name, const Edges& edges) {
  if (edges.empty()) return;
  if (edges.size() < 2) throw_invalid(function, name, "empty or at least 2 edges", edges.size());
  require_increasing_edges(function, name, edges);
}

}  // namespace nusi::detail
