// SPDX-License-Identifier: MIT
// Scans (include/nusi/scan.hpp, parallel.hpp): the table does not depend on the thread count, every
// row equals the library function called directly, the verdicts agree with the bounds, the plan
// format round-trips, and every bad plan is rejected naming what is wrong.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include <nusi/core_bound.hpp>
#include <nusi/parallel.hpp>
#include <nusi/propagation_bound.hpp>
#include <nusi/scan.hpp>

namespace nusi_test_scan {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

namespace {
bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

bool same_row(const nusi::scan_row<double>& a, const nusi::scan_row<double>& b) {
  return a.supernova == b.supernova && a.kind == b.kind && same_bits(a.log10_mass_MeV, b.log10_mass_MeV) &&
         same_bits(a.log10_coupling, b.log10_coupling) && a.status == b.status &&
         same_bits(a.fraction.value, b.fraction.value) && same_bits(a.fraction.noise_floor, b.fraction.noise_floor) &&
         a.fraction.is_upper_limit == b.fraction.is_upper_limit && a.propagation_excluded == b.propagation_excluded &&
         same_bits(a.N_2to4, b.N_2to4) && a.core_excluded == b.core_excluded &&
         same_bits(a.propagation_bound.log10_mass_MeV, b.propagation_bound.log10_mass_MeV) &&
         same_bits(a.propagation_bound.log10_g_bound, b.propagation_bound.log10_g_bound) &&
         a.propagation_bound.found == b.propagation_bound.found &&
         same_bits(a.propagation_bound.fraction_at_bound, b.propagation_bound.fraction_at_bound) &&
         a.propagation_bound.evaluations == b.propagation_bound.evaluations && same_bits(a.log10_g_core, b.log10_g_core);
}

std::string csv(const nusi::scan_plan<double>& plan, const std::vector<nusi::scan_row<double>>& rows) {
  std::ostringstream os;
  nusi::write_scan_csv(os, plan, rows);
  return os.str();
}

nusi::scan_plan<double> parse(const std::string& text) {
  std::istringstream in(text);
  return nusi::read_scan_plan<double>(in, "test");
}

// The default plan's table, computed once for the cases below (~0.1 s).
const std::vector<nusi::scan_row<double>>& default_table() {
  static const std::vector<nusi::scan_row<double>> rows = nusi::run_scan(nusi::default_scan_plan<double>(), 1);
  return rows;
}
}  // namespace

TEST_CASE("parallel_for runs every job exactly once on 1, 2, 3 and all threads") {
  for (std::size_t threads : {1u, 2u, 3u, 0u}) {
    CAPTURE(threads);
    std::vector<std::atomic<int>> calls(257);
    nusi::parallel_for(calls.size(), threads, [&](std::size_t k) { ++calls[k]; });
    for (const auto& c : calls) CHECK(c.load() == 1);
  }
  CHECK(nusi::resolve_threads(0) >= 1);
  CHECK(nusi::resolve_threads(8, 3) == 3);
  CHECK(nusi::resolve_threads(5, 0) == 1);
}

TEST_CASE("parallel_for rethrows the exception of the lowest failing job, whatever the thread count") {
  for (std::size_t threads : {1u, 2u, 3u}) {
    CAPTURE(threads);
    CHECK_THROWS_WITH_AS(nusi::parallel_for(100, threads,
                                            [](std::size_t k) {
                                              if (k == 37 || k == 38 || k == 90) throw std::runtime_error(std::to_string(k));
                                            }),
                         "37", std::runtime_error);
  }
}

TEST_CASE("the scan table is bit-identical on 1, 2 and 3 threads") {
  const auto plan = nusi::default_scan_plan<double>();
  const auto& one = default_table();
  REQUIRE(one.size() == plan.rows());
  REQUIRE(one.size() == 60);  // 3 supernovae x 5 masses x (1 bound + 3 couplings)
  for (std::size_t threads : {2u, 3u}) {
    CAPTURE(threads);
    const auto many = nusi::run_scan(plan, threads);
    REQUIRE(many.size() == one.size());
    for (std::size_t k = 0; k < one.size(); ++k) {
      CAPTURE(k);
      CHECK(same_row(one[k], many[k]));
    }
    CHECK(csv(plan, one) == csv(plan, many));
  }
}

TEST_CASE("propagation_bound_curve is bit-identical on 1 and 3 threads") {
  const nusi::propagation_setup<double> setup{};
  const auto emission = nusi::pinched_spectrum<double>::paper_default();
  nusi::propagation_bound_options<double> options;
  options.transport.energy.bins = 100;
  const auto serial = nusi::propagation_bound_curve(-6.0, -2.0, 0.5, setup, emission, options);
  options.threads = 3;
  const auto threaded = nusi::propagation_bound_curve(-6.0, -2.0, 0.5, setup, emission, options);
  REQUIRE(serial.size() == 9);
  REQUIRE(threaded.size() == serial.size());
  for (std::size_t k = 0; k < serial.size(); ++k) {
    CAPTURE(k);
    CHECK(same_bits(serial[k].log10_g_bound, threaded[k].log10_g_bound));
    CHECK(same_bits(serial[k].fraction_at_bound, threaded[k].fraction_at_bound));
    CHECK(serial[k].evaluations == threaded[k].evaluations);
  }
}

TEST_CASE("every scan row equals the library function called directly for its supernova, mass and coupling") {
  const auto plan = nusi::default_scan_plan<double>();
  const auto& rows = default_table();
  for (const auto& r : rows) {
    CAPTURE(r.supernova);
    CAPTURE(r.log10_mass_MeV);
    CAPTURE(r.log10_coupling);
    REQUIRE(r.status == nusi::scan_status::ok);
    const auto& sn = plan.supernovae[r.supernova];
    nusi::propagation_setup<double> setup{};
    setup.distance_cm = sn.distance_cm;
    setup.med = {.mass_MeV = std::pow(10.0, r.log10_mass_MeV), .coupling = std::pow(10.0, r.log10_coupling)};
    const auto emission = nusi::pinched_spectrum<double>::from_moments(sn.mean_energy_MeV, sn.mean_square_energy_MeV2);
    const auto core = nusi::core_bound(setup.med.mass_MeV, sn.core);
    if (r.kind == nusi::scan_row_kind::bound) {
      const auto b = nusi::propagation_bound(r.log10_mass_MeV, setup, emission);
      CHECK(same_bits(r.propagation_bound.log10_g_bound, b.log10_g_bound));
      CHECK(same_bits(r.log10_g_core, core.log10_coupling_bound));
    } else {
      const auto F = nusi::fraction_above_threshold(setup, emission);
      CHECK(same_bits(r.fraction.value, F.value));
      CHECK(same_bits(r.fraction.noise_floor, F.noise_floor));
      // N_2to4 = g^8 N_2to4(g = 1) (Eqs. 2-3); the product is rounded once.
      CHECK(r.N_2to4 == doctest::Approx(std::pow(setup.med.coupling, 8) * core.N_2to4_at_g1.value).epsilon(1e-13));
    }
  }
}

TEST_CASE("point verdicts agree with the bounds: excluded above g_prop and g_core, allowed below") {
  const auto& rows = default_table();
  std::size_t compared_propagation = 0, compared_core = 0;
  for (const auto& r : rows) {
    if (r.kind != nusi::scan_row_kind::point) continue;
    // The bound row of the same supernova and mass precedes its points.
    const auto& b = *std::find_if(rows.begin(), rows.end(), [&](const auto& x) {
      return x.kind == nusi::scan_row_kind::bound && x.supernova == r.supernova && x.log10_mass_MeV == r.log10_mass_MeV;
    });
    CAPTURE(r.supernova);
    CAPTURE(r.log10_mass_MeV);
    CAPTURE(r.log10_coupling);
    REQUIRE(b.propagation_bound.found);
    // F falls steeply through the level at g_prop (|d log F/d log10 g| ~ 40): 0.05 dex away the
    // verdict is certain; closer points are not compared.
    const double d = r.log10_coupling - b.propagation_bound.log10_g_bound;
    if (std::abs(d) > 0.05) {
      CHECK(r.propagation_excluded == (d > 0));
      ++compared_propagation;
    }
    // N_2to4 = 1 at g_core exactly (g^8 scaling): N 10^(-8 (g - g_core)) = 1 to rounding of the powers.
    CHECK(r.N_2to4 * std::pow(10.0, -8 * (r.log10_coupling - b.log10_g_core)) == doctest::Approx(1).epsilon(1e-12));
    CHECK(r.core_excluded == (r.log10_coupling >= b.log10_g_core));
    ++compared_core;
  }
  CHECK(compared_propagation >= 30);
  CHECK(compared_core == 45);
}

TEST_CASE("a supernova at 10 kpc has g_prop higher by log10(5)/4 where sigma ~ g^4 (M = 1e-6 MeV)") {
  const auto plan = nusi::default_scan_plan<double>();
  const auto& rows = default_table();
  auto bound_of = [&](std::size_t supernova) {
    for (const auto& r : rows)
      if (r.kind == nusi::scan_row_kind::bound && r.supernova == supernova && r.log10_mass_MeV == -6.0)
        return r.propagation_bound.log10_g_bound;
    return 0.0;
  };
  REQUIRE(plan.supernovae[0].distance_cm == doctest::Approx(5 * plan.supernovae[2].distance_cm).epsilon(1e-15));
  const double shift = std::log10(5.0) / 4;
  // F depends on n g^4 D only; each root is bracketed to 1e-6 dex.
  CHECK(bound_of(2) - bound_of(0) == doctest::Approx(shift).epsilon(3e-6 / shift).scale(0));
}

TEST_CASE("a tabulated core profile in a plan gives the bound of a random walk over that table") {
  std::ostringstream text;
  text << "log10_mass_MeV = -1 2\nlog10_g =\n[supernova tabulated]\ncore_profile_csv = " << NUSI_TEST_DATA_DIR
       << "/power_law_r3.csv\ncore_R_min_km = 15\ncore_R_max_km = 45\n";
  const auto plan = parse(text.str());
  const auto rows = nusi::run_scan(plan, 2);
  REQUIRE(rows.size() == 2);
  const nusi::random_walk walk(nusi::tabulated_profile<double>::from_csv(std::string(NUSI_TEST_DATA_DIR) + "/power_law_r3.csv"),
                               nusi::random_walk_region<double>{nusi::km(15.0), nusi::km(45.0)});
  for (const auto& r : rows) {
    CAPTURE(r.log10_mass_MeV);
    CHECK(same_bits(r.log10_g_core, nusi::core_bound(walk, std::pow(10.0, r.log10_mass_MeV)).log10_coupling_bound));
  }
}

TEST_CASE("a written plan reads back as the same plan and gives the same table") {
  auto plan = nusi::default_scan_plan<double>();
  plan.propagation.relic.nature = nusi::neutrino_nature::dirac;
  plan.propagation_options.transport.energy.bins = 123;
  plan.supernovae[1].core.preset = nusi::neutrino_density_preset::paper_quoted;
  plan.supernovae[1].core.E_cm_convention = nusi::centre_of_mass_convention::isotropic_mean_s;
  plan.propagation.relic.counting = nusi::relic_counting::same_mass_state;
  plan.log10_mass_MeV = {-6.1, -3.123456789012345};
  std::ostringstream os;
  nusi::write_scan_plan(os, plan);
  const auto back = parse(os.str());
  REQUIRE(back.supernovae.size() == plan.supernovae.size());
  CHECK(back.log10_mass_MeV == plan.log10_mass_MeV);
  CHECK(back.log10_coupling == plan.log10_coupling);
  CHECK(back.bounds == plan.bounds);
  CHECK(back.propagation.relic.nature == nusi::neutrino_nature::dirac);
  CHECK(back.propagation.relic.counting == nusi::relic_counting::same_mass_state);
  CHECK(back.propagation.relic.mass_MeV == plan.propagation.relic.mass_MeV);
  CHECK(back.propagation.threshold_MeV == plan.propagation.threshold_MeV);
  CHECK(back.propagation_options.transport.energy.bins == 123);
  for (std::size_t s = 0; s < plan.supernovae.size(); ++s) {
    CAPTURE(s);
    const auto &a = plan.supernovae[s], &b = back.supernovae[s];
    CHECK(a.name == b.name);
    CHECK(a.mean_energy_MeV == b.mean_energy_MeV);
    CHECK(a.mean_square_energy_MeV2 == b.mean_square_energy_MeV2);
    CHECK(a.distance_cm == b.distance_cm);
    CHECK(a.core.R_min_cm == b.core.R_min_cm);
    CHECK(a.core.R_max_cm == b.core.R_max_cm);
    CHECK(a.core.mean_energy_MeV == b.core.mean_energy_MeV);
    CHECK(a.core.preset == b.core.preset);
    CHECK(a.core.E_cm_convention == b.core.E_cm_convention);
  }
  auto small = plan, small_back = back;
  small.log10_coupling = small_back.log10_coupling = {-2.0};
  CHECK(csv(small, nusi::run_scan(small, 2)) == csv(small_back, nusi::run_scan(small_back, 1)));
}

TEST_CASE("plan lists: 'range FROM TO STEP' includes both ends, and no section means the paper's supernova") {
  const auto plan = parse("# comment\nlog10_mass_MeV = range -7 -1.5 0.5   # 12 masses\nlog10_g = -2 -1.5\n");
  REQUIRE(plan.log10_mass_MeV.size() == 12);
  CHECK(plan.log10_mass_MeV.front() == -7.0);
  CHECK(plan.log10_mass_MeV.back() == -1.5);  // -7 + 11 x 0.5, exact in binary
  CHECK(plan.log10_coupling == std::vector<double>{-2.0, -1.5});
  REQUIRE(plan.supernovae.size() == 1);
  CHECK(plan.supernovae[0].name == "paper");
  CHECK(plan.rows() == 12 * 3);
  const auto units = parse("log10_mass_MeV = -3\n[supernova a]\ndistance_kpc = 10\ncore_R_min_km = 30\n");
  CHECK(units.supernovae[0].distance_cm == doctest::Approx(3.0856775814913673e22).epsilon(1e-15));
  CHECK(units.supernovae[0].core.R_min_cm == doctest::Approx(3e6).epsilon(1e-15));
}

TEST_CASE("bad plans are rejected naming the key, the line or the input") {
  using nusi::invalid_argument;
  CHECK_THROWS_WITH_AS(parse("log10_g = -2\n"), doctest::Contains("log10_mass_MeV"), invalid_argument);
  CHECK_THROWS_WITH_AS(parse("log10_mass_MeV =\n"), doctest::Contains("log10_mass_MeV"), invalid_argument);
  CHECK_THROWS_WITH_AS(parse("log10_mass_MeV = -3 -2x\n"), doctest::Contains("test:1: log10_mass_MeV"), invalid_argument);
  CHECK_THROWS_WITH_AS(parse("log10_mass_MeV = range -3 -2 0\n"), doctest::Contains("step"), invalid_argument);
  CHECK_THROWS_WITH_AS(parse("log10_mass_MeV = range -2 -3 0.1\n"), doctest::Contains("FROM"), invalid_argument);
  CHECK_THROWS_WITH_AS(parse("log10_mass_MeV = range -3 -2\n"), doctest::Contains("FROM TO STEP"), invalid_argument);
  CHECK_THROWS_WITH_AS(parse("log10_mass_MeV = -3\nfoo = 1\n"), doctest::Contains("test:2: unknown key 'foo'"), invalid_argument);
  CHECK_THROWS_WITH_AS(parse("log10_mass_MeV = -3\n[supernova a]\nenergy_bins = 100\n"),
                       doctest::Contains("energy_bins"), invalid_argument);
  CHECK_THROWS_WITH_AS(parse("log10_mass_MeV = -3\nenergy_bins = 3\n"), doctest::Contains("energy_bins"), invalid_argument);
  CHECK_THROWS_WITH_AS(parse("log10_mass_MeV = -3\nbounds = yes\n"), doctest::Contains("bounds"), invalid_argument);
  CHECK_THROWS_WITH_AS(parse("log10_mass_MeV = -3\n[galaxy a]\n"), doctest::Contains("supernova NAME"), invalid_argument);
  CHECK_THROWS_WITH_AS(parse("log10_mass_MeV = -3\n[supernova a,b]\n"), doctest::Contains("name"), invalid_argument);
  CHECK_THROWS_WITH_AS(parse("log10_mass_MeV = -3\n[supernova a]\ncore_preset = hot\n"), doctest::Contains("core_preset"),
                       invalid_argument);
  CHECK_THROWS_WITH_AS(parse("log10_mass_MeV = -3\njust words\n"), doctest::Contains("key = value"), invalid_argument);
  CHECK_THROWS_WITH_AS(parse("log10_mass_MeV = -3\nrelic_counting = some\n"), doctest::Contains("relic_counting"),
                       invalid_argument);
  CHECK_THROWS_WITH_AS(parse("log10_mass_MeV = -3\n[supernova a]\ncore_E_cm = cold\n"), doctest::Contains("core_E_cm"),
                       invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::read_scan_plan_file<double>("/no/such/plan.txt"), doctest::Contains("/no/such/plan.txt"),
                       invalid_argument);

  // Plans that parse but cannot run: scan_runner names the member.
  auto runner = [](const std::string& text) { return nusi::scan_runner<double>(parse(text)); };
  CHECK_THROWS_WITH_AS(runner("log10_mass_MeV = -3\n[supernova a]\n[supernova a]\n"), doctest::Contains("twice"),
                       invalid_argument);
  CHECK_THROWS_WITH_AS(runner("log10_mass_MeV = -3\n[supernova a]\nmean_square_energy_MeV2 = 200\n"),
                       doctest::Contains("mean_square_energy_MeV2"), invalid_argument);
  CHECK_THROWS_WITH_AS(runner("log10_mass_MeV = -3\n[supernova a]\ndistance_kpc = -1\n"), doctest::Contains("distance_cm"),
                       invalid_argument);
  CHECK_THROWS_WITH_AS(runner("log10_mass_MeV = -3\n[supernova a]\ncore_R_min_km = 50\n"), doctest::Contains("R_min_cm"),
                       invalid_argument);
  CHECK_THROWS_WITH_AS(runner("log10_mass_MeV = -3\n[supernova a]\ncore_profile_csv = /no/such.csv\n"),
                       doctest::Contains("core_profile_csv"), invalid_argument);
  CHECK_THROWS_WITH_AS(runner("log10_mass_MeV = -3\nthreshold_MeV = 500\n"), doctest::Contains("threshold_MeV"),
                       invalid_argument);
  CHECK_THROWS_WITH_AS(runner("log10_mass_MeV = -3\nlevel = 1\n"), doctest::Contains("exclusion_level"), invalid_argument);
  CHECK_THROWS_WITH_AS(runner("log10_mass_MeV = 20\n"), doctest::Contains("log10_mass_MeV"), invalid_argument);
  CHECK_THROWS_WITH_AS(runner("log10_mass_MeV = -3\nlog10_g = -40\n"), doctest::Contains("log10_coupling"), invalid_argument);
  CHECK_THROWS_WITH_AS(runner("log10_mass_MeV = -3\nbounds = false\n"), doctest::Contains("log10_coupling"), invalid_argument);
  const nusi::scan_runner<double> ok(parse("log10_mass_MeV = -3\n"));
  CHECK_THROWS_WITH_AS(ok.skeleton(1), doctest::Contains("jobs()"), invalid_argument);
}

TEST_CASE("a row packed for MPI transfer unpacks to the same row") {
  const auto plan = nusi::default_scan_plan<double>();
  const nusi::scan_runner<double> runner(plan);
  const auto& rows = default_table();
  for (std::size_t k = 0; k < rows.size(); ++k) {
    CAPTURE(k);
    double packed[nusi::detail::scan_packed_size];
    nusi::detail::pack_scan_row(rows[k], packed);
    auto back = runner.skeleton(k);
    nusi::detail::unpack_scan_row(packed, back);
    CHECK(same_row(back, rows[k]));
  }
  auto failed = runner.skeleton(0);
  failed.status = nusi::scan_status::numerical_error;
  double packed[nusi::detail::scan_packed_size];
  nusi::detail::pack_scan_row(failed, packed);
  auto back = runner.skeleton(0);
  nusi::detail::unpack_scan_row(packed, back);
  CHECK(same_row(back, failed));
  CHECK(csv(plan, {failed}).find(",numerical_error\n") != std::string::npos);
}

TEST_CASE("scan_shares deals every job to exactly one worker, bound rows and point rows evenly") {
  const nusi::scan_runner<double> runner(nusi::default_scan_plan<double>());  // 15 bound, 45 point rows
  for (std::size_t parts : {1u, 2u, 3u, 4u, 7u}) {
    CAPTURE(parts);
    const auto shares = nusi::scan_shares(runner, parts);
    REQUIRE(shares.size() == parts);
    std::vector<int> owners(runner.jobs(), 0);
    std::size_t min_bounds = runner.jobs(), max_bounds = 0, min_rows = runner.jobs(), max_rows = 0;
    for (const auto& s : shares) {
      CHECK(std::is_sorted(s.begin(), s.end()));
      std::size_t bounds = 0;
      for (std::size_t k : s) {
        ++owners[k];
        bounds += runner.skeleton(k).kind == nusi::scan_row_kind::bound;
      }
      min_bounds = std::min(min_bounds, bounds);
      max_bounds = std::max(max_bounds, bounds);
      min_rows = std::min(min_rows, s.size());
      max_rows = std::max(max_rows, s.size());
    }
    for (int o : owners) CHECK(o == 1);
    CHECK(max_bounds - min_bounds <= 1);
    CHECK(max_rows - min_rows <= 1);
  }
  CHECK_THROWS_WITH_AS(nusi::scan_shares(runner, 0), doctest::Contains("parts"), nusi::invalid_argument);
}

}  // namespace nusi_test_scan
