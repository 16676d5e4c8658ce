// SPDX-License-Identifier: MIT
// transport/mass_state_halves.hpp: the mass-state operator held as partner halves against the kernel's species blocks
// (the same operator in another basis): its entries from the kernel's, its products and resolvent solves to rounding,
// the F and budgets of the transport, the differences of a kind-symmetric source exactly zero, the same bits on any
// thread count, and the refusals.
#include <algorithm>
#include <cmath>
#include <complex>
#include <cstring>
#include <mutex>
#include <span>
#include <vector>

#include <doctest/doctest.h>

#include <nusi/transport/mass_state_halves.hpp>
#include <nusi/transport/mass_state_propagate.hpp>

#include "mass_state_support.hpp"

namespace nusi_test_mass_state_halves {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

namespace {
using emission_t = nusi::flavour_emission<double, nusi::pinched_spectrum<double>>;
using complex = std::complex<double>;

struct case_t {
  bool thermal;
  nusi::neutrino_nature nature;
  nusi::kernel_scope scope;
};

nusi::mass_state_model<double> model_of(const case_t& c) {
  auto s = nusi_test::near_bound_mass_states(c.thermal);
  s.interaction.nature = c.nature;
  return nusi::mass_state_model<double>(s);
}

// Largest |a - b| over the largest |b| of a vector of values (complex or real).
template <class T>
double relative_distance(const std::vector<T>& a, const std::vector<T>& b) {
  double difference = 0, size = 0;
  for (std::size_t c = 0; c < a.size(); ++c) {
    difference = std::max(difference, std::abs(a[c] - b[c]));
    size = std::max(size, std::abs(b[c]));
  }
  return difference / size;
}
}  // namespace

TEST_CASE("mass-state halves: the operator's products and resolvent solves are the kernel's to rounding") {
  for (const case_t c : {case_t{false, nusi::neutrino_nature::majorana, nusi::kernel_scope::full},
                         case_t{true, nusi::neutrino_nature::majorana, nusi::kernel_scope::above_threshold},
                         case_t{false, nusi::neutrino_nature::dirac, nusi::kernel_scope::above_threshold},
                         case_t{true, nusi::neutrino_nature::dirac, nusi::kernel_scope::full}}) {
    CAPTURE(c.thermal);
    CAPTURE(static_cast<int>(c.nature));
    CAPTURE(static_cast<int>(c.scope));
    const auto model = model_of(c);
    nusi::energy_grid_options<double> eo;
    eo.bins = 90;
    const auto grid = nusi::make_mass_state_energy_grid(model, eo);
    const nusi::mass_state_kernel<double> kernel(model.scattering(), model.relic(), grid, c.scope);
    const nusi::mass_state_halves_operator<double> op(model.scattering(), model.relic(), grid, c.scope);
    REQUIRE(op.kind_symmetric());
    REQUIRE(op.size() == kernel.size());
    const std::size_t n = kernel.nodes(), S = kernel.species(), H = op.half_species();
    REQUIRE(2 * H == S);
    // The halves from the kernel's entries: the sums' gain from h' into h is the gain of 2h' into both partners of h,
    // the differences' the first minus the second.
    double worst = 0, largest = 0;
    for (std::size_t k = 0; k < n; k += 7)
      for (std::size_t i = k; i < n; i += 5)
        for (std::size_t hp = 0; hp < H; ++hp)
          for (std::size_t h = 0; h < H; ++h) {
            const double same = kernel.gain_per_cm(i, 2 * hp, k, 2 * h), other = kernel.gain_per_cm(i, 2 * hp, k, 2 * h + 1);
            worst = std::max({worst, std::abs(op.half_gain_per_cm(0, i, hp, k, h) - (same + other)),
                              std::abs(op.half_gain_per_cm(1, i, hp, k, h) - (same - other))});
            largest = std::max(largest, same + other);
          }
    REQUIRE(largest > 0);
    CHECK(worst <= 1e-15 * largest);
    // y = A x and (z - A)^-1 x for a source with unequal partners, complex shifts (the contour's) and a real one (odeint's).
    std::vector<double> x(kernel.size()), y_kernel(x.size()), y_halves(x.size());
    for (std::size_t q = 0; q < x.size(); ++q) x[q] = 1.0 + 0.5 * std::sin(double(3 * q + 1));
    kernel.apply(x.data(), y_kernel.data());
    op.apply(x.data(), y_halves.data());
    CHECK(relative_distance(y_halves, y_kernel) < 1e-13);
    const std::vector<complex> shifts{{3e-23, 1e-23}, {-2e-23, 5e-23}, {1e-22, 0.2e-23}, {0.5e-23, 2e-22}, {1e-23, 1e-24}};
    std::vector<complex> z_kernel(x.size() * shifts.size()), z_halves(z_kernel.size());
    kernel.solve_shifted(std::span<const complex>(shifts), x.data(), z_kernel.data());
    op.solve_shifted(std::span<const complex>(shifts), x.data(), z_halves.data());
    CHECK(relative_distance(z_halves, z_kernel) < 1e-12);
    const std::vector<double> real_shift{4e-23};
    std::vector<double> r_kernel(x.size()), r_halves(x.size());
    kernel.solve_shifted(std::span<const double>(real_shift), x.data(), r_kernel.data());
    op.solve_shifted(std::span<const double>(real_shift), x.data(), r_halves.data());
    CHECK(relative_distance(r_halves, r_kernel) < 1e-12);
    // A source with equal partners: the partners' solutions are equal bit for bit (the differences stay zero).
    std::vector<double> even(x.size());
    for (std::size_t k = 0; k < n; ++k)
      for (std::size_t s = 0; s < S; ++s) even[k * S + s] = x[k * S + (s & ~std::size_t(1))];
    op.solve_shifted(std::span<const complex>(shifts), even.data(), z_halves.data());
    bool partners_same = true;
    for (std::size_t k = 0; k < n; ++k)
      for (std::size_t h = 0; h < H; ++h)
        for (std::size_t z = 0; z < shifts.size(); ++z)
          partners_same = partners_same && z_halves[(k * S + 2 * h) * shifts.size() + z] == z_halves[(k * S + 2 * h + 1) * shifts.size() + z];
    CHECK(partners_same);
    kernel.solve_shifted(std::span<const complex>(shifts), even.data(), z_kernel.data());
    CHECK(relative_distance(z_halves, z_kernel) < 1e-12);
  }
}

TEST_CASE("mass-state halves: the resolvent solves on 2, 3 and 4 threads (halves apart, shifts in groups) are the one thread's bit for bit") {
  const auto model = model_of({true, nusi::neutrino_nature::majorana, nusi::kernel_scope::above_threshold});
  nusi::energy_grid_options<double> eo;
  eo.bins = 90;
  const auto grid = nusi::make_mass_state_energy_grid(model, eo);
  const std::vector<complex> shifts{{3e-23, 1e-23}, {-2e-23, 5e-23}, {1e-22, 0.2e-23}, {0.5e-23, 2e-22}, {1e-23, 1e-24}};
  for (const bool kind_halves : {true, false}) {
    CAPTURE(kind_halves);
    const nusi::mass_state_halves_operator<double> op(model.scattering(), model.relic(), grid, nusi::kernel_scope::above_threshold, {}, 1,
                                                      kind_halves);
    REQUIRE(op.kind_symmetric() == kind_halves);
    const std::size_t S = op.kernel().species();
    std::vector<double> unequal(op.size()), equal(op.size());  // partners unequal (both halves), equal (the sums alone)
    for (std::size_t q = 0; q < op.size(); ++q) {
      unequal[q] = 1.0 + 0.5 * std::sin(double(3 * q + 1));
      equal[q] = 1.0 + 0.5 * std::sin(double(3 * (q / S * S + q % S / 2 * 2) + 1));
    }
    for (const auto* rhs : {&unequal, &equal}) {
      std::vector<complex> one(op.size() * shifts.size());
      op.solve_shifted(std::span<const complex>(shifts), rhs->data(), one.data());
      for (const std::size_t threads : {2u, 3u, 4u}) {
        CAPTURE(threads);
        std::vector<complex> many(one.size(), complex(7, 7));
        op.solve_shifted(std::span<const complex>(shifts), rhs->data(), many.data(), threads);
        CHECK(std::memcmp(one.data(), many.data(), one.size() * sizeof(complex)) == 0);
      }
    }
  }
}

TEST_CASE("mass-state halves: F by flavour and the budgets of the transport match the species' solve, the same bits on 1 and 2 threads") {
  const std::vector<emission_t> emission{{nusi::flavour::e, true, nusi::pinched_spectrum<double>::paper_default(), 1.0},
                                         {nusi::flavour::mu, false, nusi::pinched_spectrum<double>::paper_default(), 0.5}};
  for (const bool thermal : {false, true})
    for (const auto nature : {nusi::neutrino_nature::majorana, nusi::neutrino_nature::dirac}) {
      CAPTURE(thermal);
      CAPTURE(static_cast<int>(nature));
      const auto model = model_of({thermal, nature, nusi::kernel_scope::full});
      nusi::transport_options<double> o;
      o.energy.bins = 100;
      nusi::mass_state_kernel_options<double> species, halves;
      species.kind_halves = false;
      const auto a = nusi::propagate_mass_states<double, nusi::pinched_spectrum<double>>(model, emission, o, species);
      const auto b = nusi::propagate_mass_states<double, nusi::pinched_spectrum<double>>(model, emission, o, halves);
      REQUIRE(a.mean_scatterings > 0.05);
      for (std::size_t f = 0; f < 3; ++f) {
        CAPTURE(f);
        CHECK(std::abs(b.fractions.by_flavour[f].value - a.fractions.by_flavour[f].value) <= a.fractions.by_flavour[f].noise_floor);
      }
      CHECK(std::abs(b.mean_scatterings - a.mean_scatterings) <= 1e-12 * a.mean_scatterings);
      CHECK(std::abs(b.number_budget_relative_error()) < 1e-12);
      CHECK(std::abs(b.energy_budget_relative_error()) < 1e-12);
      const auto F1 = nusi::mass_state_fractions_above_threshold<double, nusi::pinched_spectrum<double>>(model, emission, o, halves);
      o.threads = 2;
      const auto F2 = nusi::mass_state_fractions_above_threshold<double, nusi::pinched_spectrum<double>>(model, emission, o, halves);
      CHECK(std::memcmp(&F1.detected.value, &F2.detected.value, sizeof(double)) == 0);
      for (std::size_t f = 0; f < 3; ++f) CHECK(std::memcmp(&F1.by_flavour[f].value, &F2.by_flavour[f].value, sizeof(double)) == 0);
    }
}

TEST_CASE("mass-state halves: asked not to, the operator keeps the kernel's blocks and solves with them bit for bit") {
  const auto model = model_of({false, nusi::neutrino_nature::majorana, nusi::kernel_scope::above_threshold});
  nusi::energy_grid_options<double> eo;
  eo.bins = 60;
  const auto grid = nusi::make_mass_state_energy_grid(model, eo);
  const nusi::mass_state_kernel<double> kernel(model.scattering(), model.relic(), grid, nusi::kernel_scope::above_threshold);
  const nusi::mass_state_halves_operator<double> op(model.scattering(), model.relic(), grid, nusi::kernel_scope::above_threshold, {}, 1, false);
  CHECK_FALSE(op.kind_symmetric());
  CHECK(op.kernel().stores_blocks());
  std::vector<double> x(kernel.size(), 1.0);
  const std::vector<complex> shifts{{1e-22, 3e-23}};
  std::vector<complex> a(x.size()), b(x.size());
  kernel.solve_shifted(std::span<const complex>(shifts), x.data(), a.data());
  op.solve_shifted(std::span<const complex>(shifts), x.data(), b.data());
  CHECK(std::memcmp(a.data(), b.data(), a.size() * sizeof(complex)) == 0);
  CHECK_THROWS_WITH_AS(op.half_gain_per_cm(0, 1, 0, 0, 0), doctest::Contains("kind_symmetric()"), nusi::invalid_argument);
  const nusi::mass_state_halves_operator<double> halves(model.scattering(), model.relic(), grid, nusi::kernel_scope::above_threshold);
  REQUIRE(halves.kind_symmetric());
  CHECK_THROWS_WITH_AS(halves.half_gain_per_cm(2, 1, 0, 0, 0), doctest::Contains("half"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(halves.half_gain_per_cm(0, 0, 0, 1, 0), doctest::Contains("i"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(halves.half_gain_per_cm(0, 1, 3, 0, 0), doctest::Contains("half_species()"), nusi::invalid_argument);
  const std::vector<complex> bad{{std::nan(""), 0.0}};
  CHECK_THROWS_AS(halves.solve_shifted(std::span<const complex>(bad), x.data(), b.data()), nusi::invalid_argument);
}

namespace {
// Keeps the partner halves a sink receives (mass_state_block_sink::takes_kind_halves) by (source, destination).
struct recording_half_sink final : nusi::mass_state_block_sink<double> {
  std::size_t n = 0, H = 0;
  std::vector<double> plus, minus, sums;
  std::vector<int> delivered;
  bool symmetric = true, blocks_received = false, sums_given = false, handed = false;
  std::mutex mutex;
  // Block (i -> k) at k * n + i of plus and minus; in place the kernel writes it there (offset[k] + i - k).
  bool in_place = false, keep_minus = true;
  std::vector<std::size_t> offset;
  bool takes_kind_halves() const override { return true; }
  halves_storage halves_in_place() override {
    if (!in_place) return {};
    offset.resize(n);
    for (std::size_t k = 0; k < n; ++k) offset[k] = k * n + k;  // (i -> k) at k * n + i
    return {offset.data(), plus.data(), keep_minus ? minus.data() : nullptr};
  }
  void receive(std::size_t, std::size_t, std::size_t, const double*, const double*) override { blocks_received = true; }
  void receive_halves(std::size_t i0, std::size_t sources, std::size_t stride, const double* p, const double* m, bool run_symmetric,
                      const double* column_sums) override {
    const std::lock_guard<std::mutex> lock(mutex);
    symmetric = symmetric && run_symmetric;
    sums_given = column_sums != nullptr;
    handed = p != nullptr || m != nullptr;
    const std::size_t HH = H * H, C = nusi::mass_state_kernel<double>::source_run, S = 2 * H;
    for (std::size_t r = 0; r < sources; ++r) {
      const std::size_t i = i0 + r;
      ++delivered[i];
      for (std::size_t k = 0; k <= i; ++k) {
        if (!in_place) {
          std::copy_n(p + (k * C + r) * HH, HH, plus.data() + (k * n + i) * HH);
          std::copy_n(m + (k * C + r) * HH, HH, minus.data() + (k * n + i) * HH);
        }
        if (column_sums)
          for (std::size_t sp = 0; sp < S; ++sp) sums[(i * n + k) * S + sp] = column_sums[r * S * stride + sp * (i + 1) + k];
      }
    }
  }
};
}  // namespace

TEST_CASE("mass-state halves: a sink that takes halves receives (or has written in place) kind_half_block of the stored kernel's blocks, bit for bit, on any thread count") {
  // Handed over run by run; written in place; in place without the differences.
  for (const int delivery : {0, 1, 2})
  for (const auto nature : {nusi::neutrino_nature::majorana, nusi::neutrino_nature::dirac})
    for (const auto scope : {nusi::kernel_scope::full, nusi::kernel_scope::above_threshold})
      for (const std::size_t threads : {1u, 2u}) {
        CAPTURE(delivery);
        CAPTURE(static_cast<int>(nature));
        CAPTURE(static_cast<int>(scope));
        CAPTURE(threads);
        const auto model = model_of({false, nature, scope});
        nusi::energy_grid_options<double> eo;
        eo.bins = 45;  // tracked nodes not a multiple of the runs of source nodes
        const auto grid = nusi::make_mass_state_energy_grid(model, eo);
        const nusi::mass_state_kernel<double> stored(model.scattering(), model.relic(), grid, scope);
        recording_half_sink sink;
        const std::size_t n = stored.nodes(), S = stored.species(), H = S / 2, HH = H * H;
        sink.n = n;
        sink.H = H;
        sink.plus.assign(n * n * HH, -1.0);
        sink.minus = sink.plus;
        sink.sums.assign(n * n * S, -1.0);
        sink.delivered.assign(n, 0);
        sink.in_place = delivery > 0;
        sink.keep_minus = delivery < 2;
        const nusi::mass_state_kernel<double> sunk(model.scattering(), model.relic(), grid, scope, {}, threads, sink);
        CHECK(sink.handed == !sink.in_place);
        CHECK(sink.symmetric);
        CHECK_FALSE(sink.blocks_received);
        CHECK(sink.sums_given == (scope == nusi::kernel_scope::full));
        CHECK(std::all_of(sink.delivered.begin(), sink.delivered.end(), [](int c) { return c == 1; }));
        std::size_t differing = 0;
        std::vector<double> plus(HH), minus(HH);
        for (std::size_t i = 0; i < n; ++i)
          for (std::size_t k = 0; k <= i; ++k) {
            const double* B = stored.gain_block_per_cm(i, k);
            REQUIRE(nusi::detail::kind_half_block<0>(B, H, plus.data(), minus.data()));
            if (std::memcmp(plus.data(), sink.plus.data() + (k * n + i) * HH, HH * sizeof(double)) != 0) ++differing;
            if (sink.keep_minus && std::memcmp(minus.data(), sink.minus.data() + (k * n + i) * HH, HH * sizeof(double)) != 0) ++differing;
            if (scope == nusi::kernel_scope::full) differing += nusi_test::column_sums_differing(B, S, sink.sums.data() + (i * n + k) * S);
          }
        CHECK(differing == 0);
        if (!sink.keep_minus)  // the differences' storage untouched
          CHECK(std::all_of(sink.minus.begin(), sink.minus.end(), [](double v) { return v == -1.0; }));
      }
}

TEST_CASE("mass-state halves: a block whose partners differ is reported, and kind_half_block refuses it") {
  // A six-species block with kind symmetry, then one entry moved off its partner's value by 1e-12 relative.
  std::vector<double> B(36);
  for (std::size_t sp = 0; sp < 6; ++sp)
    for (std::size_t s = 0; s < 6; ++s) {
      const std::size_t hp = sp / 2, h = s / 2;
      const bool same_kind = (sp % 2) == (s % 2);
      B[sp * 6 + s] = 0.1 * double(hp + 1) + 0.01 * double(h + 1) + (same_kind ? 0.5 : 0.0);
    }
  std::vector<double> plus(9), minus(9);
  CHECK(nusi::detail::kind_half_block<3>(B.data(), 3, plus.data(), minus.data()));
  CHECK(plus[1 * 3 + 2] == doctest::Approx(B[2 * 6 + 4] + B[2 * 6 + 5]).epsilon(1e-15));
  CHECK(minus[1 * 3 + 2] == doctest::Approx(B[2 * 6 + 4] - B[2 * 6 + 5]).epsilon(1e-15));
  B[3 * 6 + 5] *= 1 + 1e-12;  // 2h' + 1 -> 2h + 1 of h' = 1, h = 2: no longer the partner of 2 -> 4
  CHECK_FALSE(nusi::detail::kind_half_block<3>(B.data(), 3, plus.data(), minus.data()));
  CHECK_FALSE(nusi::detail::kind_half_block<0>(B.data(), 3, plus.data(), minus.data()));
}

}  // namespace nusi_test_mass_state_halves
