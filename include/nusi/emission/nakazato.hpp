// SPDX-License-Identifier: MIT
// Reader of the Nakazato et al. supernova neutrino tables (ApJS 205, 2 (2013); database
// http://asphwww.ph.noda.tus.ac.jp/snn/, files intpdata/intp*.data): blocks of a line with the time [s]
// followed by 20 energy-bin rows E_low [MeV], E_high [MeV], dN/dE of nu_e, anti-nu_e, nu_x
// [1/(MeV s)], dL/dE of nu_e, anti-nu_e, nu_x [erg/(MeV s)] (nu_x per heavy species). Each block and
// flavour becomes a pinched row: L and N summed over the bins, <E> = L/N exactly, alpha by a binned
// maximum-likelihood fit (docs/physics.md, "Supernova models"). Throws nusi::invalid_argument naming
// the file, line and column of a malformed row or a truncated block.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <istream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <boost/math/tools/minima.hpp>

#include "../errors.hpp"
#include "../units.hpp"
#include "fluence.hpp"
#include "reader_support.hpp"
#include "supernova_model.hpp"

namespace nusi {

/// Settings of the Nakazato reader.
struct nakazato_options {
  /// Energy-bin rows per time block: 20 in the published tables; in [1, 1000].
  std::size_t bins_per_block = 20;
};

/// The pinching alpha of the bins' maximum-likelihood pinched spectrum at fixed mean energy: maximises
/// sum_i n_i ln(P_i(alpha)/sum_j P_j(alpha)), P_i the pinched probability of bin [lo_i, hi_i] with
/// <E> = mean_MeV, n_i the numbers in the bins (Brent's method in ln(alpha + 1) over alpha in [-0.5, 100],
/// to ~1e-8 relative; at most 200 iterations). Exact for bins of a pinched spectrum (Gibbs' inequality).
/// @throws nusi::invalid_argument unless the sizes agree, there is >= 1 bin, edges are finite with
/// 0 <= lo_i < hi_i, numbers finite and >= 0 with a sum > 0, and mean_MeV in [1e-3, 1e4].
template <class Real>
Real binned_pinching_fit(const std::vector<Real>& lo_MeV, const std::vector<Real>& hi_MeV, const std::vector<Real>& numbers,
                         Real mean_MeV) {
  using W = detail::promoted_t<Real>;
  using std::exp;
  using std::log;
  constexpr std::string_view fn = "nusi::binned_pinching_fit";
  const std::size_t n = numbers.size();
  if (n == 0) detail::throw_invalid(fn, "numbers.size()", ">= 1", n);
  if (lo_MeV.size() != n || hi_MeV.size() != n) detail::throw_invalid(fn, "lo_MeV.size() and hi_MeV.size()", "numbers.size()", lo_MeV.size());
  if (!detail::mean_energy_in_range(mean_MeV)) detail::throw_invalid(fn, "mean_MeV", "in [0.001, 1e4]", mean_MeV);
  W total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    detail::require_non_negative(fn, "lo_MeV[" + std::to_string(i) + "]", lo_MeV[i]);
    detail::require_finite(fn, "hi_MeV[" + std::to_string(i) + "]", hi_MeV[i]);
    if (!(hi_MeV[i] > lo_MeV[i])) detail::throw_invalid(fn, "hi_MeV[" + std::to_string(i) + "]", "> lo_MeV", hi_MeV[i]);
    detail::require_non_negative(fn, "numbers[" + std::to_string(i) + "]", numbers[i]);
    total += W(numbers[i]);
  }
  if (!(total > 0) || !detail::is_finite(total)) detail::throw_invalid(fn, "numbers", "a finite sum > 0", total);
  const W tiny = std::numeric_limits<W>::min();
  auto minus_log_likelihood = [&](W u) {
    const W alpha = exp(u) - 1;
    const auto c = detail::gamma_component<W>::make(W(1), W(mean_MeV), alpha);
    W sum_p = 0, value = 0;
    std::vector<W> p(n);
    for (std::size_t i = 0; i < n; ++i) {
      // The difference on the side of the distribution where it does not cancel.
      const W a = W(lo_MeV[i]), b = W(hi_MeV[i]);
      p[i] = c.rate * a >= c.k ? c.ccdf(a) - c.ccdf(b) : c.cdf(b) - c.cdf(a);
      if (!(p[i] > tiny)) p[i] = tiny;
      sum_p += p[i];
    }
    for (std::size_t i = 0; i < n; ++i)
      if (numbers[i] > 0) value -= W(numbers[i]) / total * log(p[i] / sum_p);
    return value;
  };
  std::uintmax_t iterations = 200;
  const auto best = boost::math::tools::brent_find_minima(minus_log_likelihood, log(1 + min_pinching_alpha<W>), log(1 + max_pinching_alpha<W>),
                                                          std::numeric_limits<W>::digits / 2, iterations);
  return static_cast<Real>(exp(best.first) - 1);
}

/// Reads a Nakazato table from a stream; `source` names it in messages. Blocks: a line with one number,
/// the time [s] (in [-1e7, 1e7], strictly increasing), then options.bins_per_block rows of 8 blank-separated
/// numbers: E_low, E_high [MeV] (0 <= E_low < E_high, E_low >= the previous row's E_high), then dN/dE and
/// dL/dE of nue, nuebar, nux (finite, >= 0). Per block and flavour, N = sum dN/dE dE and L = sum dL/dE dE
/// must be both 0 or both > 0, with <E> = L/N in [1e-3, 1e4] MeV. A flavour that is 0 in every block is
/// absent from the model. Blank lines and '#' comments are skipped. At least 2 blocks.
/// @throws nusi::invalid_argument "nusi::read_nakazato_model: source:line: <reason>" (column named where
/// one is at fault; a truncated block names the line of its time).
template <class Real>
supernova_model<Real> read_nakazato_model(std::istream& in, std::string_view source, const nakazato_options& options = {},
                                          std::vector<model_file> files = {}) {
  using W = detail::promoted_t<Real>;
  constexpr std::string_view fn = "nusi::read_nakazato_model";
  if (options.bins_per_block < 1 || options.bins_per_block > 1000)
    detail::throw_invalid(fn, "options.bins_per_block", "in [1, 1000]", options.bins_per_block);
  static constexpr std::string_view columns[8] = {"E_low_MeV", "E_high_MeV", "dN_nue", "dN_nuebar",
                                                  "dN_nux",    "dL_nue",     "dL_nuebar", "dL_nux"};
  static constexpr std::string_view names[3] = {"nue", "nuebar", "nux"};
  const std::size_t B = options.bins_per_block;
  detail::significant_lines lines(in);
  std::array<std::vector<emission_sample<Real>>, 3> rows;
  std::string line;
  std::size_t blocks = 0;
  W previous_time = 0;
  std::size_t previous_time_line = 0;
  while (lines.next(line)) {
    // The time line.
    auto f = detail::blank_separated(line);
    if (f.size() != 1)
      detail::throw_at_line(fn, source, lines.number(),
                            "expected a time line (1 number, the time in s) to start a block, got " + std::to_string(f.size()) + " fields");
    const std::size_t time_line = lines.number();
    const long double t = detail::number_field(fn, source, time_line, "time_s", f[0]);
    if (!(std::fabs(t) <= max_model_time_s<long double>))
      detail::throw_at_line(fn, source, time_line, "column time_s: must be in [-1e7, 1e7] s, got " + f[0]);
    if (blocks > 0 && !(W(t) > previous_time))
      detail::throw_at_line(fn, source, time_line,
                            "column time_s: must increase strictly from block to block, got " + f[0] + " after " +
                                detail::to_text(previous_time) + " (line " + std::to_string(previous_time_line) + ")");
    // The energy rows.
    std::vector<W> lo(B), hi(B);
    std::array<std::vector<W>, 3> dN, dL;
    for (auto& v : dN) v.resize(B);
    for (auto& v : dL) v.resize(B);
    for (std::size_t b = 0; b < B; ++b) {
      const bool more = lines.next(line);
      if (more) f = detail::blank_separated(line);
      if (!more || f.size() == 1)
        detail::throw_at_line(fn, source, time_line,
                              "truncated block: the block of t = " + detail::to_text(t) + " s has " + std::to_string(b) + " of " +
                                  std::to_string(B) + " energy rows, then " +
                                  (more ? "a time line at line " + std::to_string(lines.number()) : std::string("the end of the file")));
      if (f.size() != 8)
        detail::throw_at_line(fn, source, lines.number(),
                              "expected 8 blank-separated numbers (E_low_MeV, E_high_MeV, dN/dE and dL/dE of nue, nuebar, nux), got " +
                                  std::to_string(f.size()) + " fields");
      long double v[8];
      for (int c = 0; c < 8; ++c) {
        v[c] = detail::number_field(fn, source, lines.number(), columns[c], f[static_cast<std::size_t>(c)]);
        if (v[c] < 0) detail::throw_at_line(fn, source, lines.number(), "column " + std::string(columns[c]) + ": must be >= 0, got " + f[static_cast<std::size_t>(c)]);
      }
      if (!(v[1] > v[0]))
        detail::throw_at_line(fn, source, lines.number(), "column E_high_MeV: must be > E_low_MeV = " + f[0] + ", got " + f[1]);
      if (b > 0 && v[0] < static_cast<long double>(hi[b - 1]))
        detail::throw_at_line(fn, source, lines.number(),
                              "column E_low_MeV: bins must not overlap: must be >= the previous row's E_high_MeV = " +
                                  detail::to_text(hi[b - 1]) + ", got " + f[0]);
      lo[b] = static_cast<W>(v[0]);
      hi[b] = static_cast<W>(v[1]);
      for (int k = 0; k < 3; ++k) {
        dN[static_cast<std::size_t>(k)][b] = static_cast<W>(v[2 + k]);
        dL[static_cast<std::size_t>(k)][b] = static_cast<W>(v[5 + k]);
      }
    }
    // One pinched row per flavour.
    for (std::size_t k = 0; k < 3; ++k) {
      W N = 0, L = 0;
      std::vector<W> numbers(B);
      for (std::size_t b = 0; b < B; ++b) {
        numbers[b] = dN[k][b] * (hi[b] - lo[b]);
        N += numbers[b];
        L += dL[k][b] * (hi[b] - lo[b]);
      }
      const std::string at = "block of t = " + detail::to_text(t) + " s, flavour " + std::string(names[k]) + ": ";
      if (!detail::is_finite(N) || !detail::is_finite(L) || !detail::is_finite(L * erg_MeV<W>))
        detail::throw_at_line(fn, source, time_line, at + "the number or luminosity summed over the bins overflows");
      if ((N > 0) != (L > 0))
        detail::throw_at_line(fn, source, time_line,
                              at + "number " + detail::to_text(N) + " /s and luminosity " + detail::to_text(L) +
                                  " erg/s must be both 0 or both > 0 (columns dN_" + std::string(names[k]) + ", dL_" + std::string(names[k]) + ")");
      if (N == 0) {
        rows[k].push_back({static_cast<Real>(t), Real(0), Real(0), Real(0)});
        continue;
      }
      const W mean = L * erg_MeV<W> / N;
      if (!detail::mean_energy_in_range(mean))
        detail::throw_at_line(fn, source, time_line, at + "the mean energy L/N = " + detail::to_text(mean) + " MeV is outside [0.001, 1e4]");
      const W alpha = binned_pinching_fit<W>(lo, hi, numbers, mean);
      rows[k].push_back({static_cast<Real>(t), static_cast<Real>(L), static_cast<Real>(mean), static_cast<Real>(alpha)});
    }
    ++blocks;
    previous_time = static_cast<W>(t);
    previous_time_line = time_line;
  }
  if (blocks < 2)
    throw nusi::invalid_argument(std::string(fn) + ": " + std::string(source) + ": needs at least 2 time blocks, found " +
                                 std::to_string(blocks));
  std::array<std::optional<flavor_emission<Real>>, 3> emissions;
  for (std::size_t k = 0; k < 3; ++k) {
    bool light = false;
    for (const auto& r : rows[k]) light = light || r.luminosity_erg_per_s > 0;
    if (!light) continue;
    try {
      emissions[k].emplace(std::move(rows[k]));
    } catch (const nusi::invalid_argument& e) {  // totals that overflow
      throw nusi::invalid_argument(std::string(fn) + ": " + std::string(source) + ": flavour " + std::string(names[k]) + ": " + e.what());
    }
  }
  if (!emissions[0] && !emissions[1] && !emissions[2])
    throw nusi::invalid_argument(std::string(fn) + ": " + std::string(source) + ": every flavour is 0 in every block (no emission)");
  return supernova_model<Real>(std::move(emissions[0]), std::move(emissions[1]), std::move(emissions[2]), std::move(files));
}

/// Reads a Nakazato table file (its SHA-256 in model.files()). Throws as the stream form, or if the file cannot be read.
template <class Real>
supernova_model<Real> load_nakazato_model(const std::filesystem::path& path, const nakazato_options& options = {}) {
  const detail::model_text text = detail::read_model_file("nusi::load_nakazato_model", path);
  std::istringstream in(text.bytes);
  return read_nakazato_model<Real>(in, path.string(), options, {model_file{path.string(), "nakazato", text.sha256}});
}

}  // namespace nusi
