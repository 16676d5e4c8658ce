// SPDX-License-Identifier: MIT
// What the model-reader fuzz targets check on every accepted model: each flavour's rows, interpolants,
// totals and fluence are finite and in range, and the downstream entry points (flux with conversion,
// fluence table, CDF, sampling, windowed fractions) return finite numbers or throw nusi's exceptions.
// A failed check aborts (a finding).
#pragma once

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include <nusi/emission/arrivals.hpp>
#include <nusi/emission/supernova_model.hpp>

namespace nusi_fuzz {

inline void require(bool ok, const char* target, const char* what, double value) {
  if (ok) return;
  std::fprintf(stderr, "%s: %s (value %.17g)\n", target, what, value);
  std::abort();
}

/// The rejection contract: a nusi::invalid_argument whose message starts with one of the readers' names.
inline void require_reader_message(const char* target, const std::string& what, const char* function) {
  require(what.rfind(function, 0) == 0, target, "rejection message without the reader's name", 0);
}

inline void check_flux(const char* target, const nusi::flavor_flux<double>& flux) {
  const double N = flux.emitted_number(), E = flux.emitted_energy_erg();
  require(std::isfinite(N) && N > 0, target, "emitted number not finite and > 0", N);
  require(std::isfinite(E) && E > 0, target, "emitted energy not finite and > 0", E);
  // A small table and one time node per interval: the work stays small for any accepted file.
  const auto f = flux.fluence({.time_points_per_interval = 1, .table = {.energy_nodes = 32}});
  require(std::isfinite(f.number()) && f.number() > 0, target, "fluence number", f.number());
  require(std::isfinite(f.mean_energy_MeV()) && f.mean_energy_MeV() > 0, target, "fluence mean energy", f.mean_energy_MeV());
  double previous = 0;
  for (double energy : {0.1, 1.0, 5.0, 15.0, 40.0, 120.0, 1e4}) {
    const double d = f.probability_density_per_MeV(energy), c = f.cumulative_probability(energy);
    require(std::isfinite(d) && d >= 0, target, "fluence density not finite and >= 0", d);
    require(c >= previous - 1e-12 && c <= 1, target, "fluence CDF not monotone (to rounding) in [0, 1]", c);
    previous = c;
  }
  std::mt19937_64 rng(1);
  for (int i = 0; i < 3; ++i) {
    const double e = f.sample_MeV(rng);
    require(std::isfinite(e) && e > 0, target, "sampled energy", e);
  }
  const double w = nusi::emitted_fraction_above(flux, 5.0, flux.start_s(), flux.start_s() + 1.0);
  require(std::isfinite(w) && w >= 0 && w <= 1, target, "emitted fraction in a window", w);
  const nusi::emission_sampler<double> sampler(flux);
  const auto [t, e] = sampler.sample(rng);
  require(t >= flux.start_s() && t <= flux.end_s(), target, "sampled time outside the emission", t);
  require(std::isfinite(e) && e > 0, target, "sampled energy with time", e);
}

inline void check_model(const char* target, const nusi::supernova_model<double>& model) {
  using F = nusi::supernova_flavor;
  for (F f : {F::nu_e, F::nu_e_bar, F::nu_x}) {
    if (!model.has_flavor(f)) continue;
    const auto& e = model.emission(f);
    require(e.start_s() < e.end_s(), target, "emission range not ordered", e.start_s());
    const auto& rows = e.samples();
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const double t = rows[i].time_s, mid = i + 1 < rows.size() ? t + (rows[i + 1].time_s - t) / 2 : t;
      for (double x : {t, mid}) {
        const double L = e.luminosity_erg_per_s(x), m = e.mean_energy_MeV(x), a = e.alpha(x), n = e.number_rate_per_s(x);
        require(std::isfinite(L) && L >= 0, target, "luminosity not finite and >= 0", L);
        require(std::isfinite(m) && m > 0, target, "mean energy not finite and > 0", m);
        require(std::isfinite(a) && a > -1, target, "alpha not finite and > -1", a);
        require(std::isfinite(n) && n >= 0, target, "number rate not finite and >= 0", n);
      }
    }
    check_flux(target, model.flux(f));
  }
  if (model.has_flavor(F::nu_x)) {
    for (auto scheme : {nusi::flavor_conversion_scheme::msw_normal, nusi::flavor_conversion_scheme::msw_inverted})
      for (F f : {F::nu_e, F::nu_e_bar, F::nu_x, F::nu_x_bar}) {
        try {
          check_flux(target, model.flux(f, {.scheme = scheme}));
        } catch (const nusi::invalid_argument& ex) {  // a flavour the conversion needs is absent
          require(std::string(ex.what()).find("the emitted") != std::string::npos, target, "unexpected rejection of a flux", 0);
        }
      }
  }
}

}  // namespace nusi_fuzz
