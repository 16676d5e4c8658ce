// SPDX-License-Identifier: MIT
// Event-level and time-spread bounds (event_bound.hpp, arrival_times.hpp): one likelihood-ratio
// evaluation, one bound per mass, the windowed fraction per Monte Carlo primary, next to the floor:
// one transport solve of the full spectrum (propagate_energy at 400 nodes).
#include <benchmark/benchmark.h>

#include <cmath>
#include <filesystem>
#include <string>

#include <nusi/arrival_times.hpp>
#include <nusi/event_bound.hpp>
#include <nusi/time_spread_bound.hpp>


namespace {
/// The tool is built from the source tree; the benchmark finds the table the same way.
std::string table_path() {
  const std::filesystem::path here(__FILE__);
  return (here.parent_path().parent_path() / "data" / "sn1987a" / "sn1987a_events.csv").string();
}

nusi::propagation_setup<double> setup_at(double log10_mass, double log10_g) {
  nusi::propagation_setup<double> s;
  s.med = {.mass_MeV = std::pow(10.0, log10_mass), .coupling = std::pow(10.0, log10_g)};
  return s;
}

void BM_floor_propagate_energy(benchmark::State& state) {
  const auto s = setup_at(-6, -2.05);
  const auto emission = nusi::pinched_spectrum<double>::paper_default();
  for (auto _ : state) {
    auto r = nusi::propagate_energy(s, emission);
    benchmark::DoNotOptimize(r.at_earth.data());
  }
}
BENCHMARK(BM_floor_propagate_energy)->Unit(benchmark::kMicrosecond);

void BM_folded_detectors_sn1987a(benchmark::State& state) {
  const auto obs = nusi::sn1987a_observations(nusi::load_sn1987a_events<double>(table_path()));
  const auto edges = nusi::transport_bin_edges(5.0, nusi::energy_grid_options<double>{});
  for (auto _ : state)
    for (const auto& o : obs) {
      nusi::folded_detector<double> f(o.det, edges, {}, o.events);
      benchmark::DoNotOptimize(&f);
    }
}
BENCHMARK(BM_folded_detectors_sn1987a)->Unit(benchmark::kMillisecond);

void BM_sn1987a_likelihood_ratio(benchmark::State& state) {
  const auto obs = nusi::sn1987a_observations(nusi::load_sn1987a_events<double>(table_path()));
  const nusi::event_likelihood_ratio<double> llr(1e-6, nusi::propagation_setup<double>{}, nusi::supernova_emission<double>{}, obs);
  for (auto _ : state) {
    double q = llr(std::pow(10.0, -2.05));
    benchmark::DoNotOptimize(q);
  }
}
BENCHMARK(BM_sn1987a_likelihood_ratio)->Unit(benchmark::kMicrosecond);

void BM_sn1987a_event_bound(benchmark::State& state) {
  const auto t = nusi::load_sn1987a_events<double>(table_path());
  nusi::event_bound_options<double> o;
  o.timing = state.range(0) ? nusi::arrival_window::within_window : nusi::arrival_window::time_integrated;
  o.window.primaries = 1000;
  for (auto _ : state) {
    auto b = nusi::sn1987a_event_bound(-6.0, nusi::propagation_setup<double>{}, nusi::supernova_emission<double>{}, t, o);
    benchmark::DoNotOptimize(b.log10_g_bound);
  }
}
BENCHMARK(BM_sn1987a_event_bound)->Arg(0)->Arg(1)->ArgNames({"within_window"})->Unit(benchmark::kMillisecond);

void BM_forecast_event_bound(benchmark::State& state) {
  nusi::supernova_emission<double> sn{};
  sn.distance_cm = nusi::kpc(10.0);
  nusi::propagation_setup<double> s;
  s.distance_cm = sn.distance_cm;
  for (auto _ : state) {
    auto b = nusi::forecast_event_bound(-6.0, s, sn, nusi::super_kamiokande<double>());
    benchmark::DoNotOptimize(b.log10_g_bound);
  }
}
BENCHMARK(BM_forecast_event_bound)->Unit(benchmark::kMillisecond);

void BM_windowed_fraction(benchmark::State& state) {
  const auto s = setup_at(-6, -2.05);
  const auto emission = nusi::pinched_spectrum<double>::paper_default();
  const auto primaries = static_cast<std::uint64_t>(state.range(0));
  const nusi::windowed_fraction<double, nusi::pinched_spectrum<double>> F(s, emission, {.primaries = primaries});
  for (auto _ : state) {
    auto w = F(s.med.coupling);
    benchmark::DoNotOptimize(w.value);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(primaries));
}
BENCHMARK(BM_windowed_fraction)->Arg(4000)->ArgNames({"primaries"})->Unit(benchmark::kMillisecond);

void BM_time_spread_bound(benchmark::State& state) {
  const auto emission = nusi::pinched_spectrum<double>::paper_default();
  nusi::time_spread_bound_options<double> o;
  o.window.primaries = static_cast<std::uint64_t>(state.range(0));
  for (auto _ : state) {
    auto b = nusi::time_spread_bound(-6.0, nusi::propagation_setup<double>{}, emission, o);
    benchmark::DoNotOptimize(b.log10_g_bound);
  }
}
BENCHMARK(BM_time_spread_bound)->Arg(4000)->ArgNames({"primaries"})->Unit(benchmark::kMillisecond);
}  // namespace
