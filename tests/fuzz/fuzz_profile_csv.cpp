// SPDX-License-Identifier: MIT
// Fuzz target: nusi::tabulated_profile<double>::from_csv on arbitrary bytes. A table either is rejected
// with nusi::invalid_argument or yields a profile whose values are finite and positive everywhere in
// its range, which a random walk then accepts or rejects by exception. Anything else (another
// exception, a NaN, a crash, a sanitizer report) is a finding. Run by the target nusi_fuzz.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include <nusi/profiles.hpp>
#include <nusi/random_walk.hpp>

namespace {
void require(bool ok, const char* what, double r_cm) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_profile_csv: %s at r_cm = %.17g\n", what, r_cm);
  std::abort();
}

void check_profile(const nusi::tabulated_profile<double>& p) {
  const double lo = p.min_radius_cm(), hi = p.max_radius_cm();
  require(std::isfinite(lo) && std::isfinite(hi) && lo > 0 && lo < hi, "table range not finite, positive, ordered", lo);
  std::vector<double> radii;
  const auto& nodes = p.breakpoints_cm();
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    radii.push_back(nodes[i]);
    if (i + 1 < nodes.size()) radii.push_back(nodes[i] + 0.5 * (nodes[i + 1] - nodes[i]));
  }
  for (double r : radii) {
    const double n_N = p.nucleon_density_per_cm3(r), n_nu = p.neutrino_density_per_cm3(r);
    const double E = p.mean_energy_MeV(r), T = p.temperature_MeV(r);
    require(std::isfinite(n_N) && n_N > 0, "nucleon density not finite and > 0", r);
    require(std::isfinite(n_nu) && n_nu >= 0, "neutrino density not finite and >= 0", r);
    require(std::isfinite(E) && E > 0, "mean energy not finite and > 0", r);
    require(std::isfinite(T) && T > 0, "temperature not finite and > 0", r);
  }
  // Downstream: a random walk over the whole table checks the profile at R_min; the mean free path
  // is then finite and positive or the walk throws.
  try {
    const nusi::random_walk<double, nusi::tabulated_profile<double>> walk(p, {lo, hi});
    for (double r : radii) {
      const double lambda = walk.mean_free_path_cm(r);
      require(!std::isnan(lambda) && lambda > 0, "mean free path NaN or <= 0", r);
    }
  } catch (const nusi::invalid_argument&) {
  } catch (const nusi::numerical_error&) {
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  try {
    check_profile(nusi::tabulated_profile<double>::from_csv(in, "fuzz.csv"));
  } catch (const nusi::invalid_argument& e) {
    // The documented rejection; its message names the source and the line.
    require(std::string(e.what()).find("nusi::tabulated_profile") != std::string::npos, "message without function", 0);
  }
  return 0;
}
